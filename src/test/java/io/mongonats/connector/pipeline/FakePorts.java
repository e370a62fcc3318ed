package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.checkpoint.CheckpointStore;
import io.mongonats.connector.checkpoint.Gap;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseGrant;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory fakes of the pipeline's own ports, for unit tests of the worker. */
final class FakePorts {

    static final CollectionSpec SPEC = new CollectionSpec("shop", "orders", "shop_orders", "shop.orders",
            CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, List.of(),
            CollectionSpec.OversizedPolicy.STOP, "shop.orders.dead-letter", CollectionSpec.LostPositionPolicy.STOP);

    record TestChange(String token, String operationType, long eventTimeMillis) implements Change {
        static TestChange insert(int n) {
            return new TestChange(String.format("t%05d", n), "insert", 1_000L * n);
        }
    }

    /** Changes the test feeds; each open records where it started, and can be made to fail. */
    static final class Source implements ChangeSource.Opener<TestChange> {
        final BlockingQueue<TestChange> changes = new LinkedBlockingQueue<>();
        final List<StartAt> opens = new CopyOnWriteArrayList<>();
        final AtomicInteger rejectNextOpens = new AtomicInteger();
        volatile String idlePosition;

        @Override
        public ChangeSource<TestChange> open(StartAt start) throws PositionRejectedException {
            opens.add(start);
            if (rejectNextOpens.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new PositionRejectedException("shop.orders", start.token().orElse("-"), new RuntimeException("history lost"));
            }
            return new ChangeSource<>() {
                @Override
                public TestChange next() throws InterruptedException {
                    return changes.poll(1, TimeUnit.MILLISECONDS);
                }

                @Override
                public String idlePosition() {
                    return idlePosition;
                }

                @Override
                public boolean lastReadWaited() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** A stream that stores a message only when the expected last sequence is its own. */
    static final class Sink implements EventSink {
        final List<OutboundMessage> stored = new CopyOnWriteArrayList<>();
        final AtomicInteger refused = new AtomicInteger();
        /** Another publisher's messages, appended before the next publish of ours. */
        final AtomicInteger foreignToAppend = new AtomicInteger();
        volatile boolean unreachable;

        @Override
        public StreamTail tail() throws SinkException {
            if (unreachable) {
                throw new SinkException("no responders", null);
            }
            if (stored.isEmpty()) {
                return StreamTail.empty();
            }
            OutboundMessage last = stored.getLast();
            return new StreamTail(stored.size(), Optional.of(last.messageId()), false);
        }

        @Override
        public synchronized PendingAck publish(OutboundMessage message, long expectedLastSequence) throws SinkException {
            if (unreachable) {
                throw new SinkException("no responders", null);
            }
            for (int i = foreignToAppend.getAndSet(0); i > 0; i--) {
                stored.add(new OutboundMessage("shop.orders.insert", "foreign-" + stored.size(), new MessageHeaders(),
                        new byte[0], false));
            }
            if (expectedLastSequence != stored.size()) {
                refused.incrementAndGet();
                return failed(new OutOfStepException("wrong last sequence"));
            }
            stored.add(message);
            long sequence = stored.size();
            return new PendingAck() {
                @Override
                public boolean isDone() {
                    return true;
                }

                @Override
                public long await(long timeoutNanos) {
                    return sequence;
                }
            };
        }

        private static PendingAck failed(OutOfStepException error) {
            return new PendingAck() {
                @Override
                public boolean isDone() {
                    return true;
                }

                @Override
                public long await(long timeoutNanos) throws OutOfStepException {
                    throw error;
                }
            };
        }

        @Override
        public int maxPayload() {
            return 1024 * 1024;
        }

        List<String> ids() {
            return stored.stream().map(OutboundMessage::messageId).toList();
        }
    }

    static final class Checkpoints implements CheckpointStore {
        final Map<String, Checkpoint> saved = new ConcurrentHashMap<>();
        final List<Gap> gaps = new CopyOnWriteArrayList<>();

        @Override
        public Optional<Checkpoint> load(String key) {
            return Optional.ofNullable(saved.get(key));
        }

        @Override
        public void save(String key, Checkpoint checkpoint) {
            saved.put(key, checkpoint);
        }

        @Override
        public void recordGap(String key, Gap gap) {
            gaps.add(gap);
        }
    }

    static final class Lease implements LeaseGrant {
        final AtomicBoolean valid = new AtomicBoolean(true);

        @Override
        public String replicaId() {
            return "r1";
        }

        @Override
        public long epoch() {
            return 7;
        }

        @Override
        public boolean isValid() {
            return valid.get();
        }
    }

    /** Switches between up and down like a NATS connection. */
    static final class Availability implements SinkAvailability {
        private volatile CompletableFuture<Void> up = CompletableFuture.completedFuture(null);

        void down() {
            up = new CompletableFuture<>();
        }

        void back() {
            up.complete(null);
        }

        @Override
        public CompletableFuture<Void> up() {
            return up;
        }
    }

    static MessageMapper<TestChange> mapper() {
        return (change, maxPayload) -> new OutboundMessage("shop.orders." + change.operationType(), change.token(),
                new MessageHeaders().add("Cdc-Operation", change.operationType()),
                change.token().getBytes(StandardCharsets.UTF_8), false);
    }

    static List<String> tokens(int from, int to) {
        List<String> tokens = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            tokens.add(TestChange.insert(n).token());
        }
        return tokens;
    }

    private FakePorts() {
    }
}
