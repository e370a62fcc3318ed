package io.mongonats.connector.readmodel;

/** Where messages that cannot be applied are kept, outside the source stream. */
public interface DeadLetters {

    /** Creates the dead-letter stream when missing. Idempotent. */
    void prepare() throws SinkUnavailableException;

    /** Stores a copy of {@code message} with {@code reason}; returns once it is stored. */
    void publish(InboundMessage message, String reason) throws SinkUnavailableException, InterruptedException;
}
