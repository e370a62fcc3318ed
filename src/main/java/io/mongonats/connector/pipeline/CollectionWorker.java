package io.mongonats.connector.pipeline;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseGrant;
import io.mongonats.connector.lease.LeasedWorker;
import io.mongonats.connector.status.StatusBoard;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams one leased collection on a thread of its own, {@code cdc-worker-<key>}, which owns the source, the
 * publish window and the checkpoint; other threads only ask it to stop. Each attempt is a {@link StreamSession};
 * after a failure the {@link FailurePolicy} says whether to retry with backoff, skip ahead or stop; after an
 * out-of-step publish, only once the lease is confirmed. While the sink's connection is down the worker pauses
 * until it is back.
 */
public final class CollectionWorker<C extends Change> implements LeasedWorker {

    private final CollectionSpec spec;
    private final WorkerPorts<C> ports;
    private final WorkerSettings settings;
    private final LeaseGrant lease;
    private final WorkerObserver observer;
    private final Clock clock;
    private final FailurePolicy policy;
    private final WorkerState state;
    private final StopSignal stop = new StopSignal();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean failed;

    public CollectionWorker(CollectionSpec spec, WorkerPorts<C> ports, WorkerSettings settings, LeaseGrant lease,
                            WorkerObserver observer, StatusBoard board, Clock clock) {
        this.spec = spec;
        this.ports = ports;
        this.settings = settings;
        this.lease = lease;
        this.observer = observer;
        this.clock = clock;
        this.policy = new FailurePolicy(spec);
        this.state = new WorkerState(spec.key(), spec.namespace(), board);
    }

    @Override
    public Future<?> start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker for " + spec.namespace() + " already started");
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("cdc-worker-" + spec.key()).daemon(true).factory());
        Future<?> done = executor.submit(this::run);
        executor.shutdown();
        return done;
    }

    @Override
    public void stop() {
        stop.requestStop();
    }

    @Override
    public void halt(String why) {
        stop.halt(why);
    }

    @Override
    public boolean takenOver() {
        return stop.takenOver();
    }

    @Override
    public boolean failed() {
        return failed;
    }

    private void run() {
        Backoff backoff = new Backoff(settings.retryInitialBackoff(), settings.retryMaxBackoff());
        Checkpointer checkpointer = new Checkpointer(spec.key(), spec.namespace(), ports.checkpoints(),
                settings.checkpointInterval(), lease.replicaId(), clock, observer, state);
        int rejections = 0;
        StreamSession.Start how = StreamSession.Start.RESUME;
        try {
            while (!stop.requested() && awaitSink()) {
                StreamSession<C> session = new StreamSession<>(spec, ports, settings, lease, observer, state,
                        checkpointer, stop, clock);
                try {
                    session.run(how);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (stop.requested() || (e instanceof OutOfStepException && !leaseConfirmed())) {
                        return;
                    }
                    if (session.streamed()) {
                        backoff.reset();
                        rejections = 0;
                        how = StreamSession.Start.RESUME;
                    }
                    rejections = e instanceof PositionRejectedException ? rejections + 1 : 0;
                    FailurePolicy.Decision decision = policy.decide(e, rejections);
                    observer.error(spec.key(), decision.errorKind());
                    switch (decision.action()) {
                        case STOP -> {
                            failed = true;
                            state.failed(decision.message(), clock.millis());
                            return;
                        }
                        case RESTART_FROM_NOW, RESNAPSHOT -> {
                            how = decision.action() == FailurePolicy.Action.RESNAPSHOT
                                    ? StreamSession.Start.RESNAPSHOT : StreamSession.Start.RESTART_FROM_NOW;
                            rejections = 0;
                            state.retrying(decision.message(), settings.retryMaxBackoff().toString(), clock.millis());
                        }
                        case RETRY -> {
                            if (ports.sinkAvailability().up().isDone()) {
                                state.retrying(decision.message(), settings.retryMaxBackoff().toString(), clock.millis());
                                stop.pause(backoff.next());
                            }
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state.stopped(stop.halted() ? stop.haltReason() : "stopped", clock.millis());
        }
    }

    /**
     * After an out-of-step publish, before the tail is read again: waits for a renewal sent after it, which proves
     * that nobody took the lease over, since the tail may still be this worker's own message even when a later
     * holder has begun to publish. False when the lease is lost or a stop came first.
     */
    private boolean leaseConfirmed() throws InterruptedException {
        CompletableFuture<Boolean> confirmed = lease.confirm();
        while (!confirmed.isDone() && !stop.requested()) {
            stop.awaitEither(confirmed, settings.retryMaxBackoff());
        }
        if (!stop.requested() && !confirmed.getNow(false)) {
            stop.halt("lease lost: not confirmed after an out-of-step publish");
        }
        return !stop.requested();
    }

    /** Pauses while the sink's connection is down; false when a stop came first. */
    private boolean awaitSink() throws InterruptedException {
        CompletableFuture<Void> up = ports.sinkAvailability().up();
        if (up.isDone()) {
            return true;
        }
        state.paused("the NATS connection is down; resuming when it is back", clock.millis());
        while (!up.isDone() && !stop.requested()) {
            stop.awaitEither(up, settings.retryMaxBackoff());
            up = ports.sinkAvailability().up();
        }
        return !stop.requested();
    }
}
