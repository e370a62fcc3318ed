package io.mongonats.connector.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.bson.Document;
import org.bson.RawBsonDocument;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.changestream.FullDocument;

import io.mongonats.connector.bench.FloorPayloads.Prepared;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

/**
 * The floor of the client libraries, in a JVM of its own: no Quarkus and no connector code. It reads the same
 * change stream the connector reads (raw BSON, updateLookup, batch size 1,000, resumed after the same token) and
 * publishes each change with {@code publishAsync}, the connector's headers and fence and a window of 1,024
 * unacknowledged publishes, using header values and payloads encoded beforehand ({@link FloorPayloads}).
 *
 * <p>Protocol on stdin/stdout: prints {@code READY} once loaded and connected to both servers and runs on a
 * {@code GO} line; prints {@code WARM} once the first {@code warmUp} changes are acknowledged and goes on at the
 * next {@code GO}; prints {@code DONE <changes after the warm-up> <nanos since then>} once the last publish is
 * acknowledged, and exits when stdin closes.
 *
 * <p>Arguments: mongoUri natsUrl database collection resumeToken preparedFile stream subjectPrefix warmUp.
 */
public final class FloorLoop {

    private static final int WINDOW = 1024;
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private FloorLoop() {
    }

    public static void main(String[] args) throws Exception {
        String database = args[2];
        String collection = args[3];
        String stream = args[6];
        String subjectPrefix = args[7];
        List<Prepared> changes = FloorPayloads.load(Path.of(args[5]));
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (MongoClient mongo = MongoClients.create(args[0]);
             Connection nats = Nats.connect(Options.builder().server(args[1]).errorListener(new ErrorListener() { }).build())) {
            nats.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream).subjects(subjectPrefix + ".>")
                    .storageType(StorageType.File).duplicateWindow(Duration.ofMinutes(2)).build());
            // Connected before the timed loop, as the connector is once ready.
            mongo.getDatabase(database).runCommand(new Document("ping", 1));
            System.out.println("READY");
            if (!"GO".equals(stdin.readLine())) {
                return;
            }
            int warmUp = Integer.parseInt(args[8]);
            long[] measuredFrom = new long[1];
            Runnable afterWarmUp = () -> {
                System.out.println("WARM");
                measuredFrom[0] = awaitGo(stdin);
            };
            try (MongoChangeStreamCursor<RawBsonDocument> cursor = open(mongo, database, collection, args[4])) {
                run(cursor, nats.jetStream(), changes, warmUp, afterWarmUp, database, collection, stream, subjectPrefix);
            }
            System.out.println("DONE " + (changes.size() - warmUp) + " " + (System.nanoTime() - measuredFrom[0]));
            while (stdin.readLine() != null) {
                // Stay alive until the benchmark has read this process's CPU time and closes stdin.
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static MongoChangeStreamCursor<RawBsonDocument> open(MongoClient mongo, String database, String collection,
                                                               String token) {
        return (MongoChangeStreamCursor<RawBsonDocument>) mongo.getDatabase(database).getCollection(collection).watch()
                .fullDocument(FullDocument.UPDATE_LOOKUP).batchSize(1000).maxAwaitTime(1, TimeUnit.SECONDS)
                .resumeAfter(FloorPayloads.resumeToken(token)).withDocumentClass(RawBsonDocument.class).cursor();
    }

    /** Waits for the next {@code GO} line; returns when it came. */
    private static long awaitGo(BufferedReader stdin) {
        try {
            if (!"GO".equals(stdin.readLine())) {
                throw new IllegalStateException("the benchmark did not say GO after the warm-up");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return System.nanoTime();
    }

    /** Reads and publishes every change; once {@code warmUp} are acknowledged, runs {@code afterWarmUp} first. */
    private static void run(MongoChangeStreamCursor<RawBsonDocument> cursor, JetStream jetStream, List<Prepared> changes,
                            int warmUp, Runnable afterWarmUp, String database, String collection, String stream,
                            String subjectPrefix) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        ArrayDeque<CompletableFuture<PublishAck>> window = new ArrayDeque<>(WINDOW);
        Map<String, String> subjects = new HashMap<>();
        long settled = 0;
        for (int i = 0; i < changes.size(); i++) {
            if (i == warmUp) {
                while (!window.isEmpty()) {
                    settled = settle(window.poll(), settled);
                }
                afterWarmUp.run();
            }
            // The event read is not used: its payload and header values were encoded beforehand.
            while (cursor.tryNext() == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the change stream gave " + i + " of " + changes.size() + " changes");
                }
                LockSupport.parkNanos(250_000);
            }
            Prepared change = changes.get(i);
            Headers headers = new Headers().put("Cdc-Database", database).put("Cdc-Collection", collection)
                    .put("Cdc-Operation", change.operation()).put("Cdc-Replica", "floor").put("Cdc-Lease-Epoch", "1");
            if (change.clusterTime() != null) {
                headers.put("Cdc-Cluster-Time", change.clusterTime());
            }
            headers.put("Cdc-Document-Key", change.documentKey()).put("Cdc-Resume-Token", change.token())
                    .put("Nats-Msg-Id", change.token()).put("Nats-Expected-Stream", stream)
                    .put("Nats-Expected-Last-Sequence", Long.toString(i));
            while (window.size() >= WINDOW) {
                settled = settle(window.poll(), settled);
            }
            window.add(jetStream.publishAsync(NatsMessage.builder()
                    .subject(subjects.computeIfAbsent(change.operation(), operation -> subjectPrefix + "." + operation))
                    .headers(headers).data(change.payload()).build()));
            while (!window.isEmpty() && window.peek().isDone()) {
                settled = settle(window.poll(), settled);
            }
        }
        while (!window.isEmpty()) {
            settled = settle(window.poll(), settled);
        }
    }

    /** Waits for one acknowledgement and checks it is the next sequence, as the connector does. */
    private static long settle(CompletableFuture<PublishAck> ack, long settled) throws Exception {
        PublishAck stored = ack.get(30, TimeUnit.SECONDS);
        if (stored.isDuplicate() || stored.getSeqno() != settled + 1) {
            throw new IllegalStateException("acknowledged at " + stored.getSeqno() + " (duplicate " + stored.isDuplicate()
                    + ") instead of " + (settled + 1));
        }
        return settled + 1;
    }
}
