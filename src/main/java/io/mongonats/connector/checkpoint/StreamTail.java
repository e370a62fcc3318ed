package io.mongonats.connector.checkpoint;


import java.util.Optional;

/**
 * The last message stored in a collection's stream: its sequence, the position it carries, and who published it.
 *
 * @param lastToken      empty when the stream is empty or its last message is gone (removed by limits)
 * @param lastInvalidate the last message is an invalidate event
 * @param snapshot       the snapshot progress the last message carries, if any
 * @param writer         the replica and lease epoch the last message was published under, when it says
 */
public record StreamTail(long lastSequence, Optional<String> lastToken, boolean lastInvalidate,
                         Optional<SnapshotProgress> snapshot, Optional<LeaseStamp> writer) {

    /** A tail whose last message names no writer. */
    public StreamTail(long lastSequence, Optional<String> lastToken, boolean lastInvalidate,
                      Optional<SnapshotProgress> snapshot) {
        this(lastSequence, lastToken, lastInvalidate, snapshot, Optional.empty());
    }

    public static StreamTail empty() {
        return new StreamTail(0, Optional.empty(), false, Optional.empty());
    }

    /** The later lease the last message was published under, when it supersedes {@code replicaId}'s at {@code epoch}. */
    public Optional<LeaseStamp> supersedes(String replicaId, long epoch) {
        return writer.filter(stamp -> stamp.supersedes(replicaId, epoch));
    }
}
