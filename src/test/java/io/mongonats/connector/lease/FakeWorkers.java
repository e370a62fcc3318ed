package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Workers that do nothing but record what the keeper asks of them. Thread-safe: the keeper may run on its own thread. */
final class FakeWorkers implements WorkerFactory {

    private final List<Worker> created = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Worker> started = new LinkedBlockingQueue<>();
    private volatile boolean drainForever;

    @Override
    public LeasedWorker create(CollectionSpec spec, LeaseGrant grant) {
        Worker worker = new Worker(spec.key(), grant, Thread.currentThread().getName());
        created.add(worker);
        return worker;
    }

    /** Workers made from now on ignore a graceful stop, as one stuck draining would; a halt still stops them. */
    void drainForever() {
        drainForever = true;
    }

    List<Worker> created() {
        return List.copyOf(created);
    }

    List<Worker> of(String key) {
        return created.stream().filter(worker -> worker.key.equals(key)).toList();
    }

    /** The newest worker made for a key. */
    Worker latest(String key) {
        List<Worker> workers = of(key);
        return workers.isEmpty() ? null : workers.get(workers.size() - 1);
    }

    List<Worker> running() {
        return created.stream().filter(Worker::running).toList();
    }

    /** Waits for the next worker to start, when the keeper runs on its own thread. */
    Worker awaitStarted() throws InterruptedException {
        Worker worker = started.poll(30, TimeUnit.SECONDS);
        assertNotNull(worker, "no worker started within 30s");
        return worker;
    }

    final class Worker implements LeasedWorker {

        final String key;
        final LeaseGrant grant;
        final String createdOn;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile boolean stopRequested;
        private volatile String haltReason;
        private volatile boolean failed;
        private volatile boolean takenOver;

        Worker(String key, LeaseGrant grant, String createdOn) {
            this.key = key;
            this.grant = grant;
            this.createdOn = createdOn;
        }

        @Override
        public Future<?> start() {
            started.add(this);
            return done;
        }

        @Override
        public void stop() {
            stopRequested = true;
            if (!drainForever) {
                done.complete(null);
            }
        }

        @Override
        public void halt(String why) {
            haltReason = why;
            done.complete(null);
        }

        @Override
        public boolean failed() {
            return failed;
        }

        @Override
        public boolean takenOver() {
            return takenOver;
        }

        /** The worker stops by itself, as when it sees its lease lapse ({@code failed} false) or by policy. */
        void stopsByItself(boolean byPolicy) {
            failed = byPolicy;
            done.complete(null);
        }

        /** The worker stops by itself because its stream's tail was published under a later lease. */
        void findsItselfTakenOver() {
            takenOver = true;
            done.complete(null);
        }

        /** A drain that was stuck finishes after all. */
        void finishDrain() {
            done.complete(null);
        }

        boolean running() {
            return !done.isDone();
        }

        boolean stopRequested() {
            return stopRequested;
        }

        String haltReason() {
            return haltReason;
        }
    }
}
