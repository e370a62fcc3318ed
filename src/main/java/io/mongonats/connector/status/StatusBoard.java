package io.mongonats.connector.status;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Where the lease keeper, the workers, the read-model sinks and the lifecycle publish immutable snapshots, and where health checks and
 * metrics read them. Writers replace a snapshot; readers never reach into live components.
 */
public final class StatusBoard {

    private final Map<String, CollectionStatus> collections = new ConcurrentHashMap<>();
    private final AtomicReference<ReplicaStatus> replica;
    private final SinkStatuses sinks = new SinkStatuses();

    public StatusBoard(String replicaId) {
        this.replica = new AtomicReference<>(new ReplicaStatus(replicaId, ReplicaStatus.Phase.STARTING, null, -1));
    }

    /** Lists a collection as standby unless it is already on the board. */
    public void register(String key, String namespace) {
        collections.putIfAbsent(key, CollectionStatus.standby(key, namespace));
    }

    /** Removes a collection nobody watches any more (a dropped one). */
    public void remove(String key) {
        collections.remove(key);
    }

    public void leaseHeld(String key, long epoch) {
        collections.computeIfPresent(key, (k, s) -> new CollectionStatus(k, s.namespace(), true, epoch, s.worker()));
    }

    public void leaseReleased(String key) {
        collections.computeIfPresent(key, (k, s) -> CollectionStatus.standby(k, s.namespace()));
    }

    /** A worker's latest snapshot; ignored once the lease is no longer held, so a stopping worker cannot revive it. */
    public void worker(String key, WorkerStatus status) {
        collections.computeIfPresent(key, (k, s) -> s.held() ? new CollectionStatus(k, s.namespace(), true, s.epoch(), status) : s);
    }

    public void replica(UnaryOperator<ReplicaStatus> change) {
        replica.updateAndGet(change);
    }

    public ReplicaStatus replica() {
        return replica.get();
    }

    public CollectionStatus collection(String key) {
        return collections.get(key);
    }

    /** Where read-model sinks publish their snapshots. */
    public SinkStatuses sinks() {
        return sinks;
    }

    /** A copy, sorted by key. */
    public List<CollectionStatus> collections() {
        Collection<CollectionStatus> all = collections.values();
        return all.stream().sorted(java.util.Comparator.comparing(CollectionStatus::key)).toList();
    }
}
