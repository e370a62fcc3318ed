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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeasePlannerTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long NOW = 1_000 * SECOND;
    private static final List<String> FIVE = List.of("a", "b", "c", "d", "e");

    private final LeasePlanner planner = new LeasePlanner("pod-0", Duration.ofSeconds(10), Duration.ofSeconds(6),
            Duration.ofSeconds(2), Duration.ofSeconds(1));

    @Test
    void takesFreeLeasesUpToTheFairShareStartingAtItsOwnPlace() {
        List<LeaseDecision> plan = planner.plan(round(List.of(), FIVE, 2));

        assertEquals(1, plan.size(), plan.toString());
        Acquire acquire = assertInstanceOf(Acquire.class, plan.get(0));
        assertEquals(3, acquire.wanted(), "ceil(5 / 2)");
        assertEquals(Set.copyOf(FIVE), new HashSet<>(acquire.keys()));
        int start = FIVE.indexOf(acquire.keys().get(0));
        assertEquals(Math.floorMod("pod-0".hashCode(), 5), start, "the replica id picks where it starts");
        for (int i = 0; i < FIVE.size(); i++) {
            assertEquals(FIVE.get((start + i) % 5), acquire.keys().get(i), "the list wraps around in order");
        }
    }

    @Test
    void renewsWhatItHoldsAndTakesTheRestOfItsShareFromTheFreeOnes() {
        List<LeaseDecision> plan = planner.plan(round(List.of(held("b", 7), held("d", 9)), FIVE, 2));

        assertEquals(new Renew("b"), plan.get(0));
        assertEquals(new Renew("d"), plan.get(1));
        Acquire acquire = assertInstanceOf(Acquire.class, plan.get(2));
        assertEquals(1, acquire.wanted());
        assertEquals(Set.of("a", "c", "e"), new HashSet<>(acquire.keys()), "never a key it holds");
        assertEquals(3, plan.size());
    }

    @Test
    void holdingItsShareItOnlyRenews() {
        List<LeaseDecision> plan = planner.plan(round(List.of(held("a", 1), held("b", 2), held("c", 3)), FIVE, 2));

        assertEquals(List.of(new Renew("a"), new Renew("b"), new Renew("c")), plan);
    }

    @Test
    void handsTheNewestSurplusLeasesOver() {
        List<Lease> held = List.of(held("a", 10), held("b", 40), held("c", 20), held("d", 30));

        List<LeaseDecision> plan = planner.plan(round(held, List.of("a", "b", "c", "d"), 2));

        assertEquals(List.of(new Renew("a"), new Renew("b"), new Renew("c"), new Renew("d"),
                new HandOver("b", 2, 2), new HandOver("d", 2, 2)), plan);
    }

    @Test
    void takesNoNewLeasesWhileTheLiveReplicasCannotBeCounted() {
        LeaseRound unreachable = new LeaseRound(NOW, List.of(held("a", 1)), FIVE, 1, false, false);
        LeaseRound neverCounted = new LeaseRound(NOW, List.of(), FIVE, 0, false, false);

        assertEquals(List.of(new Renew("a")), planner.plan(unreachable));
        assertEquals(List.of(), planner.plan(neverCounted));
    }

    @Test
    void haltsALeaseOnceTheRenewDeadlineHasPassedAndCountsItNoMore() {
        Lease justInTime = new Lease("a", 1, NOW - 6 * SECOND + 1, WorkerState.RUNNING, Intent.KEEP);
        Lease tooLate = new Lease("b", 2, NOW - 6 * SECOND, WorkerState.RUNNING, Intent.KEEP);

        List<LeaseDecision> plan = planner.plan(round(List.of(justInTime, tooLate), List.of("a", "b"), 1));

        assertEquals(new Renew("a"), plan.get(0));
        Halt halt = assertInstanceOf(Halt.class, plan.get(1));
        assertEquals("b", halt.key());
        assertTrue(halt.why().contains("renew deadline of PT6S"), halt.why());
        assertEquals(2, plan.size(), "the halted key is not tried again in the round it was given up: " + plan);
    }

    @Test
    void givesUpALeaseWhoseWorkerFoundALaterHoldersMessagesWithoutRenewingOrRestartingIt() {
        Lease takenOver = new Lease("a", 1, NOW, WorkerState.TAKEN_OVER, Intent.KEEP);
        Lease takenOverWhileHandedOver = new Lease("b", 2, NOW, WorkerState.TAKEN_OVER, Intent.HAND_OVER);

        List<LeaseDecision> plan = planner.plan(round(List.of(takenOver, takenOverWhileHandedOver), List.of("a", "b"), 1));

        assertEquals(2, plan.size(), "neither renewed, restarted, released nor tried again this round: " + plan);
        for (LeaseDecision decision : plan) {
            Halt halt = assertInstanceOf(Halt.class, decision);
            assertTrue(halt.why().contains("taken over"), halt.why());
        }
    }

    @Test
    void releasesALeaseBeingHandedOverOnlyOnceItsWorkerHasStopped() {
        Lease draining = new Lease("a", 1, NOW, WorkerState.RUNNING, Intent.HAND_OVER);
        Lease drained = new Lease("b", 2, NOW, WorkerState.STOPPED, Intent.HAND_OVER);
        Lease drainedLate = new Lease("c", 3, NOW - 7 * SECOND, WorkerState.FAILED, Intent.HAND_OVER);

        List<LeaseDecision> plan = planner.plan(round(List.of(draining, drained, drainedLate), List.of("a", "b", "c"), 3));

        assertEquals(List.of(new Renew("a"), new Release("b", "handed over for balance"),
                new Release("c", "handed over for balance")), plan, "a drained worker is released even after the "
                + "deadline: its checkpoint is written, and another replica may take the key at once");
    }

    @Test
    void startsAStoppedWorkerAgainButNotOneThatFailedByPolicy() {
        Lease stopped = new Lease("a", 1, NOW, WorkerState.STOPPED, Intent.KEEP);
        Lease failed = new Lease("b", 2, NOW, WorkerState.FAILED, Intent.KEEP);

        List<LeaseDecision> plan = planner.plan(round(List.of(stopped, failed), List.of("a", "b"), 1));

        assertEquals(List.of(new Renew("a"), new Renew("b"), new Restart("a")), plan);
    }

    @Test
    void retiresALeaseWhoseCollectionIsNoLongerWatchedAndStopsCountingIt() {
        List<LeaseDecision> plan = planner.plan(round(List.of(held("gone", 5), held("a", 6)), List.of("a", "b"), 1));

        assertEquals(List.of(new Renew("gone"), new Renew("a"), new Retire("gone", "the collection is no longer watched"),
                new Acquire(List.of("b"), 1)), plan, "the share counts only the watched collections");
        LeaseRound retiredAndStopped = round(List.of(new Lease("gone", 5, NOW, WorkerState.STOPPED, Intent.RETIRE)),
                List.of(), 1);
        assertEquals(List.of(new Release("gone", "the collection is no longer watched")), planner.plan(retiredAndStopped));
    }

    @Test
    void closingRetiresEveryLeaseAndTakesNoneButKeepsRenewingUntilTheWorkersHaveStopped() {
        LeaseRound closing = new LeaseRound(NOW, List.of(held("a", 1), held("b", 2)), FIVE, 1, true, true);
        assertEquals(List.of(new Renew("a"), new Renew("b"), new Retire("a", "shutting down"),
                new Retire("b", "shutting down")), planner.plan(closing));

        LeaseRound draining = new LeaseRound(NOW, List.of(new Lease("a", 1, NOW, WorkerState.RUNNING, Intent.RETIRE),
                new Lease("b", 2, NOW, WorkerState.STOPPED, Intent.RETIRE)), FIVE, 1, true, true);
        assertEquals(List.of(new Renew("a"), new Release("b", "shutting down")), planner.plan(draining));
    }

    @Test
    void aReplicaNotHeardForTakeoverAfterCountsNoMoreAndItsLeasesAreTakenOver() {
        Map<String, Long> heard = Map.of("pod-0", NOW, "pod-1", NOW - SECOND, "pod-2", NOW - SECOND / 4);
        LeaseRound round = new LeaseRound(NOW, List.of(held("a", 1)), List.of("a", "b", "c"), 3, true, false, heard);

        assertEquals(Set.of("pod-1"), planner.silent(round));
        Acquire acquire = assertInstanceOf(Acquire.class, planner.plan(round).get(1));
        assertEquals(1, acquire.wanted(), "two live replicas left: a share of ceil(3 / 2) = 2, one held");
        assertEquals(Set.of("pod-1"), acquire.silent(), "pod-1's lease is taken over, pod-2's is not");
    }

    @Test
    void aReplicaHeardWithinTakeoverAfterIsNotSilentHoweverLongAgoItsLeasesWereRenewed() {
        Map<String, Long> heard = Map.of("pod-0", NOW, "pod-1", NOW - SECOND + 1);
        LeaseRound round = new LeaseRound(NOW, List.of(held("a", 1)), List.of("a", "b"), 2, true, false, heard);

        assertEquals(Set.of(), planner.silent(round));
        assertEquals(List.of(new Renew("a")), planner.plan(round), "its fair share held, it takes nothing");
    }

    @Test
    void aReplicaThatHasNotHeardItselfFindsNobodySilent() {
        Map<String, Long> deaf = Map.of("pod-0", NOW - SECOND, "pod-1", NOW - 5 * SECOND);
        Map<String, Long> neverHeardItself = Map.of("pod-1", NOW - 5 * SECOND);

        for (Map<String, Long> heard : List.of(deaf, neverHeardItself)) {
            LeaseRound round = new LeaseRound(NOW, List.of(held("a", 1)), List.of("a", "b"), 2, true, false, heard);
            assertEquals(Set.of(), planner.silent(round), heard.toString());
            assertEquals(List.of(new Renew("a")), planner.plan(round), "it waits for the TTL: " + heard);
        }
    }

    @Test
    void waitsARenewIntervalUnlessALeaseHeldElsewhereExpiresSooner() {
        long interval = 2 * SECOND;
        long margin = LeasePlanner.EXPIRY_MARGIN_NANOS;

        assertEquals(interval, planner.nextRoundInNanos(NOW, List.of(NOW), List.of()));
        assertEquals(interval, planner.nextRoundInNanos(NOW, List.of(), List.of(NOW - 5 * SECOND)),
                "expires in 5s: after the next regular round");
        assertEquals(SECOND / 2 + margin, planner.nextRoundInNanos(NOW, List.of(), List.of(NOW - 9 * SECOND - SECOND / 2,
                NOW - 8 * SECOND - SECOND / 2)), "the soonest expiry, just after it");
        assertEquals(interval, planner.nextRoundInNanos(NOW, List.of(), List.of(NOW - 11 * SECOND)),
                "an expiry already past (clock skew) waits for the regular round");
    }

    @Test
    void aHeldLeaseNotRenewedLatelyGetsItsRoundAtTheRenewDeadline() {
        assertEquals(SECOND, planner.nextRoundInNanos(NOW, List.of(NOW - 5 * SECOND), List.of()));
        assertEquals(2 * SECOND, planner.nextRoundInNanos(NOW, List.of(NOW - SECOND), List.of()));
    }

    private static LeaseRound round(List<Lease> held, List<String> collections, int liveReplicas) {
        return new LeaseRound(NOW, held, collections, liveReplicas, true, false);
    }

    private static Lease held(String key, long epoch) {
        return new Lease(key, epoch, NOW - SECOND, WorkerState.RUNNING, Intent.KEEP);
    }
}
