package io.mongonats.connector.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.mongonats.connector.readmodel.DocumentChange;
import io.mongonats.connector.readmodel.PlannedWrite;
import io.mongonats.connector.readmodel.WriteModels;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The read-model sink's apply rate: a stream of full-document changes (published by this JVM, so the source's cost
 * is left out) applied by the packaged connector to a collection of the stand-in, beside raw bulk writes of the
 * same documents in batches of the same size: plain replacements by {@code _id}, and the sink's own guarded
 * writes. Documents cycle over a fixed set of keys, so that every batch writes distinct documents (nothing to
 * collapse) and the collection stays small: the stand-in scans the whole collection for any filter beyond a
 * bare {@code _id}, which the guarded column shows; real MongoDB serves it from the {@code _id} index.
 */
final class SinkApply {

    record Result(long changes, int keys, double rawPlain, double rawGuarded, double sink, double cpuPer100k,
                  double peakRssMb) {
    }

    private static final String STREAM = "bench_sink";
    private static final int BATCH = 500;

    private final Path workDir;
    private final List<Double> startToReady;

    SinkApply(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    /** Runs the scenario and adds its table to the report. */
    static void addTo(Report report, Path workDir, List<Double> startToReady, double scale, List<String> jvmArgs)
            throws Exception {
        Result result = new SinkApply(workDir, startToReady).run((long) (50_000 * scale), 1_000, 300, jvmArgs);
        report.table("Read-model sink: apply rate of a backlog of full-document changes (300 B, batches of " + BATCH
                        + ", one replica)", "changes", "keys", "raw bulkWrite by _id/s", "raw guarded bulkWrite/s",
                "sink applied/s", "sink / raw guarded", "connector CPU s / 100k changes", "connector peak RSS MB");
        report.row(report.lastTable(), result.changes(), result.keys(), Report.rate(result.rawPlain()),
                Report.rate(result.rawGuarded()), Report.rate(result.sink()),
                Report.fixed(result.sink() / result.rawGuarded(), 2), Report.fixed(result.cpuPer100k(), 1),
                Report.fixed(result.peakRssMb(), 0));
    }

    Result run(long changes, int keys, int documentBytes, List<String> jvmArgs) throws Exception {
        try (Rig rig = new Rig(workDir, startToReady)) {
            List<BsonDocument> documents = documents(changes, keys, documentBytes);
            publish(rig.nats().jetStream(), rig.nats().jetStreamManagement(), documents);
            List<BsonDocument> warmUp = documents.subList(0, Math.min(documents.size(), 5_000));
            rawRate(rig.collection("warm_plain"), warmUp, false); // the stand-in's JVM is fresh: warm both paths up
            rawRate(rig.collection("warm_guarded"), warmUp, true);
            double rawPlain = rawRate(rig.collection("raw_plain"), documents, false);
            double rawGuarded = rawRate(rig.collection("raw_guarded"), documents, true);

            ConnectorFixture config = rig.connector("bench-sink", List.of())
                    .set("connector.sinks[0].stream", STREAM)
                    .set("connector.sinks[0].database", Rig.DATABASE)
                    .set("connector.sinks[0].collection", "sink_view")
                    .set("connector.sinks[0].batch-size", String.valueOf(BATCH))
                    .jvmFlags(jvmArgs);
            ConnectorProcess connector = rig.startConnector("bench-sink", config);
            JetStreamManagement management = rig.nats().jetStreamManagement();
            String consumer = STREAM + "_to_" + Rig.DATABASE + "_sink_view";
            long[] first = new long[2];
            Await.until(Duration.ofMinutes(5), "the sink acknowledges all " + changes + " changes", () -> {
                ConsumerInfo info = management.getConsumerInfo(STREAM, consumer);
                long acknowledged = info.getAckFloor().getStreamSequence();
                if (first[0] == 0 && acknowledged > 0) {
                    first[0] = System.nanoTime();
                    first[1] = acknowledged;
                }
                return acknowledged >= changes;
            });
            double seconds = (System.nanoTime() - first[0]) / 1e9;
            double sink = (changes - first[1]) / seconds;
            return new Result(changes, keys, rawPlain, rawGuarded, sink,
                    ProcStats.cpuSeconds(connector.pid()) / changes * 100_000, ProcStats.peakRssMb(connector.pid()));
        }
    }

    private static List<BsonDocument> documents(long changes, int keys, int documentBytes) {
        List<BsonDocument> documents = new ArrayList<>();
        String padding = "x".repeat(Math.max(0, documentBytes - 60));
        for (int n = 0; n < changes; n++) {
            documents.add(new BsonDocument("_id", new BsonInt32(n % keys)).append("n", new BsonInt32(n))
                    .append("pad", new BsonString(padding)));
        }
        return documents;
    }

    /** One replace event per document, as the connector publishes it (change-event format, relaxed JSON). */
    private static void publish(JetStream jetStream, JetStreamManagement management, List<BsonDocument> documents)
            throws Exception {
        management.addStream(StreamConfiguration.builder().name(STREAM).subjects(STREAM + ".>")
                .storageType(StorageType.File).build());
        List<CompletableFuture<PublishAck>> window = new ArrayList<>();
        for (BsonDocument document : documents) {
            String event = new BsonDocument("operationType", new BsonString("replace"))
                    .append("documentKey", new BsonDocument("_id", document.get("_id")))
                    .append("fullDocument", document).toJson();
            window.add(jetStream.publishAsync(STREAM + ".replace", event.getBytes(StandardCharsets.UTF_8)));
            if (window.size() >= RawPublisher.WINDOW) {
                window.forEach(CompletableFuture::join);
                window.clear();
            }
        }
        window.forEach(CompletableFuture::join);
    }

    private static double rawRate(MongoCollection<Document> collection, List<BsonDocument> documents, boolean guarded) {
        MongoCollection<BsonDocument> target = collection.withDocumentClass(BsonDocument.class);
        WriteModels models = new WriteModels("_cdc", true, Clock.systemUTC());
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        long start = System.nanoTime();
        for (int from = 0; from < documents.size(); from += BATCH) {
            List<WriteModel<BsonDocument>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(from + BATCH, documents.size()); i++) {
                BsonDocument document = documents.get(i);
                batch.add(guarded ? models.of(new PlannedWrite(document.get("_id"), i + 1, new DocumentChange.Upsert(document)))
                        : new ReplaceOneModel<>(new BsonDocument("_id", document.get("_id")), document, upsert));
            }
            target.bulkWrite(batch, new BulkWriteOptions().ordered(false));
        }
        return documents.size() / ((System.nanoTime() - start) / 1e9);
    }
}
