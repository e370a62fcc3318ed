package io.mongonats.connector.sink;

import io.nats.client.impl.Headers;

/** The headers every published change carries, besides {@code Nats-Msg-Id}. */
public final class MessageHeaders {

    public static final String DATABASE = "Cdc-Database";
    public static final String COLLECTION = "Cdc-Collection";
    public static final String OPERATION = "Cdc-Operation";
    public static final String CLUSTER_TIME = "Cdc-Cluster-Time";
    /** The replica that published the message, and the lease epoch it held (the lease's revision when acquired). */
    public static final String REPLICA = "Cdc-Replica";
    public static final String LEASE_EPOCH = "Cdc-Lease-Epoch";
    /** Present on dead-letter records: why the change itself was not published. */
    public static final String DEAD_LETTER_REASON = "Cdc-Dead-Letter-Reason";

    private MessageHeaders() {
    }

    public static Headers of(String database, String collection, String operation, String clusterTime,
                             String replica, String leaseEpoch) {
        Headers headers = new Headers()
                .put(DATABASE, database)
                .put(COLLECTION, collection)
                .put(OPERATION, operation)
                .put(REPLICA, replica)
                .put(LEASE_EPOCH, leaseEpoch);
        if (clusterTime != null) {
            headers.put(CLUSTER_TIME, clusterTime);
        }
        return headers;
    }
}
