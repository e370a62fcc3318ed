package io.mongonats.connector.lease;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Heartbeats this replica every heartbeat interval and lists the live ones every count interval, on a thread of its
 * own, {@code cdc-lease-members}, so that a slow or leaderless members bucket never delays a lease renewal. It also
 * hears every replica's heartbeats, and tells the lease loop when the count changes or a member goes silent.
 */
final class Membership {

    private static final Logger LOG = Logger.getLogger(Membership.class);

    private enum State { NEW, RUNNING, LEFT }

    /** The last listing, and why the one after it failed; no live replicas before the first listing. */
    private record Count(Set<String> live, String problem) {
    }

    private final String replicaId;
    private final Members members;
    private final Silence silence;
    private final Duration countInterval;
    private final Ticker ticker;
    private final Runnable onChange;
    private final RoundLoop loop;
    private final Map<String, Long> heard = new ConcurrentHashMap<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private volatile Count count = new Count(Set.of(), null);
    private volatile boolean recountDue = true;
    private long countedAt;
    private Set<String> silentBefore = Set.of();

    /** @param onChange told on this class's thread when the count changes, a member goes silent or the bucket is back */
    Membership(String replicaId, Members members, Silence silence, Duration countInterval, Ticker ticker,
               Runnable onChange) {
        this.replicaId = replicaId;
        this.members = members;
        this.silence = silence;
        this.countInterval = countInterval;
        this.ticker = ticker;
        this.onChange = onChange;
        this.loop = new RoundLoop("cdc-lease-members", this::tick, () -> state.get() == State.RUNNING);
    }

    /** Starts hearing heartbeats; without it nobody is ever found silent and only the TTL frees a dead holder's leases. */
    void listen() throws IOException {
        members.onHeartbeat(this::heard);
    }

    /**
     * A heartbeat arrived. The first one this replica hears of its own after a deaf spell (or at the start) restarts
     * every member's silence from now: what it missed meanwhile proves nothing about the others.
     */
    private void heard(String member) {
        long now = ticker.nanos();
        if (member.equals(replicaId)) {
            Long before = heard.get(replicaId);
            if (before == null || now - before >= silence.takeoverAfter().toNanos()) {
                heard.replaceAll((other, at) -> Math.max(at, now));
            }
        }
        heard.put(member, now);
    }

    /** Announces at once, then every heartbeat interval; runs once. The future completes once it has left. */
    Future<Void> start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("membership of replica " + replicaId + " already started");
        }
        loop.wake();
        return left.copy();
    }

    /** Counts again at once, out of turn: a member may have left. */
    void recount() {
        recountDue = true;
        loop.wake();
    }

    /** The live replicas last listed, this one included; 0 before the first listing. */
    int liveReplicas() {
        return count.live().size();
    }

    /** When each member last listed was last heard, on the ticker; members never heard are left out. */
    Map<String, Long> heard() {
        Map<String, Long> live = new HashMap<>();
        for (String member : count.live()) {
            Long at = heard.get(member);
            if (at != null) {
                live.put(member, at);
            }
        }
        return live;
    }

    /** False until the first count and while the members bucket cannot be reached: no new leases are taken. */
    boolean reachable() {
        Count last = count;
        return !last.live().isEmpty() && last.problem() == null;
    }

    /** Stops announcing and deletes this replica's heartbeat, so that the others recount at once. Idempotent. */
    void leave() {
        State before = state.getAndSet(State.LEFT);
        if (before == State.LEFT) {
            return;
        }
        loop.shutdown();
        try {
            loop.awaitTermination(countInterval);
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

    private long tick() {
        long now = ticker.nanos();
        boolean changed = false;
        if (recountDue || now - countedAt >= countInterval.toNanos() - silence.heartbeatInterval().toNanos() / 2) {
            changed = announce();
        } else {
            heartbeat();
        }
        Set<String> silent = silence.silent(ticker.nanos(), heard());
        if (!silentBefore.containsAll(silent)) {
            LOG.infof("Replica %s: no heartbeat heard from %s for %s", replicaId, silent, silence.takeoverAfter());
            changed = true;
        }
        silentBefore = silent;
        if (changed) {
            onChange.run();
        }
        return silence.heartbeatInterval().toNanos();
    }

    /** One heartbeat and listing; true when the count changed or the bucket became reachable again. */
    boolean announce() {
        Count before = count;
        recountDue = false;
        if (!heartbeat()) {
            return false;
        }
        try {
            Set<String> live = new HashSet<>(members.liveMembers());
            live.add(replicaId);
            count = new Count(Set.copyOf(live), null);
            heard.keySet().retainAll(live); // forget those that left or expired; a newcomer is heard again soon
            countedAt = ticker.nanos();
            if (before.problem() != null) {
                LOG.infof("Replica %s: members bucket reachable again (%d live replicas)", replicaId, live.size());
            }
            return live.size() != before.live().size() || before.problem() != null;
        } catch (IOException | RuntimeException e) {
            unreachable(before, e);
            return false;
        }
    }

    /** One heartbeat; false when it failed. */
    private boolean heartbeat() {
        Count before = count;
        try {
            members.heartbeat(replicaId);
            return true;
        } catch (IOException | RuntimeException e) {
            unreachable(before, e);
            return false;
        }
    }

    private void unreachable(Count before, Exception e) {
        // The client throws unchecked errors too (a closed connection): the next interval tries again.
        String problem = String.valueOf(e.getMessage());
        if (!problem.equals(before.problem())) {
            LOG.warnf("Replica %s: members bucket unreachable (%s); keeping held leases, taking no new ones",
                    replicaId, problem);
        }
        count = new Count(before.live(), problem);
    }
}
