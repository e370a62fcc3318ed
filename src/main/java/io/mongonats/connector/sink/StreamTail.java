package io.mongonats.connector.sink;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;

import java.io.IOException;
import java.util.Optional;

/**
 * The last message stored in a collection's stream: its sequence, and its {@code Nats-Msg-Id}, which is the
 * resume token of the last change published.
 *
 * @param lastMessageId  empty when the stream is empty or its last message is gone (removed by limits)
 * @param lastInvalidate the last message is an invalidate event
 */
public record StreamTail(long lastSequence, Optional<String> lastMessageId, boolean lastInvalidate) {


    public static StreamTail read(JetStreamManagement management, String stream) throws IOException, JetStreamApiException {
        long last = management.getStreamInfo(stream).getStreamState().getLastSequence();
        if (last == 0) {
            return new StreamTail(0, Optional.empty(), false);
        }
        try {
            MessageInfo message = management.getMessage(stream, last);
            String id = message.getHeaders() == null ? null : message.getHeaders().getFirst("Nats-Msg-Id");
            String operation = message.getHeaders() == null ? null : message.getHeaders().getFirst(MessageHeaders.OPERATION);
            return new StreamTail(last, Optional.ofNullable(id), "invalidate".equals(operation));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
                return new StreamTail(last, Optional.empty(), false);
            }
            throw e;
        }
    }
}
