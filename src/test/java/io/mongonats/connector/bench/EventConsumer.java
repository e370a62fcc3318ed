package io.mongonats.connector.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.impl.Headers;

/**
 * An ordered push consumer on one collection's stream, in this JVM. For each message it reads
 * {@code fullDocument.n} and {@code fullDocument.wt} straight from the relaxed Extended JSON bytes (no parse),
 * keeps the highest {@code n} and when it arrived, tallies every {@code n} in {@link Receipts}, optionally records
 * write-to-receipt latencies, and notes each change of the {@code Cdc-Replica} header. Callbacks run on the dispatcher's single thread.
 */
final class EventConsumer implements AutoCloseable {

    /** The publishing replica changed to {@code replica}; the first such message arrived at {@code nanos}. */
    record ReplicaChange(String replica, long nanos) {
    }

    private static final byte[] N_KEY = "\"n\": ".getBytes();
    private static final byte[] WT_KEY = "\"wt\": ".getBytes();
    /** A BSON int64 element: type 0x12, the name, a NUL, then eight bytes little-endian. */
    private static final byte[] N_NAME = {0x12, 'n', 0};
    private static final byte[] WT_NAME = {0x12, 'w', 't', 0};

    private final Dispatcher dispatcher;
    private final JetStreamSubscription subscription;
    private final List<ReplicaChange> replicaChanges = new ArrayList<>();
    private final Receipts receipts = new Receipts();
    private volatile long count;
    private volatile long maxN = -1;
    private volatile long maxNArrivedNanos;
    private volatile long firstArrivedNanos;
    private volatile boolean armed = true;
    private String lastReplica;
    private long recordFromN = Long.MAX_VALUE;
    private double[] latencies = new double[0];
    private int latencyCount;

    EventConsumer(Connection connection, String subjectPrefix) throws IOException, JetStreamApiException {
        this.dispatcher = connection.createDispatcher();
        this.subscription = connection.jetStream().subscribe(subjectPrefix + ".>", dispatcher, this::onMessage, false,
                PushSubscribeOptions.builder().ordered(true).build());
    }

    private void onMessage(Message message) {
        long now = System.nanoTime();
        byte[] data = message.getData();
        boolean json = data.length > 0 && data[0] == '{';
        long n = json ? readLong(data, N_KEY) : readBsonLong(data, N_NAME);
        if (armed) {
            armed = false;
            firstArrivedNanos = now;
        }
        count++;
        receipts.record(n);
        if (n > maxN) {
            maxN = n;
            maxNArrivedNanos = now;
        }
        if (n >= recordFromN) {
            synchronized (this) {
                if (latencyCount == latencies.length) {
                    latencies = java.util.Arrays.copyOf(latencies, Math.max(1024, latencies.length * 2));
                }
                latencies[latencyCount++] = (now - (json ? readLong(data, WT_KEY) : readBsonLong(data, WT_NAME))) / 1e6;
            }
        }
        Headers headers = message.getHeaders();
        String replica = headers == null ? null : headers.getFirst("Cdc-Replica");
        if (replica != null && !replica.equals(lastReplica)) {
            lastReplica = replica;
            synchronized (replicaChanges) {
                replicaChanges.add(new ReplicaChange(replica, now));
            }
        }
    }

    /** Messages received so far. */
    long count() {
        return count;
    }

    /** Highest {@code fullDocument.n} received, -1 before any. */
    long maxN() {
        return maxN;
    }

    /** {@link System#nanoTime()} when the highest {@code n} arrived. */
    long maxNArrivedNanos() {
        return maxNArrivedNanos;
    }

    /** When the first message after the latest {@link #armFirstArrival()} (or the first ever) arrived. */
    long firstArrivedNanos() {
        return firstArrivedNanos;
    }

    /** Makes the next message's arrival time the one {@link #firstArrivedNanos()} returns. */
    void armFirstArrival() {
        armed = true;
    }

    /** From now on, records the latency of every document with {@code n >= fromN}. */
    synchronized void recordLatenciesFrom(long fromN) {
        recordFromN = fromN;
    }

    /** Latencies in milliseconds recorded so far (stops recording). */
    synchronized double[] latenciesMillis() {
        recordFromN = Long.MAX_VALUE;
        return java.util.Arrays.copyOf(latencies, latencyCount);
    }

    /** Every document received so far, by {@code n}. */
    Receipts receipts() {
        return receipts;
    }

    /** How many times the publishing replica changed, the first publisher included. */
    int replicaChanges() {
        synchronized (replicaChanges) {
            return replicaChanges.size();
        }
    }

    /** The publishing replicas in stream order, from the {@code from}-th change on (0 is the first publisher). */
    List<String> replicasSince(int from) {
        synchronized (replicaChanges) {
            return replicaChanges.subList(Math.min(from, replicaChanges.size()), replicaChanges.size()).stream()
                    .map(ReplicaChange::replica).toList();
        }
    }

    /** The replica that published the latest message, or null. */
    String currentReplica() {
        synchronized (replicaChanges) {
            return replicaChanges.isEmpty() ? null : replicaChanges.get(replicaChanges.size() - 1).replica();
        }
    }

    /** The first change to a replica other than {@code holder} that arrived after {@code afterNanos}, or null. */
    ReplicaChange takeoverAfter(String holder, long afterNanos) {
        synchronized (replicaChanges) {
            for (ReplicaChange change : replicaChanges) {
                if (change.nanos() - afterNanos > 0 && !change.replica().equals(holder)) {
                    return change;
                }
            }
            return null;
        }
    }

    /** The int64 of the first BSON element {@code element} (type, name, NUL) in {@code data}, or -1. */
    static long readBsonLong(byte[] data, byte[] element) {
        int at = indexOf(data, element);
        if (at < 0 || at + element.length + 8 > data.length) {
            return -1;
        }
        return java.nio.ByteBuffer.wrap(data, at + element.length, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static int indexOf(byte[] data, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= data.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (data[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The long value after the first occurrence of {@code key} in {@code data}, or -1. */
    static long readLong(byte[] data, byte[] key) {
        int at = indexOf(data, key);
        if (at < 0 || at + key.length >= data.length) {
            return -1;
        }
        long value = 0;
        boolean negative = data[at + key.length] == '-';
        for (int k = at + key.length + (negative ? 1 : 0); k < data.length; k++) {
            byte b = data[k];
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
        }
        return negative ? -value : value;
    }

    @Override
    public void close() {
        try {
            dispatcher.unsubscribe(subscription);
        } catch (RuntimeException ignored) {
            // the connection may already be closed
        }
    }
}
