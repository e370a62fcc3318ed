package io.mongonats.connector.pipeline;

import java.util.concurrent.CompletableFuture;

/** Whether the sink's connection is up, so that workers pause while it is down instead of retrying hot. */
public interface SinkAvailability {

    SinkAvailability ALWAYS = () -> CompletableFuture.completedFuture(null);

    /** Completes when the connection is up: at once while it is. */
    CompletableFuture<Void> up();
}
