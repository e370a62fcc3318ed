package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseCluster.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keeper on its own threads, as in production. Regular rounds are an hour apart here, so every round these
 * tests see comes from a wake-up: the start, a release or a departure seen in the store.
 */
@Timeout(60) // a guard against a hung close, far above what the tests need
class LeaseKeeperLifecycleTest {

    private static final LeaseKeeper.Timings QUIET = new LeaseKeeper.Timings(Duration.ofHours(10),
            Duration.ofHours(6), Duration.ofHours(1), Duration.ofHours(4), Duration.ofSeconds(10));

    private final LeaseCluster cluster = new LeaseCluster();
    private final List<CollectionSpec> two = LeaseCluster.collections(2);

    @Test
    void startRunsOnceAndCloseIsIdempotent() throws Exception {
        Replica replica = cluster.create("pod-a", two, QUIET);
        Future<Void> closed = replica.keeper.start();
        assertThrows(IllegalStateException.class, replica.keeper::start);
        replica.workers.awaitStarted();
        replica.workers.awaitStarted();

        replica.keeper.close();
        replica.keeper.close();

        assertTrue(closed.isDone());
        assertEquals(Map.of(), cluster.store.holders());
        assertThrows(IllegalStateException.class, replica.keeper::start, "a closed keeper stays closed");
    }

    @Test
    void closingDrainsTheWorkersReleasesTheLeasesAndAStandbyTakesThemAtOnce() throws Exception {
        Replica first = cluster.create("pod-a", two, QUIET);
        first.keeper.start();
        Set<String> firstStarted = Stream.of(first.workers.awaitStarted(), first.workers.awaitStarted())
                .map(worker -> worker.createdOn).collect(Collectors.toSet());
        assertEquals(Set.of("cdc-lease"), firstStarted, "workers are started by the lease thread");
        Replica second = cluster.create("pod-b", two, QUIET);
        second.keeper.start();

        first.keeper.close();

        first.workers.created().forEach(worker -> {
            assertTrue(worker.stopRequested(), worker.key + " drained");
            assertNull(worker.haltReason(), worker.key + " not halted");
        });
        second.workers.awaitStarted();
        second.workers.awaitStarted();
        assertEquals(Map.of(two.get(0).key(), "pod-b", two.get(1).key(), "pod-b"), cluster.store.holders());
        assertTrue(first.events.containsAll(List.of("released " + two.get(0).key(), "released " + two.get(1).key())));
        second.keeper.close();
        assertEquals(Map.of(), cluster.store.holders());
        assertFalse(second.workers.created().stream().anyMatch(FakeWorkers.Worker::running));
    }

    @Test
    void aStandbyOnItsOwnThreadsTakesOverAHolderThatFellSilentLongBeforeItsLeaseCouldExpire() throws Exception {
        LeaseKeeper.Timings quickTakeover = new LeaseKeeper.Timings(QUIET.ttl(), QUIET.renewDeadline(),
                QUIET.renewInterval(), Duration.ofMillis(400), QUIET.shutdownTimeout());
        Replica holder = cluster.createOnSystemTime("pod-a", List.of(two.get(0)), quickTakeover);
        holder.keeper.start();
        FakeWorkers.Worker held = holder.workers.awaitStarted();
        Replica standby = cluster.createOnSystemTime("pod-b", List.of(two.get(0)), quickTakeover);
        standby.keeper.start();

        holder.client.cut(); // its heartbeats stop; its key would expire only after the fake time moved 10 hours

        FakeWorkers.Worker taker = standby.workers.awaitStarted();
        assertEquals(Map.of(two.get(0).key(), "pod-b"), cluster.store.holders());
        assertTrue(taker.grant.epoch() > held.grant.epoch());
        assertEquals("cdc-lease", taker.createdOn, "taken by the standby's lease loop, woken by its membership thread");
        standby.keeper.close();
        holder.keeper.close();
    }

    @Test
    void aWorkerThatDoesNotDrainWithinTheShutdownTimeoutIsHaltedAndItsLeaseReleased() throws Exception {
        LeaseKeeper.Timings briefShutdown = new LeaseKeeper.Timings(QUIET.ttl(), QUIET.renewDeadline(),
                QUIET.renewInterval(), QUIET.takeoverAfter(), Duration.ofMillis(100));
        Replica replica = cluster.create("pod-a", List.of(two.get(0)), briefShutdown);
        replica.workers.drainForever();
        replica.keeper.start();
        FakeWorkers.Worker stuck = replica.workers.awaitStarted();

        replica.keeper.close();

        assertTrue(stuck.stopRequested());
        assertTrue(stuck.haltReason().contains("shutdown timeout"), stuck.haltReason());
        assertEquals(Map.of(), cluster.store.holders());
    }
}
