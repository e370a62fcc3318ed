package io.mongonats.connector.readmodel;

/** The adapters a sink runs on: where messages come from, where they are written, where the rejects go. */
public record SinkPorts(MessageFeed feed, TargetStore target, DeadLetters deadLetters) {
}
