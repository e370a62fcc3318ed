package io.mongonats.connector.lease;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lease and member buckets in memory, shared by the replicas of a test, with what the tests rely on from the
 * JetStream KV adapter: compare-and-set on revisions from one growing sequence, keys that expire a TTL after their
 * last write (by the fake time), and listeners told of deletes. Each replica talks to it through its own
 * {@link Client}, which a test can cut off.
 */
final class InMemoryLeaseStore {

    private record Entry(byte[] value, long revision, long writtenNanos) {
    }

    private final FakeTime time;
    private final long ttlNanos;
    private final Map<String, Entry> leases = new HashMap<>();
    private final Map<String, Long> heartbeats = new HashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long lastRevision;

    InMemoryLeaseStore(FakeTime time, Duration ttl) {
        this.time = time;
        this.ttlNanos = ttl.toNanos();
    }

    Client client() {
        return new Client();
    }

    /** Who holds each live key, by key. */
    synchronized Map<String, String> holders() {
        expire();
        Map<String, String> holders = new TreeMap<>();
        leases.forEach((key, entry) -> holders.put(key, LeaseRecord.fromBytes(entry.value()).holder()));
        return holders;
    }

    synchronized Optional<Long> revision(String key) {
        expire();
        return Optional.ofNullable(leases.get(key)).map(Entry::revision);
    }

    /** Deletes a key behind its holder's back, as an operator might. */
    void delete(String key) {
        synchronized (this) {
            leases.remove(key);
        }
        listeners.forEach(Runnable::run);
    }

    private void expire() {
        long now = time.nanos();
        leases.values().removeIf(entry -> now - entry.writtenNanos() >= ttlNanos);
        heartbeats.values().removeIf(written -> now - written >= ttlNanos);
    }

    private synchronized OptionalLong write(String key, LeaseRecord record, long expectedRevision) {
        expire();
        Entry current = leases.get(key);
        long currentRevision = current == null ? 0 : current.revision();
        if (currentRevision != expectedRevision) {
            return OptionalLong.empty();
        }
        leases.put(key, new Entry(record.toBytes(), ++lastRevision, time.nanos()));
        return OptionalLong.of(lastRevision);
    }

    /** One replica's connection to the buckets. */
    final class Client implements LeaseStore, Members {

        private volatile boolean cut;

        /** From now on every call fails, as when this replica is cut off from NATS. */
        void cut() {
            cut = true;
        }

        void restore() {
            cut = false;
        }

        @Override
        public OptionalLong tryAcquire(String key, LeaseRecord record) throws IOException {
            reachable();
            return write(key, record, 0);
        }

        @Override
        public OptionalLong renew(String key, LeaseRecord record, long revision) throws IOException {
            reachable();
            return write(key, record, revision);
        }

        @Override
        public Optional<Instant> lastWrite(String key) throws IOException {
            reachable();
            synchronized (InMemoryLeaseStore.this) {
                expire();
                return Optional.ofNullable(leases.get(key)).map(entry -> time.instantAt(entry.writtenNanos()));
            }
        }

        @Override
        public void release(String key, long revision) throws IOException {
            reachable();
            boolean deleted;
            synchronized (InMemoryLeaseStore.this) {
                expire();
                Entry current = leases.get(key);
                deleted = current != null && current.revision() == revision && leases.remove(key) != null;
            }
            if (deleted) {
                listeners.forEach(Runnable::run);
            }
        }

        @Override
        public void onChange(Runnable listener) throws IOException {
            reachable();
            listeners.add(listener);
        }

        @Override
        public void heartbeat(String replicaId) throws IOException {
            reachable();
            synchronized (InMemoryLeaseStore.this) {
                heartbeats.put(replicaId, time.nanos());
            }
        }

        @Override
        public int liveCount() throws IOException {
            reachable();
            synchronized (InMemoryLeaseStore.this) {
                expire();
                return heartbeats.size();
            }
        }

        @Override
        public void leave(String replicaId) throws IOException {
            reachable();
            synchronized (InMemoryLeaseStore.this) {
                heartbeats.remove(replicaId);
            }
            new ArrayList<>(listeners).forEach(Runnable::run);
        }

        private void reachable() throws IOException {
            if (cut) {
                throw new IOException("no responders: cut off by the test");
            }
        }
    }
}
