package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lease loop, on its own thread {@code cdc-lease}: renews held leases, takes free ones up to this replica's
 * fair share ({@link Membership} counts the live replicas), and hands surplus ones over. A worker runs exactly
 * while its lease is held; a lease that cannot be renewed within the renew deadline halts its worker before the
 * key can expire.
 */
public final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);
    private static final long EXPIRY_MARGIN_MILLIS = 50;

    public enum State { NEW, RUNNING, CLOSED }

    private final String replicaId;
    private final List<CollectionSpec> specs;
    private final LeaseStore leases;
    private final Members members;
    private final Timings timings;
    private final WorkerFactory workers;
    private final io.mongonats.connector.status.StatusBoard board;
    private final LeaseObserver observer;
    private final Clock clock;

    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final Map<String, Held> held = new LinkedHashMap<>();
    private final Object wakeUp = new Object();
        private volatile long lastTickMillis;
    private boolean woken;
    private long nextRoundMillis;
    private Thread thread;
    private Membership membership;

    /** Lease timings, validated by the configuration: ttl > renewDeadline >= 2 x renewInterval. */
    public record Timings(Duration ttl, Duration renewDeadline, Duration renewInterval, Duration shutdownTimeout) {
    }

    public LeaseKeeper(String replicaId, List<CollectionSpec> specs, LeaseStore leases, Members members,
                       Timings timings, WorkerFactory workers, LeaseObserver observer,
                       io.mongonats.connector.status.StatusBoard board, Clock clock) {
        this.replicaId = replicaId;
        this.specs = List.copyOf(specs);
        this.leases = leases;
        this.members = members;
        this.timings = timings;
        this.workers = workers;
        this.observer = observer;
        this.board = board;
        this.clock = clock;
        specs.forEach(spec -> board.register(spec.key(), spec.namespace()));
        this.nextRoundMillis = timings.renewInterval().toMillis();
    }

    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("lease keeper already started");
        }
        lastTickMillis = clock.millis();
        publishViews();
        try {
            leases.onChange(this::wake);
        } catch (IOException e) {
            LOG.warnf("Replica %s: not watching lease releases (%s); standbys notice them within %s instead",
                    replicaId, e.getMessage(), timings.renewInterval());
        }
        membership = new Membership(replicaId, members, timings.renewInterval(), this::wake);
        membership.start();
        thread = new Thread(this::run, "cdc-lease");
        thread.setDaemon(true);
        thread.start();
    }

    /** Drains every worker, writes checkpoints and deletes this replica's lease keys, within the shutdown timeout. */
    public void close() throws InterruptedException {
        if (state.getAndSet(State.CLOSED) != State.RUNNING) {
            return;
        }
        wake();
        // A round in progress ends after at most one more store call; then every worker drains within the timeout.
        thread.join(timings.shutdownTimeout().plusSeconds(6).toMillis());
    }

    /** When the loop last completed a round: liveness fails when this stops moving. */
    public long lastTickMillis() {
        return lastTickMillis;
    }

    public String replicaId() {
        return replicaId;
    }

    private void run() {
        try {
            while (state.get() == State.RUNNING) {
                try {
                    tick();
                } catch (RuntimeException e) {
                    // The client throws unchecked errors too (a closed connection): the next round tries again.
                    LOG.warnf("Replica %s: lease round failed: %s", replicaId, e.toString());
                }
                lastTickMillis = clock.millis();
                publishViews();
                awaitNextRound();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            releaseAll();
            publishViews();
        }
    }

    private void tick() {
        renewAll();
        finishHandovers();
        restartStoppedWorkers();
        int share = FairShare.of(specs.size(), membership.liveReplicas());
        long active = held.values().stream().filter(lease -> !lease.handingOver).count();
        if (active > share) {
            handOver((int) (active - share), share);
        } else if (active < share && membership.reachable()) {
            acquire((int) (share - active));
        }
    }

    private void renewAll() {
        for (Held lease : new ArrayList<>(held.values())) {
            if (state.get() != State.RUNNING) {
                return;
            }
            long sentAt = System.nanoTime();
            try {
                OptionalLong revision = leases.renew(lease.key(), record(lease.acquiredAt), lease.revision);
                if (revision.isEmpty()) {
                    lose(lease, "its key changed: it expired and another replica took it");
                    continue;
                }
                lease.revision = revision.getAsLong();
                lease.renewedNanos = sentAt;
                if (lease.renewFailing) {
                    LOG.infof("Lease %s: renewed again by %s", lease.key(), replicaId);
                    lease.renewFailing = false;
                }
            } catch (IOException e) {
                if (!lease.isValid()) {
                    lose(lease, "not renewed within the renew deadline of " + timings.renewDeadline() + ": " + e.getMessage());
                } else if (!lease.renewFailing) {
                    lease.renewFailing = true;
                    observer.renewFailed(lease.key());
                    LOG.warnf("Lease %s: renewal by %s failed (%s); still streaming until the renew deadline",
                            lease.key(), replicaId, e.getMessage());
                }
            }
        }
    }

    private void lose(Held lease, String why) {
        held.remove(lease.key());
        board.leaseReleased(lease.key());
        lease.lost = true;
        lease.halt("lease lost: " + why);
        observer.lost(lease.key());
        LOG.warnf("Lease %s: LOST by %s, publishing stopped: %s", lease.key(), replicaId, why);
    }

    private void handOver(int surplus, int share) {
        held.values().stream()
                .filter(lease -> !lease.handingOver)
                .sorted(Comparator.comparingLong((Held lease) -> lease.epoch).reversed())
                .limit(surplus)
                .forEach(lease -> {
                    lease.handingOver = true;
                    lease.stop();
                    LOG.infof("Lease %s: handing over by %s: %d live replicas, fair share %d", lease.key(),
                            replicaId, membership.liveReplicas(), share);
                });
    }

    private void finishHandovers() {
        for (Held lease : new ArrayList<>(held.values())) {
            if (lease.handingOver && lease.stopped()) {
                release(lease, "handed over for balance");
                observer.handedOver(lease.key());
            }
        }
    }

    /** A worker that halted itself on a lapsed lease that was then renewed after all starts again. */
    private void restartStoppedWorkers() {
        for (Held lease : held.values()) {
            if (!lease.handingOver && lease.stopped() && !lease.worker.failed()) {
                LOG.infof("Lease %s: still held by %s after its worker stopped; starting it again", lease.key(), replicaId);
                lease.startWorker();
            }
        }
    }

    private void acquire(int wanted) {
        int offset = Math.floorMod(replicaId.hashCode(), specs.size());
        for (int i = 0; i < specs.size() && wanted > 0; i++) {
            CollectionSpec spec = specs.get((offset + i) % specs.size());
            if (held.containsKey(spec.key())) {
                continue;
            }
            long sentAt = System.nanoTime();
            try {
                OptionalLong revision = leases.tryAcquire(spec.key(), record(clock.instant()));
                if (revision.isPresent()) {
                    Held lease = new Held(spec, revision.getAsLong(), sentAt, clock.instant());
                    held.put(spec.key(), lease);
                    board.leaseHeld(spec.key(), lease.epoch);
                    lease.startWorker();
                    wanted--;
                    observer.acquired(spec.key());
                    LOG.infof("Lease %s: ACQUIRED by %s (epoch %d), streaming %s", spec.key(), replicaId,
                            lease.epoch, spec.namespace());
                } else {
                    leases.lastWrite(spec.key()).ifPresent(written -> expectExpiry(written.plus(timings.ttl())));
                }
            } catch (IOException e) {
                LOG.debugf("Lease %s: acquire by %s failed: %s", spec.key(), replicaId, e.getMessage());
                return;
            }
        }
    }

    private void releaseAll() {
        long deadline = System.nanoTime() + timings.shutdownTimeout().toNanos();
        held.values().forEach(lease -> lease.stop());
        for (Held lease : new ArrayList<>(held.values())) {
            try {
                lease.running.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                lease.halt("shutdown timeout reached before the drain finished");
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warnf("Lease %s: worker ended with %s", lease.key(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release(lease, "shutting down");
        }
        membership.leave();
    }

    private void release(Held lease, String why) {
        held.remove(lease.key());
        board.leaseReleased(lease.key());
        lease.lost = true;
        try {
            leases.release(lease.key(), lease.revision);
            observer.released(lease.key());
            LOG.infof("Lease %s: RELEASED by %s: %s", lease.key(), replicaId, why);
        } catch (IOException e) {
            LOG.warnf("Lease %s: release by %s failed (%s); it expires after %s", lease.key(), replicaId,
                    e.getMessage(), timings.ttl());
        }
    }

    private LeaseRecord record(Instant acquiredAt) {
        return new LeaseRecord(replicaId, acquiredAt, clock.instant());
    }

    /**
     * A lease held elsewhere expires a TTL after its last renewal: try again just then rather than up to a round
     * later. An expiry that the local clock already sees as past (clock skew) waits for the next round.
     */
    private void expectExpiry(Instant expiry) {
        long untilMillis = expiry.toEpochMilli() - clock.millis() + EXPIRY_MARGIN_MILLIS;
        if (untilMillis > 0 && untilMillis < nextRoundMillis) {
            nextRoundMillis = untilMillis;
        }
    }

    private void awaitNextRound() throws InterruptedException {
        long waitMillis = nextRoundMillis;
        nextRoundMillis = timings.renewInterval().toMillis();
        synchronized (wakeUp) {
            if (!woken && state.get() == State.RUNNING) {
                wakeUp.wait(waitMillis);
            }
            woken = false;
        }
    }

    private void wake() {
        synchronized (wakeUp) {
            woken = true;
            wakeUp.notifyAll();
        }
    }

    private void publishViews() {
        long now = clock.millis();
        board.replica(r -> new io.mongonats.connector.status.ReplicaStatus(r.replicaId(), r.phase(), r.problem(), now));
    }

    /** A lease this replica holds. Its validity is read by the worker's thread before every publish. */
    private final class Held implements LeaseGrant {
        private final CollectionSpec spec;
        private final long epoch;
        private final Instant acquiredAt;
        private volatile long renewedNanos;
        private volatile boolean lost;
        private long revision;
        private boolean renewFailing;
        private boolean handingOver;
        private LeasedWorker worker;
        private java.util.concurrent.Future<?> running;

        Held(CollectionSpec spec, long revision, long renewedNanos, Instant acquiredAt) {
            this.spec = spec;
            this.epoch = revision;
            this.revision = revision;
            this.renewedNanos = renewedNanos;
            this.acquiredAt = acquiredAt;
        }

        String key() {
            return spec.key();
        }

        void startWorker() {
            worker = workers.create(spec, this);
            running = worker.start();
        }

        void stop() {
            worker.stop();
        }

        void halt(String why) {
            worker.halt(why);
        }

        boolean stopped() {
            return running.isDone();
        }

        @Override
        public String replicaId() {
            return replicaId;
        }

        @Override
        public long epoch() {
            return epoch;
        }

        @Override
        public boolean isValid() {
            return !lost && System.nanoTime() - renewedNanos < timings.renewDeadline().toNanos();
        }
    }
}
