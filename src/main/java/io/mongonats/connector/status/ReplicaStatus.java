package io.mongonats.connector.status;

/**
 * The replica as a whole: its lifecycle phase, the problem that holds it back, and the lease loop's heartbeat.
 *
 * @param problem                 why it is not running yet, or null
 * @param leaseLoopLastRoundMillis when the lease loop last completed a round, or -1 before it runs
 */
public record ReplicaStatus(String replicaId, Phase phase, String problem, long leaseLoopLastRoundMillis) {

    public enum Phase { STARTING, CONNECTING, RUNNING, FAILED, STOPPED }
}
