package io.mongonats.connector.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One read model with every default resolved: a stream applied to a MongoDB collection through a durable consumer
 * that every replica shares.
 *
 * @param filterSubject     empty: the whole stream
 * @param mongoUri          may hold credentials: {@link #toString()} masks it
 * @param deadLetterStream  the stream that captures {@code deadLetterSubject}, created by the sink when missing
 */
public record SinkSpec(
        String stream,
        Optional<String> filterSubject,
        String consumer,
        String mongoUri,
        String database,
        String collection,
        int batchSize,
        int maxAckPending,
        int maxDeliver,
        Duration ackWait,
        String versionField,
        Duration tombstoneTtl,
        boolean tombstones,
        String deadLetterSubject,
        String deadLetterStream) {

    /** The sink's name in thread names, metrics and health details: its consumer, unique among the sinks. */
    public String name() {
        return consumer;
    }

    public String namespace() {
        return database + "." + collection;
    }

    @Override
    public String toString() {
        return "SinkSpec[" + stream + filterSubject.map(f -> " (" + f + ")").orElse("") + " -> " + namespace()
                + " on " + Secrets.maskUri(mongoUri) + ", consumer " + consumer + "]";
    }
}
