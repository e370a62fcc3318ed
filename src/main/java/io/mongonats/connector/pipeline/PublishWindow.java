package io.mongonats.connector.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;

/**
 * The ordered window of published, not yet acknowledged messages of one collection. Each entry expects the
 * sequence after its predecessor's; an acknowledgement that says otherwise, or none within the ack timeout, is
 * {@link OutOfStepException}. Used by one thread.
 */
final class PublishWindow {

    /**
     * A publish awaiting its acknowledgement, and where the stream stands once it is stored; {@code readNanos} is
     * when its change came in from the source, {@code sentNanos} when it was published.
     */
    record InFlight(EventSink.PendingAck ack, AckedPosition after, String operationType, long readNanos,
                    long sentNanos, long eventTimeMillis) {
    }

    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final int capacity;
    private final long ackTimeoutNanos;

    PublishWindow(int capacity, Duration ackTimeout) {
        this.capacity = capacity;
        this.ackTimeoutNanos = ackTimeout.toNanos();
    }

    boolean isFull() {
        return inFlight.size() >= capacity;
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    int size() {
        return inFlight.size();
    }

    void add(InFlight entry) {
        inFlight.add(entry);
    }

    /** True when the oldest entry's acknowledgement arrived or is overdue, so settling it will not wait. */
    boolean headReady(long nowNanos) {
        InFlight head = inFlight.peek();
        return head != null && (head.ack().isDone() || nowNanos - head.sentNanos() > ackTimeoutNanos);
    }

    /** Waits for the oldest entry's acknowledgement within the ack timeout and removes it. */
    InFlight settleHead() throws OutOfStepException, SinkException, InterruptedException {
        InFlight head = inFlight.peek();
        long expected = head.after().sequence();
        long remaining = ackTimeoutNanos - (System.nanoTime() - head.sentNanos());
        long stored;
        try {
            stored = head.ack().await(Math.max(0, remaining));
        } catch (TimeoutException e) {
            throw new OutOfStepException("no acknowledgement within " + Duration.ofNanos(ackTimeoutNanos)
                    + " for the message at stream sequence " + expected);
        }
        if (stored != expected) {
            throw new OutOfStepException("acknowledged at sequence " + stored + " instead of " + expected);
        }
        return inFlight.poll();
    }

    /** After a failure: waits a bounded time for stragglers so that the stream's tail is settled, ignoring errors. */
    void abandon(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (InFlight pending : inFlight) {
            try {
                pending.ack().await(Math.max(0, deadline - System.nanoTime()));
            } catch (OutOfStepException | SinkException | TimeoutException ignored) {
                // Its fate is read back from the stream's tail.
            }
        }
        inFlight.clear();
    }
}
