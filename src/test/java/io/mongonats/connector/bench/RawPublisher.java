package io.mongonats.connector.bench;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

/**
 * The JetStream publish baseline: {@code publishAsync} with a {@code Nats-Msg-Id} and a window of outstanding
 * acknowledgements, on a stream configured like the connector's (file storage, 2 min duplicate window). Each
 * message carries the connector's headers and one of the sample payloads, cycled, with a unique message id.
 */
final class RawPublisher {

    static final int WINDOW = 2000;

    private RawPublisher() {
    }

    /** Creates stream {@code name} capturing {@code name.>}. */
    static void createStream(Connection connection, String name) throws Exception {
        connection.jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(name + ".>")
                .storageType(StorageType.File).duplicateWindow(java.time.Duration.ofMinutes(2)).build());
    }

    /**
     * Publishes {@code count} messages to each of {@code streams} at once, one thread per stream, and returns
     * messages acknowledged per second over all of them. {@code idOffset} keeps message ids unique across calls.
     */
    static double run(Connection connection, List<String> streams, List<byte[]> payloads, long count, long idOffset)
            throws Exception {
        JetStream jetStream = connection.jetStream();
        Thread[] threads = new Thread[streams.size()];
        Exception[] failure = new Exception[1];
        long start = System.nanoTime();
        for (int s = 0; s < streams.size(); s++) {
            String stream = streams.get(s);
            threads[s] = new Thread(() -> {
                try {
                    publish(jetStream, stream, payloads, count, idOffset);
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "bench-raw-publisher-" + stream);
            threads[s].start();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(5));
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return count * streams.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static void publish(JetStream jetStream, String stream, List<byte[]> payloads, long count, long idOffset)
            throws Exception {
        ArrayDeque<CompletableFuture<PublishAck>> window = new ArrayDeque<>(WINDOW);
        String subject = stream + ".insert";
        for (long i = 0; i < count; i++) {
            while (window.size() >= WINDOW) {
                window.poll().get(30, TimeUnit.SECONDS);
            }
            Headers headers = new Headers().put("Cdc-Database", "bench").put("Cdc-Collection", stream)
                    .put("Cdc-Operation", "insert").put("Cdc-Replica", "raw-baseline").put("Cdc-Lease-Epoch", "1")
                    .put("Cdc-Cluster-Time", "1700000000." + i);
            NatsMessage message = NatsMessage.builder().subject(subject).headers(headers)
                    .data(payloads.get((int) (i % payloads.size()))).build();
            window.add(jetStream.publishAsync(message,
                    PublishOptions.builder().messageId(String.format("%016x", idOffset + i)).build()));
        }
        while (!window.isEmpty()) {
            window.poll().get(30, TimeUnit.SECONDS);
        }
    }
}
