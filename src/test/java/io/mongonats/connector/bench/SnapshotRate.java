package io.mongonats.connector.bench;

import com.mongodb.ClientSessionOptions;
import com.mongodb.ReadConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.mongonats.connector.snapshot.ReplicaSetStandIn;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.FreePorts;
import io.mongonats.connector.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Snapshot rate (issue 15) beside two raw baselines of the same run, same driver and batch size: one
 * {@code find()} of the whole collection in {@code _id} order, and the same read in the connector's chunks
 * ({@code _id > last}, sorted, limit and batch size = chunk size, majority read concern in a causally consistent
 * session). The documents are loaded before the connector starts, with the stand-in's oplog off, so that its
 * change stream does not scan them on every getMore (a real server's does not). Each phase is bounded in time; a
 * phase cut short reports the rate so far. Fresh servers per size; the stand-in runs in its own JVM.
 */
final class SnapshotRate {

    private static final int CHUNK = 2_000;
    private static final int DOCUMENT_BYTES = 300;

    /** One phase's rate, and whether it read everything within its bound. */
    record Rate(long documents, double seconds, boolean complete) {
        double perSecond() {
            return documents / seconds;
        }

        String describe() {
            return Report.rate(perSecond()) + (complete ? "" : " (cut at " + Report.fixed(seconds, 0) + " s, "
                    + String.format("%,d", documents) + " read)");
        }
    }

    private final Path workDir;
    private final List<Double> startToReady;

    SnapshotRate(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    /** Runs 100k and 1M documents (times {@code scale}) and adds the table to {@code report}. */
    void report(Report report, double scale, List<String> jvmFlags) throws Exception {
        report.table("Snapshot of existing documents (300 B, one collection, chunk size " + CHUNK
                        + ") beside a raw find() of the same run",
                "documents", "load docs/s", "raw find() docs/s", "raw chunked find docs/s", "connector snapshot docs/s",
                "ratio to find()", "ratio to chunked find", "connector CPU s", "connector peak RSS MB");
        for (long documents : new long[] {(long) (100_000 * scale), (long) (1_000_000 * scale)}) {
            Duration bound = Duration.ofSeconds(documents > 200_000 ? 150 : 90);
            try {
                run(report, documents, bound, jvmFlags);
            } catch (Exception | AssertionError e) {
                report.row(report.lastTable(), String.format("%,d", documents), "failed: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), "", "", "", "", "", "", "");
            }
        }
    }

    private void run(Report report, long documents, Duration bound, List<String> jvmFlags) throws Exception {
        int port = FreePorts.allocate();
        Process standIn = spawnStandIn(port);
        String uri = "mongodb://127.0.0.1:" + port + "/?directConnection=true";
        try (NatsServer nats = NatsServer.launch();
             Connection connection = nats.connect();
             MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> collection = client.getDatabase(Rig.DATABASE).getCollection("snap");
            long loadStart = System.nanoTime();
            load(collection, documents);
            double loadRate = documents / ((System.nanoTime() - loadStart) / 1e9);
            enableOplog(standIn, port);
            MongoCollection<RawBsonDocument> raw = collection.withDocumentClass(RawBsonDocument.class);
            Rate find = rawFind(raw, bound);
            Rate chunked = chunkedFind(client, raw, bound);
            ConnectorFixture fixture = new ConnectorFixture(uri, nats.url(), "bench-snapshot").snapshots("initial")
                    .watch(Rig.DATABASE, "snap").set("connector.snapshot.chunk-size", String.valueOf(CHUNK))
                    .jvmFlags(jvmFlags);
            long started = System.nanoTime();
            try (ConnectorProcess connector = fixture.start("bench-snapshot-" + documents)) {
                connector.awaitReady(Duration.ofSeconds(120));
                startToReady.add((System.nanoTime() - started) / 1e9);
                Rate snapshot = snapshot(connection, bound);
                report.row(report.lastTable(), String.format("%,d", documents), Report.rate(loadRate), find.describe(),
                        chunked.describe(), snapshot.describe(), Report.fixed(snapshot.perSecond() / find.perSecond(), 2),
                        Report.fixed(snapshot.perSecond() / chunked.perSecond(), 2),
                        Report.fixed(ProcStats.cpuSeconds(connector.pid()), 1),
                        Report.fixed(ProcStats.peakRssMb(connector.pid()), 0));
            }
        } finally {
            standIn.getOutputStream().close();
            if (!standIn.waitFor(30, TimeUnit.SECONDS)) {
                standIn.destroyForcibly();
            }
        }
    }

    /** The stand-in in its own JVM, with this JVM's class path, the oplog off until told. */
    private Process spawnStandIn(int port) throws IOException {
        Path log = workDir.resolve("snapshot-standin-" + port + ".log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReplicaSetStandIn.class.getName(), "--port",
                String.valueOf(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitLine(process, log, ReplicaSetStandIn.READY_LINE);
        return process;
    }

    private void enableOplog(Process standIn, int port) throws IOException {
        OutputStream commands = standIn.getOutputStream();
        commands.write("enable-oplog\n".getBytes(StandardCharsets.UTF_8));
        commands.flush();
        awaitLine(standIn, workDir.resolve("snapshot-standin-" + port + ".log"), ReplicaSetStandIn.OPLOG_LINE);
    }

    private static void awaitLine(Process process, Path log, String line) {
        Await.until(Duration.ofSeconds(60), "the stand-in prints " + line, () -> {
            String text = Files.readString(log);
            if (!process.isAlive()) {
                throw new AssertionError("the stand-in exited: " + text.substring(Math.max(0, text.length() - 2_000)));
            }
            return text.contains(line);
        });
    }

    private static void load(MongoCollection<Document> collection, long documents) {
        String padding = "x".repeat(DOCUMENT_BYTES - 40);
        List<Document> batch = new ArrayList<>(1_000);
        for (long k = 0; k < documents; k++) {
            batch.add(new Document("_id", k).append("n", k).append("pad", padding));
            if (batch.size() == 1_000 || k == documents - 1) {
                collection.insertMany(batch);
                batch.clear();
            }
        }
    }

    /** One find() of the whole collection in _id order, batches of the chunk size. */
    private static Rate rawFind(MongoCollection<RawBsonDocument> collection, Duration bound) {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        long read = 0;
        boolean complete = true;
        try (MongoCursor<RawBsonDocument> cursor = collection.find().sort(Sorts.ascending("_id")).batchSize(CHUNK).cursor()) {
            while (cursor.hasNext()) {
                cursor.next();
                read++;
                if (read % CHUNK == 0 && System.nanoTime() - deadline > 0) {
                    complete = false;
                    break;
                }
            }
        }
        return new Rate(read, (System.nanoTime() - start) / 1e9, complete);
    }

    /** The connector's read pattern: chunk after chunk, each a query of its own in a session of its own. */
    private static Rate chunkedFind(MongoClient client, MongoCollection<RawBsonDocument> collection, Duration bound) {
        MongoCollection<RawBsonDocument> majority = collection.withReadConcern(ReadConcern.MAJORITY);
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        long read = 0;
        BsonValue last = null;
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                return new Rate(read, (System.nanoTime() - start) / 1e9, false);
            }
            int rows = 0;
            try (ClientSession session = client.startSession(ClientSessionOptions.builder().causallyConsistent(true).build());
                 MongoCursor<RawBsonDocument> cursor = majority.find(session, last == null ? new BsonDocument()
                         : Filters.gt("_id", last)).sort(Sorts.ascending("_id")).limit(CHUNK).batchSize(CHUNK).cursor()) {
                while (cursor.hasNext()) {
                    last = cursor.next().get("_id");
                    rows++;
                }
            }
            read += rows;
            if (rows == 0) {
                return new Rate(read, (System.nanoTime() - start) / 1e9, true);
            }
        }
    }

    /**
     * Documents per second from the snapshot-started marker's storage time to the snapshot-completed marker's, or,
     * when the bound passes first, to the last snapshot record stored by then.
     */
    private static Rate snapshot(Connection connection, Duration bound) throws Exception {
        String stream = Rig.DATABASE + "_snap";
        String prefix = Rig.DATABASE + ".snap.";
        MessageInfo started = Await.untilValue(Duration.ofSeconds(60), "the snapshot-started marker",
                () -> connection.jetStreamManagement().getLastMessage(stream, prefix + "snapshot-started"));
        long deadline = System.nanoTime() + bound.toNanos();
        MessageInfo completed = Await.untilValue(bound.plusSeconds(5), "the snapshot-completed marker or the bound", () -> {
            try {
                return connection.jetStreamManagement().getLastMessage(stream, prefix + "snapshot-completed");
            } catch (JetStreamApiException notYet) {
                if (System.nanoTime() - deadline > 0) {
                    return connection.jetStreamManagement().getLastMessage(stream, prefix + "snapshot");
                }
                throw notYet;
            }
        });
        boolean complete = completed.getSubject().endsWith("snapshot-completed");
        long documents = complete ? Document.parse(new String(completed.getData(), StandardCharsets.UTF_8))
                .get("documents", Number.class).longValue() : count(connection, stream, prefix + "snapshot");
        double seconds = Duration.between(started.getTime(), completed.getTime()).toNanos() / 1e9;
        return new Rate(documents, seconds, complete);
    }

    private static long count(Connection connection, String stream, String subject) throws Exception {
        List<Subject> subjects = connection.jetStreamManagement()
                .getStreamInfo(stream, StreamInfoOptions.filterSubjects(subject)).getStreamState().getSubjects();
        return subjects == null ? 0 : subjects.stream().mapToLong(Subject::getCount).sum();
    }
}
