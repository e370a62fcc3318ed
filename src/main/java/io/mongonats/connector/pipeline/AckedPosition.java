package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.SnapshotProgress;

/**
 * How far the stream holds the collection: every change up to {@code token} is stored at or before
 * {@code sequence}, and so is the snapshot up to its progress. Immutable; the worker owns the current one, and
 * each message carries the position it leaves the stream at.
 *
 * @param token           null before the first change, idle position or snapshot record
 * @param afterInvalidate the token is an invalidate event's
 * @param snapshot        the snapshot in progress or last completed; null when there is none
 */
public record AckedPosition(String token, boolean afterInvalidate, long sequence, SnapshotProgress snapshot) {

    public static AckedPosition at(long sequence) {
        return new AckedPosition(null, false, sequence, null);
    }

    /** Where the stream stands once a change is stored at {@code storedAt}. */
    public AckedPosition after(String changeToken, boolean invalidate, long storedAt) {
        return new AckedPosition(changeToken, invalidate, storedAt, snapshot);
    }

    /** Where the stream stands once a snapshot message is stored at {@code storedAt}. */
    public AckedPosition after(SnapshotProgress progress, long storedAt) {
        return new AckedPosition(token, afterInvalidate, storedAt, progress);
    }

    /** Moves past changes the server filtered out or that never came; only valid with nothing in flight. */
    public AckedPosition idle(String position) {
        return position == null || position.equals(token) ? this
                : new AckedPosition(position, false, sequence, snapshot);
    }

    /** A snapshot that has started and not completed. */
    public boolean snapshotRunning() {
        return snapshot != null && !snapshot.completed();
    }
}
