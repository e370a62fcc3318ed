package io.mongonats.connector.snapshot;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The collection's only writer while a snapshot runs: documents {@code {_id: k, v: version, pad: "xx…"}} with
 * Int64 keys in {@code [0, keySpace)}. Each operation picks a key, half of the time just ahead of the snapshot's
 * progress ({@code frontier}, the last key it published), where a chunk is being read, and otherwise anywhere:
 * an existing document is rewritten (version + 1) or deleted, a missing one is inserted.
 *
 * <p>On the stand-in a rewrite is a delete and an insert of the same {@code _id}: its update events carry the update
 * spec as {@code documentKey}, so nothing could tell which document an update touched (real MongoDB names it;
 * real updates run in {@link RealMongoSnapshotIT}). Runs on thread {@code churn-<collection>} at a fixed rate.
 */
final class Churn implements AutoCloseable {

    private static final long TICK_MILLIS = 10;

    private final MongoCollection<Document> collection;
    private final long keySpace;
    private final String padding;
    private final Random random = new Random(15);
    private final Map<Long, Long> versions = new HashMap<>();
    private final Set<Long> touched = new HashSet<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> running;
    private long maxOperations;

    private Churn(MongoCollection<Document> collection, long keySpace, int documentBytes) {
        this.collection = collection;
        this.keySpace = keySpace;
        this.padding = "x".repeat(Math.max(0, documentBytes - 40));
    }

    /** Inserts documents 0..count-1 (version 0, about {@code documentBytes} each) and returns their writer. */
    static Churn load(MongoCollection<Document> collection, int count, long keySpace, int documentBytes) {
        Churn churn = new Churn(collection, keySpace, documentBytes);
        List<Document> batch = new ArrayList<>(1000);
        for (long k = 0; k < count; k++) {
            batch.add(churn.document(k, 0));
            churn.versions.put(k, 0L);
            if (batch.size() == 1000 || k == count - 1) {
                collection.insertMany(batch);
                batch.clear();
            }
        }
        return churn;
    }

    /**
     * Starts about {@code perSecond} operations a second, at most {@code maxOperations} in all; {@code frontier}
     * gives the last key the snapshot published (-1 before the first), or the key space's end once it is over.
     */
    synchronized void start(double perSecond, long maxOperations, int chunkSize, LongSupplier frontier) {
        this.maxOperations = maxOperations;
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "churn-" + collection.getNamespace().getCollectionName());
            thread.setDaemon(true);
            return thread;
        });
        long started = System.nanoTime();
        running = executor.scheduleAtFixedRate(() -> {
            try {
                long due = Math.min(maxOperations, (long) ((System.nanoTime() - started) / 1e9 * perSecond))
                        - operations.get();
                long near = due > 0 ? frontier.getAsLong() : 0;
                for (long i = 0; i < due; i++) {
                    long key = random.nextBoolean() && near + 1 < keySpace
                            ? near + 1 + random.nextInt(Math.max(1, (int) Math.min(2L * chunkSize, keySpace - near - 1)))
                            : random.nextLong(keySpace);
                    change(key);
                    operations.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                throw e;
            }
        }, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void change(long key) {
        touched.add(key);
        Long version = versions.get(key);
        if (version == null) {
            collection.insertOne(document(key, 1));
            versions.put(key, 1L);
        } else if (random.nextInt(3) == 0) {
            collection.deleteOne(Filters.eq("_id", key));
            versions.remove(key);
        } else {
            collection.deleteOne(Filters.eq("_id", key));
            collection.insertOne(document(key, version + 1));
            versions.put(key, version + 1);
        }
    }

    private Document document(long key, long version) {
        return new Document("_id", key).append("v", version).append("pad", padding);
    }

    /** Operations done so far. */
    long operations() {
        return operations.get();
    }

    /** True once {@code maxOperations} are done. */
    boolean finished() {
        return operations.get() >= maxOperations;
    }

    /** Stops writing and returns the keys it changed; fails if a write failed. */
    synchronized Set<Long> stop() throws InterruptedException {
        if (running != null) {
            running.cancel(false);
            executor.shutdown();
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the churn writer did not stop within 30 s");
            }
            running = null;
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the churn writer failed", failure.get());
        }
        return Set.copyOf(touched);
    }

    @Override
    public void close() throws InterruptedException {
        if (running != null) {
            running.cancel(false);
            executor.shutdownNow();
            executor.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
