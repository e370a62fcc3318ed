package io.mongonats.connector.config;

import io.mongonats.connector.config.CollectionSpec.BeforeChangeMode;
import io.mongonats.connector.config.CollectionSpec.FullDocumentMode;
import io.mongonats.connector.config.CollectionSpec.LostPositionPolicy;
import io.mongonats.connector.config.CollectionSpec.OversizedPolicy;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves {@code connector.collections[i]} into {@link CollectionSpec}s: names and their defaults, the options of
 * {@link ConnectorConfig.CollectionOptions} (read in {@link #options}, the one place a new option is added, also for
 * {@code connector.databases[i]}), and the names that must differ between collections.
 */
final class CollectionResolver {

    private static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SUBJECT_TOKEN = Pattern.compile("[A-Za-z0-9_$=-]+");
    static final Pattern DATABASE_NAME = Pattern.compile("[^/\\\\. \"$*<>:|?]+");

    private final Problems problems;
    private final Map<String, String> streams = new HashMap<>();
    private final Map<String, String> namespaces = new HashMap<>();
    private final Map<String, String> prefixes = new HashMap<>();

    CollectionResolver(Problems problems) {
        this.problems = problems;
    }

    List<CollectionSpec> resolve(List<ConnectorConfig.Collection> collections) {
        List<CollectionSpec> specs = new ArrayList<>();
        for (int i = 0; i < collections.size(); i++) {
            spec("connector.collections[" + i + "]", collections.get(i)).ifPresent(specs::add);
        }
        return specs;
    }

    /** Empty when the database or collection is missing: names derived from them would only add noise. */
    private Optional<CollectionSpec> spec(String key, ConnectorConfig.Collection c) {
        String database = problems.required(key + ".database", c.database(), "a MongoDB database name such as shop");
        String collection = problems.required(key + ".collection", c.collection(),
                "the name of a collection in that database such as orders");
        Names names = database == null || collection == null ? null : names(key, database, collection, c);
        CollectionSpec spec = options(key, c, database, collection, names == null ? Names.NONE : names);
        return names == null ? Optional.empty() : Optional.of(spec);
    }

    /**
     * Reads and checks the options under {@code key} and applies them to a collection's names: the one place an
     * option is read, for a listed collection and for a database's defaults (whose names come later).
     */
    CollectionSpec options(String key, ConnectorConfig.CollectionOptions c, String database, String collection,
                           Names names) {
        FullDocumentMode fullDocument = problems.choice(key + ".full-document", c.fullDocument(), FullDocumentMode.class);
        BeforeChangeMode beforeChange = problems.choice(key + ".full-document-before-change",
                c.fullDocumentBeforeChange(), BeforeChangeMode.class);
        List<String> pipeline = pipeline(key + ".pipeline", c.pipeline());
        OversizedPolicy onOversized = problems.choice(key + ".on-oversized", c.onOversized(), OversizedPolicy.class);
        LostPositionPolicy onLostPosition = problems.choice(key + ".on-lost-position", c.onLostPosition(),
                LostPositionPolicy.class);
        SnapshotMode snapshot = problems.choice(key + ".snapshot", c.snapshot(), SnapshotMode.class);
        MessageFormat format = MessageFormatResolver.resolve(problems, key, c);
        if (format.kind() == MessageFormat.Kind.OUTBOX) {
            snapshot = SnapshotMode.NEVER; // an outbox's events are published in insertion order, never from a snapshot
        }
        return new CollectionSpec(database, collection, names.stream(), names.prefix(), fullDocument,
                beforeChange, pipeline, onOversized, names.deadLetter(), onLostPosition, snapshot, format);
    }

    /** The names a collection publishes under; {@link #NONE} where they are not known (yet). */
    record Names(String stream, String prefix, String deadLetter) {
        static final Names NONE = new Names(null, null, null);
    }

    private Names names(String key, String database, String collection, ConnectorConfig.Collection c) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            problems.add(key + ".database", "'" + database + "' is not a valid MongoDB database name");
        }
        if (collection.contains("$") || collection.startsWith("system.")) {
            problems.add(key + ".collection", "'" + collection + "' is not a watchable collection name");
        }
        String stream = c.stream().map(String::strip).orElse(sanitize(database + "_" + collection));
        if (!STREAM_NAME.matcher(stream).matches()) {
            problems.add(key + ".stream", "'" + stream + "' is not a valid stream name; use letters, digits, - and _");
        }
        String prefix = c.subjectPrefix().map(String::strip).orElse(database + "." + collection);
        if (!validSubject(prefix)) {
            problems.add(key + ".subject-prefix", "'" + prefix + "' is not a valid subject prefix; use dot-separated "
                    + "tokens of letters, digits, -, _ without wildcards (set it explicitly when the names contain others)");
        }
        unique(key + ".stream", streams, stream, "stream '" + stream + "'",
                "each collection needs a stream of its own: its publishes are fenced on the stream's last sequence");
        unique(key, namespaces, database + "." + collection, "collection " + database + "." + collection,
                "list each collection once");
        unique(key + ".subject-prefix", prefixes, prefix, "subject prefix '" + prefix + "'",
                "subject prefixes must differ so that streams do not overlap");
        String deadLetter = c.deadLetterSubject().map(String::strip).orElse(prefix + ".dead-letter");
        if (!deadLetter.startsWith(prefix + ".") || !validSubject(deadLetter)) {
            problems.add(key + ".dead-letter-subject", "'" + deadLetter + "' must be a subject under the prefix '"
                    + prefix + ".' so that dead-letter records stay in order in the collection's stream");
        }
        return new Names(stream, prefix, deadLetter);
    }

    private List<String> pipeline(String key, Optional<String> json) {
        if (json.isEmpty() || json.get().isBlank()) {
            return List.of();
        }
        List<String> stages = new ArrayList<>();
        try {
            for (BsonValue stage : BsonArray.parse(json.get())) {
                BsonDocument document = stage.asDocument();
                if (document.size() != 1 || !document.containsKey("$match")) {
                    throw new IllegalArgumentException("not a $match stage: " + document.toJson());
                }
                stages.add(document.toJson());
            }
        } catch (RuntimeException e) {
            problems.add(key, "must be a JSON array of $match stages, for example "
                    + "[{\"$match\": {\"operationType\": {\"$in\": [\"insert\", \"update\"]}}}]");
        }
        return stages;
    }

    private void unique(String key, Map<String, String> seen, String value, String what, String why) {
        String first = seen.putIfAbsent(value, key);
        if (first != null) {
            problems.add(key, what + " is already used by " + first + "; " + why);
        }
    }

    private static boolean validSubject(String subject) {
        for (String token : subject.split("\\.", -1)) {
            if (!SUBJECT_TOKEN.matcher(token).matches()) {
                return false;
            }
        }
        return true;
    }

    static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
