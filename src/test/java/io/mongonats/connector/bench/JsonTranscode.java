package io.mongonats.connector.bench;

import io.mongonats.connector.message.JsonEncoders;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.json.JsonMode;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Scenario {@code json}: the JSON encoding of one change event in this JVM, the bson library's JsonWriter path (what
 * JsonEncoder did before) against the streaming transcoder, after a warm-up. CPU time per document from the wall
 * clock of a single thread, allocation per document from {@code ThreadMXBean.getThreadAllocatedBytes}. No servers.
 */
final class JsonTranscode {

    private static final int ROUNDS = 5;

    private JsonTranscode() {
    }

    static void addTo(Report report, double scale) {
        report.table("JSON encoding of one change event in one JVM (ns and bytes allocated per event; median of "
                        + ROUNDS + " rounds)", "full document", "event bytes", "mode", "events per round",
                "library ns", "streaming ns", "speed-up", "library B", "streaming B");
        for (int documentBytes : new int[] {300, 4096}) {
            RawBsonDocument event = changeEvent(documentBytes);
            int count = (int) Math.max(1000, (documentBytes == 300 ? 200_000 : 30_000) * scale);
            for (JsonMode mode : List.of(JsonMode.RELAXED, JsonMode.EXTENDED)) {
                Function<RawBsonDocument, byte[]> library = JsonEncoders.library(mode);
                Function<RawBsonDocument, byte[]> streaming = JsonEncoders.streaming(mode);
                if (!Arrays.equals(library.apply(event), streaming.apply(event))) {
                    throw new AssertionError("the encoders disagree on " + event.toJson());
                }
                double[][] old = new double[ROUNDS][];
                double[][] ours = new double[ROUNDS][];
                measure(library, event, count); // warm-up
                measure(streaming, event, count);
                for (int round = 0; round < ROUNDS; round++) {
                    old[round] = measure(library, event, count);
                    ours[round] = measure(streaming, event, count);
                }
                double oldNs = median(old, 0);
                double newNs = median(ours, 0);
                report.row(report.lastTable(), documentBytes + " B", event.getByteBuffer().remaining(), mode, count,
                        Report.fixed(oldNs, 0), Report.fixed(newNs, 0), Report.fixed(oldNs / newNs, 1) + "x",
                        Report.fixed(median(old, 1), 0), Report.fixed(median(ours, 1), 0));
            }
        }
    }

    /** {nanoseconds, bytes allocated} per encoding. */
    private static double[] measure(Function<RawBsonDocument, byte[]> encoder, RawBsonDocument event, int count) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        long sink = 0;
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sink += encoder.apply(event).length;
        }
        long elapsed = System.nanoTime() - started;
        long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
        if (sink == 42) {
            System.out.println("unlikely");
        }
        return new double[] {(double) elapsed / count, (double) allocated / count};
    }

    private static double median(double[][] rounds, int column) {
        double[] values = Arrays.stream(rounds).mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    /** An insert event as a real server sends it (UPDATE_LOOKUP), around a document of about {@code documentBytes}. */
    static RawBsonDocument changeEvent(int documentBytes) {
        long n = 123_456;
        BsonDocument full = new BsonDocument("_id", new BsonInt64(n)).append("n", new BsonInt64(n))
                .append("wt", new BsonInt64(1_793_700_000_123L)).append("pad", new BsonString(""));
        int padding = documentBytes - new RawBsonDocument(full, new BsonDocumentCodec()).getByteBuffer().remaining();
        full.put("pad", new BsonString("x".repeat(Math.max(0, padding))));
        BsonDocument event = new BsonDocument("_id", new BsonDocument("_data", new BsonString(
                "8266F2A1B3000000012B042C0100296E5A1004A1B2C3D4E5F60718293A4B5C6D7E8F9046645F6964002C0001E240000004")))
                .append("operationType", new BsonString("insert"))
                .append("clusterTime", new BsonTimestamp(1_793_700_000, 1))
                .append("wallTime", new BsonDateTime(1_793_700_000_123L))
                .append("fullDocument", full)
                .append("ns", new BsonDocument("db", new BsonString("bench")).append("coll", new BsonString("docs")))
                .append("documentKey", new BsonDocument("_id", new BsonInt64(n)));
        return new RawBsonDocument(event, new BsonDocumentCodec());
    }
}
