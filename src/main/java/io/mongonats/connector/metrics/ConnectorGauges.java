package io.mongonats.connector.metrics;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.status.CollectionStatus;
import io.mongonats.connector.status.StatusBoard;
import io.mongonats.connector.status.WorkerStatus;

import java.time.Clock;
import java.util.List;

/**
 * Gauges read from the status board's snapshot of each collection. Registering a collection's gauges again changes
 * nothing (the registry keeps the first), so collections can be added as they are discovered.
 */
public final class ConnectorGauges {

    private static final List<String> GAUGES = List.of(MeterNames.COLLECTION_HELD, MeterNames.COLLECTION_STREAMING,
            MeterNames.UNACKNOWLEDGED, MeterNames.CHECKPOINT_AGE, MeterNames.SNAPSHOT_REMAINING, MeterNames.LAG);

    private ConnectorGauges() {
    }

    public static void register(ConnectorMetrics metrics, List<CollectionSpec> specs, StatusBoard board, Clock clock) {
        for (CollectionSpec spec : specs) {
            String key = spec.key();
            metrics.gauge(MeterNames.COLLECTION_HELD, "1 while this replica holds the collection's lease", key, board,
                    b -> held(b, key) ? 1 : 0);
            metrics.gauge(MeterNames.COLLECTION_STREAMING, "1 while this replica streams the collection", key, board,
                    b -> worker(b, key) != null && worker(b, key).state() == WorkerStatus.State.STREAMING ? 1 : 0);
            metrics.gauge(MeterNames.UNACKNOWLEDGED, "Published changes awaiting their acknowledgement", key, board,
                    b -> worker(b, key) == null ? 0 : worker(b, key).inFlight());
            metrics.gauge(MeterNames.CHECKPOINT_AGE, "Seconds since the checkpoint was last written (0 when not held)",
                    key, board, b -> {
                        WorkerStatus status = worker(b, key);
                        return status == null || status.lastCheckpointMillis() < 0 ? 0
                                : (clock.millis() - status.lastCheckpointMillis()) / 1000.0;
                    });
            metrics.gauge(MeterNames.SNAPSHOT_REMAINING, "Documents a running snapshot has still to publish (estimated)",
                    key, board, b -> {
                        WorkerStatus status = worker(b, key);
                        return status == null || status.snapshot() == null || status.snapshot().completed() ? 0
                                : Math.max(0, status.snapshot().total() - status.snapshot().count());
                    });
            metrics.gauge(MeterNames.LAG, "Seconds from a change in MongoDB to its acknowledgement, last published change",
                    key, metrics, m -> m.lagSeconds(key));
        }
    }

    /** Removes the gauges of a collection that is no longer watched (a dropped one). */
    public static void unregister(ConnectorMetrics metrics, String key) {
        metrics.removeGauges(key, GAUGES);
    }

    private static boolean held(StatusBoard board, String key) {
        CollectionStatus status = board.collection(key);
        return status != null && status.held();
    }

    private static WorkerStatus worker(StatusBoard board, String key) {
        CollectionStatus status = board.collection(key);
        return status == null || !status.held() ? null : status.worker();
    }
}
