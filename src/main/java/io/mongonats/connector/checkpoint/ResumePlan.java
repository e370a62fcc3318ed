package io.mongonats.connector.checkpoint;

import java.util.Optional;

/**
 * Where a worker resumes, decided from the stored checkpoint and the stream's tail. The stream is the truth
 * about what was published; the checkpoint adds progress made while nothing was published (post-batch tokens).
 *
 * @param token           resume after this token; empty to start at the current time
 * @param afterInvalidate the token is an invalidate event's: open with startAfter, as resumeAfter is refused
 * @param streamSequence  the stream's last sequence, which the first publish expects
 * @param snapshot        the snapshot in progress or last completed, if any
 * @param firstStart      no checkpoint and an empty stream: nothing was ever published for this collection
 * @param reason          what was chosen and why, for the log
 */
public record ResumePlan(Optional<String> token, boolean afterInvalidate, long streamSequence,
                         Optional<SnapshotProgress> snapshot, boolean firstStart, String reason) {

    public static ResumePlan decide(Optional<Checkpoint> checkpoint, StreamTail tail) {
        long last = tail.lastSequence();
        if (checkpoint.isPresent() && checkpoint.get().streamSequence() >= last) {
            Checkpoint stored = checkpoint.get();
            String why = stored.streamSequence() == last
                    ? "from the checkpoint (nothing was published after it)"
                    : "from the checkpoint, although the stream's last sequence " + last
                      + " is below the checkpoint's " + stored.streamSequence() + " (was the stream purged or re-created?)";
            return new ResumePlan(Optional.ofNullable(stored.token()), stored.afterInvalidate(), last,
                    Optional.ofNullable(stored.snapshot()), false, why);
        }
        if (tail.lastToken().isPresent() || tail.snapshot().isPresent()) {
            return new ResumePlan(tail.lastToken(), tail.lastInvalidate(), last, tail.snapshot(), false,
                    "after the stream's last message (sequence " + last + "), which is newer than the checkpoint");
        }
        if (checkpoint.isPresent()) {
            Checkpoint stored = checkpoint.get();
            return new ResumePlan(Optional.ofNullable(stored.token()), stored.afterInvalidate(), last,
                    Optional.ofNullable(stored.snapshot()), false, "from the checkpoint; the stream's last message (sequence "
                    + last + ") is gone, so changes published after the checkpoint may be published again");
        }
        if (last > 0) {
            return new ResumePlan(Optional.empty(), false, last, Optional.empty(), false, "at the current time: the "
                    + "stream has messages but neither a checkpoint nor a readable last message says where they end");
        }
        return new ResumePlan(Optional.empty(), false, 0, Optional.empty(), true,
                "at the current time: no checkpoint and an empty stream (first start)");
    }
}
