package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.pipeline.FakePorts.TestChange;
import io.mongonats.connector.status.StatusBoard;
import io.mongonats.connector.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A format that publishes nothing for some changes (the outbox router ignores updates): the fence and the position stay exact. */
class IgnoredChangeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final WorkerSettings SETTINGS = new WorkerSettings(100, Duration.ofMillis(50), 8,
            Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMillis(10), 7);
    /** Publishes inserts only, as the outbox router does. */
    private static final MessageMapper<TestChange> INSERTS_ONLY = (change, after, max) ->
            change.operationType().equals("insert") ? FakePorts.mapper().map(change, after, max) : null;

    private final FakePorts.Source source = new FakePorts.Source();
    private final FakePorts.Sink sink = new FakePorts.Sink();
    private final FakePorts.Checkpoints checkpoints = new FakePorts.Checkpoints();
    private final FakePorts.Lease lease = new FakePorts.Lease();
    private CollectionWorker<TestChange> worker;
    private Future<?> running;

    private void start() {
        StatusBoard board = new StatusBoard("r1");
        board.register(FakePorts.SPEC.key(), FakePorts.SPEC.namespace());
        worker = new CollectionWorker<>(FakePorts.SPEC, new WorkerPorts<>(source, new FakePorts.Collection(source),
                INSERTS_ONLY, sink, checkpoints, new FakePorts.Availability()), SETTINGS, lease, WorkerObserver.NONE,
                board, Clock.systemUTC());
        running = worker.start();
    }

    @AfterEach
    void stop() throws Exception {
        worker.halt("test over");
        running.get(10, TimeUnit.SECONDS);
    }

    private static TestChange update(int n) {
        String token = String.format("t%05d", n);
        return new TestChange(token, token, "update", 1_000L * n, "k" + n, "v" + n, -1);
    }

    @Test
    void ignoredChangesLeaveNoHoleInTheFenceAndThePositionMovesOnWithTheNextMessageOrIdleRead() throws Exception {
        source.changes.addAll(List.of(TestChange.insert(1), update(2), update(3), TestChange.insert(4), update(5)));
        start();
        Await.until(WAIT, "2 inserts stored", () -> sink.stored.size() == 2);
        assertEquals(List.of("t00001", "t00004"), sink.ids());
        assertEquals(0, sink.refused.get(), "each publish expected its predecessor's sequence");

        source.idlePosition = "t00005";
        Await.until(WAIT, "the idle position after the ignored update checkpointed", () -> Optional.ofNullable(
                checkpoints.saved.get("shop_orders")).map(Checkpoint::token).orElse("").equals("t00005"));
        assertEquals(2, checkpoints.saved.get("shop_orders").streamSequence());

        source.changes.add(TestChange.insert(6));
        Await.until(WAIT, "the next insert stored", () -> sink.stored.size() == 3);
        assertEquals(0, sink.refused.get());
    }
}
