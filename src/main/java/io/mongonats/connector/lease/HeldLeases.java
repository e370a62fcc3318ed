package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseDecision.Acquire;
import io.mongonats.connector.lease.LeaseDecision.HandOver;
import io.mongonats.connector.lease.LeaseDecision.Halt;
import io.mongonats.connector.lease.LeaseDecision.Release;
import io.mongonats.connector.lease.LeaseDecision.Renew;
import io.mongonats.connector.lease.LeaseDecision.Restart;
import io.mongonats.connector.lease.LeaseDecision.Retire;
import io.mongonats.connector.lease.LeaseRound.Intent;
import io.mongonats.connector.status.StatusBoard;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The leases this replica holds, and the store calls that carry the planner's decisions out: every write is a
 * compare-and-set, and every change is published to the status board. Used by one thread at a time.
 */
final class HeldLeases {

    private static final Logger LOG = Logger.getLogger(HeldLeases.class);

    private final String replicaId;
    private final LeaseStore store;
    private final WorkerFactory workers;
    private final LeaseObserver observer;
    private final StatusBoard board;
    private final Clock clock;
    private final Ticker ticker;
    private final LeaseKeeper.Timings timings;
    private final Takeovers takeovers;
    private final Runnable renewSoon;
    private final Map<String, HeldLease> held = new LinkedHashMap<>();

    HeldLeases(String replicaId, LeaseStore store, WorkerFactory workers, LeaseObserver observer, StatusBoard board,
               Clock clock, Ticker ticker, LeaseKeeper.Timings timings, Runnable renewSoon) {
        this.replicaId = replicaId;
        this.store = store;
        this.workers = workers;
        this.observer = observer;
        this.board = board;
        this.clock = clock;
        this.ticker = ticker;
        this.timings = timings;
        this.takeovers = new Takeovers(replicaId, store, timings.takeoverAfter());
        this.renewSoon = renewSoon;
    }

    List<LeaseRound.Lease> snapshot() {
        return held.values().stream().map(HeldLease::snapshot).toList();
    }

    List<Long> renewals() {
        return held.values().stream().map(HeldLease::renewedNanos).toList();
    }

    boolean holds(String key) {
        return held.containsKey(key);
    }

    Map<String, Future<?>> running() {
        Map<String, Future<?>> running = new LinkedHashMap<>();
        held.values().forEach(lease -> running.put(lease.key(), lease.running()));
        return running;
    }

    /**
     * Carries one decision out; a decision about a lease lost earlier in the round is skipped.
     *
     * @param seenElsewhere collects the keys found held by another replica, with when they were last written
     */
    void apply(LeaseDecision decision, Map<String, CollectionSpec> specs, Map<String, Long> seenElsewhere) {
        switch (decision) {
            case Renew renew -> ifHeld(renew.key(), this::renew);
            case Halt halt -> ifHeld(halt.key(), lease -> lose(lease, halt.why()));
            case Release release -> ifHeld(release.key(), lease -> release(lease, release.why()));
            case Restart restart -> ifHeld(restart.key(), this::restart);
            case HandOver handOver -> ifHeld(handOver.key(), lease -> {
                lease.stopWorker(Intent.HAND_OVER);
                LOG.infof("Lease %s: handing over by %s: %d live replicas, fair share %d", lease.key(), replicaId,
                        handOver.liveReplicas(), handOver.share());
            });
            case Retire retire -> ifHeld(retire.key(), lease -> {
                lease.stopWorker(Intent.RETIRE);
                LOG.infof("Lease %s: stopping its worker on %s before releasing it: %s", lease.key(), replicaId,
                        retire.why());
            });
            case Acquire acquire -> acquire(acquire, specs, seenElsewhere);
        }
    }

    /** Halts the workers that did not drain in time and releases every lease. */
    void releaseAll(String why) {
        for (HeldLease lease : new ArrayList<>(held.values())) {
            if (!lease.running().isDone()) {
                lease.haltWorker("shutdown timeout reached before the drain finished");
            }
            release(lease, why);
        }
    }

    private void ifHeld(String key, Consumer<HeldLease> action) {
        HeldLease lease = held.get(key);
        if (lease != null) {
            action.accept(lease);
        }
    }

    private void renew(HeldLease lease) {
        long sentAt = ticker.nanos();
        try {
            OptionalLong revision = store.renew(lease.key(), record(lease.acquiredAt()), lease.revision());
            if (revision.isEmpty()) {
                lose(lease, "its key changed: another replica took it (it expired, or this replica went silent)");
            } else if (lease.renewed(revision.getAsLong(), sentAt)) {
                LOG.infof("Lease %s: renewed again by %s", lease.key(), replicaId);
            }
        } catch (IOException e) {
            if (lease.renewFailed()) {
                observer.renewFailed(lease.key());
                LOG.warnf("Lease %s: renewal by %s failed (%s); still streaming until the renew deadline",
                        lease.key(), replicaId, e.getMessage());
            }
        }
    }

    private void acquire(Acquire decision, Map<String, CollectionSpec> specs, Map<String, Long> seenElsewhere) {
        int wanted = decision.wanted();
        for (String key : decision.keys()) {
            if (wanted == 0) {
                return;
            }
            long sentAt = ticker.nanos();
            Instant now = clock.instant();
            LeaseRecord record = new LeaseRecord(replicaId, now, now);
            try {
                OptionalLong revision = store.tryAcquire(key, record);
                if (revision.isEmpty()) {
                    revision = takeovers.takeOverIfSilent(key, record, decision.silent(), sentAt, now, seenElsewhere);
                }
                if (revision.isPresent() && take(specs.get(key), revision.getAsLong(), now, sentAt)) {
                    wanted--;
                }
            } catch (IOException e) {
                LOG.debugf("Lease %s: acquire by %s failed: %s", key, replicaId, e.getMessage());
                return;
            }
        }
    }

    private boolean take(CollectionSpec spec, long revision, Instant now, long sentAt) {
        HeldLease lease = new HeldLease(spec, replicaId, revision, now, sentAt, ticker, timings.renewDeadline().toNanos(),
                renewSoon);
        held.put(spec.key(), lease);
        board.leaseHeld(spec.key(), lease.epoch());
        if (!start(lease)) {
            return false;
        }
        observer.acquired(spec.key());
        LOG.infof("Lease %s: ACQUIRED by %s (epoch %d), streaming %s", spec.key(), replicaId, lease.epoch(),
                spec.namespace());
        return true;
    }

    private void restart(HeldLease lease) {
        LOG.infof("Lease %s: still held by %s after its worker stopped; starting it again", lease.key(), replicaId);
        start(lease);
    }

    /** Starts the lease's worker; a worker that cannot even start gives the lease back at once. */
    private boolean start(HeldLease lease) {
        try {
            lease.startWorker(workers);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Lease %s: the worker for %s could not start", lease.key(), lease.spec().namespace());
            release(lease, "its worker could not start");
            return false;
        }
    }

    private void lose(HeldLease lease, String why) {
        drop(lease);
        lease.haltWorker("lease lost: " + why);
        observer.lost(lease.key());
        LOG.warnf("Lease %s: LOST by %s, publishing stopped: %s", lease.key(), replicaId, why);
    }

    private void release(HeldLease lease, String why) {
        drop(lease);
        try {
            store.release(lease.key(), lease.revision());
            observer.released(lease.key());
            if (lease.intent() == Intent.HAND_OVER) {
                observer.handedOver(lease.key());
            }
            LOG.infof("Lease %s: RELEASED by %s: %s", lease.key(), replicaId, why);
        } catch (IOException e) {
            LOG.warnf("Lease %s: release by %s failed (%s); it expires after %s", lease.key(), replicaId,
                    e.getMessage(), timings.ttl());
        }
    }

    private void drop(HeldLease lease) {
        held.remove(lease.key());
        lease.end();
        board.leaseReleased(lease.key());
    }

    private LeaseRecord record(Instant acquiredAt) {
        return new LeaseRecord(replicaId, acquiredAt, clock.instant());
    }
}
