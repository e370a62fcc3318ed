package io.mongonats.connector.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;

/**
 * Reads what a JetStream stream holds, in stream order. Uses an ordered consumer (one pull
 * subscription that re-creates itself on gaps or server restarts), which is far faster than a
 * {@code getMessage} per sequence for streams of many thousands of messages.
 */
public final class StreamReader {

    /** One stored message. Headers keep their order; payload is decoded as UTF-8. */
    public record Received(long sequence, String subject, Map<String, List<String>> headers, String payload) {
    }

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

    private StreamReader() {
    }

    /** Number of messages stored in the stream now. */
    public static long count(Connection connection, String stream) throws IOException, JetStreamApiException {
        return connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    }

    /**
     * All messages stored when the call starts (later ones may be included), ordered by sequence.
     * Fails if no message arrives for 10 s while some are still expected.
     */
    public static List<Received> readAll(Connection connection, String stream) {
        return readMessages(connection, stream).stream().map(message -> new Received(message.metaData().streamSequence(),
                message.getSubject(), headers(message.getHeaders()), new String(message.getData(), StandardCharsets.UTF_8)))
                .toList();
    }

    /** As {@link #readAll}, the messages as jnats gives them: for payloads that are not text. */
    public static List<Message> readMessages(Connection connection, String stream) {
        try {
            StreamState state = connection.jetStreamManagement().getStreamInfo(stream).getStreamState();
            if (state.getMsgCount() == 0) {
                return List.of();
            }
            long last = state.getLastSequence();
            List<Message> received = new ArrayList<>();
            var consumer = connection.getStreamContext(stream).createOrderedConsumer(new OrderedConsumerConfiguration());
            try (IterableConsumer messages = consumer.iterate()) {
                while (true) {
                    Message message = messages.nextMessage(IDLE_TIMEOUT);
                    if (message == null) {
                        throw new IllegalStateException("No message from stream " + stream + " for " + IDLE_TIMEOUT
                                + " after " + received.size() + " messages; expected up to sequence " + last);
                    }
                    long sequence = message.metaData().streamSequence();
                    received.add(message);
                    if (sequence >= last || message.metaData().pendingCount() == 0) {
                        return received;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading stream " + stream, e);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException("Could not read stream " + stream, e);
        }
    }

    /** Waits until the stream holds at least {@code expectedAtLeast} messages, then reads them all. */
    public static List<Received> awaitCount(Connection connection, String stream, long expectedAtLeast,
            Duration timeout) {
        Await.until(timeout, "stream " + stream + " holds at least " + expectedAtLeast + " messages", () -> {
            long count = count(connection, stream);
            if (count < expectedAtLeast) {
                throw new IllegalStateException("stream " + stream + " holds " + count + " messages");
            }
            return true;
        });
        return readAll(connection, stream);
    }

    private static Map<String, List<String>> headers(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (String key : headers.keySet()) {
            copy.put(key, List.copyOf(headers.get(key)));
        }
        return Collections.unmodifiableMap(copy);
    }
}
