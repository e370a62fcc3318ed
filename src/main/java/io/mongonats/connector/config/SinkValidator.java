package io.mongonats.connector.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks {@code connector.sinks[i]} and resolves each sink's defaults; every problem names its key. */
public final class SinkValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SUBJECT_TOKEN = Pattern.compile("[A-Za-z0-9_$=-]+");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final int MAX_BATCH = 10_000;

    /** The resolved sinks, meaningful only when {@code problems} is empty. */
    public record Result(List<SinkSpec> sinks, List<ConfigProblem> problems) {
    }

    private final List<ConfigProblem> problems = new ArrayList<>();

    private SinkValidator() {
    }

    public static Result check(List<SinkConfig> configured, String defaultUri) {
        SinkValidator validator = new SinkValidator();
        List<SinkSpec> sinks = validator.resolve(configured, defaultUri);
        return new Result(sinks, List.copyOf(validator.problems));
    }

    private List<SinkSpec> resolve(List<SinkConfig> sinks, String defaultUri) {
        List<SinkSpec> specs = new ArrayList<>();
        Map<String, String> consumers = new HashMap<>();
        Map<String, String> targets = new HashMap<>();
        for (int i = 0; i < sinks.size(); i++) {
            String key = "connector.sinks[" + i + "]";
            SinkConfig sink = sinks.get(i);
            String stream = sink.stream().strip();
            name(key + ".stream", stream, "stream");
            sink.filterSubject().ifPresent(filter -> {
                if (!subject(filter, true)) {
                    problem(key + ".filter-subject", "'" + filter + "' is not a subject filter; use dot-separated tokens, "
                            + "* for one token and a final > for the rest, for example shop.orders.>");
                }
            });
            String database = sink.database().strip();
            String collection = sink.collection().strip();
            if (!database.matches("[^/\\\\. \"$*<>:|?]+")) {
                problem(key + ".database", "'" + database + "' is not a valid MongoDB database name");
            }
            if (collection.isEmpty() || collection.contains("$") || collection.startsWith("system.")) {
                problem(key + ".collection", "'" + collection + "' is not a writable collection name");
            }
            String consumer = sink.consumer().map(String::strip)
                    .orElse((stream + "_to_" + database + "_" + collection).replaceAll("[^A-Za-z0-9_-]", "_"));
            name(key + ".consumer", consumer, "durable consumer");
            String uri = sink.mongoUri().map(String::strip).orElse(defaultUri);
            checkUri(key + ".mongo-uri", uri);
            int batchSize = sink.batchSize();
            if (batchSize < 1 || batchSize > MAX_BATCH) {
                problem(key + ".batch-size", "must be between 1 and " + MAX_BATCH + ", got " + batchSize);
            }
            if (sink.maxAckPending() < 1) {
                problem(key + ".max-ack-pending", "must be positive, for example 5000, got " + sink.maxAckPending());
            }
            if (sink.maxDeliver() < 1) {
                problem(key + ".max-deliver", "must be positive, for example 5, got " + sink.maxDeliver());
            }
            atLeastASecond(key + ".ack-wait", sink.ackWait());
            atLeastASecond(key + ".tombstone-ttl", sink.tombstoneTtl());
            String versionField = sink.versionField().strip();
            if (!FIELD.matcher(versionField).matches() || versionField.equals("_id")) {
                problem(key + ".version-field", "'" + versionField + "' is not a top-level field name; use letters, "
                        + "digits, _ and - (not _id, no dots, not starting with $), for example _cdc");
            }
            if (!sink.tombstones() && sink.maxAckPending() != 1) {
                problem(key + ".tombstones", "false needs max-ack-pending 1 (one change in flight, so in order): without "
                        + "tombstones a late older change could bring a deleted document back; got max-ack-pending "
                        + sink.maxAckPending());
            }
            String deadLetter = sink.deadLetterSubject().map(String::strip).orElse(consumer + ".dead-letter");
            if (!subject(deadLetter, false)) {
                problem(key + ".dead-letter-subject", "'" + deadLetter + "' is not a subject; use dot-separated tokens "
                        + "of letters, digits, -, _ without wildcards");
            }
            unique(key + ".consumer", consumers, consumer, "consumer '" + consumer + "'",
                    "give each sink a consumer name of its own");
            unique(key, targets, Secrets.maskUri(uri) + "/" + database + "." + collection,
                    "target " + database + "." + collection, "one sink per target collection: sequences of "
                            + "different streams or consumers cannot be compared");
            specs.add(new SinkSpec(stream, sink.filterSubject().map(String::strip), consumer, uri, database, collection,
                    batchSize, sink.maxAckPending(), sink.maxDeliver(), sink.ackWait(), versionField,
                    sink.tombstoneTtl(), sink.tombstones(), deadLetter, consumer + "_dead_letter"));
        }
        return specs;
    }

    private void checkUri(String key, String uri) {
        if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
            problem(key, "must be a MongoDB connection string starting with mongodb:// or mongodb+srv://, got '"
                    + Secrets.maskUri(uri) + "'");
        }
    }

    private void name(String key, String value, String what) {
        if (!NAME.matcher(value).matches()) {
            problem(key, "'" + value + "' is not a valid " + what + " name; use letters, digits, - and _");
        }
    }

    private static boolean subject(String subject, boolean wildcards) {
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            boolean wildcard = token.equals("*") || (token.equals(">") && i == tokens.length - 1);
            if (!(wildcards && wildcard) && !SUBJECT_TOKEN.matcher(token).matches()) {
                return false;
            }
        }
        return true;
    }

    private void atLeastASecond(String key, Duration value) {
        if (value.compareTo(Duration.ofSeconds(1)) < 0) {
            problem(key, "must be at least 1s, for example 30s, got " + value);
        }
    }

    private void unique(String key, Map<String, String> seen, String value, String what, String why) {
        String first = seen.putIfAbsent(value, key);
        if (first != null) {
            problem(key, what + " is already used by " + first + "; " + why);
        }
    }

    private void problem(String key, String message) {
        problems.add(new ConfigProblem(key, message));
    }
}
