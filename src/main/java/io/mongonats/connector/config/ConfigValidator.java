package io.mongonats.connector.config;

import io.mongonats.connector.config.ConnectorSettings.Checkpoint;
import io.mongonats.connector.config.ConnectorSettings.Health;
import io.mongonats.connector.config.ConnectorSettings.Lease;
import io.mongonats.connector.config.ConnectorSettings.Mongo;
import io.mongonats.connector.config.ConnectorSettings.Nats;
import io.mongonats.connector.config.ConnectorSettings.Publish;
import io.mongonats.connector.config.ConnectorSettings.Retention;
import io.mongonats.connector.config.ConnectorSettings.Shutdown;
import io.mongonats.connector.config.ConnectorSettings.Snapshot;
import io.mongonats.connector.config.ConnectorSettings.Storage;
import io.mongonats.connector.config.ConnectorSettings.Stream;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the whole configuration before any connection opens and converts it into {@link ConnectorSettings},
 * reporting every problem at once: an empty or malformed value is reported beside the cross-field rules.
 */
public final class ConfigValidator {

    private static final Pattern BUCKET_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Duration MIN_TAKEOVER_AFTER = Duration.ofMillis(200);

    private final Problems problems = new Problems();

    private ConfigValidator() {
    }

    /** Returns the typed settings, or throws {@link ConfigValidationException} with every problem found. */
    public static ConnectorSettings validate(ConnectorConfig config) {
        return new ConfigValidator().settings(config);
    }

    private ConnectorSettings settings(ConnectorConfig config) {
        Mongo mongo = mongo(config.mongo());
        Nats nats = new NatsValidator(problems).validate(config.nats());
        Stream stream = stream(config.stream());
        Publish publish = publish(config.publish());
        Lease lease = lease(config.lease());
        Checkpoint checkpoint = new Checkpoint(bucket("connector.checkpoint.bucket", config.checkpoint().bucket()),
                problems.positiveDuration("connector.checkpoint.interval", config.checkpoint().interval()));
        Shutdown shutdown = new Shutdown(
                problems.positiveDuration("connector.shutdown.timeout", config.shutdown().timeout()));
        Health health = new Health(
                problems.positiveDuration("connector.health.stall-timeout", config.health().stallTimeout()));
        Snapshot snapshot = new Snapshot(
                problems.whole("connector.snapshot.chunk-size", config.snapshot().chunkSize(), 1, 100_000));
        CollectionResolver collectionResolver = new CollectionResolver(problems);
        List<CollectionSpec> collections = collectionResolver.resolve(config.collections());
        ConnectorSettings.Discovery discovery = new DatabaseResolver(problems, collectionResolver)
                .resolve(config.databases(), config.collections(), config.discovery());
        SinkValidator.Result sinks = SinkValidator.check(config.sinks(), mongo.uri() == null ? "" : mongo.uri());
        sinks.problems().forEach(problem -> problems.add(problem.key(), problem.message()));
        if (config.collections().isEmpty() && config.databases().isEmpty() && config.sinks().isEmpty()) {
            problems.add("connector.collections", "no collection is configured; set at least "
                    + "connector.collections[0].database and connector.collections[0].collection, "
                    + "or a whole database with connector.databases[0].name (or, for a replica that only applies "
                    + "read models, connector.sinks[0].stream)");
        }
        problems.throwIfAny();
        Optional<String> replicaId = config.replicaId().map(String::strip).filter(id -> !id.isEmpty());
        return new ConnectorSettings(replicaId, mongo, nats, stream, publish, checkpoint, lease, shutdown, health,
                snapshot, collections, discovery, sinks.sinks());
    }

    private Mongo mongo(ConnectorConfig.Mongo mongo) {
        String uri = problems.required("connector.mongo.uri", mongo.uri(),
                "a MongoDB connection string such as mongodb://127.0.0.1:27017");
        if (uri != null && !uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
            problems.add("connector.mongo.uri", "must be a MongoDB connection string starting with mongodb:// or "
                    + "mongodb+srv://, got '" + Secrets.maskUri(uri) + "'");
        }
        return new Mongo(uri, problems.whole("connector.mongo.batch-size", mongo.batchSize(), 1, Integer.MAX_VALUE),
                problems.positiveDuration("connector.mongo.max-await-time", mongo.maxAwaitTime()));
    }

    private Stream stream(ConnectorConfig.Stream stream) {
        Storage storage = problems.choice("connector.stream.storage", stream.storage(), Storage.class);
        Retention retention = retention(stream.retention());
        int replicas = problems.whole("connector.stream.replicas", stream.replicas(), 1, 5);
        Duration duplicateWindow = problems.positiveDuration("connector.stream.duplicate-window", stream.duplicateWindow());
        Duration maxAge = problems.duration("connector.stream.max-age", stream.maxAge());
        if (maxAge != null && maxAge.isNegative()) {
            problems.add("connector.stream.max-age", "must be 0 (no limit) or a positive duration, got "
                    + stream.maxAge().orElseThrow().strip());
        }
        return new Stream(storage, retention, replicas, duplicateWindow, maxAge);
    }

    private Retention retention(Optional<String> value) {
        String retention = problems.required("connector.stream.retention", value, "limits");
        if (retention != null && !retention.equalsIgnoreCase("limits")) {
            problems.add("connector.stream.retention", "'" + retention + "' is not supported: interest and workqueue "
                    + "retention let consumers remove the stream's last message, which the connector reads to resume "
                    + "without publishing anything twice; use limits (with max-age) and durable consumers");
        }
        return Retention.LIMITS;
    }

    private Publish publish(ConnectorConfig.Publish publish) {
        int maxInFlight = problems.whole("connector.publish.max-in-flight", publish.maxInFlight(), 1, 100_000);
        Duration ackTimeout = problems.positiveDuration("connector.publish.ack-timeout", publish.ackTimeout());
        Duration initialBackoff = problems.positiveDuration("connector.publish.retry-initial-backoff",
                publish.retryInitialBackoff());
        Duration maxBackoff = problems.positiveDuration("connector.publish.retry-max-backoff", publish.retryMaxBackoff());
        if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add("connector.publish.retry-max-backoff",
                    "must not be shorter than connector.publish.retry-initial-backoff");
        }
        return new Publish(maxInFlight, ackTimeout, initialBackoff, maxBackoff);
    }

    private Lease lease(ConnectorConfig.Lease lease) {
        String bucket = bucket("connector.lease.bucket", lease.bucket());
        String membersBucket = bucket("connector.lease.members-bucket", lease.membersBucket());
        Duration ttl = problems.duration("connector.lease.ttl", lease.ttl());
        Duration renewDeadline = problems.duration("connector.lease.renew-deadline", lease.renewDeadline());
        Duration renewInterval = problems.positiveDuration("connector.lease.renew-interval", lease.renewInterval());
        if (ttl != null && renewDeadline != null && renewInterval != null
                && (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(renewDeadline) <= 0
                || renewDeadline.compareTo(renewInterval.multipliedBy(2)) < 0)) {
            problems.add("connector.lease", "timings must satisfy ttl > renew-deadline >= 2 x renew-interval and "
                    + "ttl >= 1s (a holder retries renewal at least twice before it gives up, and gives up before the "
                    + "key expires); got ttl=" + text(lease.ttl()) + ", renew-deadline=" + text(lease.renewDeadline())
                    + ", renew-interval=" + text(lease.renewInterval()) + "; for example 10s, 6s, 2s");
        }
        Duration takeoverAfter = problems.positiveDuration("connector.lease.takeover-after", lease.takeoverAfter());
        if (takeoverAfter != null && renewDeadline != null
                && (takeoverAfter.compareTo(MIN_TAKEOVER_AFTER) < 0 || takeoverAfter.compareTo(renewDeadline) >= 0)) {
            problems.add("connector.lease.takeover-after", "must be at least " + MIN_TAKEOVER_AFTER.toMillis()
                    + "ms and shorter than connector.lease.renew-deadline (replicas heartbeat every takeover-after / 4; "
                    + "a holder not heard for takeover-after is taken over before its lease expires); got "
                    + "takeover-after=" + text(lease.takeoverAfter()) + ", renew-deadline=" + text(lease.renewDeadline())
                    + "; for example 1s");
        }
        return new Lease(bucket, membersBucket, ttl, renewDeadline, renewInterval, takeoverAfter);
    }

    private String bucket(String key, Optional<String> value) {
        String bucket = problems.required(key, value, "a bucket name of letters, digits, - and _");
        if (bucket != null && !BUCKET_NAME.matcher(bucket).matches()) {
            problems.add(key, "'" + bucket + "' is not a valid bucket name; use letters, digits, - and _");
        }
        return bucket;
    }

    private static String text(Optional<String> value) {
        return value.orElseThrow().strip();
    }
}
