package io.mongonats.connector.pipeline;

/** What the pipeline needs to know of a change, whatever its source; the mapper reads the rest. */
public interface Change {

    /** The source position just after this change: a change stream's resume token data. */
    String token();

    String operationType();

    /** An invalidate ends a change stream; the next one opens after it with startAfter. */
    default boolean isInvalidate() {
        return "invalidate".equals(operationType());
    }

    /** Milliseconds since the epoch when the change happened, or -1 when the source does not say. */
    long eventTimeMillis();

    /** The changed document's key in the form snapshot rows use for theirs, or null when the change names none. */
    String documentKeyId();

    /** The change's cluster time as a comparable number (seconds and increment), or -1 when the source does not say. */
    long clusterTimeValue();
}
