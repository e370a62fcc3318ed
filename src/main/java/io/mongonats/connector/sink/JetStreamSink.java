package io.mongonats.connector.sink;

import io.mongonats.connector.message.HeaderNames;
import io.mongonats.connector.pipeline.EventSink;
import io.mongonats.connector.pipeline.MessageHeaders;
import io.mongonats.connector.pipeline.OutOfStepException;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.pipeline.SinkException;
import io.mongonats.connector.checkpoint.StreamTail;
import io.mongonats.connector.message.Positions;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One collection's JetStream stream. Each message is de-duplicated by its id and fenced on the stream's last
 * sequence, so that a message is stored only directly after the one its publisher expects: a former lease holder's
 * late publish, or one after a lost predecessor, is refused by the server.
 */
public record JetStreamSink(Connection connection, JetStream jetStream, JetStreamManagement management, String stream)
        implements EventSink {

    @Override
    public StreamTail tail() throws SinkException {
        try {
            long last = management.getStreamInfo(stream).getStreamState().getLastSequence();
            return last == 0 ? StreamTail.empty() : lastMessage(last);
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            throw new SinkException("reading the tail of stream " + stream + " failed: " + e.getMessage(), e);
        }
    }

    private StreamTail lastMessage(long last) throws IOException, JetStreamApiException {
        Headers headers;
        try {
            headers = management.getMessage(stream, last).getHeaders();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
                return new StreamTail(last, Optional.empty(), false, Optional.empty());
            }
            throw e;
        }
        return headers == null ? new StreamTail(last, Optional.empty(), false, Optional.empty())
                : Positions.read(last, headers::getFirst);
    }

    @Override
    public PendingAck publish(OutboundMessage message, long expectedLastSequence) throws SinkException {
        MessageHeaders ours = message.headers();
        Headers headers = new Headers();
        for (int i = 0; i < ours.size(); i++) {
            headers.put(ours.name(i), ours.value(i));
        }
        headers.put(HeaderNames.MSG_ID, message.messageId())
                .put(HeaderNames.EXPECTED_STREAM, stream)
                .put(HeaderNames.EXPECTED_LAST_SEQUENCE, Long.toString(expectedLastSequence));
        try {
            return new JetStreamAck(jetStream.publishAsync(NatsMessage.builder()
                    .subject(message.subject())
                    .headers(headers)
                    .data(message.payload())
                    .build()));
        } catch (IllegalStateException e) {
            throw new SinkException("publishing to stream " + stream + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int maxPayload() {
        return (int) connection.getServerInfo().getMaxPayload();
    }

    /** Notes when jnats completed the acknowledgement, so that the connector's own latency leaves out its pauses. */
    private static final class JetStreamAck implements PendingAck {

        private final CompletableFuture<PublishAck> future;
        private volatile long arrivedNanos;

        JetStreamAck(CompletableFuture<PublishAck> future) {
            this.future = future;
            future.whenComplete((ack, error) -> arrivedNanos = System.nanoTime());
        }

        @Override
        public long arrivedNanos() {
            long arrived = arrivedNanos;
            return arrived != 0 ? arrived : System.nanoTime(); // completed, its callback not yet run
        }

        @Override
        public boolean isDone() {
            return future.isDone();
        }

        @Override
        public long await(long timeoutNanos) throws OutOfStepException, SinkException, TimeoutException,
                InterruptedException {
            PublishAck ack;
            try {
                ack = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (JetStreamErrors.is(e.getCause(), JetStreamErrors.WRONG_LAST_SEQUENCE)) {
                    throw new OutOfStepException("the stream's last sequence is not the one expected (another holder "
                            + "published, or an earlier publish was lost)");
                }
                throw new SinkException("publish failed: " + e.getCause().getMessage(), e.getCause());
            }
            if (ack.isDuplicate()) {
                throw new OutOfStepException("acknowledged at sequence " + ack.getSeqno() + " as a duplicate");
            }
            return ack.getSeqno();
        }
    }
}
