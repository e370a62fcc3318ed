package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.SnapshotMode;
import io.mongonats.connector.pipeline.FakePorts.TestChange;
import io.mongonats.connector.status.StatusBoard;
import io.mongonats.connector.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshots against fakes of the worker's own ports: a collection whose writes become changes numbered by its own
 * clock, and whose chunks are read at a known time of that clock. A consumer that applies the stream in order
 * must end with exactly the collection's content, however the writes interleave with the chunks.
 */
class SnapshotWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WorkerSettings SETTINGS = new WorkerSettings(100, Duration.ofMillis(50), 16,
            Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMillis(5), 7);

    private final FakePorts.Source source = new FakePorts.Source();
    private final FakePorts.Collection collection = new FakePorts.Collection(source);
    private final FakePorts.Sink sink = new FakePorts.Sink();
    private final FakePorts.Checkpoints checkpoints = new FakePorts.Checkpoints();
    private final FakePorts.Lease lease = new FakePorts.Lease();
    private final StatusBoard board = new StatusBoard("r1");
    private CollectionWorker<TestChange> worker;
    private Future<?> running;

    private void start(CollectionSpec spec) {
        board.register(spec.key(), spec.namespace());
        board.leaseHeld(spec.key(), lease.epoch());
        worker = new CollectionWorker<>(spec, new WorkerPorts<>(source, collection, FakePorts.mapper(), sink, checkpoints,
                new FakePorts.Availability()), SETTINGS, lease, WorkerObserver.NONE, board, Clock.systemUTC());
        running = worker.start();
    }

    private void stop() throws Exception {
        worker.stop();
        running.get(10, TimeUnit.SECONDS);
        worker = null;
    }

    @AfterEach
    void halt() throws Exception {
        if (worker != null) {
            worker.halt("test over");
            running.get(10, TimeUnit.SECONDS);
        }
    }

    private long count(String operation) {
        return sink.stored.stream().filter(m -> operation.equals(m.headers().get("Cdc-Operation"))).count();
    }

    private void writeRandomly(Random random, int writes, int keys) {
        for (int i = 0; i < writes; i++) {
            String key = String.format("k%04d", random.nextInt(keys));
            collection.write(key, random.nextInt(5) == 0 ? null : "v" + i);
        }
    }

    @Test
    void aFirstStartPublishesEveryDocumentThenTheChangesAndAReplayEqualsTheCollection() throws Exception {
        for (int i = 0; i < 100; i++) {
            collection.write(String.format("k%04d", i), "initial" + i);
        }
        source.changes.clear(); // written before the connector existed: only the snapshot knows them
        start(FakePorts.spec(SnapshotMode.INITIAL, CollectionSpec.LostPositionPolicy.STOP));
        Await.until(WAIT, "the snapshot completed", () -> count("snapshot-completed") == 1);
        collection.write("k0001", "after");
        Await.until(WAIT, "the change after the snapshot", () -> count("update") == 1);
        stop();

        assertEquals("snapshot-started", sink.stored.getFirst().headers().get("Cdc-Operation"));
        assertEquals(100, count("snapshot"));
        assertEquals(collection.contents(), FakePorts.replay(sink.stored));
        Set<String> ids = new HashSet<>(sink.ids());
        assertEquals(sink.stored.size(), ids.size(), "no message id twice");
    }

    @Test
    void changesDuringTheSnapshotKeepFlowingAndNoSnapshotRecordOverwritesANewerChange() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            collection.write(String.format("k%04d", i), "initial" + i);
        }
        source.changes.clear();
        start(FakePorts.spec(SnapshotMode.INITIAL, CollectionSpec.LostPositionPolicy.STOP));
        int writes = 0;
        while (count("snapshot-completed") == 0 && writes < 5_000) {
            writeRandomly(random, 10, 600);
            writes += 10;
            // A writer that outruns the worker only grows its backlog: keep it close behind.
            Await.until(WAIT, "the worker to catch up", () -> source.changes.size() < 20);
        }
        assertEquals(1, count("snapshot-completed"), "the snapshot completed while changes flowed");
        writeRandomly(random, 50, 600);
        collection.write("last", "x");
        Await.until(WAIT, "every change published", () -> sink.ids().contains(lastToken()));
        stop();

        assertTrue(count("update") + count("insert") + count("delete") > 0, "changes flowed during the snapshot");
        assertEquals(collection.contents(), FakePorts.replay(sink.stored));
        assertEquals(sink.stored.size(), new HashSet<>(sink.ids()).size(), "no message id twice");
    }

    @Test
    void aSnapshotInterruptedByAHaltContinuesFromItsProgressAndTheReplayStillEquals() throws Exception {
        for (int i = 0; i < 300; i++) {
            collection.write(String.format("k%04d", i), "initial" + i);
        }
        source.changes.clear();
        CollectionSpec spec = FakePorts.spec(SnapshotMode.INITIAL, CollectionSpec.LostPositionPolicy.STOP);
        start(spec);
        Await.until(WAIT, "part of the snapshot published", () -> count("snapshot") >= 50);
        worker.halt("lease lost");
        running.get(10, TimeUnit.SECONDS);
        long before = count("snapshot");
        assertTrue(before < 300, "halted in the middle");
        collection.write("k0299", "changed while nobody streamed");
        collection.write("k0000", null);

        start(spec);
        Await.until(WAIT, "the snapshot completed", () -> count("snapshot-completed") == 1);
        stop();

        assertEquals(1, count("snapshot-started"), "the same snapshot continued");
        assertEquals(collection.contents(), FakePorts.replay(sink.stored));
        assertEquals(sink.stored.size(), new HashSet<>(sink.ids()).size(), "no message id twice");
    }

    @Test
    void neverModeTakesNoSnapshotAndASignalTakesOneWithoutARestart() throws Exception {
        collection.write("a", "1");
        collection.write("b", "2");
        source.changes.clear();
        start(FakePorts.spec(SnapshotMode.NEVER, CollectionSpec.LostPositionPolicy.STOP));
        collection.write("c", "3");
        Await.until(WAIT, "the change", () -> count("insert") == 1);
        assertEquals(0, count("snapshot-started"));

        checkpoints.snapshotRequested.set(true);
        Await.until(WAIT, "the requested snapshot completed", () -> count("snapshot-completed") == 1);
        assertEquals(3, count("snapshot"));
        assertEquals(collection.contents(), FakePorts.replay(sink.stored));
    }

    @Test
    void whenNeededTakesANewSnapshotInsteadOfStoppingWhenThePositionIsRefused() throws Exception {
        collection.write("a", "1");
        source.changes.clear();
        checkpoints.saved.put("shop_orders", new Checkpoint("t-gone", false, 0, java.time.Instant.now(), "r0"));
        source.rejectNextOpens.set(FailurePolicy.REJECTIONS_BEFORE_POLICY);
        start(FakePorts.spec(SnapshotMode.WHEN_NEEDED, CollectionSpec.LostPositionPolicy.STOP));
        Await.until(WAIT, "the new snapshot completed", () -> count("snapshot-completed") == 1);

        assertEquals(StartAt.now(), source.opens.getLast());
        assertTrue(checkpoints.gaps.isEmpty(), "a snapshot covers what was missed: no gap is recorded");
        assertEquals(collection.contents(), FakePorts.replay(sink.stored));
    }

    private String lastToken() {
        List<String> tokens = source.changes.stream().map(TestChange::token).toList();
        return tokens.isEmpty() ? findLastWrittenToken() : tokens.getLast();
    }

    private String findLastWrittenToken() {
        return sink.stored.isEmpty() ? "" : String.format("t%07d", collection.clockValue());
    }
}
