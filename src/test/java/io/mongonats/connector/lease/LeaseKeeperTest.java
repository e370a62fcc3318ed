package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseCluster.Replica;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease keeper against an in-memory compare-and-set store, rounds driven by the test on a fake clock. */
class LeaseKeeperTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final long INTERVAL_NANOS = LeaseCluster.TIMINGS.renewInterval().toNanos();
    private static final Duration TAKEOVER_AFTER = LeaseCluster.TIMINGS.takeoverAfter();

    private final LeaseCluster cluster = new LeaseCluster();
    private final List<CollectionSpec> one = LeaseCluster.collections(1);
    private final String key = one.get(0).key();

    @Test
    void aStandbyThatCannotHearHeartbeatsStartsNothingAndAimsItsNextRoundAtTheHoldersExpiry() {
        Replica holder = cluster.join("pod-a", one);
        Replica standby = cluster.join("pod-b", one);
        standby.client.deafen(); // it cannot tell a silent holder from its own deafness: the TTL is the backstop
        cluster.round();

        assertEquals(Map.of(key, "pod-a"), cluster.store.holders());
        assertEquals(Set.of(), standby.held());
        assertEquals(List.of(), standby.workers.created(), "no worker without the lease");

        cluster.crash(holder);
        cluster.time.advance(Duration.ofMillis(8_500));
        standby.keeper.announce();
        long wait = standby.keeper.runRound();
        assertEquals(Duration.ofMillis(1_500).toNanos() + LeasePlanner.EXPIRY_MARGIN_NANOS, wait,
                "the holder last wrote 8.5s ago and the ttl is 10s");

        cluster.time.advance(Duration.ofNanos(wait));
        standby.keeper.runRound();
        assertEquals(Map.of(key, "pod-b"), cluster.store.holders());
        assertTrue(standby.workers.latest(key).running());
        assertTrue(standby.workers.latest(key).grant.epoch() > holder.workers.latest(key).grant.epoch(),
                "a later holder has a larger epoch");
        assertFalse(holder.workers.latest(key).grant.isValid(), "the silent holder's lease lapsed before the takeover");
    }

    @Test
    void aHolderNotHeardForTakeoverAfterIsTakenOverLongBeforeItsLeaseExpires() {
        Replica holder = cluster.join("pod-a", one);
        Replica standby = cluster.join("pod-b", one);
        cluster.round();
        FakeWorkers.Worker paused = holder.workers.latest(key);

        cluster.crash(holder);
        cluster.beat(TAKEOVER_AFTER.minusMillis(250));
        cluster.time.advance(Duration.ofMillis(249));
        cluster.round();
        assertEquals(Map.of(key, "pod-a"), cluster.store.holders(), "heard 999 ms ago: not silent yet");
        assertEquals(List.of(), standby.workers.created());

        cluster.time.advance(Duration.ofMillis(1));
        cluster.round();
        assertEquals(Map.of(key, "pod-b"), cluster.store.holders(), "taken over 1 s after the last heartbeat, ttl 10 s");
        FakeWorkers.Worker taker = standby.workers.latest(key);
        assertTrue(taker.running());
        assertTrue(taker.grant.epoch() > paused.grant.epoch(), "the new holder has a larger epoch");
        assertTrue(standby.events.contains("acquired " + key));
        assertTrue(paused.grant.isValid(), "the paused holder would still publish if it woke now: the stream fence, "
                + "not the lease, refuses its messages once the new holder has published");
    }

    @Test
    void aStandbyThatWasDeafCountsSilenceOnlyFromWhenItHearsItselfAgain() {
        Replica holder = cluster.join("pod-a", one);
        Replica standby = cluster.join("pod-b", one);
        cluster.round();
        standby.client.deafen();
        cluster.crash(holder);
        cluster.time.advance(Duration.ofSeconds(3));
        cluster.round();
        assertEquals(Map.of(key, "pod-a"), cluster.store.holders(), "deaf: nobody is silent");

        standby.client.hearAgain();
        cluster.round();
        assertEquals(Map.of(key, "pod-a"), cluster.store.holders(), "what it missed while deaf proves nothing");

        cluster.beat(TAKEOVER_AFTER);
        cluster.round();
        assertEquals(Map.of(key, "pod-b"), cluster.store.holders());
    }

    @Test
    void aHolderThatKeepsHeartbeatingIsNeverTakenOverEarlyEvenWhileItsRenewalsStall() {
        Replica holder = cluster.join("pod-a", one);
        Replica standby = cluster.join("pod-b", one);
        cluster.round();
        cluster.crash(holder); // its lease loop stalls: no renewal for 5.5 s, but it keeps heartbeating
        Duration heartbeat = new Silence("pod-a", TAKEOVER_AFTER).heartbeatInterval();

        for (int beat = 1; beat <= 22; beat++) {
            cluster.time.advance(heartbeat);
            holder.keeper.announce();
            cluster.round();
            assertEquals(Map.of(key, "pod-a"), cluster.store.holders(), "after " + beat * heartbeat.toMillis() + " ms");
        }
        assertEquals(List.of(), standby.workers.created(), "the standby never started a worker");

        holder.keeper.runRound();
        assertTrue(holder.workers.latest(key).running());
        assertTrue(holder.workers.latest(key).grant.isValid(), "renewed in time, 5.5 s after the last renewal");
        assertEquals(1, holder.workers.created().size());
    }

    @Test
    void aTakeoverThatLosesTheCompareAndSetRaceStartsNothing() {
        Replica holder = cluster.join("pod-a", one);
        Replica first = cluster.join("pod-b", one);
        Replica second = cluster.join("pod-c", one);
        cluster.round();
        cluster.crash(holder);
        cluster.beat(TAKEOVER_AFTER);
        long seen = cluster.store.revision(key).orElseThrow();
        second.client.beforeNextTakeOver(() -> {
            first.keeper.announce();
            first.keeper.runRound();
        });

        second.keeper.announce();
        second.keeper.runRound();

        assertEquals(Map.of(key, "pod-b"), cluster.store.holders(), "pod-b took it between pod-c's read and its write");
        assertTrue(cluster.store.revision(key).orElseThrow() > seen);
        assertEquals(List.of(), second.workers.created(), "the loser starts nothing");
        assertEquals(Set.of(), second.held());
        assertTrue(first.workers.latest(key).running());
    }

    @Test
    void theOldHolderWakingAfterATakeoverLosesTheLeaseAtItsNextRenewalAndStopsPublishing() {
        Replica holder = cluster.join("pod-a", one);
        Replica standby = cluster.join("pod-b", one);
        cluster.round();
        FakeWorkers.Worker old = holder.workers.latest(key);
        cluster.crash(holder);
        cluster.beat(Duration.ofMillis(1_500));
        cluster.round();
        assertEquals(Map.of(key, "pod-b"), cluster.store.holders());

        cluster.resume(holder);
        cluster.round();

        assertTrue(old.haltReason().contains("another replica took it"), old.haltReason());
        assertFalse(old.grant.isValid(), "the worker's own check refuses every further publish");
        assertTrue(holder.events.contains("lost " + key));
        assertEquals(Set.of(), holder.held());
        assertEquals(1, holder.workers.created().size(), "it does not take the lease back from a live holder");
        assertEquals(Map.of(key, "pod-b"), cluster.store.holders());
        assertTrue(standby.workers.latest(key).running());
    }

    @Test
    void aWorkerThatFindsALaterHoldersMessagesGivesTheLeaseUpWithoutTouchingTheKey() {
        Replica holder = cluster.join("pod-a", one);
        Replica standby = cluster.join("pod-b", one);
        cluster.round();
        FakeWorkers.Worker old = holder.workers.latest(key);
        cluster.crash(holder);
        cluster.beat(Duration.ofMillis(1_500));
        cluster.round();
        assertEquals(Map.of(key, "pod-b"), cluster.store.holders());

        // It wakes with a lease still valid locally, but cannot renew: only its stream tells it it was taken over.
        cluster.resume(holder);
        holder.client.cut();
        assertTrue(old.grant.isValid());
        old.findsItselfTakenOver();
        cluster.round();

        assertEquals(Set.of(), holder.held(), "given up at once, not restarted round after round");
        assertFalse(old.grant.isValid());
        assertEquals(1, holder.workers.created().size());
        assertTrue(holder.events.contains("lost " + key));
        holder.client.restore();
        cluster.rounds(3);
        assertEquals(Map.of(key, "pod-b"), cluster.store.holders(), "the later holder's key is left alone");
        assertEquals(1, holder.workers.created().size(), "nor taken back from the live later holder");
        assertTrue(standby.workers.latest(key).running());
    }

    @Test
    void aConfirmationIsAnsweredByTheNextSuccessfulRenewalOrByTheLossOfTheLease() {
        Replica holder = cluster.join("pod-a", one);
        Replica standby = cluster.join("pod-b", one);
        cluster.round();
        FakeWorkers.Worker worker = holder.workers.latest(key);
        var confirmed = worker.grant.confirm();
        assertFalse(confirmed.isDone(), "no renewal sent since it was asked");
        cluster.time.advance(Duration.ofMillis(10));
        cluster.round();
        assertTrue(confirmed.getNow(false), "a renewal sent after the request succeeded");

        cluster.crash(holder);
        cluster.beat(Duration.ofMillis(1_500));
        cluster.round();
        cluster.resume(holder);
        var afterTakeover = worker.grant.confirm();
        assertTrue(worker.grant.isValid(), "still valid locally");
        cluster.round();
        assertEquals(Boolean.FALSE, afterTakeover.getNow(null), "the renewal's compare-and-set failed: taken over");
        assertEquals(Boolean.FALSE, worker.grant.confirm().getNow(null), "a lost lease is never confirmed");
        assertTrue(standby.workers.latest(key).running());
    }

    @Test
    void renewalsFailingUntilTheRenewDeadlineHaltTheWorker() {
        Replica replica = cluster.join("pod-a", one);
        cluster.round();
        FakeWorkers.Worker worker = replica.workers.latest(key);
        replica.client.cut();

        for (int second = 2; second <= 4; second += 2) {
            cluster.time.advance(LeaseCluster.TIMINGS.renewInterval());
            cluster.round();
            assertTrue(worker.grant.isValid(), "still within the renew deadline after " + second + "s");
            assertTrue(worker.running());
            assertEquals(Set.of(key), replica.held());
        }
        assertEquals(1, replica.events.stream().filter(("renew failed " + key)::equals).count(), "told once per outage");

        cluster.time.advance(LeaseCluster.TIMINGS.renewInterval());
        assertFalse(worker.grant.isValid(), "the worker itself stops publishing at the deadline");
        cluster.round();
        assertTrue(worker.haltReason().contains("renew deadline"), worker.haltReason());
        assertEquals(Set.of(), replica.held());
        assertTrue(replica.events.contains("lost " + key));
    }

    @Test
    void aRenewalRoundFallsDueAtTheRenewDeadline() {
        Replica replica = cluster.join("pod-a", one);
        cluster.round();
        replica.client.cut();
        cluster.time.advance(Duration.ofMillis(4_500));

        long wait = replica.keeper.runRound();

        assertEquals(Duration.ofMillis(1_500).toNanos(), wait, "the renewal sent 4.5s ago times out at 6s");
    }

    @Test
    void afterAHaltTheLeaseIsAcquiredAgainOnceItsKeyHasExpired() {
        Replica replica = cluster.join("pod-a", one);
        cluster.round();
        long firstEpoch = replica.workers.latest(key).grant.epoch();
        replica.client.cut();
        cluster.time.advance(Duration.ofSeconds(6));
        cluster.round();
        assertEquals(Set.of(), replica.held());
        replica.client.restore();

        cluster.round();
        assertEquals(Set.of(), replica.held(), "its own stale key still stands: acquiring it is a lost race");
        assertEquals(1, replica.workers.created().size());

        cluster.time.advance(Duration.ofSeconds(4));
        cluster.round();
        assertEquals(Set.of(key), replica.held());
        FakeWorkers.Worker second = replica.workers.latest(key);
        assertEquals(2, replica.workers.created().size());
        assertTrue(second.running());
        assertTrue(second.grant.epoch() > firstEpoch, "a new epoch");
    }

    @Test
    void aRenewalWhoseCompareAndSetFailsLosesTheLeaseAtOnce() {
        Replica first = cluster.join("pod-a", one);
        cluster.round();
        Replica second = cluster.join("pod-b", one);
        cluster.store.delete(key);
        second.keeper.announce();
        second.keeper.runRound();

        first.keeper.runRound();

        assertEquals(Map.of(key, "pod-b"), cluster.store.holders());
        assertEquals(Set.of(), first.held());
        assertTrue(first.workers.latest(key).haltReason().contains("another replica took it"));
        assertTrue(first.events.contains("lost " + key));
        assertTrue(second.workers.latest(key).running());
    }

    @Test
    void aJoiningReplicaGetsTheNewestLeasesHandedOverAfterTheirWorkersDrain() {
        List<CollectionSpec> four = LeaseCluster.collections(4);
        Replica first = cluster.join("pod-a", four);
        cluster.round();
        assertEquals(4, first.held().size());
        List<String> byEpoch = four.stream().map(CollectionSpec::key)
                .sorted((a, b) -> Long.compare(first.workers.latest(a).grant.epoch(), first.workers.latest(b).grant.epoch()))
                .toList();

        Replica second = cluster.join("pod-b", four);
        cluster.round();
        for (String newest : byEpoch.subList(2, 4)) {
            FakeWorkers.Worker worker = first.workers.latest(newest);
            assertTrue(worker.stopRequested(), newest + " is drained gracefully");
            assertNull(worker.haltReason());
        }
        assertEquals(Set.of(), second.held(), "nothing is free before the drained leases are released");

        cluster.round();
        assertEquals(Set.copyOf(byEpoch.subList(0, 2)), first.held(), "the oldest epochs stay");
        assertEquals(Set.copyOf(byEpoch.subList(2, 4)), second.held());
        assertTrue(first.events.contains("handed over " + byEpoch.get(3)));
        assertEquals(2, first.workers.running().size());
        assertEquals(2, second.workers.running().size());
    }

    @Test
    void aStoppedWorkerIsStartedAgainUnderTheSameLeaseButOneThatFailedIsNot() {
        List<CollectionSpec> two = LeaseCluster.collections(2);
        Replica replica = cluster.join("pod-a", two);
        cluster.round();
        FakeWorkers.Worker lapsed = replica.workers.latest(two.get(0).key());
        FakeWorkers.Worker failed = replica.workers.latest(two.get(1).key());
        lapsed.stopsByItself(false);
        failed.stopsByItself(true);

        cluster.round();

        FakeWorkers.Worker restarted = replica.workers.latest(two.get(0).key());
        assertNotSame(lapsed, restarted);
        assertTrue(restarted.running());
        assertSame(lapsed.grant, restarted.grant, "the same lease, the same epoch");
        assertSame(failed, replica.workers.latest(two.get(1).key()));
        assertEquals(Set.of(two.get(0).key(), two.get(1).key()), replica.held(), "a failed worker keeps its lease");
    }

    @Test
    void collectionsChangeWhileRunningAndARemovedOneIsReleasedOnlyAfterItsWorkerStopped() {
        List<CollectionSpec> two = LeaseCluster.collections(2);
        Replica replica = cluster.join("pod-a", two);
        replica.workers.drainForever();
        cluster.round();
        CollectionSpec added = LeaseCluster.spec("c3");
        CollectionSpec removed = two.get(0);

        replica.keeper.updateCollections(List.of(two.get(1), added));
        cluster.round();
        FakeWorkers.Worker draining = replica.workers.latest(removed.key());
        assertTrue(draining.stopRequested());
        assertEquals(Set.of(removed.key(), two.get(1).key(), added.key()), replica.held(), "held while it drains");
        assertTrue(cluster.store.holders().containsKey(removed.key()));

        draining.finishDrain();
        cluster.round();
        assertEquals(Set.of(two.get(1).key(), added.key()), replica.held());
        assertFalse(cluster.store.holders().containsKey(removed.key()));
        assertNull(replica.board.collection(removed.key()), "no longer on the status board");
        assertEquals("shop.c3", replica.board.collection(added.key()).namespace());
    }

    @Test
    void aCollectionKeyTwiceIsRefusedWithTheKeyNamed() {
        Replica replica = cluster.join("pod-a", one);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> replica.keeper.updateCollections(List.of(one.get(0), one.get(0))));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void aRoundIsAnIntervalApartWhileNothingIsAboutToExpire() {
        Replica replica = cluster.join("pod-a", one);
        replica.keeper.announce();
        assertEquals(INTERVAL_NANOS, replica.keeper.runRound());
        assertTrue(replica.board.replica().leaseLoopLastRoundMillis() > 0, "the round is on the board");
    }
}
