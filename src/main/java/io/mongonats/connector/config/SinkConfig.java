package io.mongonats.connector.config;

import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** One read model, {@code connector.sinks[i]}: a stream applied to a MongoDB collection (see readmodel). */
public interface SinkConfig {
    /** The stream to apply; one this connector writes. */
    String stream();

    /** Only the subjects matching this filter; the whole stream by default. */
    Optional<String> filterSubject();

    /** Durable consumer shared by every replica; defaults to {@code <stream>_to_<database>_<collection>}. */
    Optional<String> consumer();

    /** Where the target collection lives; defaults to connector.mongo.uri. May hold credentials. */
    Optional<String> mongoUri();

    String database();

    String collection();

    @WithDefault("500")
    int batchSize();

    @WithDefault("5000")
    int maxAckPending();

    /** Deliveries of a message MongoDB rejects before it is dead-lettered. */
    @WithDefault("5")
    int maxDeliver();

    /** How long a fetched message stays with a replica before JetStream gives it to another. */
    @WithDefault("30s")
    Duration ackWait();

    /** The target documents' field holding the stream sequence they reflect. */
    @WithDefault("_cdc")
    String versionField();

    @WithDefault("24h")
    Duration tombstoneTtl();

    /** false deletes documents outright: only for one applier with max-ack-pending 1. */
    @WithDefault("true")
    boolean tombstones();

    /** Where messages that cannot be applied go; outside the source stream. */
    Optional<String> deadLetterSubject();
}
