package io.mongonats.connector.readmodel;

import io.mongonats.connector.config.SinkSpec;
import io.mongonats.connector.status.SinkStatus;
import io.mongonats.connector.status.SinkStatus.State;
import io.mongonats.connector.status.SinkStatuses;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies one stream to one MongoDB collection on its own thread, {@code cdc-sink-<name>}: fetch a batch, write it
 * with guarded writes, settle every message only after MongoDB has acknowledged. When NATS or MongoDB is unavailable
 * the batch is negatively acknowledged and the loop pauses, with doubling pauses; the sink never gives up on its own.
 * It stops for good only when its consumer or dead-letter stream cannot be set up as configured.
 */
public final class ReadModelSink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReadModelSink.class);

    private enum Lifecycle { NEW, RUNNING, CLOSED }

    private final SinkSpec spec;
    private final SinkPorts ports;
    private final ChangeDecoder decoder = new ChangeDecoder();
    private final BatchApplier applier;
    private final RetryDelays pauses;
    private final SinkObserver observer;
    private final SinkStatuses statuses;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private ExecutorService executor;
    private Future<?> loop;

    public ReadModelSink(SinkSpec spec, SinkPorts ports, RetryDelays retries, SinkObserver observer, SinkStatuses statuses) {
        this.spec = spec;
        this.ports = ports;
        this.applier = new BatchApplier(ports.target(), spec.maxDeliver(), retries);
        this.pauses = retries;
        this.observer = observer;
        this.statuses = statuses;
        statuses.put(SinkStatus.starting(spec.name(), spec.stream(), spec.namespace()));
    }

    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.RUNNING)) {
            throw new IllegalStateException("sink " + spec.name() + " was already started");
        }
        executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cdc-sink-" + spec.name()).daemon(true).factory());
        loop = executor.submit(this::run);
    }

    /** Lets the batch in hand finish within {@code timeout}, then interrupts it. Idempotent. */
    public void close(Duration timeout) throws InterruptedException {
        if (lifecycle.getAndSet(Lifecycle.CLOSED) != Lifecycle.RUNNING) {
            return;
        }
        stopping.countDown();
        try {
            loop.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            loop.cancel(true);
        } catch (ExecutionException e) {
            LOG.errorf(e.getCause(), "Sink %s ended with an error", spec.name());
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            statuses.update(spec.name(), status -> status.with(State.STOPPED, null));
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }

    private void run() {
        LOG.infof("Sink %s applying %s to %s", spec.name(), spec.stream(), spec.namespace());
        boolean prepared = false;
        long failures = 0;
        String failing = null;
        String lastProblem = null;
        while (stopping.getCount() > 0 && !Thread.currentThread().isInterrupted()) {
            try {
                if (!prepared) {
                    ports.target().prepare();
                    ports.deadLetters().prepare();
                    ports.feed().prepare();
                    prepared = true;
                    failing = null;
                    LOG.infof("Sink %s consuming %s with durable consumer %s", spec.name(), spec.stream(), spec.consumer());
                }
                List<InboundMessage> batch = ports.feed().fetch(spec.batchSize());
                long pending = ports.feed().pending();
                observer.pending(spec.name(), pending);
                if (!batch.isEmpty()) {
                    handle(batch, pauses.afterDelivery(failures + 1));
                    failing = null;
                } else if ("nats".equals(failing)) {
                    failing = null; // a fetch answered; MongoDB is known to be back only once a batch is written
                }
                if (failing == null) {
                    if (failures > 0) {
                        LOG.infof("Sink %s applying again", spec.name());
                    }
                    failures = 0;
                    lastProblem = null;
                    statuses.update(spec.name(), status -> status.with(State.RUNNING, null).pending(pending));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SinkUnavailableException e) {
                failures++;
                failing = e.dependency();
                String problem = e.dependency() + ": " + e.getMessage();
                statuses.update(spec.name(), status -> status.with(State.RETRYING, problem));
                if (!problem.equals(lastProblem)) {
                    LOG.warnf("Sink %s cannot apply now (%s); retrying with backoff up to %s", spec.name(), problem,
                            pauses.max());
                    lastProblem = problem;
                }
                pause(pauses.afterDelivery(failures));
            } catch (SinkSetupException e) {
                LOG.errorf("Sink %s stopped: %s", spec.name(), e.getMessage());
                statuses.update(spec.name(), status -> status.with(State.FAILED, e.getMessage()));
                return;
            }
        }
        LOG.infof("Sink %s stopped", spec.name());
    }

    private void handle(List<InboundMessage> batch, Duration retryDelay) throws SinkUnavailableException, InterruptedException {
        long started = System.nanoTime();
        BatchPlan plan = BatchPlan.of(batch, decoder);
        List<Decision> decisions;
        try {
            decisions = applier.apply(plan);
        } catch (SinkUnavailableException e) {
            batch.forEach(message -> ports.feed().nak(message, retryDelay));
            observer.settled(spec.name(), Outcome.RETRIED, batch.size());
            throw e;
        } catch (InterruptedException e) {
            batch.forEach(message -> ports.feed().nak(message, Duration.ZERO)); // another replica takes them at once
            throw e;
        }
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        SinkUnavailableException deadLetterFailure = null;
        long highest = 0;
        for (Decision decision : decisions) {
            InboundMessage message = decision.message();
            Outcome outcome = decision.verdict().outcome();
            switch (decision.verdict()) {
                case Verdict.Ack ack -> ports.feed().ack(message);
                case Verdict.Nak nak -> ports.feed().nak(message, nak.delay());
                case Verdict.DeadLetter deadLetter -> {
                    try {
                        ports.deadLetters().publish(message, deadLetter.reason());
                        ports.feed().ack(message);
                        LOG.warnf("Sink %s: message %d of %s (%s) dead-lettered to %s: %s", spec.name(), message.sequence(),
                                spec.stream(), message.subject(), spec.deadLetterSubject(), deadLetter.reason());
                    } catch (SinkUnavailableException e) {
                        ports.feed().nak(message, retryDelay);
                        outcome = Outcome.RETRIED;
                        deadLetterFailure = e;
                    }
                }
            }
            counts.merge(outcome, 1, Integer::sum);
            highest = Math.max(highest, message.sequence());
        }
        counts.forEach((outcome, count) -> observer.settled(spec.name(), outcome, count));
        observer.batchApplied(spec.name(), System.nanoTime() - started);
        long applied = counts.getOrDefault(Outcome.APPLIED, 0);
        long deadLettered = counts.getOrDefault(Outcome.DEAD_LETTERED, 0);
        long sequence = highest;
        long pending = ports.feed().pending();
        statuses.update(spec.name(), status -> status.progressed(applied, sequence, pending, deadLettered));
        if (deadLetterFailure != null) {
            throw deadLetterFailure;
        }
    }

    /** Waits out {@code delay}, or less when the sink is closed. */
    private void pause(Duration delay) {
        try {
            stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
