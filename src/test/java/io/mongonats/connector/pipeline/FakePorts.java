package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.checkpoint.CheckpointStore;
import io.mongonats.connector.checkpoint.StreamTail;
import io.mongonats.connector.checkpoint.Gap;
import io.mongonats.connector.checkpoint.LeaseStamp;
import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.message.Positions;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.SnapshotMode;
import io.mongonats.connector.lease.LeaseGrant;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
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

    static final CollectionSpec SPEC = spec(SnapshotMode.NEVER, CollectionSpec.LostPositionPolicy.STOP);

    static CollectionSpec spec(SnapshotMode snapshot, CollectionSpec.LostPositionPolicy onLostPosition) {
        return new CollectionSpec("shop", "orders", "shop_orders", "shop.orders",
                CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, List.of(),
                CollectionSpec.OversizedPolicy.STOP, "shop.orders.dead-letter", onLostPosition, snapshot,
                MessageFormat.DEFAULT);
    }

    /** A change of a document {@code key} to {@code value} (null for a delete), or a snapshot message. */
    record TestChange(String token, String messageId, String operationType, long eventTimeMillis, String documentKeyId,
                      String value, long clusterTimeValue) implements Change {
        static TestChange insert(int n) {
            String token = String.format("t%05d", n);
            return new TestChange(token, token, "insert", 1_000L * n, "k" + n, "v" + n, -1);
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
        /** The lease the foreign messages say they were published under; none when null. */
        volatile LeaseStamp foreignStamp;
        volatile boolean unreachable;
        /** What every acknowledgement says of its arrival (System.nanoTime); null: the sink cannot tell. */
        volatile Long arrivalNanos;

        @Override
        public StreamTail tail() throws SinkException {
            if (unreachable) {
                throw new SinkException("no responders", null);
            }
            if (stored.isEmpty()) {
                return StreamTail.empty();
            }
            OutboundMessage last = stored.getLast();
            return Positions.read(stored.size(), name -> name.equals("Nats-Msg-Id") ? last.messageId() : last.headers().get(name));
        }

        @Override
        public synchronized PendingAck publish(OutboundMessage message, long expectedLastSequence) throws SinkException {
            if (unreachable) {
                throw new SinkException("no responders", null);
            }
            for (int i = foreignToAppend.getAndSet(0); i > 0; i--) {
                MessageHeaders headers = new MessageHeaders().add("Cdc-Operation", "insert");
                LeaseStamp stamp = foreignStamp;
                if (stamp != null) {
                    headers.add("Cdc-Replica", stamp.replica()).add("Cdc-Lease-Epoch", Long.toString(stamp.epoch()));
                }
                stored.add(new OutboundMessage("shop.orders.insert", "foreign-" + stored.size(), headers, new byte[0],
                        false));
            }
            if (expectedLastSequence != stored.size()) {
                refused.incrementAndGet();
                return failed(new OutOfStepException("wrong last sequence"));
            }
            stored.add(message);
            long sequence = stored.size();
            Long arrival = arrivalNanos;
            return new PendingAck() {
                @Override
                public boolean isDone() {
                    return true;
                }

                @Override
                public long await(long timeoutNanos) {
                    return sequence;
                }

                @Override
                public long arrivedNanos() {
                    return arrival == null ? System.nanoTime() : arrival;
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

        final AtomicBoolean snapshotRequested = new AtomicBoolean();

        @Override
        public void recordGap(String key, Gap gap) {
            gaps.add(gap);
        }

        @Override
        public boolean takeSnapshotRequest(String key) {
            return snapshotRequested.getAndSet(false);
        }
    }

    static final class Lease implements LeaseGrant {
        static final String REPLICA = "r1";
        static final long EPOCH = 7;
        final AtomicBoolean valid = new AtomicBoolean(true);
        /** The answer to the next confirmations; null to answer at once with whether the lease is valid. */
        volatile CompletableFuture<Boolean> confirmation;
        final AtomicInteger confirmations = new AtomicInteger();

        @Override
        public CompletableFuture<Boolean> confirm() {
            confirmations.incrementAndGet();
            CompletableFuture<Boolean> answer = confirmation;
            return answer != null ? answer : CompletableFuture.completedFuture(valid.get());
        }

        @Override
        public String replicaId() {
            return REPLICA;
        }

        @Override
        public long epoch() {
            return EPOCH;
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
        return (change, after, maxPayload) -> {
            MessageHeaders headers = new MessageHeaders().add("Cdc-Operation", change.operationType())
                    .add("Cdc-Replica", Lease.REPLICA).add("Cdc-Lease-Epoch", Long.toString(Lease.EPOCH));
            if (change.documentKeyId() != null) {
                headers.add("Key", change.documentKeyId());
            }
            Positions.stamp(headers, change, after);
            return new OutboundMessage("shop.orders." + change.operationType(), change.messageId(), headers,
                    String.valueOf(change.value()).getBytes(StandardCharsets.UTF_8), false);
        };
    }

    /**
     * A collection that records each write as a change for the source, numbered by its own clock, and reads
     * snapshot chunks at a known time of that clock.
     */
    static final class Collection implements SnapshotSource<TestChange> {
        final NavigableMap<String, String> documents = new TreeMap<>();
        private final Source source;
        private long clock;

        Collection(Source source) {
            this.source = source;
        }

        /** Inserts, updates or (value null) deletes a document. */
        synchronized void write(String key, String value) {
            long n = ++clock;
            String operation = value == null ? "delete" : documents.containsKey(key) ? "update" : "insert";
            if (value == null) {
                documents.remove(key);
            } else {
                documents.put(key, value);
            }
            String token = String.format("t%07d", n);
            source.changes.add(new TestChange(token, token, operation, n, key, value, n));
        }

        synchronized long clockValue() {
            return clock;
        }

        synchronized Map<String, String> contents() {
            return new TreeMap<>(documents);
        }

        @Override
        public synchronized Chunk<TestChange> read(String snapshotId, String afterKey, int limit) {
            List<Row<TestChange>> rows = new ArrayList<>();
            for (Map.Entry<String, String> document : (afterKey == null ? documents : documents.tailMap(afterKey, false)).entrySet()) {
                if (rows.size() == limit) {
                    break;
                }
                rows.add(new Row<>(document.getKey(), new TestChange(null, "snap-" + snapshotId + "-" + document.getKey(),
                        "snapshot", -1, document.getKey(), document.getValue(), -1)));
            }
            return new Chunk<>(rows, clock);
        }

        @Override
        public TestChange marker(String snapshotId, String kind, SnapshotProgress progress) {
            return new TestChange(null, "snap-" + snapshotId + "-" + kind, kind, -1, null, Long.toString(progress.count()), -1);
        }

        @Override
        public synchronized long estimatedCount() {
            return documents.size();
        }
    }

    /** Applies the stored messages in order as a consumer would: upsert the document, or delete it. */
    static Map<String, String> replay(List<OutboundMessage> stored) {
        Map<String, String> documents = new TreeMap<>();
        for (OutboundMessage message : stored) {
            String operation = message.headers().get("Cdc-Operation");
            String key = message.headers().get("Key");
            switch (operation) {
                case "insert", "update", "snapshot" -> documents.put(key, new String(message.payload(), StandardCharsets.UTF_8));
                case "delete" -> documents.remove(key);
                default -> { }
            }
        }
        return documents;
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
