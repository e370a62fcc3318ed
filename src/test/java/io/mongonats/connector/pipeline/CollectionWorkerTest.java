package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.checkpoint.LeaseStamp;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.SnapshotMode;
import io.mongonats.connector.pipeline.FakePorts.TestChange;
import io.mongonats.connector.status.CollectionStatus;
import io.mongonats.connector.status.StatusBoard;
import io.mongonats.connector.status.WorkerStatus;
import io.mongonats.connector.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker against fakes of its own ports: ordering, fencing, checkpoints, policies, pauses and stops. */
class CollectionWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final WorkerSettings SETTINGS = new WorkerSettings(100, Duration.ofMillis(50), 8,
            Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMillis(10), 7);

    private final FakePorts.Source source = new FakePorts.Source();
    private final FakePorts.Collection collection = new FakePorts.Collection(source);
    private final FakePorts.Sink sink = new FakePorts.Sink();
    private final FakePorts.Checkpoints checkpoints = new FakePorts.Checkpoints();
    private final FakePorts.Lease lease = new FakePorts.Lease();
    private final FakePorts.Availability availability = new FakePorts.Availability();
    private final StatusBoard board = new StatusBoard("r1");
    private CollectionWorker<TestChange> worker;
    private Future<?> running;

    private Future<?> start(CollectionSpec spec, MessageMapper<TestChange> mapper) {
        return start(spec, mapper, WorkerObserver.NONE);
    }

    private Future<?> start(CollectionSpec spec, MessageMapper<TestChange> mapper, WorkerObserver observer) {
        board.register(spec.key(), spec.namespace());
        board.leaseHeld(spec.key(), lease.epoch());
        worker = new CollectionWorker<>(spec, new WorkerPorts<>(source, collection, mapper, sink, checkpoints, availability),
                SETTINGS, lease, observer, board, Clock.systemUTC());
        running = worker.start();
        return running;
    }

    @AfterEach
    void stopWorker() throws Exception {
        if (worker != null) {
            worker.halt("test over");
            running.get(10, TimeUnit.SECONDS);
        }
    }

    private void feed(int from, int to) {
        for (int n = from; n <= to; n++) {
            source.changes.add(TestChange.insert(n));
        }
    }

    private WorkerStatus status() {
        CollectionStatus collection = board.collection(FakePorts.SPEC.key());
        return collection == null ? null : collection.worker();
    }

    @Test
    void publishesInOrderFencedAndCheckpointsTheLastAcknowledgedChangeOnAGracefulStop() throws Exception {
        feed(1, 50);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "50 changes stored", () -> sink.stored.size() == 50);
        worker.stop();
        running.get(10, TimeUnit.SECONDS);

        assertEquals(FakePorts.tokens(1, 50), sink.ids());
        assertEquals(0, sink.refused.get());
        Checkpoint last = checkpoints.saved.get("shop_orders");
        assertEquals("t00050", last.token());
        assertEquals(50, last.streamSequence());
        assertEquals(StartAt.now(), source.opens.getFirst(), "a first start opens at the current time");
        assertEquals(WorkerStatus.State.STOPPED, status().state());
        assertFalse(worker.failed());
        assertThrows(IllegalStateException.class, worker::start);
    }

    @Test
    void theReadToAckTimeEndsWhenTheAcknowledgementArrivedNotWhenTheWorkerTookIt() throws Exception {
        long arrival = System.nanoTime() + TimeUnit.DAYS.toNanos(1);
        sink.arrivalNanos = arrival;
        List<Long> readToAck = new CopyOnWriteArrayList<>();
        feed(1, 5);
        long beforeStart = System.nanoTime();
        start(FakePorts.SPEC, FakePorts.mapper(), new WorkerObserver() {
            @Override
            public void eventPublished(String collectionKey, String operationType, long readToAckNanos,
                                       long eventTimeMillis) {
                readToAck.add(readToAckNanos);
            }
        });
        Await.until(WAIT, "5 acknowledgements observed", () -> readToAck.size() == 5);
        long afterAll = System.nanoTime();

        for (long nanos : readToAck) {
            long readAt = arrival - nanos;
            assertTrue(readAt >= beforeStart && readAt <= afterAll, "timed from the read to the ack's arrival: " + nanos);
        }
    }

    @Test
    void resumesAfterTheStreamsLastMessageWhenItIsNewerThanTheCheckpoint() throws Exception {
        feed(1, 10);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "10 changes stored", () -> sink.stored.size() == 10);
        worker.halt("lease lost");
        running.get(10, TimeUnit.SECONDS);
        checkpoints.saved.put("shop_orders", new Checkpoint("t00004", false, 4, java.time.Instant.now(), "r0"));

        feed(11, 12);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "12 changes stored", () -> sink.stored.size() == 12);
        assertEquals(StartAt.resumeAfter("t00010"), source.opens.getLast());
        assertEquals(FakePorts.tokens(1, 12), sink.ids());
    }

    @Test
    void anotherPublisherInTheStreamIsRefusedByTheFenceAndTheWorkerStartsAgainFromTheTail() throws Exception {
        feed(1, 5);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "5 changes stored", () -> sink.stored.size() == 5);
        sink.foreignToAppend.set(1);
        feed(6, 6);
        Await.until(WAIT, "the fence refused a publish and the worker re-read the tail", () -> sink.refused.get() == 1
                && source.opens.size() == 2);
        assertEquals(StartAt.resumeAfter("foreign-5"), source.opens.get(1),
                "the worker resumes after whatever the stream's last message says");
        assertEquals(6, sink.stored.size(), "nothing stored after the foreign message but by the fence");
    }

    @Test
    void aWorkerWhoseLeaseWasTakenOverPublishesNothingAfterTheLaterHoldersMessages() throws Exception {
        feed(1, 5);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "5 changes stored", () -> sink.stored.size() == 5);
        // A standby took the lease over early (this worker's local lease is still valid) and published first.
        sink.foreignStamp = new LeaseStamp("r2", FakePorts.Lease.EPOCH + 4);
        sink.foreignToAppend.set(1);
        feed(6, 8);
        running.get(10, TimeUnit.SECONDS);

        assertEquals(6, sink.stored.size(), "nothing stored after the later holder's message");
        assertEquals("foreign-5", sink.stored.getLast().messageId());
        assertEquals(1, source.opens.size(), "the worker did not resume after the later holder's message");
        assertTrue(worker.takenOver(), "the lease keeper is told the lease is gone");
        assertFalse(worker.failed());
        assertEquals(WorkerStatus.State.STOPPED, status().state());
        assertEquals("lease taken over by r2 at epoch 11 (this worker's epoch is 7)", status().reason());
    }

    @Test
    void aWorkerStartingUnderAnOlderLeaseThanTheStreamsLastMessageHaltsAtOnce() throws Exception {
        sink.stored.add(new OutboundMessage("shop.orders.insert", "t00000", new MessageHeaders()
                .add("Cdc-Operation", "insert").add("Cdc-Replica", "r1").add("Cdc-Lease-Epoch", "8"), new byte[0], false));
        feed(1, 2);
        start(FakePorts.SPEC, FakePorts.mapper()).get(10, TimeUnit.SECONDS);

        assertEquals(1, sink.stored.size(), "the worker published nothing");
        assertTrue(source.opens.isEmpty(), "nor opened the change stream");
        assertTrue(worker.takenOver(), "a later epoch of the same replica supersedes it too");
    }

    @Test
    void aNewHolderBeatenByTheFormerHoldersLastPublishResumesAfterIt() throws Exception {
        feed(1, 5);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "5 changes stored", () -> sink.stored.size() == 5);
        // The former holder (an older epoch) got one more message in before this worker's next publish.
        sink.foreignStamp = new LeaseStamp("r0", FakePorts.Lease.EPOCH - 3);
        sink.foreignToAppend.set(1);
        feed(6, 6);
        Await.until(WAIT, "the fence refused a publish and the worker re-read the tail", () -> sink.refused.get() == 1
                && source.opens.size() == 2);
        assertEquals(StartAt.resumeAfter("foreign-5"), source.opens.get(1));
        feed(7, 7);
        Await.until(WAIT, "the next change stored after the former holder's message", () -> sink.stored.size() == 7);
        assertEquals("t00007", sink.stored.getLast().messageId());
        assertFalse(worker.takenOver());
    }

    @Test
    void afterAnOutOfStepPublishTheWorkerReadsTheTailAgainOnlyOnceItsLeaseIsConfirmed() throws Exception {
        feed(1, 5);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "5 changes stored", () -> sink.stored.size() == 5);
        CompletableFuture<Boolean> confirmation = new CompletableFuture<>();
        lease.confirmation = confirmation;
        // Unstamped: the tail alone cannot tell whether a later holder published.
        sink.foreignToAppend.set(1);
        feed(6, 6);
        Await.until(WAIT, "the worker asked for its lease to be confirmed", () -> lease.confirmations.get() == 1);
        assertEquals(1, source.opens.size(), "no new session before the confirmation");
        confirmation.complete(true);
        Await.until(WAIT, "a new session after the confirmation", () -> source.opens.size() == 2);
        assertFalse(worker.takenOver());
    }

    @Test
    void aLeaseLostBeforeItIsConfirmedStopsTheWorkerWithoutReadingTheTailAgain() throws Exception {
        feed(1, 5);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "5 changes stored", () -> sink.stored.size() == 5);
        lease.confirmation = CompletableFuture.completedFuture(false);
        sink.foreignToAppend.set(1);
        feed(6, 8);
        running.get(10, TimeUnit.SECONDS);

        assertEquals(1, source.opens.size());
        assertEquals(6, sink.stored.size());
        assertTrue(status().reason().contains("lease lost"), status().reason());
        assertFalse(worker.failed());
    }

    @Test
    void aRefusedPositionIsAskedForAgainThenStopsTheCollectionByDefault() throws Exception {
        checkpoints.saved.put("shop_orders", new Checkpoint("t00003", false, 0, java.time.Instant.now(), "r0"));
        source.rejectNextOpens.set(FailurePolicy.REJECTIONS_BEFORE_POLICY);
        start(FakePorts.SPEC, FakePorts.mapper()).get(10, TimeUnit.SECONDS);

        assertEquals(FailurePolicy.REJECTIONS_BEFORE_POLICY, source.opens.size());
        assertTrue(worker.failed());
        assertEquals(WorkerStatus.State.FAILED, status().state());
        assertTrue(status().reason().contains("on-lost-position=restart-from-now"), status().reason());
    }

    @Test
    void restartFromNowRecordsTheGapAndStreamsOn() throws Exception {
        CollectionSpec spec = withLostPosition(CollectionSpec.LostPositionPolicy.RESTART_FROM_NOW);
        checkpoints.saved.put("shop_orders", new Checkpoint("t00003", false, 0, java.time.Instant.now(), "r0"));
        source.rejectNextOpens.set(FailurePolicy.REJECTIONS_BEFORE_POLICY);
        source.idlePosition = "t00100";
        feed(101, 102);
        start(spec, FakePorts.mapper());
        Await.until(WAIT, "changes after the gap stored", () -> sink.stored.size() == 2);

        assertEquals(StartAt.now(), source.opens.getLast());
        assertEquals(1, checkpoints.gaps.size());
        assertEquals("t00003", checkpoints.gaps.getFirst().fromToken());
        assertEquals("t00100", checkpoints.gaps.getFirst().toToken());
    }

    @Test
    void anOversizedChangeStopsTheCollectionAfterEverythingBeforeItIsStored() throws Exception {
        feed(1, 3);
        source.changes.add(new TestChange("t00004", "t00004", "update", 4_000, "k4", "v4", -1));
        start(FakePorts.SPEC, (change, after, max) -> {
            if (change.operationType().equals("update")) {
                throw new OversizedEventException("shop.orders", "{\"_id\": 4}", 2_000_000, max);
            }
            return FakePorts.mapper().map(change, after, max);
        }).get(10, TimeUnit.SECONDS);

        assertEquals(FakePorts.tokens(1, 3), sink.ids());
        assertTrue(worker.failed());
        assertTrue(status().reason().contains("on-oversized=dead-letter"), status().reason());
    }

    @Test
    void aLapsedLeaseHaltsPublishingWithoutACheckpoint() throws Exception {
        feed(1, 3);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "3 changes stored", () -> sink.stored.size() == 3);
        Checkpoint before = checkpoints.saved.get("shop_orders");
        lease.valid.set(false);
        feed(4, 6);
        running.get(10, TimeUnit.SECONDS);

        assertEquals(3, sink.stored.size(), "nothing published once the lease lapsed");
        assertEquals(WorkerStatus.State.STOPPED, status().state());
        assertTrue(status().reason().contains("lease lapsed"), status().reason());
        assertFalse(worker.failed(), "a lapsed lease is not a policy stop: the keeper may start the worker again");
        Checkpoint after = checkpoints.saved.get("shop_orders");
        assertTrue(after == null || before == null || after.streamSequence() <= 3);
    }

    @Test
    void pausesWhileTheSinksConnectionIsDownAndStreamsOnWhenItIsBack() throws Exception {
        availability.down();
        feed(1, 2);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "the worker paused", () -> status() != null && status().state() == WorkerStatus.State.PAUSED);
        assertTrue(source.opens.isEmpty(), "nothing is read while the sink is down");
        availability.back();
        Await.until(WAIT, "changes stored after the connection came back", () -> sink.stored.size() == 2);
        assertEquals(WorkerStatus.State.STREAMING, status().state());
    }

    @Test
    void anUnreachableSinkIsRetriedWithBackoffUntilItAnswers() throws Exception {
        sink.unreachable = true;
        feed(1, 2);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "the worker retrying", () -> status() != null && status().state() == WorkerStatus.State.RETRYING);
        assertTrue(status().reason().contains("no responders"), status().reason());
        sink.unreachable = false;
        Await.until(WAIT, "changes stored once the sink answered", () -> sink.stored.size() == 2);
    }

    @Test
    void anIdleStreamMovesItsCheckpointToThePostBatchPosition() throws Exception {
        feed(1, 1);
        start(FakePorts.SPEC, FakePorts.mapper());
        Await.until(WAIT, "1 change stored", () -> sink.stored.size() == 1);
        source.idlePosition = "t00009";
        Await.until(WAIT, "the idle position checkpointed", () -> Optional.ofNullable(checkpoints.saved.get("shop_orders"))
                .map(Checkpoint::token).orElse("").equals("t00009"));
        assertEquals(1, checkpoints.saved.get("shop_orders").streamSequence());
    }

    private static CollectionSpec withLostPosition(CollectionSpec.LostPositionPolicy policy) {
        return FakePorts.spec(SnapshotMode.NEVER, policy);
    }
}
