package io.mongonats.connector.readmodel;

import io.mongonats.connector.config.SinkSpec;
import io.mongonats.connector.sink.JetStreamErrors;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.ReplayPolicy;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink's durable pull consumer. Every replica running the sink uses the same one, so JetStream gives each
 * message to one of them. The consumer never stops redelivering by itself ({@code max_deliver} -1): the sink
 * decides when a message is dead-lettered, and a message that failed only because MongoDB was down never is.
 * One owner thread: the messages of the last fetch are kept here until settled.
 */
public final class JetStreamFeed implements MessageFeed {

    /** The shortest wait jnats accepts; the fetch returns at once when messages are there. */
    private static final long FETCH_WAIT_MILLIS = 1_000;
    private static final long PENDING_POLL_NANOS = Duration.ofSeconds(5).toNanos();

    private final Connection nats;
    private final JetStreamOptions options;
    private final SinkSpec spec;
    private final Map<Long, Message> unsettled = new HashMap<>();
    private volatile long pending = -1;
    private ConsumerContext consumer;
    private long pendingPolledAt;

    public JetStreamFeed(Connection nats, JetStreamOptions options, SinkSpec spec) {
        this.nats = nats;
        this.options = options;
        this.spec = spec;
    }

    @Override
    public void prepare() throws SinkUnavailableException {
        ConsumerConfiguration.Builder config = ConsumerConfiguration.builder()
                .durable(spec.consumer())
                .description("mongo-nats-connector read model " + spec.namespace())
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .replayPolicy(ReplayPolicy.Instant)
                .ackWait(spec.ackWait())
                .maxAckPending(spec.maxAckPending())
                .maxDeliver(-1);
        spec.filterSubject().ifPresent(config::filterSubject);
        try {
            nats.jetStreamManagement(options).addOrUpdateConsumer(spec.stream(), config.build());
            consumer = nats.getStreamContext(spec.stream()).getConsumerContext(spec.consumer());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                throw new SinkUnavailableException("nats", "stream " + spec.stream() + " does not exist (yet)", e);
            }
            throw new SinkSetupException("Cannot create or update consumer " + spec.consumer() + " of stream "
                    + spec.stream() + ": " + e.getMessage() + ". Delete the consumer (nats consumer rm " + spec.stream()
                    + " " + spec.consumer() + ") to have it recreated, or set connector.sinks[].consumer to another name");
        } catch (IOException e) {
            throw new SinkUnavailableException("nats", "cannot create consumer " + spec.consumer() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<InboundMessage> fetch(int max) throws SinkUnavailableException, InterruptedException {
        unsettled.clear();
        List<InboundMessage> batch = new ArrayList<>();
        long lastPending = -1;
        try (FetchConsumer fetch = consumer.fetch(FetchConsumeOptions.builder().maxMessages(max)
                .noWaitExpiresIn(FETCH_WAIT_MILLIS).build())) {
            for (Message message = fetch.nextMessage(); message != null; message = fetch.nextMessage()) {
                if (!message.isJetStream()) {
                    continue;
                }
                long sequence = message.metaData().streamSequence();
                lastPending = message.metaData().pendingCount();
                unsettled.put(sequence, message);
                batch.add(new InboundMessage(message.getSubject(), sequence, message.metaData().deliveredCount(),
                        headers(message.getHeaders()), message.getData()));
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // IOException, JetStreamApiException, a status error, a closed connection, or closing the fetch
            throw new SinkUnavailableException("nats", "fetch from consumer " + spec.consumer() + " failed: " + e.getMessage(), e);
        }
        if (lastPending >= 0) {
            pending = lastPending;
        } else {
            pollPending();
        }
        return batch;
    }

    /** When idle, the consumer's own count, at most every few seconds. */
    private void pollPending() {
        long now = System.nanoTime();
        if (pending >= 0 && now - pendingPolledAt < PENDING_POLL_NANOS) {
            return;
        }
        pendingPolledAt = now;
        try {
            pending = consumer.getConsumerInfo().getNumPending();
        } catch (IOException | JetStreamApiException e) {
            pending = -1;
        }
    }

    @Override
    public void ack(InboundMessage message) {
        Message original = unsettled.remove(message.sequence());
        try {
            if (original != null) {
                original.ack();
            }
        } catch (IllegalStateException connectionClosed) {
            // Not acknowledged: JetStream delivers it again after the ack wait, and the write is idempotent.
        }
    }

    @Override
    public void nak(InboundMessage message, Duration delay) {
        Message original = unsettled.remove(message.sequence());
        try {
            if (original != null) {
                original.nakWithDelay(delay);
            }
        } catch (IllegalStateException connectionClosed) {
            // Delivered again after the ack wait instead.
        }
    }

    @Override
    public long pending() {
        return pending;
    }

    private static Map<String, String> headers(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> first = new HashMap<>();
        for (String name : headers.keySet()) {
            String value = headers.getFirst(name);
            if (value != null) {
                first.put(name, value);
            }
        }
        return first;
    }
}
