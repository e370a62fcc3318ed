package io.mongonats.connector.readmodel;

import io.mongonats.connector.config.SinkSpec;
import io.mongonats.connector.status.SinkStatus;
import io.mongonats.connector.status.SinkStatus.State;
import io.mongonats.connector.status.SinkStatuses;
import io.mongonats.connector.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.mongonats.connector.readmodel.Messages.insert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink's loop on fakes of its own ports: what it settles, when, and what it reports. */
class ReadModelSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SinkSpec SPEC = new SinkSpec("shop_orders", Optional.empty(), "view", "mongodb://127.0.0.1",
            "shop", "orders_view", 100, 1000, 3, Duration.ofSeconds(30), "_cdc", Duration.ofHours(1), true,
            "view.dead-letter", "view_dead_letter");

    /** Hands out queued batches; records how each message was settled. */
    private static final class QueuedFeed implements MessageFeed {
        final BlockingQueue<List<InboundMessage>> batches = new LinkedBlockingQueue<>();
        final Map<Long, String> settled = new ConcurrentHashMap<>();

        @Override
        public void prepare() {
        }

        @Override
        public List<InboundMessage> fetch(int max) throws InterruptedException {
            List<InboundMessage> batch = batches.poll(20, TimeUnit.MILLISECONDS);
            return batch == null ? List.of() : batch;
        }

        @Override
        public void ack(InboundMessage message) {
            settled.put(message.sequence(), "ack");
        }

        @Override
        public void nak(InboundMessage message, Duration delay) {
            settled.put(message.sequence(), "nak " + delay.toMillis());
        }

        @Override
        public long pending() {
            return batches.size();
        }
    }

    private static final class RecordedDeadLetters implements DeadLetters {
        final Map<Long, String> records = new ConcurrentHashMap<>();

        @Override
        public void prepare() {
        }

        @Override
        public void publish(InboundMessage message, String reason) {
            records.put(message.sequence(), reason);
        }
    }

    private final QueuedFeed feed = new QueuedFeed();
    private final ScriptedTarget target = new ScriptedTarget();
    private final RecordedDeadLetters deadLetters = new RecordedDeadLetters();
    private final SinkStatuses statuses = new SinkStatuses();
    private final ReadModelSink sink = new ReadModelSink(SPEC, new SinkPorts(feed, target, deadLetters),
            new RetryDelays(Duration.ofMillis(50), Duration.ofMillis(200)), SinkObserver.NONE, statuses);

    @AfterEach
    void close() throws InterruptedException {
        sink.close(WAIT);
    }

    @Test
    void aPoisonMessageIsDeadLetteredThenAcknowledgedAndTheRestOfItsBatchApplied() {
        sink.start();
        feed.batches.add(List.of(insert(1, 1, "\"v\": 1"), Messages.garbage(2, 1), insert(3, 2, "\"v\": 1")));

        Await.until(WAIT, "every message settled", () -> feed.settled.size() == 3);

        assertEquals(Map.of(1L, "ack", 2L, "ack", 3L, "ack"), feed.settled);
        assertEquals(List.of(2L), List.copyOf(deadLetters.records.keySet()));
        assertTrue(deadLetters.records.get(2L).startsWith("unparsable"), deadLetters.records.get(2L));
        SinkStatus status = statuses.get("view");
        assertEquals(2, status.applied());
        assertEquals(1, status.deadLetters());
        assertEquals(3, status.lastSequence());
    }

    @Test
    void whileMongoDbIsUnavailableTheBatchIsNegativelyAcknowledgedAndTheSinkRetries() {
        target.unavailable = new SinkUnavailableException("mongodb", "timed out", null);
        sink.start();
        List<InboundMessage> batch = List.of(insert(1, 1, "\"v\": 1"), insert(2, 2, "\"v\": 1"));
        feed.batches.add(batch);

        Await.until(WAIT, "the batch negatively acknowledged", () -> feed.settled.size() == 2);
        assertTrue(feed.settled.values().stream().allMatch(verdict -> verdict.startsWith("nak")), feed.settled.toString());
        Await.until(WAIT, "the sink retrying", () -> statuses.get("view").state() == State.RETRYING);
        assertEquals("mongodb: timed out", statuses.get("view").problem());
        assertTrue(deadLetters.records.isEmpty(), "an outage never dead-letters");

        target.unavailable = null;
        feed.settled.clear();
        feed.batches.add(batch.stream().map(message -> Messages.redelivered(message, 2)).toList());

        Await.until(WAIT, "the redelivered batch acknowledged", () -> Map.of(1L, "ack", 2L, "ack").equals(feed.settled));
        Await.until(WAIT, "the sink running again", () -> statuses.get("view").state() == State.RUNNING);
        assertEquals(null, statuses.get("view").problem());
    }

    @Test
    void closeEndsTheLoopAndASinkStartsOnce() throws InterruptedException {
        sink.start();
        assertThrows(IllegalStateException.class, sink::start);
        Await.until(WAIT, "the sink running", () -> statuses.get("view").state() == State.RUNNING);

        sink.close(WAIT);

        assertEquals(State.STOPPED, statuses.get("view").state());
        // The executor counts as terminated a moment before its thread has died.
        Await.until(WAIT, "the sink's thread ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals("cdc-sink-view") && thread.isAlive()));
    }
}
