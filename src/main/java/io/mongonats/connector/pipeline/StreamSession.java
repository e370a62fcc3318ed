package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.LeaseStamp;
import io.mongonats.connector.checkpoint.ResumePlan;
import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.checkpoint.StreamTail;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.SnapshotMode;
import io.mongonats.connector.lease.LeaseGrant;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * One attempt at streaming a collection: decide where to resume, then read, map, publish and checkpoint until a
 * stop is requested, running a snapshot alongside when one is due. Any failure ends the attempt; the worker
 * decides what comes next.
 */
final class StreamSession<C extends Change> {

    private static final Logger LOG = Logger.getLogger(StreamSession.class);

    /** How an attempt begins: where the last one left off, or after a refused position, skipping or re-snapshotting. */
    enum Start { RESUME, RESTART_FROM_NOW, RESNAPSHOT }

    private final CollectionSpec spec;
    private final WorkerPorts<C> ports;
    private final WorkerSettings settings;
    private final LeaseGrant lease;
    private final WorkerObserver observer;
    private final WorkerState state;
    private final Checkpointer checkpointer;
    private final StopSignal stop;
    private final Clock clock;
    private final IdlePause idlePause = new IdlePause();
    private OrderedPublisher<C> publisher;
    private SnapshotRun<C> snapshot;
    private SnapshotReport report;
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
    }

    /** True once the source opened: the attempt got as far as streaming. */
    boolean streamed() {
        return streamed;
    }

    /**
     * Streams until a stop is requested or the lease lapses. Halts at once, publishing nothing, when the stream's
     * last message was published under a later lease than this worker's.
     */
    void run(Start how) throws Exception {
        StreamTail tail = ports.sink().tail();
        Optional<LeaseStamp> later = tail.supersedes(lease.replicaId(), lease.epoch());
        if (later.isPresent()) {
            // The fence let a later holder in: publishing after its messages would interleave two holders.
            String why = "lease taken over by " + later.get().replica() + " at epoch " + later.get().epoch()
                    + " (this worker's epoch is " + lease.epoch() + ")";
            LOG.warnf("%s: %s; not publishing", spec.namespace(), why);
            stop.takenOver(why);
            return;
        }
        ResumePlan plan = ResumePlan.decide(ports.checkpoints().load(spec.key()), tail);
        // Skipping ahead or re-snapshotting leaves the refused token behind: the new position comes from the new stream.
        String token = how == Start.RESUME ? plan.token().orElse(null) : null;
        publisher = new OrderedPublisher<>(spec, ports, settings, lease, observer, state, clock,
                new AckedPosition(token, how == Start.RESUME && plan.afterInvalidate(), plan.streamSequence(),
                        plan.snapshot().orElse(null)));
        state.sequence(plan.streamSequence());
        StartAt start = how != Start.RESUME ? StartAt.now()
                : plan.token().map(plan.afterInvalidate() ? StartAt::startAfter : StartAt::resumeAfter).orElse(StartAt.now());
        plan.snapshot().filter(progress -> !progress.completed()).ifPresent(this::resumeSnapshot);
        boolean snapshotDue = how == Start.RESNAPSHOT || (plan.firstStart() && spec.snapshot() != SnapshotMode.NEVER);
        try {
            while (start != null && !stop.requested()) {
                try (ChangeSource<C> source = ports.source().open(start)) {
                    if (how == Start.RESTART_FROM_NOW) {
                        checkpointer.recordGap(plan, source.idlePosition());
                        how = Start.RESUME;
                    } else if (!streamed) {
                        if (token == null) {
                            checkpointer.saveStart(source.idlePosition(), plan.streamSequence());
                            publisher.idle(source.idlePosition()); // snapshot records carry it until a change does
                        }
                        LOG.infof("%s: change stream open, resuming %s", spec.namespace(), plan.reason());
                    }
                    streamed = true;
                    state.streaming(clock.millis());
                    if (snapshotDue) {
                        startSnapshot(how == Start.RESNAPSHOT ? "MongoDB refused the stored position "
                                + "(on-lost-position with snapshot=when-needed)" : "first start");
                        snapshotDue = false;
                    }
                    start = pump(source);
                }
            }
            if (!stop.halted()) {
                state.draining(clock.millis());
                publisher.drain();
                checkpointer.save(publisher.acknowledged(), true);
            }
        } catch (LeaseLapsed e) {
            stop.halt(e.getMessage());
        } catch (Exception e) {
            publisher.abandon(settings.ackTimeout());
            throw e;
        }
    }

    /** Reads and publishes until a stop is requested, or an invalidate event asks to reopen after it. */
    private StartAt pump(ChangeSource<C> source) throws Exception {
        while (!stop.requested()) {
            state.progress(clock.millis());
            if (!lease.isValid()) {
                throw new LeaseLapsed();
            }
            C change = source.next();
            if (change == null) {
                caughtUp(source);
                continue;
            }
            idlePause.reset();
            observer.eventRead(spec.key(), change.operationType());
            if (snapshot != null) {
                snapshot.beforeChange(change);
            }
            if (!publisher.change(change)) {
                throw new LeaseLapsed();
            }
            if (snapshot != null) {
                snapshot.afterChange(change);
                report.progress(snapshot.progress(), clock.millis());
            }
            checkpointer.maybeSave(publisher.acknowledged());
            if (change.isInvalidate()) {
                LOG.infof("%s: change stream invalidated; watching the namespace again after it", spec.namespace());
                return StartAt.startAfter(change.token());
            }
        }
        return null;
    }

    /** The stream has nothing more for now: settle, move the position on, and let a snapshot take its next step. */
    private void caughtUp(ChangeSource<C> source) throws Exception {
        publisher.settleReady();
        publisher.idle(source.idlePosition());
        if (snapshot != null) {
            snapshot.caughtUp();
            report.progress(snapshot.progress(), clock.millis());
            if (snapshot.completed()) {
                snapshot = null;
            }
        }
        if (checkpointer.maybeSave(publisher.acknowledged()) && snapshot == null && snapshotRequested()) {
            startSnapshot("requested through signal." + spec.key());
        }
        if (snapshot == null) {
            idlePause.afterEmptyRead(source.lastReadWaited());
        }
    }

    private boolean snapshotRequested() {
        try {
            return ports.checkpoints().takeSnapshotRequest(spec.key());
        } catch (IOException e) {
            LOG.warnf("%s: snapshot signal not taken: %s", spec.namespace(), e.getMessage());
            return false;
        }
    }

    private void startSnapshot(String why) throws Exception {
        SnapshotProgress progress = SnapshotProgress.start(Long.toString(clock.millis(), 36),
                ports.snapshots().estimatedCount());
        LOG.infof("%s: snapshot %s starting (%s): about %d documents", spec.namespace(), progress.id(), why,
                progress.total());
        snapshotRun(progress).announce();
    }

    private void resumeSnapshot(SnapshotProgress progress) {
        LOG.infof("%s: snapshot %s continuing after %d documents", spec.namespace(), progress.id(), progress.count());
        snapshotRun(progress);
    }

    private SnapshotRun<C> snapshotRun(SnapshotProgress progress) {
        report = new SnapshotReport(spec.namespace(), spec.key(), state, observer, progress, clock.millis());
        snapshot = new SnapshotRun<>(ports.snapshots(), progress, settings.snapshotChunkSize(), (record, after) -> {
            if (!publisher.snapshot(record, after)) {
                throw new LeaseLapsed();
            }
        });
        return snapshot;
    }

    /** The lease lapsed: nothing more may be published under it. */
    private static final class LeaseLapsed extends Exception {
        LeaseLapsed() {
            super("lease lapsed: not renewed within the renew deadline");
        }
    }
}
