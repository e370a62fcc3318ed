package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.status.ReplicaStatus;
import io.mongonats.connector.status.StatusBoard;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lease loop, on its own thread {@code cdc-lease}: each round the {@link LeasePlanner} decides from a snapshot
 * and {@link HeldLeases} carries the decisions out against the store. A worker runs exactly while its lease is
 * held; a lease not renewed within the renew deadline halts its worker before the key can expire. Rounds run every
 * renew interval, sooner when a lease held elsewhere is about to expire, and at once when a lease is released,
 * a member leaves or the collections change.
 */
public final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    enum State { NEW, RUNNING, CLOSING, CLOSED }

    /**
     * Lease timings, validated by the configuration: ttl > renewDeadline >= 2 x renewInterval, and
     * takeoverAfter < renewDeadline. A holder heartbeats every takeoverAfter / 4; one not heard for takeoverAfter is
     * taken over.
     */
    public record Timings(Duration ttl, Duration renewDeadline, Duration renewInterval, Duration takeoverAfter,
                          Duration shutdownTimeout) {
    }

    private final String replicaId;
    private final LeaseStore leases;
    private final Timings timings;
    private final StatusBoard board;
    private final Clock clock;
    private final Ticker ticker;
    private final LeasePlanner planner;
    private final HeldLeases held;
    private final Membership membership;
    private final RoundLoop loop;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicReference<List<CollectionSpec>> collections;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Set<String> listed = new HashSet<>();

    public LeaseKeeper(String replicaId, List<CollectionSpec> specs, LeaseStore leases, Members members,
                       Timings timings, WorkerFactory workers, LeaseObserver observer, StatusBoard board, Clock clock) {
        this(replicaId, specs, leases, members, timings, workers, observer, board, clock, Ticker.SYSTEM);
    }

    /** @param clock the wall clock for lease records and the board; {@code ticker} measures every deadline */
    public LeaseKeeper(String replicaId, List<CollectionSpec> specs, LeaseStore leases, Members members,
                       Timings timings, WorkerFactory workers, LeaseObserver observer, StatusBoard board, Clock clock,
                       Ticker ticker) {
        this.replicaId = replicaId;
        this.leases = leases;
        this.timings = timings;
        this.board = board;
        this.clock = clock;
        this.ticker = ticker;
        this.planner = new LeasePlanner(replicaId, timings.ttl(), timings.renewDeadline(), timings.renewInterval(),
                timings.takeoverAfter());
        this.loop = new RoundLoop("cdc-lease", this::loopRound, this::active);
        this.held = new HeldLeases(replicaId, leases, workers, observer, board, clock, ticker, timings, loop::wake);
        this.collections = new AtomicReference<>(distinct(specs));
        this.membership = new Membership(replicaId, members, new Silence(replicaId, timings.takeoverAfter()),
                timings.renewInterval(), ticker, loop::wake);
        listOnBoard(collections.get());
    }

    /** Starts heartbeating and competing for leases; runs once. The future completes once {@link #close()} is done. */
    public Future<Void> start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("lease keeper of replica " + replicaId + " already started");
        }
        try {
            leases.onChange(() -> {
                membership.recount();
                loop.wake();
            });
        } catch (IOException e) {
            LOG.warnf("Replica %s: not watching lease releases (%s); standbys notice them within %s instead",
                    replicaId, e.getMessage(), timings.renewInterval());
        }
        listen();
        membership.start();
        loop.wake();
        return closed.copy();
    }

    /** Replaces the collections to compete for; a removed one's lease is released once its worker has stopped. */
    public void updateCollections(List<CollectionSpec> specs) {
        collections.set(distinct(specs));
        loop.wake();
    }

    /**
     * Drains every worker within the shutdown timeout (halting those that do not finish), releases this replica's
     * leases and leaves the members bucket. Leases are renewed while the workers drain. Idempotent.
     */
    public void close() throws InterruptedException {
        State before = state.getAndUpdate(s -> s == State.RUNNING ? State.CLOSING : s == State.NEW ? State.CLOSED : s);
        if (before == State.NEW) {
            loop.shutdown();
            membership.leave();
            closed.complete(null);
        }
        if (before != State.RUNNING) {
            return;
        }
        try {
            drain(ticker.nanos() + timings.shutdownTimeout().toNanos());
        } finally {
            Future<?> releasing = loop.finish(() -> {
                state.set(State.CLOSED);
                held.releaseAll("shutting down");
            });
            try {
                await(releasing, "releasing the leases");
            } finally {
                membership.leave();
                closed.complete(null);
            }
        }
    }

    /** One round, on the calling thread; returns how long to wait for the next one. Tests drive rounds with it. */
    long runRound() {
        List<CollectionSpec> specs = collections.get();
        listOnBoard(specs);
        Map<String, CollectionSpec> byKey = new LinkedHashMap<>();
        specs.forEach(spec -> byKey.put(spec.key(), spec));
        LeaseRound round = new LeaseRound(ticker.nanos(), held.snapshot(), List.copyOf(byKey.keySet()),
                membership.liveReplicas(), membership.reachable(), state.get() == State.CLOSING, membership.heard());
        Map<String, Long> seenElsewhere = new HashMap<>();
        for (LeaseDecision decision : planner.plan(round)) {
            held.apply(decision, byKey, seenElsewhere);
        }
        listed.removeIf(key -> !byKey.containsKey(key) && !held.holds(key) && unlist(key));
        long lastRoundMillis = clock.millis();
        board.replica(r -> new ReplicaStatus(r.replicaId(), r.phase(), r.problem(), lastRoundMillis));
        return planner.nextRoundInNanos(ticker.nanos(), held.renewals(), seenElsewhere.values());
    }

    /** Starts hearing heartbeats, so that a silent holder is taken over; without it only the TTL frees its leases. */
    void listen() {
        try {
            membership.listen();
        } catch (IOException e) {
            LOG.warnf("Replica %s: not hearing heartbeats (%s); a crashed holder's leases are taken only after "
                    + "they expire (%s)", replicaId, e.getMessage(), timings.ttl());
        }
    }

    /** One heartbeat and count of the live replicas, on the calling thread. Tests drive membership with it. */
    boolean announce() {
        return membership.announce();
    }

    private long loopRound() {
        try {
            return runRound();
        } catch (RuntimeException e) {
            // The client throws unchecked errors too (a closed connection): the next round tries again.
            LOG.warnf("Replica %s: lease round failed: %s", replicaId, e.toString());
            return timings.renewInterval().toNanos();
        } finally {
            if (Thread.currentThread().isInterrupted()) {
                LOG.infof("Replica %s: lease loop interrupted; no more rounds", replicaId);
            }
        }
    }

    /** A closing round asks every worker to stop; rounds keep renewing their leases while they drain. */
    private void drain(long deadline) throws InterruptedException {
        Map<String, Future<?>> draining = await(loop.roundThen(held::running), "asking the workers to stop");
        if (draining == null) {
            return;
        }
        for (Map.Entry<String, Future<?>> worker : draining.entrySet()) {
            try {
                worker.getValue().get(Math.max(0, deadline - ticker.nanos()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warnf("Lease %s: worker on %s still draining after the shutdown timeout of %s; halting it",
                        worker.getKey(), replicaId, timings.shutdownTimeout());
            } catch (ExecutionException e) {
                LOG.warnf("Lease %s: worker on %s ended with %s", worker.getKey(), replicaId, e.getCause());
            } catch (CancellationException e) {
                LOG.debugf("Lease %s: worker on %s was cancelled", worker.getKey(), replicaId);
            }
        }
    }

    /** Waits for a task on the lease thread; null when it failed or took longer than the shutdown timeout. */
    private <T> T await(Future<T> task, String what) throws InterruptedException {
        try {
            return task.get(timings.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Replica %s: %s did not finish (%s); held leases expire after %s", replicaId, what, e,
                    timings.ttl());
            return null;
        }
    }

    private boolean active() {
        State now = state.get();
        return now == State.RUNNING || now == State.CLOSING;
    }

    private void listOnBoard(List<CollectionSpec> specs) {
        for (CollectionSpec spec : specs) {
            board.register(spec.key(), spec.namespace());
            listed.add(spec.key());
        }
    }

    private boolean unlist(String key) {
        board.remove(key);
        return true;
    }

    private static List<CollectionSpec> distinct(List<CollectionSpec> specs) {
        Set<String> keys = new HashSet<>();
        for (CollectionSpec spec : specs) {
            if (!keys.add(spec.key())) {
                throw new IllegalArgumentException("collection key " + spec.key() + " appears twice (" + spec.namespace()
                        + "): each collection needs a stream of its own");
            }
        }
        return List.copyOf(specs);
    }
}
