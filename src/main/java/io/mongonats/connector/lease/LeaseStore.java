package io.mongonats.connector.lease;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Per-collection leases that expire unless renewed. Every write is a compare-and-set on the key's revision:
 * an empty answer means another replica won the race, an exception that the store could not be reached.
 */
public interface LeaseStore {

    /** Creates the key if nobody holds it; returns its revision. */
    OptionalLong tryAcquire(String key, LeaseRecord record) throws IOException;

    /** Renews a held lease at the revision last written; returns the new revision. */
    OptionalLong renew(String key, LeaseRecord record, long revision) throws IOException;

    /**
     * Takes a lease from a holder that has gone silent: a compare-and-set on the revision last seen, so that a holder
     * that renewed meanwhile keeps it. Returns the new revision, larger than every earlier one.
     */
    OptionalLong takeOver(String key, LeaseRecord record, long seenRevision) throws IOException;

    /** Who holds the key, at which revision, written when by the store's clock; empty when it is absent. */
    Optional<LeaseHolding> holding(String key) throws IOException;

    /** Deletes the key if it is still at {@code revision}, so a standby can take it at once. */
    void release(String key, long revision) throws IOException;

    /** Asks to be told when a lease is released or a member leaves: a standby can act at once. */
    void onChange(Runnable listener) throws IOException;
}
