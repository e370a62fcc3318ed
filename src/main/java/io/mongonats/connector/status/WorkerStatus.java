package io.mongonats.connector.status;

/**
 * What a worker is doing, an immutable snapshot for health details and metrics.
 *
 * @param reason              why it is retrying or stopped; null while streaming
 * @param lastEventMillis     when the last published change happened (its wall or cluster time), or -1
 * @param lastPublishedMillis when this replica last had a change acknowledged, or -1
 * @param lastProgressMillis  when the worker's loop last went round: a streaming worker stuck in a call stops moving it
 * @param snapshot            the snapshot this worker runs or last ran, or null
 */
public record WorkerStatus(WorkerStatus.State state, String reason, long publishedCount, long lastSequence,
                           int inFlight, long lastEventMillis, long lastPublishedMillis, long lastCheckpointMillis,
                           long lastProgressMillis, SnapshotStatus snapshot) {

    public enum State { STARTING, STREAMING, PAUSED, RETRYING, DRAINING, STOPPED, FAILED }

    public static WorkerStatus starting(long nowMillis) {
        return new WorkerStatus(State.STARTING, null, 0, 0, 0, -1, -1, -1, nowMillis, null);
    }
}
