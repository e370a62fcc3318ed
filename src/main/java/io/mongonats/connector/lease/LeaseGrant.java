package io.mongonats.connector.lease;

/** The lease a worker streams under. The worker checks it before every publish and stops when it lapses. */
public interface LeaseGrant {

    String replicaId();

    /** The lease's revision when it was acquired: grows with every acquisition, so later holders have larger ones. */
    long epoch();

    /** False once the holder could not renew within its renew deadline, or lost the lease. */
    boolean isValid();
}
