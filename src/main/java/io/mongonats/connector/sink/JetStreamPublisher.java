package io.mongonats.connector.sink;

import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.util.concurrent.CompletableFuture;

/**
 * Publishes to one collection's stream. Each message is de-duplicated by its resume token and fenced on the
 * stream's last sequence, so that a message is stored only directly after the one its publisher expects:
 * a former lease holder's late publish, or one after a lost predecessor, is refused by the server.
 */
public final class JetStreamPublisher {

    private static final String MSG_ID = "Nats-Msg-Id";
    private static final String EXPECTED_STREAM = "Nats-Expected-Stream";
    private static final String EXPECTED_LAST_SEQUENCE = "Nats-Expected-Last-Sequence";

    private final JetStream jetStream;
    private final String stream;

    public JetStreamPublisher(JetStream jetStream, String stream) {
        this.jetStream = jetStream;
        this.stream = stream;
    }

    /** Adds the de-duplication and fencing headers, which count towards the message's size. */
    public void fence(Headers headers, String messageId, long expectedLastSequence) {
        headers.put(MSG_ID, messageId)
                .put(EXPECTED_STREAM, stream)
                .put(EXPECTED_LAST_SEQUENCE, Long.toString(expectedLastSequence));
    }

    /** Publishes a message whose headers were {@link #fence fenced}. */
    public CompletableFuture<PublishAck> publish(String subject, Headers headers, byte[] payload) {
        return jetStream.publishAsync(NatsMessage.builder()
                .subject(subject)
                .headers(headers)
                .data(payload)
                .build());
    }
}
