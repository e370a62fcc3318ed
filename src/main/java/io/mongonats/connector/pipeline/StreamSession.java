package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.ResumePlan;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseGrant;
import io.mongonats.connector.pipeline.PublishWindow.InFlight;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * One attempt at streaming a collection: decide where to resume, then read, map, publish and checkpoint until a
 * stop is requested. Any failure ends the attempt; the worker decides what comes next.
 */
final class StreamSession<C extends Change> {

    private static final Logger LOG = Logger.getLogger(StreamSession.class);

    private final CollectionSpec spec;
    private final WorkerPorts<C> ports;
    private final WorkerSettings settings;
    private final LeaseGrant lease;
    private final WorkerObserver observer;
    private final WorkerState state;
    private final Checkpointer checkpointer;
    private final StopSignal stop;
    private final Clock clock;
    private final PublishWindow window;
    private final IdlePause idlePause = new IdlePause();
    private AckedPosition position;
    private long nextExpected;
    private boolean streamed;

    StreamSession(CollectionSpec spec, WorkerPorts<C> ports, WorkerSettings settings, LeaseGrant lease,
                  WorkerObserver observer, WorkerState state, Checkpointer checkpointer, StopSignal stop, Clock clock) {
        this.spec = spec;
        this.ports = ports;
        this.settings = settings;
        this.lease = lease;
        this.observer = observer;
        this.state = state;
        this.checkpointer = checkpointer;
        this.stop = stop;
        this.clock = clock;
        this.window = new PublishWindow(settings.maxInFlight(), settings.ackTimeout());
    }

    /** True once the source opened: the attempt got as far as streaming. */
    boolean streamed() {
        return streamed;
    }

    /** Streams until a stop is requested or the lease lapses; {@code restartFromNow} skips ahead and records the gap. */
    void run(boolean restartFromNow) throws Exception {
        StreamTail tail = ports.sink().tail();
        ResumePlan plan = ResumePlan.decide(ports.checkpoints().load(spec.key()), tail.lastSequence(), tail.lastToken(),
                tail.lastInvalidate());
        position = AckedPosition.at(plan.streamSequence());
        nextExpected = plan.streamSequence();
        state.sequence(nextExpected);
        StartAt start = restartFromNow ? StartAt.now()
                : plan.token().map(plan.afterInvalidate() ? StartAt::startAfter : StartAt::resumeAfter).orElse(StartAt.now());
        try {
            while (start != null && !stop.requested()) {
                try (ChangeSource<C> source = ports.source().open(start)) {
                    if (restartFromNow) {
                        checkpointer.recordGap(plan, source.idlePosition());
                        restartFromNow = false;
                    } else if (!streamed) {
                        if (plan.token().isEmpty()) {
                            checkpointer.saveStart(source.idlePosition(), plan.streamSequence());
                        }
                        LOG.infof("%s: change stream open, resuming %s", spec.namespace(), plan.reason());
                    }
                    streamed = true;
                    state.streaming(clock.millis());
                    start = pump(source);
                }
            }
            if (!stop.halted()) {
                state.draining(clock.millis());
                drain();
                checkpointer.save(position, true);
            }
        } catch (Exception e) {
            window.abandon(settings.ackTimeout());
            throw e;
        }
    }

    /** Reads and publishes until a stop is requested, or an invalidate event asks to reopen after it. */
    private StartAt pump(ChangeSource<C> source) throws Exception {
        while (!stop.requested()) {
            state.progress(clock.millis());
            if (!lease.isValid()) {
                stop.halt("lease lapsed: not renewed within the renew deadline");
                return null;
            }
            C change = source.next();
            if (change == null) {
                settleReady();
                if (window.isEmpty()) {
                    position = position.idle(source.idlePosition());
                }
                checkpointer.maybeSave(position);
                idlePause.afterEmptyRead(source.lastReadWaited());
                continue;
            }
            idlePause.reset();
            observer.eventRead(spec.key(), change.operationType());
            if (!publish(change)) {
                return null;
            }
            checkpointer.maybeSave(position);
            if (change.isInvalidate()) {
                LOG.infof("%s: change stream invalidated; watching the namespace again after it", spec.namespace());
                return StartAt.startAfter(change.token());
            }
        }
        return null;
    }

    /** Publishes one change once the window has room; false when the lease lapsed meanwhile (the worker halts). */
    private boolean publish(C change) throws Exception {
        OutboundMessage message;
        try {
            message = ports.mapper().map(change, ports.sink().maxPayload());
        } catch (OversizedEventException e) {
            drain();
            throw e;
        }
        if (message.deadLettered()) {
            observer.deadLettered(spec.key());
        }
        while (window.isFull()) {
            settle(window.settleHead());
        }
        if (!lease.isValid()) {
            stop.halt("lease lapsed: not renewed within the renew deadline");
            return false;
        }
        long expected = nextExpected++;
        window.add(new InFlight(ports.sink().publish(message, expected), change.token(), change.operationType(),
                expected + 1, System.nanoTime(), change.eventTimeMillis()));
        settleReady();
        return true;
    }

    private void settleReady() throws Exception {
        long now = System.nanoTime();
        while (window.headReady(now)) {
            settle(window.settleHead());
        }
        state.inFlight(window.size());
    }

    private void drain() throws Exception {
        while (!window.isEmpty()) {
            settle(window.settleHead());
        }
        state.inFlight(0);
    }

    private void settle(InFlight done) {
        position = position.acknowledged(done.token(), done.invalidate(), done.expectedSequence());
        state.acknowledged(done.expectedSequence(), done.eventTimeMillis(), clock.millis());
        observer.eventPublished(spec.key(), done.operationType(), System.nanoTime() - done.sentNanos(),
                done.eventTimeMillis());
    }
}
