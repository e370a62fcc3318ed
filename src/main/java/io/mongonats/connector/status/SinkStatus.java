package io.mongonats.connector.status;

import java.util.Locale;

/**
 * A sink's state as last published by its thread: an immutable snapshot for health details.
 *
 * @param target       the target namespace, {@code database.collection}
 * @param applied      messages written to the target since start
 * @param lastSequence the highest stream sequence settled, 0 before the first
 * @param pending      the consumer's messages not yet delivered, -1 when unknown
 */
public record SinkStatus(String name, String stream, String target, State state, String problem, long applied,
                         long lastSequence, long pending, long deadLetters) {

    public enum State { STARTING, RUNNING, RETRYING, FAILED, STOPPED }

    public static SinkStatus starting(String name, String stream, String target) {
        return new SinkStatus(name, stream, target, State.STARTING, null, 0, 0, -1, 0);
    }

    public SinkStatus with(State newState, String newProblem) {
        return new SinkStatus(name, stream, target, newState, newProblem, applied, lastSequence, pending, deadLetters);
    }

    public SinkStatus progressed(long moreApplied, long sequence, long nowPending, long moreDeadLetters) {
        return new SinkStatus(name, stream, target, State.RUNNING, null, applied + moreApplied,
                Math.max(lastSequence, sequence), nowPending, deadLetters + moreDeadLetters);
    }

    public SinkStatus pending(long nowPending) {
        return new SinkStatus(name, stream, target, state, problem, applied, lastSequence, nowPending, deadLetters);
    }

    /** One line for the readiness details. */
    public String describe() {
        String head = state.name().toLowerCase(Locale.ROOT) + (problem == null ? "" : ": " + problem);
        return head + "; " + stream + " -> " + target + ", applied " + applied + " (up to sequence " + lastSequence
                + "), pending " + (pending < 0 ? "unknown" : pending) + ", dead letters " + deadLetters;
    }
}
