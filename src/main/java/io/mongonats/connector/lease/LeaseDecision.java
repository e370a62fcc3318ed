package io.mongonats.connector.lease;

import java.util.List;
import java.util.Set;

/** One step of a lease round, as the {@link LeasePlanner} decides it and the {@link LeaseKeeper} carries it out. */
public sealed interface LeaseDecision {

    /** Renew a held lease: a compare-and-set on its last revision. */
    record Renew(String key) implements LeaseDecision {
    }

    /**
     * The renew deadline passed, or a later holder published to the stream: halt the worker at once and give the
     * lease up; the key is left alone (it expires on its own, or is the later holder's).
     */
    record Halt(String key, String why) implements LeaseDecision {
    }

    /** Ask the worker to stop gracefully, then release the lease: this replica holds more than its fair share. */
    record HandOver(String key, int liveReplicas, int share) implements LeaseDecision {
    }

    /** Ask the worker to stop gracefully, then release the lease: the collection is no longer watched here. */
    record Retire(String key, String why) implements LeaseDecision {
    }

    /** The worker of a lease being handed over or retired has stopped: delete the key so another can take it. */
    record Release(String key, String why) implements LeaseDecision {
    }

    /** The lease is still held but its worker stopped without failing (it saw the lease lapse): start a new one. */
    record Restart(String key) implements LeaseDecision {
    }

    /**
     * Try the keys in this order until {@code wanted} of them are acquired; a key held by one of {@code silent} is
     * taken over with a compare-and-set on the revision just read.
     */
    record Acquire(List<String> keys, int wanted, Set<String> silent) implements LeaseDecision {
        public Acquire {
            keys = List.copyOf(keys);
            silent = Set.copyOf(silent);
        }

        public Acquire(List<String> keys, int wanted) {
            this(keys, wanted, Set.of());
        }
    }
}
