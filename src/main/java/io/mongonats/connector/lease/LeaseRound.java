package io.mongonats.connector.lease;

import java.util.List;
import java.util.Map;

/**
 * What the lease planner sees at the start of a round: an immutable snapshot, read once.
 *
 * @param now              the monotonic time of the round, in nanoseconds
 * @param held             the leases this replica holds
 * @param collections      the keys of the collections this replica competes for, in the order it tries them
 * @param liveReplicas     the live replicas last counted, 0 before the first count
 * @param membersReachable false while the members bucket cannot be reached: the count may be stale
 * @param closing          true while the replica shuts down: every lease is drained and released
 * @param heard            when each live replica's heartbeat was last heard (this one's included), monotonic; empty
 *                         when heartbeats are not watched: nobody is then found silent
 */
public record LeaseRound(long now, List<Lease> held, List<String> collections, int liveReplicas,
                         boolean membersReachable, boolean closing, Map<String, Long> heard) {

    public LeaseRound {
        held = List.copyOf(held);
        collections = List.copyOf(collections);
        heard = Map.copyOf(heard);
    }

    /** A round that has heard no heartbeats. */
    public LeaseRound(long now, List<Lease> held, List<String> collections, int liveReplicas, boolean membersReachable,
                      boolean closing) {
        this(now, held, collections, liveReplicas, membersReachable, closing, Map.of());
    }

    /**
     * Whether the lease's worker still runs, stopped on its own or by request, stopped by policy, or stopped because
     * a later holder of the lease published to its stream.
     */
    public enum WorkerState { RUNNING, STOPPED, FAILED, TAKEN_OVER }

    /** What the replica means to do with a lease: keep it, or release it once its worker has stopped. */
    public enum Intent { KEEP, HAND_OVER, RETIRE }

    /**
     * One held lease.
     *
     * @param epoch        the revision it was acquired at: newer acquisitions have larger ones
     * @param renewedNanos when the last successful renewal (or the acquisition) was sent, monotonic
     */
    public record Lease(String key, long epoch, long renewedNanos, WorkerState worker, Intent intent) {
    }
}
