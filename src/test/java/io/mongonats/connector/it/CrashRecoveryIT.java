package io.mongonats.connector.it;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.StreamReader.Received;
import io.mongonats.connector.testing.Streams;
import io.nats.client.Connection;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crashes and restarts of the connector, NATS and MongoDB: nothing lost, nothing published twice, order kept. */
class CrashRecoveryIT {

    private static final Duration DUPLICATE_WINDOW = Duration.ofSeconds(2);

    /** Fresh servers for each test: two tests restart one, and none should inherit another's oplog or streams. */
    @RegisterExtension
    final Servers servers = new Servers();

    @Test
    void aConnectorKilledMidBurstAndRestartedAfterTheDuplicateWindowPublishesEachChangeOnce() throws Exception {
        Connection connection = servers.connection;
        try (SampleWriter writer = SampleWriter.open(servers.mongo.uri(), "crash", "events", 300)) {
            ConnectorFixture fixture = servers.connector("crash", "events").replicaId("crash-1")
                    .set("connector.stream.duplicate-window", DUPLICATE_WINDOW.toSeconds() + "s")
                    .set("connector.checkpoint.interval", "5s");
            long total = 30_000;
            try (ConnectorProcess first = fixture.start("crash-first")) {
                first.awaitLog("resuming", Duration.ofSeconds(60));
                Thread burst = Thread.ofPlatform().name("burst-writer").start(() -> writer.insertMany((int) total));
                StreamReader.awaitCount(connection, "crash_events", 3_000, Duration.ofSeconds(60));
                first.sigkill();
                first.waitForExit(Duration.ofSeconds(30));
                burst.join(Duration.ofSeconds(120).toMillis());
            }
            long publishedBeforeCrash = StreamReader.count(connection, "crash_events");
            long crashedAt = System.nanoTime();
            // The restart must come after the duplicate window, so JetStream's de-duplication cannot help.
            Await.until(Duration.ofSeconds(10), "the duplicate window to pass",
                    () -> System.nanoTime() - crashedAt > DUPLICATE_WINDOW.plusMillis(500).toNanos());
            try (ConnectorProcess second = fixture.start("crash-second")) {
                String resumed = second.awaitLog("resuming", Duration.ofSeconds(60));
                List<Received> messages = StreamReader.awaitCount(connection, "crash_events", total, Duration.ofSeconds(120));
                System.out.printf("CRASH: %d of %d events published before SIGKILL; restart %s%n",
                        publishedBeforeCrash, total, resumed.substring(resumed.indexOf("resuming")));
                assertTrue(publishedBeforeCrash < total, "the crash came after the burst was published");
                Streams.assertExactlyOnceInOrder("crash_events", messages, total);
            }
        }
    }

    @Test
    void sigtermDrainsWritesTheCheckpointAtTheTailAndExitsInTime() throws Exception {
        Connection connection = servers.connection;
        try (SampleWriter writer = SampleWriter.open(servers.mongo.uri(), "sigterm", "events", 300);
             ConnectorProcess connector = servers.connector("sigterm", "events").replicaId("sigterm")
                     .set("connector.checkpoint.interval", "1h").start("sigterm")) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            writer.startContinuous(2_000);
            StreamReader.awaitCount(connection, "sigterm_events", 2_000, Duration.ofSeconds(30));
            long stoppedAt = System.nanoTime();
            connector.sigterm();
            int exit = connector.waitForExit(Duration.ofSeconds(20));
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            writer.stop();
            System.out.printf("SIGTERM: exited with %d after %.2f s%n", exit, seconds);
            assertTrue(connector.logText().contains("RELEASED"), connector.logTail(20));
            long last = connection.jetStreamManagement().getStreamInfo("sigterm_events").getStreamState().getLastSequence();
            Checkpoint checkpoint = Checkpoint.fromBytes(connection.keyValue("mongo-nats-checkpoints").get("sigterm_events").getValue());
            assertEquals(last, checkpoint.streamSequence(), "the final checkpoint covers every acknowledged change");
            assertTrue(seconds < 10, "the drain is bounded by connector.shutdown.timeout");
        }
    }

    @Test
    void aNatsRestartMidStreamLosesAndDuplicatesNothing() throws Exception {
        try (SampleWriter writer = SampleWriter.open(servers.mongo.uri(), "natsrestart", "events", 300);
             ConnectorProcess connector = servers.connector("natsrestart", "events").replicaId("nats-restart")
                     .start("nats-restart")) {
            connector.awaitLog("resuming", Duration.ofSeconds(60));
            writer.startContinuous(500);
            StreamReader.awaitCount(servers.connection, "natsrestart_events", 500, Duration.ofSeconds(30));
            servers.nats.stop();
            servers.nats.start();
            // A connection of its own: the shared one may still be reconnecting.
            try (Connection connection = servers.nats.connect()) {
                long before = StreamReader.count(connection, "natsrestart_events");
                StreamReader.awaitCount(connection, "natsrestart_events", before + 500, Duration.ofSeconds(60));
                long written = writer.stop();
                List<Received> messages = StreamReader.awaitCount(connection, "natsrestart_events", written, Duration.ofSeconds(60));
                Streams.assertExactlyOnceInOrder("natsrestart_events", messages, written);
                System.out.printf("NATS RESTART: %d events exactly once across the restart%n", written);
            }
        }
    }

    /**
     * The H2 backend keeps the oplog across a restart of the stand-in, as a real replica set keeps its oplog.
     *
     * <p>This test once saw 578 of 600 changes, with no error in the connector. The stand-in dropped them, not the
     * connector: a restarted stand-in numbers its oplog entries from 1 again, so changes written after the restart
     * but within the wall-clock second S of the last change read before it are stamped Timestamp(S, 1..k), before
     * that change's resume token Timestamp(S, 300). They are in {@code local.oplog.rs}, but the driver's automatic
     * resume (resumeAfter that token) skips them for good; 22 missing fits 22 changes written in the rest of that
     * second. On a stopped clock the stand-in skips all 300 this way (InfrastructureIT keeps that case); in 30 runs
     * on two loaded cores the restart and the next write always reached a later second, so the test passed. Real
     * MongoDB never stamps the oplog below a time it has issued; MongoStandIn now restarts on a clock that starts
     * after its newest oplog entry. Should the stream stop short again, the failure says for each missing change
     * whether the stand-in skipped it or we lost it.
     */
    @Test
    void aMongoRestartResumesFromTheStoredToken() throws Exception {
        // The H2 backend keeps the oplog across a restart of the stand-in, as a real replica set keeps its oplog.
        MongoStandIn mongo = servers.durableMongo();
        Connection connection = servers.connection;
        try (SampleWriter writer = SampleWriter.open(mongo.uri(), "mongorestart", "events", 300);
             ConnectorProcess connector = ConnectorFixture.forTests(mongo.uri(), servers.nats.url(), "mongo-restart")
                     .watch("mongorestart", "events").start("mongo-restart")) {
            connector.awaitLog("resuming", Duration.ofSeconds(60));
            writer.insertMany(300);
            StreamReader.awaitCount(connection, "mongorestart_events", 300, Duration.ofSeconds(60));
            mongo.stop();
            mongo.start();
            writer.insertMany(300);
            List<Received> messages;
            try {
                messages = StreamReader.awaitCount(connection, "mongorestart_events", 600, Duration.ofSeconds(90));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; " + whereTheMissingChangesAre(connection, mongo)
                        + "\n" + connector.logTail(30), e);
            }
            Streams.assertExactlyOnceInOrder("mongorestart_events", messages, 600);
            System.out.printf("MONGO RESTART: 600 events exactly once across a restart of the stand-in%n");
        }
    }

    /**
     * Each missing change, grouped by where it is: absent from the stand-in's oplog; in it but stamped at or before
     * the resume token of the last change published before the restart (n = 299), so skipped by the stand-in's
     * resumed stream; or in it after that token, so lost on our side.
     */
    private static String whereTheMissingChangesAre(Connection connection, MongoStandIn mongo) {
        List<Received> inserts = Streams.inserts(StreamReader.readAll(connection, "mongorestart_events"));
        Set<Long> seen = new HashSet<>(SampleWriter.fullDocumentNs(inserts));
        String token = inserts.stream().filter(message -> SampleWriter.fullDocumentN(message.payload()) == 299)
                .map(message -> message.headers().get("Nats-Msg-Id").get(0)).findFirst().orElse(null);
        Map<Long, BsonTimestamp> oplog = new HashMap<>();
        try (MongoClient client = MongoClients.create(mongo.uri())) {
            for (Document entry : client.getDatabase("local").getCollection("oplog.rs")
                    .find(new Document("ns", "mongorestart.events").append("op", "i"))) {
                oplog.put(((Number) entry.get("o", Document.class).get("n")).longValue(), entry.get("ts", BsonTimestamp.class));
            }
        }
        Map<String, List<String>> missing = new TreeMap<>();
        LongStream.range(0, 600).filter(n -> !seen.contains(n)).forEach(n -> {
            BsonTimestamp ts = oplog.get(n);
            String where = ts == null ? "absent from the stand-in's oplog"
                    : token == null ? "in the oplog; n = 299 is missing too, so no resume token to compare"
                    : Long.compareUnsigned(ts.getValue(), Long.parseUnsignedLong(token, 16)) <= 0
                    ? "stamped at or before the resume token " + token + ", so skipped by the stand-in"
                    : "in the oplog after the resume token " + token + ", so lost by the connector";
            missing.computeIfAbsent(where, key -> new ArrayList<>())
                    .add(n + (ts == null ? "" : "@Timestamp(" + ts.getTime() + ", " + ts.getInc() + ")"));
        });
        return "missing changes by where they are: " + missing;
    }
}
