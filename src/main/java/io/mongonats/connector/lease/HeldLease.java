package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseRound.Intent;
import io.mongonats.connector.lease.LeaseRound.WorkerState;

import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * A lease this replica holds, and the worker streaming under it. Only the lease thread changes it; the worker's
 * thread reads {@link #isValid()} before every publish, and asks it to {@link #confirm()} after an out-of-step one.
 */
final class HeldLease implements LeaseGrant {

    private final CollectionSpec spec;
    private final String replicaId;
    private final long epoch;
    private final Instant acquiredAt;
    private final Ticker ticker;
    private final long renewDeadlineNanos;
    private final Runnable renewSoon;
    private final Queue<Confirmation> confirmations = new ConcurrentLinkedQueue<>();
    private volatile long renewedNanos;
    private volatile boolean lost;
    private long revision;
    private boolean renewFailing;
    private Intent intent = Intent.KEEP;
    private LeasedWorker worker;
    private Future<?> running;

    HeldLease(CollectionSpec spec, String replicaId, long revision, Instant acquiredAt, long sentNanos,
              Ticker ticker, long renewDeadlineNanos, Runnable renewSoon) {
        this.spec = spec;
        this.replicaId = replicaId;
        this.epoch = revision;
        this.revision = revision;
        this.acquiredAt = acquiredAt;
        this.renewedNanos = sentNanos;
        this.ticker = ticker;
        this.renewDeadlineNanos = renewDeadlineNanos;
        this.renewSoon = renewSoon;
    }

    @Override
    public String replicaId() {
        return replicaId;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public boolean isValid() {
        return !lost && ticker.nanos() - renewedNanos < renewDeadlineNanos;
    }

    @Override
    public CompletableFuture<Boolean> confirm() {
        Confirmation asked = new Confirmation(ticker.nanos(), new CompletableFuture<>());
        confirmations.add(asked);
        if (lost) {
            asked.answer().complete(false);
        }
        renewSoon.run();
        return asked.answer();
    }

    String key() {
        return spec.key();
    }

    CollectionSpec spec() {
        return spec;
    }

    Instant acquiredAt() {
        return acquiredAt;
    }

    long revision() {
        return revision;
    }

    long renewedNanos() {
        return renewedNanos;
    }

    /** A renewal sent at {@code sentNanos} succeeded; returns true when earlier ones had failed. */
    boolean renewed(long newRevision, long sentNanos) {
        revision = newRevision;
        renewedNanos = sentNanos;
        for (Confirmation asked : confirmations) {
            if (asked.askedNanos() - sentNanos <= 0) {
                asked.answer().complete(true);
                confirmations.remove(asked);
            }
        }
        boolean recovered = renewFailing;
        renewFailing = false;
        return recovered;
    }

    /** A renewal failed; returns true when it is the first of a run of failures. */
    boolean renewFailed() {
        boolean first = !renewFailing;
        renewFailing = true;
        return first;
    }

    /** From now on the worker may not publish under this lease. */
    void end() {
        lost = true;
        confirmations.forEach(asked -> asked.answer().complete(false));
        confirmations.clear();
    }

    Intent intent() {
        return intent;
    }

    void startWorker(WorkerFactory workers) {
        worker = workers.create(spec, this);
        running = worker.start();
    }

    /** Asks the worker to stop gracefully; the lease is released once it has. */
    void stopWorker(Intent why) {
        intent = why;
        worker.stop();
    }

    void haltWorker(String why) {
        worker.halt(why);
    }

    Future<?> running() {
        return running;
    }

    WorkerState workerState() {
        if (!running.isDone()) {
            return WorkerState.RUNNING;
        }
        if (worker.takenOver()) {
            return WorkerState.TAKEN_OVER;
        }
        return worker.failed() ? WorkerState.FAILED : WorkerState.STOPPED;
    }

    LeaseRound.Lease snapshot() {
        return new LeaseRound.Lease(key(), epoch, renewedNanos, workerState(), intent);
    }

    /** A worker's request for proof that the lease is still this replica's, made at {@code askedNanos}. */
    private record Confirmation(long askedNanos, CompletableFuture<Boolean> answer) {
    }
}
