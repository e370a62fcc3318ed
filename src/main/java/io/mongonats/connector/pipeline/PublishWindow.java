package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseGrant;
import io.mongonats.connector.sink.JetStreamPublisher;
import io.mongonats.connector.sink.MessageHeaders;
import io.mongonats.connector.sink.Subjects;
import io.mongonats.connector.source.ChangeEvent;
import io.mongonats.connector.source.JsonEncoder;
import io.nats.client.JetStream;
import io.mongonats.connector.sink.JetStreamErrors;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

/**
 * The ordered window of published, not yet acknowledged changes of one collection, and the acknowledged
 * position behind it. Each publish expects the sequence its predecessor will get, so the stream holds a
 * gap-free prefix of the changes; any surprise in an acknowledgement ends the window with
 * {@link OutOfStepException} and the worker starts again from the stream's tail. Used by one thread.
 */
public final class PublishWindow {


    private final CollectionSpec spec;
    private final LeaseGrant lease;
    private final JetStreamPublisher publisher;
    private final int maxPayload;
    private final WorkerSettings settings;
    private final WorkerObserver observer;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final JsonEncoder json = new JsonEncoder();
    private final Map<String, String> subjects = new HashMap<>();
    private final String epoch;

    private long nextExpected;
    private volatile long ackedSequence;
    private volatile long publishedCount;
    private volatile long lastEventMillis = -1;
    private volatile long lastAckMillis = -1;
    private String ackedToken;
    private boolean ackedInvalidate;
    private volatile int inFlightCount;

    private PublishWindow(CollectionSpec spec, LeaseGrant lease, JetStreamPublisher publisher, int maxPayload,
                          long lastSequence, WorkerSettings settings, WorkerObserver observer) {
        this.spec = spec;
        this.lease = lease;
        this.publisher = publisher;
        this.maxPayload = maxPayload;
        this.settings = settings;
        this.observer = observer;
        this.epoch = Long.toString(lease.epoch());
        this.nextExpected = lastSequence;
        this.ackedSequence = lastSequence;
    }

    /**
     * Publishes one change after room in the window is made; blocks while the window is full. Throws
     * {@link LeaseLapsedException} instead of publishing when the lease lapsed meanwhile.
     */
    public void publish(ChangeEvent event) throws Exception {
        byte[] payload = json.encode(event);
        Headers headers = MessageHeaders.of(spec.database(), spec.collection(), event.operationType(),
                event.clusterTime(), lease.replicaId(), epoch);
        String subject = subjects.computeIfAbsent(event.operationType(),
                operation -> Subjects.forOperation(spec.subjectPrefix(), operation));
        publisher.fence(headers, event.token(), nextExpected);
        int size = payload.length + headers.serializedLength();
        if (size > maxPayload) {
            if (spec.onOversized() == CollectionSpec.OversizedPolicy.STOP) {
                drain();
                throw new OversizedEventException(spec.namespace(), event.documentKey().toJson(), size, maxPayload);
            }
            payload = deadLetterRecord(event, size);
            headers.put(MessageHeaders.DEAD_LETTER_REASON, "oversized");
            subject = spec.deadLetterSubject();
            observer.deadLettered(spec.key());
        }
        while (inFlight.size() >= settings.maxInFlight()) {
            settleHead();
        }
        if (!lease.isValid()) {
            throw new LeaseLapsedException();
        }
        long expected = nextExpected++;
        CompletableFuture<PublishAck> ack = publisher.publish(subject, headers, payload);
        inFlight.add(new InFlight(event.token(), event.operationType(), expected + 1, ack, System.nanoTime(),
                event.eventTimeMillis()));
        inFlightCount = inFlight.size();
        settleCompleted();
    }

    /** Takes every acknowledgement that has already arrived, in order, and fails on one overdue. */
    public void settleCompleted() throws Exception {
        while (!inFlight.isEmpty() && (inFlight.peek().ack.isDone()
                || System.nanoTime() - inFlight.peek().sentNanos > settings.ackTimeout().toNanos())) {
            settleHead();
        }
    }

    /** Waits for every outstanding acknowledgement, each within the ack timeout. */
    public void drain() throws Exception {
        while (!inFlight.isEmpty()) {
            settleHead();
        }
    }

    /** After a failure: waits a bounded time for stragglers so that the stream's tail is settled, ignoring errors. */
    public void abandon(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (InFlight pending : inFlight) {
            try {
                pending.ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception ignored) {
                // Its fate is read back from the stream's tail.
            }
        }
        inFlight.clear();
        inFlightCount = 0;
    }

    private void settleHead() throws Exception {
        InFlight head = inFlight.peek();
        long waitNanos = settings.ackTimeout().toNanos() - (System.nanoTime() - head.sentNanos);
        PublishAck ack;
        try {
            ack = head.ack.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new OutOfStepException("no acknowledgement within " + settings.ackTimeout()
                    + " for the change at stream sequence " + head.expectedSequence);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JetStreamApiException api && api.getApiErrorCode() == JetStreamErrors.WRONG_LAST_SEQUENCE) {
                throw new OutOfStepException("the stream's last sequence is not " + (head.expectedSequence - 1)
                        + " as expected (another holder published, or an earlier publish was lost)");
            }
            throw cause instanceof Exception exception ? exception : e;
        }
        if (ack.isDuplicate() || ack.getSeqno() != head.expectedSequence) {
            throw new OutOfStepException("acknowledged at sequence " + ack.getSeqno() + (ack.isDuplicate() ? " as a duplicate" : "")
                    + " instead of " + head.expectedSequence);
        }
        inFlight.poll();
        inFlightCount = inFlight.size();
        ackedToken = head.token;
        ackedInvalidate = "invalidate".equals(head.operationType);
        ackedSequence = ack.getSeqno();
        publishedCount++;
        lastAckMillis = System.currentTimeMillis();
        if (head.eventTimeMillis > 0) {
            lastEventMillis = head.eventTimeMillis;
        }
        observer.eventPublished(spec.key(), head.operationType, System.nanoTime() - head.sentNanos, head.eventTimeMillis);
    }

    /** Moves the position past changes the server filtered out or that never came: only when nothing is in flight. */
    public void advanceIdle(String postBatchToken) {
        if (inFlight.isEmpty() && postBatchToken != null) {
            ackedToken = postBatchToken;
            ackedInvalidate = false;
        }
    }

    /** The acknowledged position as a checkpoint, or null before the first acknowledgement or idle token. */
    public Checkpoint position(Instant now) {
        return ackedToken == null ? null
                : new Checkpoint(ackedToken, ackedInvalidate, ackedSequence, now, lease.replicaId());
    }

    public boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** Read by other threads (health, metrics): a copy of the window's size, not the deque itself. */
    public int size() {
        return inFlightCount;
    }

    public long ackedSequence() {
        return ackedSequence;
    }

    public long publishedCount() {
        return publishedCount;
    }

    public long lastEventMillis() {
        return lastEventMillis;
    }

    public long lastAckMillis() {
        return lastAckMillis;
    }

    private byte[] deadLetterRecord(ChangeEvent event, int size) {
        BsonDocument record = new BsonDocument("reason", new BsonString("oversized"))
                .append("namespace", new BsonString(spec.namespace()))
                .append("operationType", new BsonString(event.operationType()))
                .append("documentKey", event.documentKey())
                .append("size", new BsonInt32(size))
                .append("maxPayload", new BsonInt32(maxPayload))
                .append("resumeToken", new BsonString(event.token()));
        if (event.clusterTime() != null) {
            record.append("clusterTime", new BsonString(event.clusterTime()));
        }
        return record.toJson().getBytes(StandardCharsets.UTF_8);
    }

    private record InFlight(String token, String operationType, long expectedSequence,
                            CompletableFuture<PublishAck> ack, long sentNanos, long eventTimeMillis) {
    }

    /** Something in the stream is not what this window expected: start again from the stream's tail. */
    public static final class OutOfStepException extends Exception {
        OutOfStepException(String message) {
            super(message);
        }
    }

    /** The lease lapsed while this window waited for room: nothing more may be published under it. */
    public static final class LeaseLapsedException extends Exception {
        LeaseLapsedException() {
            super("lease lapsed: not renewed within the renew deadline");
        }
    }

    /** Opens windows on one NATS connection. */
    public static final class Factory {

        private final JetStream jetStream;
        private final IntSupplier maxPayload;

        public Factory(JetStream jetStream, IntSupplier maxPayload) {
            this.jetStream = jetStream;
            this.maxPayload = maxPayload;
        }

        PublishWindow open(CollectionSpec spec, LeaseGrant lease, long lastSequence, WorkerSettings settings,
                           WorkerObserver observer) {
            return new PublishWindow(spec, lease, new JetStreamPublisher(jetStream, spec.stream()),
                    maxPayload.getAsInt(), lastSequence, settings, observer);
        }
    }
}
