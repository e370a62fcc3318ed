package io.mongonats.connector.pipeline;

import io.mongonats.connector.config.ConnectorSettings;

import java.time.Duration;

/** The tuning a worker runs with, taken from the configuration once. */
public record WorkerSettings(int batchSize, Duration maxAwaitTime, int maxInFlight, Duration ackTimeout,
                             Duration retryInitialBackoff, Duration retryMaxBackoff, Duration checkpointInterval,
                             int snapshotChunkSize) {

    public static WorkerSettings from(ConnectorSettings config) {
        return new WorkerSettings(config.mongo().batchSize(), config.mongo().maxAwaitTime(),
                config.publish().maxInFlight(), config.publish().ackTimeout(),
                config.publish().retryInitialBackoff(), config.publish().retryMaxBackoff(),
                config.checkpoint().interval(), config.snapshot().chunkSize());
    }
}
