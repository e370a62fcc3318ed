package io.mongonats.connector.lease;

import java.util.concurrent.CompletableFuture;

/** The lease a worker streams under. The worker checks it before every publish and stops when it lapses. */
public interface LeaseGrant {

    String replicaId();

    /** The lease's revision when it was acquired: grows with every acquisition, so later holders have larger ones. */
    long epoch();

    /** False once the holder could not renew within its renew deadline, or lost the lease. */
    boolean isValid();

    /**
     * Asks for a renewal now. Completes true once a renewal sent after this call succeeded (so nobody had taken the
     * lease over), false once the lease is lost; it may never complete when the renewals stall until the renew
     * deadline, which halts the worker.
     */
    CompletableFuture<Boolean> confirm();
}
