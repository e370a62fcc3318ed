package io.mongonats.connector.metrics;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseKeeper;
import io.mongonats.connector.lease.LeaseKeeper.LeaseView;
import io.mongonats.connector.status.WorkerStatus;

import java.time.Clock;
import java.util.List;

/** Gauges read from the lease loop's view of each collection. */
public final class ConnectorGauges {

    private ConnectorGauges() {
    }

    public static void register(ConnectorMetrics metrics, List<CollectionSpec> specs, LeaseKeeper keeper, Clock clock) {
        for (CollectionSpec spec : specs) {
            String key = spec.key();
            metrics.gauge("cdc.collection.held", "1 while this replica holds the collection's lease", key, keeper,
                    k -> view(k, key).held() ? 1 : 0);
            metrics.gauge("cdc.collection.streaming", "1 while this replica streams the collection", key, keeper,
                    k -> status(k, key) != null && status(k, key).state() == WorkerStatus.State.STREAMING ? 1 : 0);
            metrics.gauge("cdc.unacknowledged.events", "Published changes awaiting their acknowledgement", key, keeper,
                    k -> status(k, key) == null ? 0 : status(k, key).inFlight());
            metrics.gauge("cdc.checkpoint.age.seconds", "Seconds since the checkpoint was last written (0 when not held)",
                    key, keeper, k -> {
                        WorkerStatus status = status(k, key);
                        return status == null || status.lastCheckpointMillis() < 0 ? 0
                                : (clock.millis() - status.lastCheckpointMillis()) / 1000.0;
                    });
            metrics.gauge("cdc.lag.seconds", "Seconds from a change in MongoDB to its acknowledgement, last published change",
                    key, metrics, m -> m.lagSeconds(key));
        }
    }

    private static LeaseView view(LeaseKeeper keeper, String key) {
        return keeper.views().getOrDefault(key, new LeaseView(null, false, 0, null));
    }

    private static WorkerStatus status(LeaseKeeper keeper, String key) {
        LeaseView view = keeper.views().get(key);
        return view == null || view.worker() == null ? null : view.worker().status();
    }
}
