package io.mongonats.connector.pipeline;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker's stop request, set by other threads and read by the worker's: a graceful stop, or a halt with its
 * reason. Pauses end early when it is set.
 */
final class StopSignal {

    private final CompletableFuture<Void> requested = new CompletableFuture<>();
    private volatile String haltReason;
    private volatile boolean takenOver;

    void requestStop() {
        requested.complete(null);
    }

    void halt(String why) {
        if (haltReason == null) {
            haltReason = why;
        }
        requested.complete(null);
    }

    /** Halts because a later holder of the lease has published: this worker's lease is gone for good. */
    void takenOver(String why) {
        takenOver = true;
        halt(why);
    }

    boolean takenOver() {
        return takenOver;
    }

    boolean requested() {
        return requested.isDone();
    }

    boolean halted() {
        return haltReason != null;
    }

    String haltReason() {
        return haltReason;
    }

    /** Waits for the duration, or less when a stop is requested meanwhile. */
    void pause(Duration duration) throws InterruptedException {
        await(requested, duration);
    }

    /** Waits until {@code condition} completes or a stop is requested, at most {@code timeout}. */
    void awaitEither(CompletableFuture<?> condition, Duration timeout) throws InterruptedException {
        await(CompletableFuture.anyOf(condition, requested), timeout);
    }

    private static void await(CompletableFuture<?> future, Duration timeout) throws InterruptedException {
        try {
            future.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException ignored) {
            // Time is up, or the condition failed: the caller looks again.
        }
    }
}
