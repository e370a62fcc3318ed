package io.mongonats.connector.readmodel;

import java.time.Duration;
import java.util.List;

/** The sink's share of its durable consumer: batches of messages, each settled once. */
public interface MessageFeed {

    /** Creates or updates the consumer, and whatever else the feed needs. Idempotent. */
    void prepare() throws SinkUnavailableException;

    /** Up to {@code max} messages: what is there now, or after waiting a little for the first; empty when idle. */
    List<InboundMessage> fetch(int max) throws SinkUnavailableException, InterruptedException;

    void ack(InboundMessage message);

    void nak(InboundMessage message, Duration delay);

    /** Messages of the consumer not yet delivered, as last seen; -1 when unknown. */
    long pending();
}
