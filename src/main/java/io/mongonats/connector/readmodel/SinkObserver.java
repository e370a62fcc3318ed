package io.mongonats.connector.readmodel;

/** What a sink reports as it goes; metrics implement it. Called from the sink's own thread. */
public interface SinkObserver {

    SinkObserver NONE = new SinkObserver() {
    };

    /** {@code count} messages settled with {@code outcome}. */
    default void settled(String sink, Outcome outcome, int count) {
    }

    /** A batch written to the target and settled with JetStream, from fetch to the last acknowledgement. */
    default void batchApplied(String sink, long nanos) {
    }

    default void pending(String sink, long pending) {
    }
}
