package io.mongonats.connector.status;

/**
 * One collection as this replica sees it: whether it holds the lease, and what its worker last reported.
 *
 * @param epoch  the lease's epoch while held, else 0
 * @param worker the worker's last snapshot while the lease is held, else null
 */
public record CollectionStatus(String key, String namespace, boolean held, long epoch, WorkerStatus worker) {

    public static CollectionStatus standby(String key, String namespace) {
        return new CollectionStatus(key, namespace, false, 0, null);
    }

    public boolean streaming() {
        return worker != null && worker.state() == WorkerStatus.State.STREAMING;
    }
}
