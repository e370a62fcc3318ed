package io.mongonats.connector.lease;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Runs rounds on one thread it owns: each round returns how long to wait before the next, and a wake-up runs one
 * at once instead (wake-ups arriving while one is queued share it). Rounds stop while {@code active} is false, or
 * once the thread is interrupted; on shutdown the next scheduled round is dropped, tasks already due still run.
 */
final class RoundLoop {

    private final ScheduledExecutorService executor;
    private final LongSupplier round;
    private final BooleanSupplier active;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private ScheduledFuture<?> next;

    /** @param round runs one round and returns the wait before the next one, in nanoseconds */
    RoundLoop(String threadName, LongSupplier round, BooleanSupplier active) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name(threadName).daemon(true).factory());
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = executor;
        this.round = round;
        this.active = active;
    }

    /** Runs a round soon. Safe from any thread; does nothing once shut down. */
    void wake() {
        if (active.getAsBoolean() && wakeQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    wakeQueued.set(false);
                    runRound();
                });
            } catch (RejectedExecutionException e) {
                wakeQueued.set(false);
            }
        }
    }

    /** Runs a round at once on the loop's thread, then a task, and gives the task's answer. */
    <T> Future<T> roundThen(Callable<T> task) {
        return executor.submit(() -> {
            runRound();
            return task.call();
        });
    }

    /** Runs a task on the loop's thread after whatever is running, with no more rounds after it. */
    Future<?> finish(Runnable task) {
        Future<?> finishing = executor.submit(() -> {
            cancelNext();
            task.run();
        });
        executor.shutdown();
        return finishing;
    }

    /** Shuts the thread down without running anything more. */
    void shutdown() {
        executor.shutdown();
    }

    /** Waits for a round in progress to end after {@link #shutdown()}; the thread is interrupted after the timeout. */
    void awaitTermination(Duration timeout) throws InterruptedException {
        if (!executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            executor.shutdownNow();
        }
    }

    private void runRound() {
        if (!active.getAsBoolean()) {
            return;
        }
        cancelNext();
        long waitNanos = round.getAsLong();
        if (!Thread.currentThread().isInterrupted() && active.getAsBoolean()) {
            try {
                next = executor.schedule(this::runRound, waitNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                next = null; // shutting down: the task that finishes the loop is queued already
            }
        }
    }

    private void cancelNext() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }
}
