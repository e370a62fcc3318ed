package io.mongonats.connector.pipeline;

import java.util.Optional;

/**
 * The last message stored in a collection's stream: its sequence, and the source position it carries.
 *
 * @param lastToken      empty when the stream is empty or its last message is gone (removed by limits)
 * @param lastInvalidate the last message is an invalidate event
 */
public record StreamTail(long lastSequence, Optional<String> lastToken, boolean lastInvalidate) {

    public static StreamTail empty() {
        return new StreamTail(0, Optional.empty(), false);
    }
}
