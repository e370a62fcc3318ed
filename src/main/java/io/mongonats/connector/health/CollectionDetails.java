package io.mongonats.connector.health;

import io.mongonats.connector.lease.LeaseKeeper;
import io.mongonats.connector.status.WorkerStatus;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** Adds one line per collection: held or standby, the worker's state and why, last event time and lag. */
final class CollectionDetails {

    private CollectionDetails() {
    }

    static void add(HealthCheckResponseBuilder builder, LeaseKeeper keeper, long nowMillis) {
        for (LeaseKeeper.LeaseView view : keeper.views().values()) {
            builder.withData(view.spec().namespace(), describe(view, nowMillis));
        }
    }

    private static String describe(LeaseKeeper.LeaseView view, long nowMillis) {
        if (!view.held() || view.worker() == null) {
            return "standby";
        }
        WorkerStatus status = view.worker().status();
        StringBuilder text = new StringBuilder("held (epoch ").append(view.epoch()).append("), ")
                .append(status.state().name().toLowerCase());
        if (status.reason() != null && status.state() != WorkerStatus.State.STREAMING) {
            text.append(": ").append(status.reason());
        }
        text.append(", published ").append(status.publishedCount());
        if (status.lastEventMillis() > 0) {
            text.append(", last event ").append(java.time.Instant.ofEpochMilli(status.lastEventMillis()));
        }
        if (status.lastPublishedMillis() > 0 && status.lastEventMillis() > 0) {
            text.append(", lag ").append(Math.max(0, status.lastPublishedMillis() - status.lastEventMillis())).append(" ms");
        }
        return text.toString();
    }
}
