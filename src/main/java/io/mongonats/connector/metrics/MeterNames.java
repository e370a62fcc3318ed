package io.mongonats.connector.metrics;

/** Every meter name the connector registers, in one place (Prometheus adds the unit suffixes). */
public final class MeterNames {

    public static final String EVENTS_READ = "cdc.events.read";
    public static final String EVENTS_PUBLISHED = "cdc.events.published";
    public static final String READ_TO_ACK = "cdc.read.to.ack";
    public static final String DEAD_LETTERS = "cdc.dead.letters";
    public static final String GAPS = "cdc.gaps";
    public static final String ERRORS = "cdc.errors";
    public static final String LEASE_ACQUISITIONS = "cdc.lease.acquisitions";
    public static final String LEASE_RENEW_FAILURES = "cdc.lease.renew.failures";
    public static final String LEASE_LOSSES = "cdc.lease.losses";
    public static final String LEASE_RELEASES = "cdc.lease.releases";
    public static final String LEASE_HANDOVERS = "cdc.lease.handovers";
    public static final String COLLECTION_HELD = "cdc.collection.held";
    public static final String COLLECTION_STREAMING = "cdc.collection.streaming";
    public static final String UNACKNOWLEDGED = "cdc.unacknowledged.events";
    public static final String CHECKPOINT_AGE = "cdc.checkpoint.age.seconds";
    public static final String LAG = "cdc.lag.seconds";
    public static final String SNAPSHOT_DOCUMENTS = "cdc.snapshot.documents";
    public static final String SNAPSHOT_REMAINING = "cdc.snapshot.remaining.documents";

    private MeterNames() {
    }
}
