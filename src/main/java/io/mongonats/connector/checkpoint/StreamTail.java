package io.mongonats.connector.checkpoint;


import java.util.Optional;

/**
 * The last message stored in a collection's stream: its sequence, and the position it carries.
 *
 * @param lastToken      empty when the stream is empty or its last message is gone (removed by limits)
 * @param lastInvalidate the last message is an invalidate event
 * @param snapshot       the snapshot progress the last message carries, if any
 */
public record StreamTail(long lastSequence, Optional<String> lastToken, boolean lastInvalidate,
                         Optional<SnapshotProgress> snapshot) {

    public static StreamTail empty() {
        return new StreamTail(0, Optional.empty(), false, Optional.empty());
    }
}
