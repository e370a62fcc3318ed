package io.mongonats.connector.pipeline;

/**
 * How far the stream is known to hold the changes: everything up to {@code token} is stored at or before
 * {@code sequence}. Immutable; the worker owns the current one.
 *
 * @param token           null before the first acknowledgement or idle position
 * @param afterInvalidate the token is an invalidate event's
 */
public record AckedPosition(String token, boolean afterInvalidate, long sequence) {

    public static AckedPosition at(long sequence) {
        return new AckedPosition(null, false, sequence);
    }

    public AckedPosition acknowledged(String changeToken, boolean invalidate, long storedAt) {
        return new AckedPosition(changeToken, invalidate, storedAt);
    }

    /** Moves past changes the server filtered out or that never came; only valid with nothing in flight. */
    public AckedPosition idle(String position) {
        return position == null ? this : new AckedPosition(position, false, sequence);
    }
}
