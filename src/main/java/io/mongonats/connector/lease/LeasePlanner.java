package io.mongonats.connector.lease;

import io.mongonats.connector.lease.LeaseDecision.Acquire;
import io.mongonats.connector.lease.LeaseDecision.HandOver;
import io.mongonats.connector.lease.LeaseDecision.Halt;
import io.mongonats.connector.lease.LeaseDecision.Release;
import io.mongonats.connector.lease.LeaseDecision.Renew;
import io.mongonats.connector.lease.LeaseDecision.Restart;
import io.mongonats.connector.lease.LeaseDecision.Retire;
import io.mongonats.connector.lease.LeaseRound.Intent;
import io.mongonats.connector.lease.LeaseRound.Lease;
import io.mongonats.connector.lease.LeaseRound.WorkerState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides a lease round from a {@link LeaseRound}: renew what is held, halt what was not renewed within the renew
 * deadline or whose worker found a later holder's messages in its stream, release what has been drained, take free leases up to the fair share (only while the live replicas can
 * be counted) and hand the newest surplus ones over. A replica silent for {@code takeoverAfter} counts no more, and
 * its leases are taken over without waiting for them to expire. Pure: no I/O, no clock reads.
 */
public record LeasePlanner(String replicaId, Duration ttl, Duration renewDeadline, Duration renewInterval,
                           Duration takeoverAfter) {

    /** How long after a lease's expected expiry the next round tries it, so that the store has expired it. */
    static final long EXPIRY_MARGIN_NANOS = Duration.ofMillis(50).toNanos();


    /** The round's decisions, renewals first: they are the ones with a deadline. */
    public List<LeaseDecision> plan(LeaseRound round) {
        List<LeaseDecision> renewals = new ArrayList<>();
        List<LeaseDecision> others = new ArrayList<>();
        List<Lease> kept = new ArrayList<>();
        Set<String> wanted = round.closing() ? Set.of() : new HashSet<>(round.collections());
        for (Lease lease : round.held()) {
            if (lease.worker() == WorkerState.TAKEN_OVER) {
                // Its key is the later holder's now: give the lease up without touching the key.
                renewals.add(new Halt(lease.key(), "a later holder published to its stream (taken over)"));
            } else if (lease.intent() != Intent.KEEP && lease.worker() != WorkerState.RUNNING) {
                others.add(new Release(lease.key(), releaseReason(lease.intent(), round.closing())));
            } else if (round.now() - lease.renewedNanos() >= renewDeadline.toNanos()) {
                renewals.add(new Halt(lease.key(), "not renewed within the renew deadline of " + renewDeadline));
            } else {
                renewals.add(new Renew(lease.key()));
                if (lease.intent() != Intent.KEEP) {
                    continue;
                }
                if (!wanted.contains(lease.key())) {
                    others.add(new Retire(lease.key(), round.closing() ? "shutting down" : "the collection is no longer watched"));
                    continue;
                }
                if (lease.worker() == WorkerState.STOPPED) {
                    others.add(new Restart(lease.key()));
                }
                kept.add(lease);
            }
        }
        if (!round.closing()) {
            balance(round, kept, others);
        }
        renewals.addAll(others);
        return renewals;
    }

    /**
     * How long to wait before the next round: a renew interval, or less when a lease seen held elsewhere expires
     * sooner (its last write plus the TTL) or a held one reaches its renew deadline.
     *
     * @param heldRenewals       when each held lease was last renewed
     * @param elsewhereLastWrites when each lease seen held by another replica was last written, on this ticker
     */
    public long nextRoundInNanos(long now, Collection<Long> heldRenewals, Collection<Long> elsewhereLastWrites) {
        long wait = renewInterval.toNanos();
        for (long written : elsewhereLastWrites) {
            wait = sooner(wait, written + ttl.toNanos() + EXPIRY_MARGIN_NANOS - now);
        }
        for (long renewed : heldRenewals) {
            wait = sooner(wait, renewed + renewDeadline.toNanos() - now);
        }
        return wait;
    }

    /** A moment already past (clock skew, or a deadline already handled) waits for the regular round. */
    private static long sooner(long wait, long until) {
        return until > 0 && until < wait ? until : wait;
    }

    /** The live replicas not heard for {@code takeoverAfter}; none while this one cannot hear its own heartbeats. */
    public Set<String> silent(LeaseRound round) {
        return new Silence(replicaId, takeoverAfter).silent(round.now(), round.heard());
    }

    private void balance(LeaseRound round, List<Lease> kept, List<LeaseDecision> decisions) {
        Set<String> silent = silent(round);
        // A silent replica is still listed until its heartbeat key expires: it counts no more.
        int live = round.liveReplicas() - silent.size();
        int share = FairShare.of(round.collections().size(), live);
        if (kept.size() > share) {
            kept.stream()
                    .sorted(Comparator.comparingLong(Lease::epoch).reversed())
                    .limit(kept.size() - share)
                    .forEach(lease -> decisions.add(new HandOver(lease.key(), live, share)));
        } else if (kept.size() < share && round.membersReachable()) {
            Set<String> held = new HashSet<>();
            round.held().forEach(lease -> held.add(lease.key()));
            List<String> free = inTurn(round.collections()).stream().filter(key -> !held.contains(key)).toList();
            if (!free.isEmpty()) {
                decisions.add(new Acquire(free, share - kept.size(), silent));
            }
        }
    }

    /** Each replica starts at its own place in the list, so that replicas starting together rarely collide. */
    private List<String> inTurn(List<String> collections) {
        if (collections.isEmpty()) {
            return collections;
        }
        int offset = Math.floorMod(replicaId.hashCode(), collections.size());
        List<String> rotated = new ArrayList<>(collections.subList(offset, collections.size()));
        rotated.addAll(collections.subList(0, offset));
        return rotated;
    }

    private static String releaseReason(Intent intent, boolean closing) {
        if (intent == Intent.HAND_OVER) {
            return "handed over for balance";
        }
        return closing ? "shutting down" : "the collection is no longer watched";
    }
}
