package io.mongonats.connector.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;

import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;

/**
 * Writes documents {@code {_id: n, n: n[, pad: "xxx…"]}} with {@code n} (Int64) increasing by one,
 * starting after the largest {@code n} already in the collection. Because {@code _id == n}, a write
 * whose outcome is unknown (server restarted mid-call) is retried document by document and a
 * duplicate-key error counts as "already written": each {@code n} is stored exactly once, in order.
 */
public final class SampleWriter implements AutoCloseable {

    private static final int MAX_BATCH = 1000;
    private static final long TICK_MILLIS = 10;

    private final MongoCollection<Document> collection;
    private final MongoClient ownedClient;
    private final String padding;
    private final AtomicLong nextN = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> lastError = new AtomicReference<>();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> continuous;
    private long continuousStartWritten;

    /** Unpadded documents; the caller owns the collection's client. */
    public SampleWriter(MongoCollection<Document> collection) {
        this(collection, 0, null);
    }

    /** Documents padded to {@code documentBytes} BSON bytes (if larger than the minimum, 39 bytes). */
    public SampleWriter(MongoCollection<Document> collection, int documentBytes) {
        this(collection, documentBytes, null);
    }

    private SampleWriter(MongoCollection<Document> collection, int documentBytes, MongoClient ownedClient) {
        this.collection = collection;
        this.ownedClient = ownedClient;
        this.padding = documentBytes > 0 ? "x".repeat(Math.max(0, documentBytes - bsonSize(build(0, "")))) : null;
        Document last = collection.find().sort(Sorts.descending("n")).limit(1).first();
        nextN.set(last == null ? 0 : ((Number) last.get("n")).longValue() + 1);
    }

    /** A writer with its own client (server selection timeout 5 s), closed by {@link #close()}. */
    public static SampleWriter open(String uri, String database, String collection, int documentBytes) {
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS)).build());
        try {
            return new SampleWriter(client.getDatabase(database).getCollection(collection), documentBytes, client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Inserts {@code count} documents now and returns the {@code n} of the first. */
    public synchronized long insertMany(int count) {
        if (continuous != null) {
            throw new IllegalStateException("continuous writing is running; stop() it first");
        }
        long first = nextN.get();
        for (int remaining = count; remaining > 0; remaining = (int) (first + count - nextN.get())) {
            writeBatch(Math.min(remaining, MAX_BATCH));
        }
        return first;
    }

    /** Starts writing about {@code ratePerSecond} documents a second on thread "sample-writer-&lt;collection&gt;". */
    public synchronized void startContinuous(double ratePerSecond) {
        if (continuous != null) {
            throw new IllegalStateException("continuous writing already started");
        }
        String threadName = "sample-writer-" + collection.getNamespace().getCollectionName();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true); // never keeps a test JVM alive; stop() still joins it
            return thread;
        });
        continuousStartWritten = written.get();
        long start = System.nanoTime();
        continuous = executor.scheduleAtFixedRate(() -> {
            long due = (long) ((System.nanoTime() - start) / 1e9 * ratePerSecond)
                    - (written.get() - continuousStartWritten);
            if (due > 0) {
                try {
                    writeBatch((int) Math.min(due, MAX_BATCH));
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    lastError.set(e);
                }
            }
        }, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops continuous writing and returns how many documents it wrote. */
    public synchronized long stop() {
        if (continuous == null) {
            return 0;
        }
        continuous.cancel(false);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        continuous = null;
        return written.get() - continuousStartWritten;
    }

    /** The {@code n} the next document gets (= documents written, for a writer on an empty collection). */
    public long nextN() {
        return nextN.get();
    }

    /** Documents this writer has confirmed as stored. */
    public long written() {
        return written.get();
    }

    /** Failed batches of continuous writing (each is retried on the next tick). */
    public long failures() {
        return failures.get();
    }

    public Exception lastError() {
        return lastError.get();
    }

    /** {@code fullDocument.n} of a change event payload in (relaxed or canonical) Extended JSON. */
    public static long fullDocumentN(String payload) {
        Object fullDocument = Document.parse(payload).get("fullDocument");
        if (fullDocument instanceof Document doc && doc.get("n") instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("payload has no numeric fullDocument.n: " + payload);
    }

    /** {@code fullDocument.n} of every received message that has one, in stream order. */
    public static List<Long> fullDocumentNs(List<StreamReader.Received> messages) {
        List<Long> ns = new ArrayList<>();
        for (StreamReader.Received message : messages) {
            Object fullDocument = Document.parse(message.payload()).get("fullDocument");
            if (fullDocument instanceof Document doc && doc.get("n") instanceof Number n) {
                ns.add(n.longValue());
            }
        }
        return ns;
    }

    @Override
    public void close() {
        stop();
        if (ownedClient != null) {
            ownedClient.close();
        }
    }

    /** Writes {@code count} documents from {@link #nextN}; advances it past each stored one. */
    private void writeBatch(int count) {
        long first = nextN.get();
        List<Document> docs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            docs.add(build(first + i, padding));
        }
        try {
            collection.insertMany(docs);
            confirm(count);
        } catch (RuntimeException unknownOutcome) {
            // Some prefix may be stored. Resolve one by one; a duplicate _id means it already is.
            for (Document doc : docs) {
                try {
                    collection.insertOne(doc);
                } catch (MongoWriteException e) {
                    if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                }
                confirm(1);
            }
        }
    }

    private void confirm(int count) {
        nextN.addAndGet(count);
        written.addAndGet(count);
    }

    private static Document build(long n, String padding) {
        Document doc = new Document("_id", n).append("n", n);
        return padding == null ? doc : doc.append("pad", padding);
    }

    private static int bsonSize(Document doc) {
        return new RawBsonDocument(doc, new DocumentCodec()).getByteBuffer().remaining();
    }
}
