package io.mongonats.connector.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls a condition until it holds or a deadline passes. The only place in the test support code
 * that pauses between checks.
 *
 * <p>An {@link Exception} from the probe means "not yet": the last one is attached to the failure.
 * An {@link Error} (including {@link AssertionError}) aborts the wait at once, so a probe can fail
 * fast, for example when the process it waits for has died.
 */
public final class Await {

    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Await() {
    }

    /** Waits until {@code condition} returns true. */
    public static void until(Duration timeout, String description, Callable<Boolean> condition) {
        untilValue(timeout, description, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
    }

    /** Waits until {@code probe} returns a non-null value and returns it. */
    public static <T> T untilValue(Duration timeout, String description, Callable<T> probe) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long pause = MIN_PAUSE_NANOS;
        Exception last = null;
        while (true) {
            try {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + description, e);
            } catch (Exception e) {
                last = e;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                String reason = last == null ? "" : " (last failure: " + last + ")";
                AssertionError failure = new AssertionError("Timed out after " + timeout + " waiting for: "
                        + description + reason);
                if (last != null) {
                    failure.initCause(last);
                }
                throw failure;
            }
            LockSupport.parkNanos(Math.min(pause, deadline - now));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + description);
            }
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }
}
