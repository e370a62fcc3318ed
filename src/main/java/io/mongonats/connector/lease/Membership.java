package io.mongonats.connector.lease;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Heartbeats this replica and counts the live ones every interval, on a thread of its own,
 * {@code cdc-lease-members}, so that a slow or leaderless members bucket never delays a lease renewal.
 */
final class Membership {

    private static final Logger LOG = Logger.getLogger(Membership.class);

    private enum State { NEW, RUNNING, LEFT }

    /** The last count, and why the one after it failed; no live replicas before the first count. */
    private record Count(int live, String problem) {
    }

    private final String replicaId;
    private final Members members;
    private final Duration interval;
    private final Runnable onCountChange;
    private final RoundLoop loop;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private volatile Count count = new Count(0, null);

    /** @param onCountChange told on this class's thread when the count changes or the bucket is reachable again */
    Membership(String replicaId, Members members, Duration interval, Runnable onCountChange) {
        this.replicaId = replicaId;
        this.members = members;
        this.interval = interval;
        this.onCountChange = onCountChange;
        this.loop = new RoundLoop("cdc-lease-members", this::announceAndTell, () -> state.get() == State.RUNNING);
    }

    /** Announces at once, then every interval; runs once. The future completes once it has left. */
    Future<Void> start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("membership of replica " + replicaId + " already started");
        }
        loop.wake();
        return left.copy();
    }

    /** Counts again at once, out of turn: a member may have left. */
    void recount() {
        loop.wake();
    }

    /** The live replicas last counted, this one included; 0 before the first count. */
    int liveReplicas() {
        return count.live();
    }

    /** False until the first count and while the members bucket cannot be reached: no new leases are taken. */
    boolean reachable() {
        Count last = count;
        return last.live() > 0 && last.problem() == null;
    }

    /** Stops announcing and deletes this replica's heartbeat, so that the others recount at once. Idempotent. */
    void leave() {
        State before = state.getAndSet(State.LEFT);
        if (before == State.LEFT) {
            return;
        }
        loop.shutdown();
        try {
            loop.awaitTermination(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (before == State.RUNNING) {
            try {
                members.leave(replicaId);
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Replica %s: leaving failed: %s", replicaId, e.getMessage());
            }
        }
        left.complete(null);
    }

    private long announceAndTell() {
        if (announce()) {
            onCountChange.run();
        }
        return interval.toNanos();
    }

    /** One heartbeat and count; true when the count changed or the bucket became reachable again. */
    boolean announce() {
        Count before = count;
        try {
            members.heartbeat(replicaId);
            int live = Math.max(1, members.liveCount());
            count = new Count(live, null);
            if (before.problem() != null) {
                LOG.infof("Replica %s: members bucket reachable again (%d live replicas)", replicaId, live);
            }
            return live != before.live() || before.problem() != null;
        } catch (IOException | RuntimeException e) {
            // The client throws unchecked errors too (a closed connection): the next interval tries again.
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(before.problem())) {
                LOG.warnf("Replica %s: members bucket unreachable (%s); keeping held leases, taking no new ones",
                        replicaId, problem);
            }
            count = new Count(before.live(), problem);
            return false;
        }
    }
}
