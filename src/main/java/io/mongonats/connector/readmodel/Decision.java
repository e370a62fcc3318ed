package io.mongonats.connector.readmodel;

/** The verdict on one message of a batch. */
public record Decision(InboundMessage message, Verdict verdict) {
}
