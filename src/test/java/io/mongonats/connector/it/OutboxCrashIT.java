package io.mongonats.connector.it;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.StreamReader;
import io.nats.client.Message;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An outbox of 10,000 events and a SIGKILL of the packaged connector in the middle of them. The restart comes after
 * JetStream's duplicate window, so that only the fence and the resume token carried beside the outbox ids keep
 * every event exactly once and in order.
 */
class OutboxCrashIT {

    private static final Duration DUPLICATE_WINDOW = Duration.ofSeconds(2);
    private static final int TOTAL = 10_000;
    private static final int BEFORE_CRASH = 6_000;
    private static final int BATCH = 100;

    @RegisterExtension
    final Servers servers = new Servers();

    @Test
    void everyOutboxEventOnceInOrderWithItsOwnIdAcrossASigkill() throws Exception {
        MongoCollection<Document> outbox = servers.client.getDatabase("crash").getCollection("outbox");
        List<ObjectId> ids = new ArrayList<>();
        for (int n = 0; n < TOTAL; n++) {
            ids.add(new ObjectId());
        }
        ConnectorFixture fixture = servers.connector("crash", "outbox").with("format", "outbox")
                .set("connector.stream.duplicate-window", DUPLICATE_WINDOW.toSeconds() + "s")
                .set("connector.checkpoint.interval", "5s");
        long publishedBeforeCrash;
        try (ConnectorProcess first = fixture.start("outbox-first")) {
            first.awaitLog("change stream open", Duration.ofSeconds(60));
            Thread burst = Thread.ofPlatform().name("outbox-writer").start(() -> write(outbox, ids, 0, BEFORE_CRASH));
            StreamReader.awaitCount(servers.connection, "crash_outbox", 1_000, Duration.ofSeconds(60));
            first.sigkill();
            first.waitForExit(Duration.ofSeconds(30));
            burst.join(Duration.ofSeconds(120).toMillis());
            publishedBeforeCrash = StreamReader.count(servers.connection, "crash_outbox");
        }
        long crashedAt = System.nanoTime();
        // While no connector runs: the rest of the events, and the application's own clean-up of sent ones, whose
        // updates and deletes must publish nothing.
        write(outbox, ids, BEFORE_CRASH, TOTAL);
        outbox.updateMany(Filters.in("_id", ids.subList(0, 500)), Updates.set("sent", true));
        outbox.deleteMany(Filters.in("_id", ids.subList(0, 500)));
        Await.until(Duration.ofSeconds(10), "the duplicate window to pass",
                () -> System.nanoTime() - crashedAt > DUPLICATE_WINDOW.plusMillis(500).toNanos());
        try (ConnectorProcess second = fixture.start("outbox-second")) {
            String resumed = second.awaitLog("resuming", Duration.ofSeconds(60));
            StreamReader.awaitCount(servers.connection, "crash_outbox", TOTAL, Duration.ofSeconds(120));
            outbox.insertOne(event(new ObjectId(), TOTAL)); // a last one: nothing after the 10,000th but itself
            StreamReader.awaitCount(servers.connection, "crash_outbox", TOTAL + 1, Duration.ofSeconds(60));
            List<Message> messages = StreamReader.readMessages(servers.connection, "crash_outbox");
            System.out.printf("OUTBOX CRASH: %d of %d events published before SIGKILL; restart %s%n",
                    publishedBeforeCrash, TOTAL, resumed.substring(resumed.indexOf("resuming")));
            assertTrue(publishedBeforeCrash > 0 && publishedBeforeCrash < TOTAL, "the kill came mid-stream");
            assertExactlyOnceInOrder(messages.subList(0, TOTAL), ids);
            assertEquals(TOTAL + 1, messages.size(), "nothing but the events: updates and deletes publish nothing");
        }
    }

    private static void assertExactlyOnceInOrder(List<Message> messages, List<ObjectId> ids) {
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < messages.size(); n++) {
            Message message = messages.get(n);
            String id = message.getHeaders().getFirst("Nats-Msg-Id");
            assertTrue(seen.add(id), "event " + id + " published twice, again at stream sequence "
                    + message.metaData().streamSequence());
            assertEquals(ids.get(n).toHexString(), id, "event at position " + n + " (ids in insertion order)");
            assertEquals("crash.outbox.order." + (n % 2 == 0 ? "created" : "paid"), message.getSubject());
            assertEquals("{\"n\": " + n + "}", new String(message.getData(), StandardCharsets.UTF_8));
        }
    }

    private static Document event(ObjectId id, int n) {
        return new Document("_id", id).append("type", n % 2 == 0 ? "order.created" : "order.paid")
                .append("payload", new Document("n", n));
    }

    private static void write(MongoCollection<Document> outbox, List<ObjectId> ids, int from, int to) {
        for (int start = from; start < to; start += BATCH) {
            List<Document> batch = new ArrayList<>();
            for (int n = start; n < Math.min(to, start + BATCH); n++) {
                batch.add(event(ids.get(n), n));
            }
            outbox.insertMany(batch);
        }
    }
}
