package io.mongonats.connector.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.FullDocument;

/**
 * The change-stream read baseline: the same cursor the connector opens (raw BSON documents, updateLookup,
 * batch size 1,000), read on its own thread with nothing done per event but counting. Like the connector,
 * it pauses 2 ms after an empty poll, because the stand-in answers an empty getMore at once instead of
 * waiting {@code maxAwaitTime}. The cursor is open when the constructor returns, so every later write is seen.
 */
final class RawChangeReader implements AutoCloseable {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final MongoChangeStreamCursor<RawBsonDocument> cursor;
    private final Thread thread;
    private final AtomicLong count = new AtomicLong();
    private final List<byte[]> samplePayloads = new ArrayList<>();
    private final int samplesWanted;
    private volatile long lastReadNanos;
    private volatile boolean stop;

    @SuppressWarnings("unchecked")
    RawChangeReader(MongoCollection<Document> collection, int samplesWanted) {
        this.samplesWanted = samplesWanted;
        this.cursor = (MongoChangeStreamCursor<RawBsonDocument>) collection.watch()
                .fullDocument(FullDocument.UPDATE_LOOKUP)
                .batchSize(1000)
                .maxAwaitTime(1, TimeUnit.SECONDS)
                .withDocumentClass(RawBsonDocument.class)
                .cursor();
        this.thread = new Thread(this::run, "bench-raw-reader-" + collection.getNamespace().getCollectionName());
        thread.setDaemon(true);
    }

    RawChangeReader start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!stop) {
                RawBsonDocument event = cursor.tryNext();
                if (event == null) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                    continue;
                }
                if (samplePayloads.size() < samplesWanted) {
                    // The connector's payload: the whole event as relaxed Extended JSON (outside any timed phase).
                    samplePayloads.add(event.toJson(RELAXED).getBytes(StandardCharsets.UTF_8));
                }
                lastReadNanos = System.nanoTime();
                count.incrementAndGet();
            }
        } catch (RuntimeException e) {
            if (!stop) {
                throw e;
            }
        }
    }

    long count() {
        return count.get();
    }

    long lastReadNanos() {
        return lastReadNanos;
    }

    /** Payloads of the first events read, as the connector would publish them; complete once that many were read. */
    List<byte[]> samplePayloads() {
        return samplePayloads;
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cursor.close();
    }
}
