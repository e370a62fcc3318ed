package io.mongonats.connector.lease;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;

/**
 * Heartbeats this replica and counts the live ones every interval, on a thread of its own,
 * {@code cdc-lease-members}, so that a slow or leaderless members bucket never delays a lease renewal.
 */
final class Membership {

    private static final Logger LOG = Logger.getLogger(Membership.class);

    private final String replicaId;
    private final Members members;
    private final Duration interval;
    private final Runnable onCountChange;
    private final Object round = new Object();
    private volatile boolean running;
    private volatile int liveReplicas = 1;
    private volatile String problem;
    private Thread thread;

    Membership(String replicaId, Members members, Duration interval, Runnable onCountChange) {
        this.replicaId = replicaId;
        this.members = members;
        this.interval = interval;
        this.onCountChange = onCountChange;
    }

    /** Announces once at once, then every interval until {@link #leave()}. */
    void start() {
        running = true;
        announce();
        thread = new Thread(this::announceUntilStopped, "cdc-lease-members");
        thread.setDaemon(true);
        thread.start();
    }

    int liveReplicas() {
        return liveReplicas;
    }

    /** False while the members bucket cannot be reached: the count is stale, so no new leases are taken. */
    boolean reachable() {
        return problem == null;
    }

    /** Stops announcing and deletes this replica's heartbeat, so the others recount at once. */
    void leave() {
        running = false;
        synchronized (round) {
            round.notifyAll();
        }
        try {
            thread.join(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            members.leave(replicaId);
        } catch (IOException e) {
            LOG.debugf("Replica %s: leaving failed: %s", replicaId, e.getMessage());
        }
    }

    private void announceUntilStopped() {
        try {
            while (running) {
                synchronized (round) {
                    if (running) {
                        round.wait(interval.toMillis());
                    }
                }
                if (running && announce()) {
                    onCountChange.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One heartbeat and count; returns true when the count changed. */
    private boolean announce() {
        try {
            members.heartbeat(replicaId);
            int live = Math.max(1, members.liveCount());
            boolean changed = live != liveReplicas;
            liveReplicas = live;
            if (problem != null) {
                LOG.infof("Replica %s: members bucket reachable again (%d live replicas)", replicaId, live);
            }
            problem = null;
            return changed;
        } catch (IOException e) {
            if (!e.getMessage().equals(problem)) {
                LOG.warnf("Replica %s: members bucket unreachable (%s); keeping held leases, taking no new ones",
                        replicaId, e.getMessage());
                problem = e.getMessage();
            }
            return false;
        }
    }
}
