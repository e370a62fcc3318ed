package io.mongonats.connector.checkpoint;

/**
 * Who published a stored message: the replica and the lease epoch it held ({@code Cdc-Replica},
 * {@code Cdc-Lease-Epoch}). Epochs are the lease's revisions at acquisition, so a later holder's are larger. Pure.
 */
public record LeaseStamp(String replica, long epoch) {

    /**
     * True when this message was published under a later lease than the one {@code replicaId} holds at
     * {@code heldEpoch}: a larger epoch, or the same epoch from another replica. Whoever holds the older lease has
     * been taken over and must not publish after it.
     */
    public boolean supersedes(String replicaId, long heldEpoch) {
        return epoch > heldEpoch || (epoch == heldEpoch && !replica.equals(replicaId));
    }
}
