package io.mongonats.connector.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The configuration after {@link ConfigValidator} has checked it: converted once into enums, numbers and durations,
 * with every default applied. The rest of the connector reads this, never the text of {@link ConnectorConfig}.
 * The accessors mirror the keys: {@code settings.lease().ttl()} is {@code connector.lease.ttl}.
 *
 * @param replicaId   as configured; the host name stands in when it is empty (resolved by the app)
 * @param collections every listed collection with its defaults resolved, in configuration order
 * @param discovery   whole databases, whose collections are discovered while the connector runs
 */
public record ConnectorSettings(
        Optional<String> replicaId,
        Mongo mongo,
        Nats nats,
        Stream stream,
        Publish publish,
        Checkpoint checkpoint,
        Lease lease,
        Shutdown shutdown,
        Health health,
        Snapshot snapshot,
        List<CollectionSpec> collections,
        Discovery discovery,
        List<SinkSpec> sinks) {

    public ConnectorSettings {
        collections = List.copyOf(collections);
        sinks = List.copyOf(sinks);
    }

    /** @param uri may hold credentials: {@link #toString()} masks them */
    public record Mongo(String uri, int batchSize, Duration maxAwaitTime) {
        @Override
        public String toString() {
            return "Mongo[uri=" + Secrets.maskUri(uri) + ", batchSize=" + batchSize + ", maxAwaitTime=" + maxAwaitTime + "]";
        }
    }

    /** At most one way to authenticate is set; {@link #toString()} hides the token and the password. */
    public record Nats(List<String> servers, Optional<String> credentialsFile, Optional<String> nkeySeedFile,
                       Optional<String> token, Optional<String> user, Optional<String> password, Tls tls,
                       Duration connectTimeout, Duration requestTimeout) {

        public Nats {
            servers = List.copyOf(servers);
        }

        @Override
        public String toString() {
            return "Nats[servers=" + servers.stream().map(Secrets::maskUri).toList()
                    + ", credentialsFile=" + credentialsFile + ", nkeySeedFile=" + nkeySeedFile
                    + ", token=" + hidden(token) + ", user=" + user + ", password=" + hidden(password)
                    + ", tls=" + tls + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
        }
    }

    /** {@link #toString()} hides the passwords. */
    public record Tls(Optional<String> truststorePath, Optional<String> truststorePassword,
                      Optional<String> keystorePath, Optional<String> keystorePassword) {
        @Override
        public String toString() {
            return "Tls[truststorePath=" + truststorePath + ", truststorePassword=" + hidden(truststorePassword)
                    + ", keystorePath=" + keystorePath + ", keystorePassword=" + hidden(keystorePassword) + "]";
        }
    }

    /** How the streams and KV buckets the connector creates are stored. */
    public record Stream(Storage storage, Retention retention, int replicas, Duration duplicateWindow, Duration maxAge) {
    }

    public enum Storage { FILE, MEMORY }

    /** Only limits: a stream must keep its last message, which exactly-once resumption reads. */
    public enum Retention { LIMITS }

    public record Publish(int maxInFlight, Duration ackTimeout, Duration retryInitialBackoff, Duration retryMaxBackoff) {
    }

    public record Checkpoint(String bucket, Duration interval) {
    }

    /** Satisfies ttl > renewDeadline >= 2 x renewInterval, ttl >= 1s and 200ms <= takeoverAfter < renewDeadline. */
    public record Lease(String bucket, String membersBucket, Duration ttl, Duration renewDeadline, Duration renewInterval,
                        Duration takeoverAfter) {
    }

    public record Shutdown(Duration timeout) {
    }

    public record Health(Duration stallTimeout) {
    }

    /** @param chunkSize documents read per chunk: memory holds at most one chunk per collection */
    public record Snapshot(int chunkSize) {
    }

    /** @param interval how often the collections of each database are listed */
    public record Discovery(Duration interval, List<DatabaseSpec> databases) {
        public Discovery {
            databases = List.copyOf(databases);
        }
    }

    private static String hidden(Optional<String> secret) {
        return secret.isPresent() ? "****" : "none";
    }
}
