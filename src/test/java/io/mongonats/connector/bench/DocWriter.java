package io.mongonats.connector.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;

import com.mongodb.client.MongoCollection;

/**
 * Inserts {@code {_id: n, n: n, wt: nanoTime, pad: "xx…"}} documents of a fixed BSON size into one collection,
 * {@code n} counting up from 0. {@code wt} is this JVM's {@link System#nanoTime()} just before the insert
 * command is sent, so that a consumer in the same JVM can compute write-to-receipt latency.
 * Used by one thread at a time; {@link #nextN()} may be read by any.
 */
final class DocWriter {

    private static final int MAX_BATCH = 1000;

    private final MongoCollection<Document> collection;
    private final String padding;
    private volatile long nextN;

    DocWriter(MongoCollection<Document> collection, int documentBytes) {
        this.collection = collection;
        this.padding = "x".repeat(Math.max(0, documentBytes - bsonSize(build(0, 0, ""))));
    }

    /** The {@code n} the next document gets; also the number written so far. */
    long nextN() {
        return nextN;
    }

    /** Inserts {@code count} documents as fast as the server takes them, in batches of 1,000. */
    void writeBurst(long count) {
        long end = nextN + count;
        while (nextN < end) {
            insert((int) Math.min(MAX_BATCH, end - nextN));
        }
    }

    /** One document now (used to find out when a freshly started connector is streaming). */
    void writeOne() {
        insert(1);
    }

    /**
     * Writes {@code ratePerSecond} documents a second for {@code duration}, checking each millisecond how many
     * are due and inserting those in one command. Returns the number written.
     */
    long writeAtRate(double ratePerSecond, long durationNanos, BooleanSupplier stop) {
        long start = System.nanoTime();
        long first = nextN;
        long tick = TimeUnit.MILLISECONDS.toNanos(1);
        for (long now = start; now - start < durationNanos && !stop.getAsBoolean(); now = System.nanoTime()) {
            long due = (long) ((now - start) / 1e9 * ratePerSecond) - (nextN - first);
            if (due > 0) {
                insert((int) Math.min(MAX_BATCH, due));
            }
            // The writer paces itself: wait for the next millisecond tick.
            long next = start + ((System.nanoTime() - start) / tick + 1) * tick;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        return nextN - first;
    }

    private void insert(int count) {
        List<Document> docs = new ArrayList<>(count);
        long writtenAt = System.nanoTime();
        for (int i = 0; i < count; i++) {
            docs.add(build(nextN + i, writtenAt, padding));
        }
        collection.insertMany(docs);
        nextN += count;
    }

    private static Document build(long n, long writtenAt, String padding) {
        return new Document("_id", n).append("n", n).append("wt", writtenAt).append("pad", padding);
    }

    private static int bsonSize(Document doc) {
        return new RawBsonDocument(doc, new DocumentCodec()).getByteBuffer().remaining();
    }
}
