package io.mongonats.connector.checkpoint;

import java.util.Optional;

/**
 * Where a worker resumes, decided from the stored checkpoint and the stream's tail. The stream is the truth
 * about what was published; the checkpoint adds progress made while nothing was published (post-batch tokens).
 *
 * @param token          resume after this token; empty to start at the current time
 * @param afterInvalidate the token is an invalidate event's: open with startAfter, as resumeAfter is refused
 * @param streamSequence the stream's last sequence, which the first publish expects
 * @param reason         what was chosen and why, for the log
 */
public record ResumePlan(Optional<String> token, boolean afterInvalidate, long streamSequence, String reason) {

    public static ResumePlan decide(Optional<Checkpoint> checkpoint, long lastSequence, Optional<String> lastMessageId,
                                    boolean lastMessageIsInvalidate) {
        if (checkpoint.isPresent() && checkpoint.get().streamSequence() >= lastSequence) {
            Checkpoint stored = checkpoint.get();
            String why = stored.streamSequence() == lastSequence
                    ? "from the checkpoint (nothing was published after it)"
                    : "from the checkpoint, although the stream's last sequence " + lastSequence
                      + " is below the checkpoint's " + stored.streamSequence() + " (was the stream purged or re-created?)";
            return new ResumePlan(Optional.of(stored.token()), stored.afterInvalidate(), lastSequence, why);
        }
        if (lastMessageId.isPresent()) {
            return new ResumePlan(lastMessageId, lastMessageIsInvalidate, lastSequence,
                    "after the stream's last message (sequence " + lastSequence + "), which is newer than the checkpoint");
        }
        if (checkpoint.isPresent()) {
            return new ResumePlan(Optional.of(checkpoint.get().token()), checkpoint.get().afterInvalidate(), lastSequence,
                    "from the checkpoint; the stream's last message (sequence " + lastSequence
                    + ") is gone, so changes published after the checkpoint may be published again");
        }
        if (lastSequence > 0) {
            return new ResumePlan(Optional.empty(), false, lastSequence, "at the current time: the stream has messages "
                    + "but neither a checkpoint nor a readable last message says where they end");
        }
        return new ResumePlan(Optional.empty(), false, 0,
                "at the current time: no checkpoint and an empty stream (first start)");
    }
}
