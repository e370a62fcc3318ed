package io.mongonats.connector.pipeline;

import com.mongodb.client.MongoClient;
import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.checkpoint.CheckpointStore;
import io.mongonats.connector.checkpoint.Gap;
import io.mongonats.connector.checkpoint.ResumePlan;
import io.mongonats.connector.lease.LeaseGrant;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.status.WorkerStatus;
import io.mongonats.connector.status.WorkerStatus.State;
import io.mongonats.connector.sink.StreamTail;
import io.mongonats.connector.source.ChangeEvent;
import io.mongonats.connector.source.ChangeStreamReader;
import io.mongonats.connector.source.MongoErrors;
import io.mongonats.connector.source.ResumePositionRejectedException;
import io.mongonats.connector.source.StartAt;
import io.nats.client.JetStreamManagement;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Streams one leased collection: read, publish, checkpoint. One thread, {@code cdc-worker-<key>}, owns the
 * cursor, the window of unacknowledged publishes and the checkpoint; other threads only ask it to stop.
 * Transport failures are retried with capped backoff, from the stream's tail; policy stops end the worker.
 */
public final class CollectionWorker {

    private static final Logger LOG = Logger.getLogger(CollectionWorker.class);
    private static final long MIN_IDLE_PAUSE_MICROS = 250;
    private static final long MAX_IDLE_PAUSE_MICROS = 10_000;
    /** A refused position is asked for again this many times, with backoff, before the policy applies. */
    private static final int REJECTIONS_BEFORE_POLICY = 3;

    private final CollectionSpec spec;
    private final MongoClient mongo;
    private final JetStreamManagement management;
    private final CheckpointStore checkpoints;
    private final WorkerSettings settings;
    private final LeaseGrant lease;
    private final WorkerObserver observer;
    private final Clock clock;
    private final PublishWindow.Factory windows;

    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object wakeUp = new Object();
    private volatile boolean stopRequested;
    private volatile boolean halted;
    private volatile State state = State.STARTING;
    private volatile String reason;
    /** When the stored checkpoint was last known to be current: written, or nothing new to write. */
    private volatile long lastCheckpointMillis = -1;
    private long lastCheckpointAttemptMillis = -1;
    private volatile long lastProgressMillis = -1;
    private volatile PublishWindow window;
    private String lastLoggedProblem;
    private Checkpoint lastSaved;
    private long idlePauseMicros = MIN_IDLE_PAUSE_MICROS;
    /** Set when the stored position was refused and the policy says to skip ahead; cleared once the gap is recorded. */
    private boolean restartFromNow;
    private Duration backoff;
    private int rejections;

    public CollectionWorker(CollectionSpec spec, MongoClient mongo, JetStreamManagement management,
                            CheckpointStore checkpoints, WorkerSettings settings, LeaseGrant lease,
                            WorkerObserver observer, Clock clock, PublishWindow.Factory windows) {
        this.spec = spec;
        this.mongo = mongo;
        this.management = management;
        this.checkpoints = checkpoints;
        this.settings = settings;
        this.lease = lease;
        this.observer = observer;
        this.clock = clock;
        this.windows = windows;
        this.backoff = settings.retryInitialBackoff();
    }

    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker for " + spec.namespace() + " already started");
        }
        Thread thread = new Thread(this::run, "cdc-worker-" + spec.key());
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a graceful stop: no new reads, in-flight publishes drained, checkpoint written. */
    public void requestStop() {
        stopRequested = true;
        signal();
    }

    /** Stops publishing at once, without a checkpoint: the lease is gone or about to be. */
    public void halt(String why) {
        if (!halted) {
            halted = true;
            reason = why;
        }
        requestStop();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return !started.get() || stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    public CollectionSpec spec() {
        return spec;
    }

    public WorkerStatus status() {
        PublishWindow current = window;
        return new WorkerStatus(state, reason,
                current == null ? 0 : current.publishedCount(), current == null ? 0 : current.ackedSequence(),
                current == null ? 0 : current.size(), current == null ? -1 : current.lastEventMillis(),
                current == null ? -1 : current.lastAckMillis(), lastCheckpointMillis, lastProgressMillis);
    }

    private void run() {
        try {
            while (!stopRequested) {
                try {
                    streamUntilStopped();
                    return;
                } catch (ResumePositionRejectedException e) {
                    observer.error(spec.key(), "position-rejected");
                    if (++rejections < REJECTIONS_BEFORE_POLICY) {
                        retrying(e.getMessage());
                        backOff();
                        continue;
                    }
                    rejections = 0;
                    if (spec.onLostPosition() == CollectionSpec.LostPositionPolicy.STOP) {
                        fail("stopped: " + e.getMessage() + ". Choose one: restore the oplog history, set "
                                + "connector.collections[].on-lost-position=restart-from-now to skip ahead and record "
                                + "the gap, or delete the checkpoint key " + spec.key() + " and purge the stream to start over");
                        return;
                    }
                    LOG.warnf("%s: %s; restarting from now as configured (on-lost-position=restart-from-now)",
                            spec.namespace(), e.getMessage());
                    restartFromNow = true;
                } catch (OversizedEventException e) {
                    observer.error(spec.key(), "oversized");
                    fail("stopped: " + e.getMessage() + ". Set connector.collections[].on-oversized=dead-letter to "
                            + "publish a dead-letter record instead, or raise the server's max_payload");
                    return;
                } catch (PublishWindow.OutOfStepException e) {
                    observer.error(spec.key(), "out-of-step");
                    retrying(e.getMessage() + "; re-reading the stream's tail");
                    backOff();
                } catch (Exception e) {
                    if (MongoErrors.isInterrupt(e) || stopRequested) {
                        return;
                    }
                    observer.error(spec.key(), MongoErrors.isMongo(e) ? "mongodb" : "nats");
                    retrying(describe(e));
                    backOff();
                }
            }
        } finally {
            if (state != State.FAILED) {
                state = State.STOPPED;
                if (reason == null) {
                    reason = "stopped";
                }
            }
            LOG.infof("%s: worker stopped (%s)", spec.namespace(), reason);
            stopped.countDown();
        }
    }

    private void streamUntilStopped() throws Exception {
        Optional<Checkpoint> checkpoint = checkpoints.load(spec.key());
        StreamTail tail = StreamTail.read(management, spec.stream());
        ResumePlan plan = ResumePlan.decide(checkpoint, tail.lastSequence(), tail.lastMessageId(), tail.lastInvalidate());
        PublishWindow current = windows.open(spec, lease, plan.streamSequence(), settings, observer);
        window = current;
        StartAt start = plan.token().map(plan.afterInvalidate() ? StartAt::startAfter : StartAt::resumeAfter)
                .orElse(StartAt.now());
        if (restartFromNow) {
            start = StartAt.now();
        }
        boolean opened = false;
        try {
            while (start != null && !stopRequested) {
                try (ChangeStreamReader reader = ChangeStreamReader.open(mongo, spec, start, settings.batchSize(),
                        settings.maxAwaitTime())) {
                    if (restartFromNow) {
                        recordGap(plan, reader.resumeToken());
                        restartFromNow = false;
                    } else if (!opened) {
                        if (plan.token().isEmpty()) {
                            saveStartPosition(plan, reader.resumeToken());
                        }
                        LOG.infof("%s: change stream open, resuming %s", spec.namespace(), plan.reason());
                    }
                    opened = true;
                    streaming();
                    start = pump(reader, current);
                }
            }
            if (!halted) {
                state = State.DRAINING;
                current.drain();
                saveCheckpoint(current, true);
            }
        } catch (Exception e) {
            current.abandon(settings.ackTimeout());
            throw e;
        }
    }

    /** Reads and publishes until a stop is requested, or an invalidate event asks to reopen after it. */
    private StartAt pump(ChangeStreamReader reader, PublishWindow current) throws Exception {
        String idleToken = null;
        while (!stopRequested) {
            lastProgressMillis = clock.millis();
            if (!lease.isValid()) {
                halt("lease lapsed: not renewed within the renew deadline");
                return null;
            }
            long polledAt = System.nanoTime();
            ChangeEvent event = reader.tryNext();
            if (event == null) {
                current.settleCompleted();
                if (current.isEmpty()) {
                    idleToken = reader.resumeToken();
                }
                maybeCheckpoint(current, idleToken);
                pauseIfServerDidNotWait(polledAt);
                continue;
            }
            idleToken = null;
            idlePauseMicros = MIN_IDLE_PAUSE_MICROS;
            observer.eventRead(spec.key(), event.operationType());
            try {
                current.publish(event);
            } catch (PublishWindow.LeaseLapsedException e) {
                halt(e.getMessage());
                return null;
            }
            maybeCheckpoint(current, null);
            if (event.isInvalidate()) {
                LOG.infof("%s: change stream invalidated; watching the namespace again after it", spec.namespace());
                return StartAt.startAfter(event.token());
            }
        }
        return null;
    }

    private void maybeCheckpoint(PublishWindow current, String idleToken) {
        if (lastCheckpointAttemptMillis >= 0
                && clock.millis() - lastCheckpointAttemptMillis < settings.checkpointInterval().toMillis()) {
            return;
        }
        if (idleToken != null) {
            current.advanceIdle(idleToken);
        }
        saveCheckpoint(current, false);
    }

    private void saveCheckpoint(PublishWindow current, boolean finalWrite) {
        Checkpoint next = current.position(clock.instant());
        lastCheckpointAttemptMillis = clock.millis();
        if (next == null || (lastSaved != null && lastSaved.token().equals(next.token())
                && lastSaved.streamSequence() == next.streamSequence())) {
            lastCheckpointMillis = lastCheckpointAttemptMillis;
            return;
        }
        try {
            checkpoints.save(spec.key(), next);
            lastSaved = next;
            lastCheckpointMillis = lastCheckpointAttemptMillis;
            if (finalWrite) {
                LOG.infof("%s: checkpoint written at stream sequence %d", spec.namespace(), next.streamSequence());
            }
        } catch (Exception e) {
            observer.error(spec.key(), "checkpoint");
            LOG.warnf("%s: checkpoint not written (%s); the stream's tail still records the position",
                    spec.namespace(), describe(e));
        }
    }

    /**
     * A stream started at the current time has a position before its first change arrives: the cursor's initial
     * post-batch token. Storing it at once means a takeover before the first change resumes here, not later.
     */
    private void saveStartPosition(ResumePlan plan, String initialToken) throws Exception {
        if (initialToken == null) {
            LOG.warnf("%s: MongoDB gave no initial resume token; until the first change arrives, a takeover "
                    + "would start at its own current time", spec.namespace());
            return;
        }
        Checkpoint start = new Checkpoint(initialToken, false, plan.streamSequence(), clock.instant(), lease.replicaId());
        checkpoints.save(spec.key(), start);
        lastSaved = start;
    }

    private void recordGap(ResumePlan plan, String restartToken) throws Exception {
        Gap gap = new Gap(spec.namespace(), plan.token().orElse(""), plan.streamSequence(), restartToken,
                clock.instant(), "the stored resume token was rejected by MongoDB");
        checkpoints.recordGap(spec.key(), gap);
        if (restartToken != null) {
            checkpoints.save(spec.key(), new Checkpoint(restartToken, false, plan.streamSequence(), clock.instant(),
                    lease.replicaId()));
        }
        observer.gapRecorded(spec.key());
        LOG.warnf("%s: GAP recorded: changes after token %s (stream sequence %d) up to %s were not published; "
                + "see key gap.%s.* in the checkpoint bucket", spec.namespace(), gap.fromToken(), gap.fromSequence(),
                gap.restartedAt(), spec.key());
    }

    /** Waits before the next attempt, twice as long as the last time, up to the maximum; streaming resets it. */
    private void backOff() {
        pause(backoff);
        backoff = min(backoff.multipliedBy(2), settings.retryMaxBackoff());
    }

    private void streaming() {
        backoff = settings.retryInitialBackoff();
        rejections = 0;
        state = State.STREAMING;
        if (!halted) {
            reason = null;
        }
        if (lastLoggedProblem != null) {
            LOG.infof("%s: streaming again", spec.namespace());
            lastLoggedProblem = null;
        }
    }

    private void retrying(String problem) {
        state = State.RETRYING;
        reason = problem;
        if (!problem.equals(lastLoggedProblem)) {
            LOG.warnf("%s: %s; retrying with backoff up to %s", spec.namespace(), problem, settings.retryMaxBackoff());
            lastLoggedProblem = problem;
        }
    }

    private void fail(String why) {
        state = State.FAILED;
        reason = why;
        LOG.errorf("%s: %s", spec.namespace(), why);
    }

    /**
     * A real server holds an empty getMore for maxAwaitTime; one that answers at once must not be polled hot.
     * The pause starts short, for latency, and doubles while nothing arrives.
     */
    private void pauseIfServerDidNotWait(long polledAt) {
        if (System.nanoTime() - polledAt >= settings.maxAwaitTime().toNanos() / 2) {
            idlePauseMicros = MIN_IDLE_PAUSE_MICROS;
            return;
        }
        LockSupport.parkNanos(idlePauseMicros * 1000L);
        idlePauseMicros = Math.min(MAX_IDLE_PAUSE_MICROS, idlePauseMicros * 2);
    }

    private void pause(Duration duration) {
        synchronized (wakeUp) {
            if (!stopRequested) {
                try {
                    wakeUp.wait(Math.max(1, duration.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopRequested = true;
                }
            }
        }
    }

    private void signal() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getClass().getSimpleName() + ": " + message;
    }
}
