package io.mongonats.connector.lease;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Takes over a lease whose holder has gone silent, by compare-and-set on the revision just read. */
record Takeovers(String replicaId, LeaseStore store, Duration takeoverAfter) {

    private static final Logger LOG = Logger.getLogger(Takeovers.class);

    /**
     * The key is held: takes it over when its holder is silent, with a compare-and-set on the revision just read,
     * so that a holder that renewed meanwhile, or another replica that took it first, keeps it. Otherwise notes when
     * it was last written, so that a round is due when it expires.
     *
     * @param seenElsewhere collects the keys found held by another replica, with when they were last written
     */
    OptionalLong takeOverIfSilent(String key, LeaseRecord record, Set<String> silent, long sentAt, Instant now,
                                  Map<String, Long> seenElsewhere) throws IOException {
        Optional<LeaseHolding> holding = store.holding(key);
        if (holding.isEmpty()) {
            return OptionalLong.empty();
        }
        LeaseHolding current = holding.get();
        if (!silent.contains(current.holder())) {
            seenElsewhere.put(key, sentAt - Duration.between(current.lastWrite(), now).toNanos());
            return OptionalLong.empty();
        }
        OptionalLong revision = store.takeOver(key, record, current.revision());
        if (revision.isEmpty()) {
            LOG.debugf("Lease %s: takeover by %s from %s lost the race", key, replicaId, current.holder());
        } else {
            LOG.infof("Lease %s: TAKEN OVER by %s from %s, not heard for %s", key, replicaId, current.holder(),
                    takeoverAfter);
        }
        return revision;
    }
}
