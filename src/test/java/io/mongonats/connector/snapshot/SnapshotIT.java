package io.mongonats.connector.snapshot;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.snapshot.Replay.Marker;
import io.mongonats.connector.snapshot.Replay.SnapshotRecord;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshots (issue 15) with the packaged connector, a real nats-server and the stand-in through the real driver.
 * Each test has fresh servers, and loads its collection before the oplog is on: every getMore on the stand-in scans
 * the whole oplog (a real server's does not), so neither another test's writes nor the load slow its stream down.
 * The stand-in here is a {@link ReplicaSetStandIn}: a snapshot needs sessions, which the plain stand-in lacks.
 */
class SnapshotIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SNAPSHOT = Duration.ofMinutes(3);
    private static final Pattern SNAPSHOTTING = Pattern.compile("snapshotting \\d+% \\([\\d,]+ of ~[\\d,]+, [\\d,]+ docs/s[^)]*\\)");
    private static final Pattern CONTINUING = Pattern.compile("snapshot (\\S+) continuing after (\\d+) documents");

    private NatsServer nats;
    private ReplicaSetStandIn mongo;
    private MongoClient client;
    private Connection connection;

    private void servers(ReplicaSetStandIn standIn) {
        nats = NatsServer.launch();
        mongo = standIn.startForBulkLoad();
        client = MongoClients.create(mongo.uri());
        connection = nats.connect();
    }

    @AfterEach
    void stopServers() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.close();
        }
        if (mongo != null) {
            mongo.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private ConnectorFixture connector(String collection, String replicaId, String mode) {
        return ConnectorFixture.forTests(mongo.uri(), nats.url(), replicaId).snapshots(mode).watch("snap", collection);
    }

    /** Loads the documents that exist before the connector starts, then turns the oplog on. */
    private Churn load(String name, int count, long keySpace) {
        Churn churn = Churn.load(collection(name), count, keySpace, 300);
        mongo.enableOplog();
        return churn;
    }

    private MongoCollection<Document> collection(String name) {
        return client.getDatabase("snap").getCollection(name);
    }

    @Test
    void aSnapshotWithWritesOnItsKeysReplaysToExactlyTheCollection() throws Exception {
        servers(ReplicaSetStandIn.withOperationTimes());
        CollectionStream stream = new CollectionStream(connection, "snap", "churn");
        try (Churn churn = load("churn", 50_000, 60_000);
             ConnectorProcess connector = connector("churn", "r-churn", "initial")
                     .set("connector.snapshot.chunk-size", "1000").start("snap-churn")) {
            connector.awaitLog("starting (first start)", START);
            churn.start(600, 15_000, 1_000, stream::lastSnapshotKey);
            stream.awaitCount("snapshot-completed", 1, SNAPSHOT);
            Set<Long> touched = churn.stop();
            Replay replay = finish(stream, "churn", 50_000, touched);
            Marker started = replay.markers("snapshot-started").getFirst();
            Marker completed = replay.markers("snapshot-completed").getFirst();
            long during = replay.changesBetween(started.sequence(), completed.sequence());
            System.out.printf("SNAPSHOT UNDER WRITES: %d records of 50,000 documents (%d keys changed, %d operations), "
                    + "%d changes published while it ran; %s%n", completed.documents(), touched.size(),
                    churn.operations(), during, connector.awaitLog("completed:", START));
            assertTrue(during > 0, "changes kept flowing while the snapshot ran");
            assertTrue(completed.documents() >= 50_000 - touched.size() && completed.documents() <= 60_000,
                    "snapshot-completed counts " + completed.documents() + " documents");
            assertEquals(completed.documents(), metric(connector, "cdc_snapshot_documents_total", stream.name));
            assertEquals(0, metric(connector, "cdc_snapshot_remaining_documents", stream.name));
        }
    }

    @Test
    void aSnapshotKilledMidwayContinuesFromItsProgressAfterARestart() throws Exception {
        // Without operation times each window closes at an empty read alone: the fallback path of the watermark.
        servers(ReplicaSetStandIn.withoutOperationTimes());
        CollectionStream stream = new CollectionStream(connection, "snap", "crash");
        ConnectorFixture fixture = connector("crash", "r-crash", "initial")
                .set("connector.snapshot.chunk-size", "500")
                .set("connector.stream.duplicate-window", "2s");
        try (Churn churn = load("crash", 20_000, 24_000)) {
            try (ConnectorProcess first = fixture.start("snap-crash-1")) {
                first.awaitLog("starting (first start)", START);
                // The stand-in has no resume token before the first change (real MongoDB gives one at once and the
                // connector stores it before the snapshot starts): changes from the start give the restart one.
                churn.start(300, 6_000, 500, stream::lastSnapshotKey);
                stream.awaitCount("snapshot", 3_000, SNAPSHOT);
                stream.awaitCount("insert", 1, SNAPSHOT);
                assertShowsProgress(first, stream.name);
                first.sigkill();
                first.waitForExit(Duration.ofSeconds(30));
            }
            assertEquals(0, stream.count("snapshot-completed"), "the snapshot was over before the kill");
            long killedAt = System.nanoTime();
            // After JetStream's duplicate window, so that de-duplication cannot hide a record published twice.
            Await.until(Duration.ofSeconds(10), "the duplicate window to pass",
                    () -> System.nanoTime() - killedAt > Duration.ofMillis(2_500).toNanos());
            try (ConnectorProcess second = fixture.start("snap-crash-2")) {
                String continuing = second.awaitLog("continuing after", START);
                stream.awaitCount("snapshot-completed", 1, SNAPSHOT);
                Set<Long> touched = churn.stop();
                Replay replay = finish(stream, "crash", 20_000, touched);
                assertContinued(continuing, replay);
            }
        }
    }

    @Test
    void aSecondReplicaTakesOverASnapshotWhereTheKilledHolderLeftIt() throws Exception {
        servers(ReplicaSetStandIn.withOperationTimes());
        CollectionStream stream = new CollectionStream(connection, "snap", "takeover");
        try (Churn churn = load("takeover", 20_000, 24_000);
             ConnectorProcess a = replica("r-a");
             ConnectorProcess b = replica("r-b")) {
            ConnectorProcess holder = Await.untilValue(START, "a replica starts the snapshot",
                    () -> a.logText().contains("starting (first start)") ? a
                            : b.logText().contains("starting (first start)") ? b : null);
            ConnectorProcess standby = holder == a ? b : a;
            churn.start(300, 6_000, 500, stream::lastSnapshotKey);
            stream.awaitCount("snapshot", 3_000, SNAPSHOT);
            stream.awaitCount("insert", 1, SNAPSHOT);
            holder.sigkill();
            holder.waitForExit(Duration.ofSeconds(30));
            assertEquals(0, stream.count("snapshot-completed"), "the snapshot was over before the kill");
            String continuing = standby.awaitLog("continuing after", START);
            stream.awaitCount("snapshot-completed", 1, SNAPSHOT);
            Set<Long> touched = churn.stop();
            Replay replay = finish(stream, "takeover", 20_000, touched);
            assertContinued(continuing, replay);
        }
    }

    /** Lease timings of the HA tests: a takeover about 4 s after the holder dies. */
    private ConnectorProcess replica(String id) {
        return connector("takeover", id, "initial")
                .set("connector.snapshot.chunk-size", "500")
                .set("connector.lease.ttl", "4s")
                .set("connector.lease.renew-deadline", "2500ms")
                .set("connector.lease.renew-interval", "1s")
                .start("snap-" + id);
    }

    @Test
    void theSignalKeyTakesANewSnapshotWithoutARestart() throws Exception {
        servers(ReplicaSetStandIn.withOperationTimes());
        CollectionStream stream = new CollectionStream(connection, "snap", "signal");
        try (Churn churn = load("signal", 3_000, 4_000);
             ConnectorProcess connector = connector("signal", "r-signal", "initial").start("snap-signal")) {
            stream.awaitCount("snapshot-completed", 1, SNAPSHOT);
            churn.start(1_000, 1_000, 500, () -> 4_000);
            Await.until(Duration.ofSeconds(60), "the writer to finish", churn::finished);
            churn.stop();
            long documents = collection("signal").countDocuments();
            KeyValue checkpoints = connection.keyValue("mongo-nats-checkpoints");
            checkpoints.put("signal." + stream.name, "snapshot");
            connector.awaitLog("starting (requested through signal." + stream.name + ")", START);
            stream.awaitCount("snapshot-completed", 2, SNAPSHOT);
            Replay replay = finish(stream, "signal", 3_000, Set.of());
            KeyValueEntry signal = checkpoints.get("signal." + stream.name);
            assertTrue(signal == null || signal.getOperation() != KeyValueOperation.PUT, "the signal key is taken");
            List<Marker> completed = replay.markers("snapshot-completed");
            assertNotEquals(completed.get(0).snapshotId(), completed.get(1).snapshotId());
            assertEquals(documents, completed.get(1).documents(), "the second snapshot holds every document");
        }
    }

    @Test
    void whenNeededTakesASnapshotWhereMongoDbRefusesTheStoredPosition() throws Exception {
        servers(ReplicaSetStandIn.withOperationTimes());
        CollectionStream stream = new CollectionStream(connection, "snap", "refused");
        // The stand-in refuses a malformed token with error -1 (real MongoDB: InvalidResumeToken, or
        // ChangeStreamHistoryLost once the oplog has moved on); the stream is still empty.
        connection.keyValueManagement().create(KeyValueConfiguration.builder().name("mongo-nats-checkpoints")
                .storageType(StorageType.File).maxHistoryPerKey(1).build());
        connection.keyValue("mongo-nats-checkpoints").put(stream.name,
                new Checkpoint("not-a-resume-token", false, 0, Instant.now(), "earlier").toBytes());
        try (Churn churn = load("refused", 3_000, 4_000);
             ConnectorProcess connector = connector("refused", "r-refused", "when-needed").start("snap-refused")) {
            connector.awaitLog("starting (MongoDB refused the stored position", START);
            stream.awaitCount("snapshot-completed", 1, SNAPSHOT);
            churn.start(1_000, 500, 500, () -> 4_000);
            Await.until(Duration.ofSeconds(60), "the writer to finish", churn::finished);
            churn.stop();
            Replay replay = finish(stream, "refused", 3_000, Set.of());
            assertEquals(3_000, replay.markers("snapshot-completed").getFirst().documents());
        }
    }

    /**
     * Writes a last document after every other write, waits for it, and checks the stream: each message id once,
     * a replay equal to the collection, and for each snapshot a started and a completed marker around records in
     * key order, as many as the completed marker counts, including every initial document no write touched.
     */
    private Replay finish(CollectionStream stream, String name, long initial, Set<Long> touched) {
        long last = 1_000_000;
        collection(name).insertOne(new Document("_id", last).append("v", 0L));
        Replay replay = Replay.of(stream.name, stream.awaitInsertOf(last, SNAPSHOT));
        replay.assertEquals(stream.name, collection(name).withDocumentClass(BsonDocument.class));
        List<Marker> started = replay.markers("snapshot-started");
        List<Marker> completed = replay.markers("snapshot-completed");
        assertEquals(started.stream().map(Marker::snapshotId).toList(), completed.stream().map(Marker::snapshotId).toList(),
                "each snapshot started and completed once");
        for (int i = 0; i < started.size(); i++) {
            Marker start = started.get(i);
            Marker end = completed.get(i);
            List<SnapshotRecord> records = replay.records(start.snapshotId());
            assertEquals(end.documents(), records.size(), "snapshot-completed counts the records of " + start.snapshotId());
            long previous = -1;
            Set<Long> keys = new HashSet<>();
            for (SnapshotRecord record : records) {
                assertTrue(record.key() > previous, "snapshot records in key order, " + record.key() + " after " + previous);
                assertTrue(record.sequence() > start.sequence() && record.sequence() < end.sequence(),
                        "record " + record.key() + " between the markers");
                previous = record.key();
                keys.add(record.key());
            }
            if (i == 0) {
                Set<Long> untouched = LongStream.range(0, initial).filter(key -> !touched.contains(key) && !keys.contains(key))
                        .limit(10).boxed().collect(Collectors.toSet());
                assertTrue(untouched.isEmpty(), "documents no write touched are missing from the snapshot: " + untouched);
            }
        }
        return replay;
    }

    /** While a snapshot runs, readiness details its progress and the metrics count what is published and what is left. */
    private static void assertShowsProgress(ConnectorProcess connector, String stream) {
        String detail = Await.untilValue(Duration.ofSeconds(10), "readiness shows the snapshot's progress", () -> {
            Matcher matcher = SNAPSHOTTING.matcher(connector.httpGet("/q/health/ready").body());
            return matcher.find() ? matcher.group() : null;
        });
        assertTrue(metric(connector, "cdc_snapshot_documents_total", stream) > 0, "documents published so far");
        assertTrue(metric(connector, "cdc_snapshot_remaining_documents", stream) > 0, "documents left");
        System.out.printf("SNAPSHOT PROGRESS: %s%n", detail);
    }

    /** The value of a meter tagged with the collection's key, from /q/metrics. */
    private static double metric(ConnectorProcess connector, String name, String collection) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*collection=\"" + collection + "\"[^}]*} (\\S+)$")
                .matcher(connector.httpGet("/q/metrics").body());
        assertTrue(matcher.find(), name + " for " + collection + " in /q/metrics");
        return Double.parseDouble(matcher.group(1));
    }

    /** The log line names the snapshot that started, and the records it continued after are in the stream. */
    private static void assertContinued(String line, Replay replay) {
        Matcher matcher = CONTINUING.matcher(line);
        assertTrue(matcher.find(), line);
        String id = matcher.group(1);
        long after = Long.parseLong(matcher.group(2));
        assertEquals(replay.markers("snapshot-started").getFirst().snapshotId(), id);
        assertTrue(after > 0 && after < replay.records(id).size(), "continued after " + after + " of "
                + replay.records(id).size() + " records");
        System.out.printf("SNAPSHOT CONTINUED: %s; %d records in all%n", line, replay.records(id).size());
    }
}
