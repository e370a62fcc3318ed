package io.mongonats.connector.lease;

import java.util.concurrent.Future;

/** What runs while this replica holds a collection's lease. The lease keeper starts it and stops it. */
public interface LeasedWorker {

    /** Starts on a thread the worker owns; runs once. The future completes when the worker has stopped. */
    Future<?> start();

    /** Graceful stop: no new reads, in-flight publishes drained, position checkpointed; then the future completes. */
    void stop();

    /** Stops publishing at once, without a checkpoint: the lease is gone or about to be. */
    void halt(String why);

    /** True once it stopped because a later holder of its lease published to its stream: the lease is gone. */
    boolean takenOver();

    /** True once it stopped by policy (bad data, a refused position): starting it again would fail the same way. */
    boolean failed();
}
