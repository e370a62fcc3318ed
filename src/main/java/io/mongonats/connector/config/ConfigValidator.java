package io.mongonats.connector.config;

import io.mongonats.connector.config.CollectionSpec.BeforeChangeMode;
import io.mongonats.connector.config.CollectionSpec.FullDocumentMode;
import io.mongonats.connector.config.CollectionSpec.LostPositionPolicy;
import io.mongonats.connector.config.CollectionSpec.OversizedPolicy;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks the whole configuration before any connection opens and resolves each collection's defaults. */
public final class ConfigValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SUBJECT_TOKEN = Pattern.compile("[A-Za-z0-9_$=-]+");
    private static final Set<String> NATS_SCHEMES = Set.of("nats", "tls", "ws", "wss");

    private final List<ConfigProblem> problems = new ArrayList<>();

    private ConfigValidator() {
    }

    /** Returns the resolved collections, or throws with every problem found. */
    public static List<CollectionSpec> validate(ConnectorConfig config) {
        ConfigValidator validator = new ConfigValidator();
        validator.checkMongo(config.mongo());
        validator.checkNats(config.nats());
        validator.checkStream(config.stream());
        validator.checkPublish(config.publish());
        validator.checkLease(config.lease(), config.checkpoint(), config.shutdown());
        validator.positive("connector.health.stall-timeout", config.health().stallTimeout());
        List<CollectionSpec> specs = validator.resolveCollections(config.collections(), !config.sinks().isEmpty());
        validator.problems.addAll(SinkValidator.check(config).problems());
        if (!validator.problems.isEmpty()) {
            throw new ConfigValidationException(validator.problems);
        }
        return specs;
    }

    private void checkMongo(ConnectorConfig.Mongo mongo) {
        String uri = mongo.uri();
        if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
            problem("connector.mongo.uri", "must be a MongoDB connection string starting with mongodb:// or "
                    + "mongodb+srv://, got '" + Secrets.maskUri(uri) + "'");
        }
        positive("connector.mongo.batch-size", mongo.batchSize(), "a batch size such as 1000");
        positive("connector.mongo.max-await-time", mongo.maxAwaitTime());
    }

    private void checkNats(ConnectorConfig.Nats nats) {
        if (nats.servers().isEmpty()) {
            problem("connector.nats.servers", "is empty; expected comma-separated URLs such as nats://127.0.0.1:4222");
        }
        for (String server : nats.servers()) {
            checkNatsUrl(server.strip());
        }
        int methods = 0;
        if (nats.credentialsFile().isPresent()) {
            methods++;
            readable("connector.nats.credentials-file", nats.credentialsFile().get());
        }
        if (nats.nkeySeedFile().isPresent()) {
            methods++;
            readable("connector.nats.nkey-seed-file", nats.nkeySeedFile().get());
        }
        if (nats.token().isPresent()) {
            methods++;
        }
        if (nats.user().isPresent() || nats.password().isPresent()) {
            methods++;
            if (nats.user().isEmpty() || nats.password().isEmpty()) {
                problem("connector.nats.user", "connector.nats.user and connector.nats.password must be set together");
            }
        }
        if (methods > 1) {
            problem("connector.nats", "sets more than one way to authenticate; choose one of credentials-file, "
                    + "nkey-seed-file, token, or user with password");
        }
        ConnectorConfig.Tls tls = nats.tls();
        tls.truststorePath().ifPresent(path -> readable("connector.nats.tls.truststore-path", path));
        tls.keystorePath().ifPresent(path -> readable("connector.nats.tls.keystore-path", path));
        if (tls.keystorePassword().isPresent() && tls.keystorePath().isEmpty()) {
            problem("connector.nats.tls.keystore-password", "is set without connector.nats.tls.keystore-path");
        }
        if (tls.truststorePassword().isPresent() && tls.truststorePath().isEmpty()) {
            problem("connector.nats.tls.truststore-password", "is set without connector.nats.tls.truststore-path");
        }
        positive("connector.nats.connect-timeout", nats.connectTimeout());
        positive("connector.nats.request-timeout", nats.requestTimeout());
    }

    private void checkNatsUrl(String server) {
        try {
            URI uri = new URI(server);
            if (uri.getScheme() == null || !NATS_SCHEMES.contains(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (Exception e) {
            problem("connector.nats.servers", "'" + Secrets.maskUri(server)
                    + "' is not a NATS URL; expected nats://host:port (or tls://, ws://, wss://)");
        }
    }

    private void checkStream(ConnectorConfig.Stream stream) {
        oneOf("connector.stream.storage", stream.storage(), Set.of("file", "memory"));
        if (!stream.retention().equals("limits")) {
            problem("connector.stream.retention", "'" + stream.retention() + "' is not supported: interest and workqueue "
                    + "retention let consumers remove the stream's last message, which the connector reads to resume "
                    + "without publishing anything twice; use limits (with max-age) and durable consumers");
        }
        if (stream.replicas() < 1 || stream.replicas() > 5) {
            problem("connector.stream.replicas", "must be between 1 and 5, got " + stream.replicas());
        }
        positive("connector.stream.duplicate-window", stream.duplicateWindow());
        if (stream.maxAge().isNegative()) {
            problem("connector.stream.max-age", "must be 0 (no limit) or a positive duration, got " + stream.maxAge());
        }
    }

    private void checkPublish(ConnectorConfig.Publish publish) {
        if (publish.maxInFlight() < 1 || publish.maxInFlight() > 100_000) {
            problem("connector.publish.max-in-flight", "must be between 1 and 100000, got " + publish.maxInFlight());
        }
        positive("connector.publish.ack-timeout", publish.ackTimeout());
        positive("connector.publish.retry-initial-backoff", publish.retryInitialBackoff());
        if (publish.retryMaxBackoff().compareTo(publish.retryInitialBackoff()) < 0) {
            problem("connector.publish.retry-max-backoff", "must not be shorter than connector.publish.retry-initial-backoff");
        }
    }

    private void checkLease(ConnectorConfig.Lease lease, ConnectorConfig.Checkpoint checkpoint,
                            ConnectorConfig.Shutdown shutdown) {
        bucketName("connector.lease.bucket", lease.bucket());
        bucketName("connector.lease.members-bucket", lease.membersBucket());
        bucketName("connector.checkpoint.bucket", checkpoint.bucket());
        positive("connector.checkpoint.interval", checkpoint.interval());
        positive("connector.shutdown.timeout", shutdown.timeout());
        positive("connector.lease.renew-interval", lease.renewInterval());
        if (lease.ttl().compareTo(Duration.ofSeconds(1)) < 0
                || lease.ttl().compareTo(lease.renewDeadline()) <= 0
                || lease.renewDeadline().compareTo(lease.renewInterval().multipliedBy(2)) < 0) {
            problem("connector.lease", "timings must satisfy ttl > renew-deadline >= 2 x renew-interval and ttl >= 1s "
                    + "(a holder retries renewal at least twice before it gives up, and gives up before the key "
                    + "expires); got ttl=" + lease.ttl() + ", renew-deadline=" + lease.renewDeadline()
                    + ", renew-interval=" + lease.renewInterval() + "; for example 10s, 6s, 2s");
        }
    }

    private List<CollectionSpec> resolveCollections(List<ConnectorConfig.Collection> collections, boolean hasSinks) {
        if (collections.isEmpty() && !hasSinks) {
            problem("connector.collections", "no collection is configured; set at least connector.collections[0].database "
                    + "and connector.collections[0].collection (or a sink, connector.sinks[0].stream, .database, .collection)");
        }
        List<CollectionSpec> specs = new ArrayList<>();
        Map<String, String> streams = new HashMap<>();
        Map<String, String> namespaces = new HashMap<>();
        Map<String, String> prefixes = new HashMap<>();
        for (int i = 0; i < collections.size(); i++) {
            String key = "connector.collections[" + i + "]";
            ConnectorConfig.Collection c = collections.get(i);
            String database = c.database().strip();
            String collection = c.collection().strip();
            if (!database.matches("[^/\\\\. \"$*<>:|?]+")) {
                problem(key + ".database", "'" + database + "' is not a valid MongoDB database name");
            }
            if (collection.isEmpty() || collection.contains("$") || collection.startsWith("system.")) {
                problem(key + ".collection", "'" + collection + "' is not a watchable collection name");
            }
            String stream = c.stream().orElse(sanitize(database + "_" + collection));
            if (!NAME.matcher(stream).matches()) {
                problem(key + ".stream", "'" + stream + "' is not a valid stream name; use letters, digits, - and _");
            }
            String prefix = c.subjectPrefix().orElse(database + "." + collection);
            if (!validSubject(prefix)) {
                problem(key + ".subject-prefix", "'" + prefix + "' is not a valid subject prefix; use dot-separated tokens "
                        + "of letters, digits, -, _ without wildcards (set it explicitly when the names contain others)");
            }
            unique(key + ".stream", streams, stream, "stream '" + stream + "'",
                    "each collection needs a stream of its own: its publishes are fenced on the stream's last sequence");
            unique(key, namespaces, database + "." + collection, "collection " + database + "." + collection,
                    "list each collection once");
            unique(key + ".subject-prefix", prefixes, prefix, "subject prefix '" + prefix + "'",
                    "subject prefixes must differ so that streams do not overlap");
            String deadLetter = c.deadLetterSubject().orElse(prefix + ".dead-letter");
            if (!deadLetter.startsWith(prefix + ".") || !validSubject(deadLetter)) {
                problem(key + ".dead-letter-subject", "'" + deadLetter + "' must be a subject under the prefix '"
                        + prefix + ".' so that dead-letter records stay in order in the collection's stream");
            }
            specs.add(new CollectionSpec(database, collection, stream, prefix,
                    enumValue(key + ".full-document", c.fullDocument(), FullDocumentMode.class),
                    enumValue(key + ".full-document-before-change", c.fullDocumentBeforeChange(), BeforeChangeMode.class),
                    pipeline(key + ".pipeline", c.pipeline()),
                    enumValue(key + ".on-oversized", c.onOversized(), OversizedPolicy.class),
                    deadLetter,
                    enumValue(key + ".on-lost-position", c.onLostPosition(), LostPositionPolicy.class)));
        }
        return specs;
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
                    throw new IllegalArgumentException();
                }
                stages.add(document.toJson());
            }
        } catch (RuntimeException e) {
            problem(key, "must be a JSON array of $match stages, for example "
                    + "[{\"$match\": {\"operationType\": {\"$in\": [\"insert\", \"update\"]}}}]");
        }
        return stages;
    }

    private <E extends Enum<E>> E enumValue(String key, String value, Class<E> type) {
        String wanted = value.strip().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String name = constant.name().replace("_", "").toLowerCase(Locale.ROOT);
            if (name.equals(wanted)) {
                return constant;
            }
            allowed.add(kebab(constant));
        }
        problem(key, "'" + value + "' is not one of " + allowed);
        return type.getEnumConstants()[0];
    }

    private static String kebab(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private void unique(String key, Map<String, String> seen, String value, String what, String why) {
        String first = seen.putIfAbsent(value, key);
        if (first != null) {
            problem(key, what + " is already used by " + first + "; " + why);
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

    private void bucketName(String key, String bucket) {
        if (!NAME.matcher(bucket).matches()) {
            problem(key, "'" + bucket + "' is not a valid bucket name; use letters, digits, - and _");
        }
    }

    private void readable(String key, String path) {
        if (!Files.isReadable(Path.of(path))) {
            problem(key, "file '" + path + "' does not exist or cannot be read");
        }
    }

    private void oneOf(String key, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            problem(key, "'" + value + "' is not one of " + allowed);
        }
    }

    private void positive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            problem(key, "must be a positive duration such as 5s or 500ms, got " + value);
        }
    }

    private void positive(String key, int value, String example) {
        if (value < 1) {
            problem(key, "must be positive, " + example + ", got " + value);
        }
    }

    private void problem(String key, String message) {
        problems.add(new ConfigProblem(key, message));
    }
}
