package io.mongonats.connector.health;

import io.mongonats.connector.status.CollectionStatus;
import io.mongonats.connector.status.WorkerStatus;

import java.time.Instant;
import java.util.Locale;

/** One line per collection: held or standby, the worker's state and why, last event time and lag. */
final class CollectionDetails {

    private CollectionDetails() {
    }

    static String describe(CollectionStatus collection) {
        WorkerStatus status = collection.worker();
        if (!collection.held()) {
            return "standby";
        }
        StringBuilder text = new StringBuilder("held (epoch ").append(collection.epoch()).append(")");
        if (status == null) {
            return text.append(", starting").toString();
        }
        text.append(", ").append(status.state().name().toLowerCase(Locale.ROOT));
        if (status.reason() != null && status.state() != WorkerStatus.State.STREAMING) {
            text.append(": ").append(status.reason());
        }
        if (status.snapshot() != null && !status.snapshot().completed()) {
            text.append(", snapshotting ").append(status.snapshot().describe());
        }
        text.append(", published ").append(status.publishedCount());
        if (status.lastEventMillis() > 0) {
            text.append(", last event ").append(Instant.ofEpochMilli(status.lastEventMillis()));
        }
        if (status.lastPublishedMillis() > 0 && status.lastEventMillis() > 0) {
            text.append(", lag ").append(Math.max(0, status.lastPublishedMillis() - status.lastEventMillis())).append(" ms");
        }
        return text.toString();
    }
}
