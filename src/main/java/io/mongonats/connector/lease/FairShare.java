package io.mongonats.connector.lease;

/** How many leases one replica may hold: ceil(collections / live replicas). Pure. */
public final class FairShare {

    private FairShare() {
    }

    public static int of(int collections, int liveReplicas) {
        int replicas = Math.max(1, liveReplicas);
        return (collections + replicas - 1) / replicas;
    }
}
