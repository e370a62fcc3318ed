package io.mongonats.connector.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorProcess;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;

/**
 * The failover scenarios' setup on a fresh {@link Rig}: replicas of the connector competing for one collection,
 * a writer at a steady rate on its own thread, and a consumer of the collection's stream. Replicas are named
 * {@code replica-1}, {@code replica-2}, … in the order they start. {@link #close()} stops the writer and everything
 * the rig started.
 */
final class ReplicatedCollection implements AutoCloseable {

    /**
     * Every document from the first one published ({@code n = first}) to the last one written, as received: counts
     * of documents and of messages in the stream, and how many were lost, duplicated or out of order.
     */
    record Check(long first, long written, long stored, long lost, long duplicated, long outOfOrder) {

        boolean exactlyOnceInOrder() {
            return lost == 0 && duplicated == 0 && outOfOrder == 0 && stored == written;
        }

        @Override
        public String toString() {
            return String.format("documents n=%d..%d: %d written, %d stored in the stream, %d lost, %d duplicated, %d out of order%s",
                    first, first + written - 1, written, stored, lost, duplicated, outOfOrder,
                    exactlyOnceInOrder() ? "" : " <-- NOT EXACTLY ONCE IN ORDER");
        }
    }

    private final Rig rig;
    private final String collection;
    private final List<String> jvmArgs;
    private final Map<String, ConnectorProcess> replicas = new LinkedHashMap<>();
    private final AtomicBoolean stopWriting = new AtomicBoolean();
    private final DocWriter writer;
    private final Thread writing;
    private final EventConsumer consumer;
    private int nextId = 1;

    /** Starts {@code count} replicas, then the writer and the consumer, and waits until a replica publishes. */
    ReplicatedCollection(Path workDir, List<Double> startToReady, String collection, int count, double writeRate,
                         List<String> jvmArgs) throws Exception {
        this.rig = new Rig(workDir, startToReady);
        this.collection = collection;
        this.jvmArgs = jvmArgs;
        try {
            for (int i = 0; i < count; i++) {
                addReplica();
            }
            writer = new DocWriter(rig.collection(collection), 300);
            writing = new Thread(() -> writer.writeAtRate(writeRate, Long.MAX_VALUE, stopWriting::get),
                    "bench-" + collection + "-writer");
            writing.setDaemon(true);
            writing.start();
            consumer = new EventConsumer(rig.nats(), Rig.DATABASE + "." + collection);
            Await.until(Duration.ofSeconds(60), "a replica publishes", () -> consumer.currentReplica() != null);
        } catch (Exception | Error e) {
            stopWriting.set(true);
            rig.close();
            throw e;
        }
    }

    /** Starts one more replica and waits until it is ready; returns its id. */
    String addReplica() {
        String id = "replica-" + nextId++;
        replicas.put(id, rig.startConnector(id, rig.connector(id, List.of(collection)).jvmFlags(jvmArgs)));
        return id;
    }

    ConnectorProcess replica(String id) {
        return replicas.get(id);
    }

    /** Forgets a replica (after stopping it) so that it is no longer among {@link #replicas()}. */
    ConnectorProcess remove(String id) {
        return replicas.remove(id);
    }

    Map<String, ConnectorProcess> replicas() {
        return replicas;
    }

    /** The replica that published the latest message the consumer received. */
    String holder() {
        return consumer.currentReplica();
    }

    EventConsumer consumer() {
        return consumer;
    }

    Rig rig() {
        return rig;
    }

    String subjects() {
        return Rig.DATABASE + "." + collection + ".>";
    }

    /** Documents written so far: {@code n} runs from 0 to this, exclusive. Final once {@link #stopWriting()} returned. */
    long written() {
        return writer.nextN();
    }

    /** Stops the writer and waits for its thread, so that {@link #written()} is final. */
    void stopWriting() throws InterruptedException {
        stopWriting.set(true);
        writing.join(10_000);
    }

    /**
     * Waits until the consumer has received the highest document written so far and returns how many had been
     * written. If it did not arrive within {@code timeout} it says so and returns all the same: the document may be
     * lost, which the caller counts and reports.
     */
    long awaitCaughtUp(Duration timeout) {
        long written = written();
        try {
            Await.until(timeout, "the consumer receives document n=" + (written - 1), () -> consumer.maxN() >= written - 1);
        } catch (AssertionError e) {
            System.out.println("BENCH WARNING: " + e.getMessage());
        }
        return written;
    }

    /** Stops the writer, waits for the consumer and checks every document it should have received. */
    Check stopAndCheck(Duration timeout) throws Exception {
        stopWriting();
        awaitCaughtUp(timeout);
        Receipts receipts = consumer.receipts();
        long first = Math.max(0, receipts.lowest());
        long written = written() - first;
        Check check = new Check(first, written, storedMessages(), receipts.missing(first, written()),
                receipts.duplicates(), receipts.outOfOrder());
        System.out.println("BENCH " + collection + " check: " + check);
        return check;
    }

    /** Messages stored in the collection's stream. */
    long storedMessages() throws IOException, JetStreamApiException {
        JetStreamManagement jsm = rig.nats().jetStreamManagement();
        long stored = 0;
        for (String stream : jsm.getStreamNames(subjects())) {
            stored += jsm.getStreamInfo(stream).getStreamState().getMsgCount();
        }
        return stored;
    }

    @Override
    public void close() throws Exception {
        try {
            stopWriting();
            consumer.close();
        } finally {
            rig.close();
        }
    }
}
