package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseGrant;
import io.mongonats.connector.pipeline.PublishWindow.InFlight;

import java.time.Clock;

/**
 * Maps and publishes one collection's messages in order, each fenced on its predecessor's sequence, through the
 * window of unacknowledged publishes; keeps where the stream stands once everything published is stored, and
 * where it stands as acknowledged so far. Used by the worker's thread alone.
 */
final class OrderedPublisher<C extends Change> {

    private final CollectionSpec spec;
    private final WorkerPorts<C> ports;
    private final LeaseGrant lease;
    private final WorkerObserver observer;
    private final WorkerState state;
    private final Clock clock;
    private final PublishWindow window;
    private AckedPosition published;
    private AckedPosition acknowledged;

    OrderedPublisher(CollectionSpec spec, WorkerPorts<C> ports, WorkerSettings settings, LeaseGrant lease,
                     WorkerObserver observer, WorkerState state, Clock clock, AckedPosition start) {
        this.spec = spec;
        this.ports = ports;
        this.lease = lease;
        this.observer = observer;
        this.state = state;
        this.clock = clock;
        this.window = new PublishWindow(settings.maxInFlight(), settings.ackTimeout());
        this.published = start;
        this.acknowledged = start;
    }

    /** Where the stream stands as acknowledged: what a checkpoint may record. */
    AckedPosition acknowledged() {
        return acknowledged;
    }

    /** Where the stream will stand once everything published is stored. */
    AckedPosition published() {
        return published;
    }

    /** Publishes a change, unless its format publishes nothing for it; false when the lease lapsed first. */
    boolean change(C change) throws Exception {
        return publish(change, published.after(change.token(), change.isInvalidate(), published.sequence() + 1));
    }

    /** Publishes a snapshot message at the stream's current position; false when the lease lapsed first. */
    boolean snapshot(C record, SnapshotProgress progress) throws Exception {
        return publish(record, published.after(progress, published.sequence() + 1));
    }

    /** Moves past changes the server filtered out or that never came, once nothing is in flight. */
    void idle(String position) {
        if (window.isEmpty()) {
            published = published.idle(position);
            acknowledged = published;
        }
    }

    private boolean publish(C record, AckedPosition after) throws Exception {
        long readNanos = System.nanoTime();
        OutboundMessage message;
        try {
            message = ports.mapper().map(record, after, ports.sink().maxPayload());
        } catch (OversizedEventException e) {
            drain();
            throw e;
        }
        if (message == null) {
            return true;
        }
        if (message.deadLettered()) {
            observer.deadLettered(spec.key());
        }
        while (window.isFull()) {
            settle(window.settleHead());
        }
        if (!lease.isValid()) {
            return false;
        }
        EventSink.PendingAck ack = ports.sink().publish(message, after.sequence() - 1);
        window.add(new InFlight(ack, after, record.operationType(), readNanos, System.nanoTime(),
                record.eventTimeMillis()));
        published = after;
        settleReady();
        return true;
    }

    /** Takes every acknowledgement that has already arrived, in order, and fails on one overdue. */
    void settleReady() throws Exception {
        long now = System.nanoTime();
        while (window.headReady(now)) {
            settle(window.settleHead());
        }
        state.inFlight(window.size());
    }

    void drain() throws Exception {
        while (!window.isEmpty()) {
            settle(window.settleHead());
        }
        state.inFlight(0);
    }

    boolean isEmpty() {
        return window.isEmpty();
    }

    /** After a failure: a bounded wait for stragglers, so that the stream's tail is settled. */
    void abandon(java.time.Duration timeout) throws InterruptedException {
        window.abandon(timeout);
    }

    private void settle(InFlight done) {
        acknowledged = done.after();
        state.acknowledged(done.after().sequence(), done.eventTimeMillis(), clock.millis());
        observer.eventPublished(spec.key(), done.operationType(), done.ack().arrivedNanos() - done.readNanos(),
                done.eventTimeMillis());
    }
}
