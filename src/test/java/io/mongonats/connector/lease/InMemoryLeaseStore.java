package io.mongonats.connector.lease;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Lease and member buckets in memory, shared by the replicas of a test, with what the tests rely on from the
 * JetStream KV adapter: compare-and-set on revisions from one growing sequence, keys that expire a TTL after their
 * last write (by the fake time), listeners told of deletes, and heartbeats told to every listening client as they are
 * written. Each replica talks to it through its own {@link Client}, which a test can cut off or make deaf.
 */
final class InMemoryLeaseStore {

    private record Entry(byte[] value, long revision, long writtenNanos) {
    }

    private final FakeTime time;
    private final long ttlNanos;
    private final Map<String, Entry> leases = new HashMap<>();
    private final Map<String, Long> heartbeats = new HashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private long lastRevision;

    InMemoryLeaseStore(FakeTime time, Duration ttl) {
        this.time = time;
        this.ttlNanos = ttl.toNanos();
    }

    Client client() {
        Client client = new Client();
        clients.add(client);
        return client;
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

        private final List<Consumer<String>> heartbeatListeners = new CopyOnWriteArrayList<>();
        private volatile boolean cut;
        private volatile boolean deaf;
        private volatile Runnable beforeTakeOver = () -> { };

        /** From now on this replica hears no heartbeats, its own included, as with a stalled watch. */
        void deafen() {
            deaf = true;
        }

        /** Hears heartbeats again. */
        void hearAgain() {
            deaf = false;
        }

        /** Runs once just before this replica's next takeover is sent: another replica may act in between. */
        void beforeNextTakeOver(Runnable action) {
            beforeTakeOver = action;
        }

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
        public OptionalLong takeOver(String key, LeaseRecord record, long seenRevision) throws IOException {
            reachable();
            Runnable action = beforeTakeOver;
            beforeTakeOver = () -> { };
            action.run();
            return write(key, record, seenRevision);
        }

        @Override
        public Optional<LeaseHolding> holding(String key) throws IOException {
            reachable();
            synchronized (InMemoryLeaseStore.this) {
                expire();
                return Optional.ofNullable(leases.get(key)).map(entry -> new LeaseHolding(
                        LeaseRecord.fromBytes(entry.value()).holder(), entry.revision(), time.instantAt(entry.writtenNanos())));
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
            for (Client client : clients) {
                if (!client.deaf) {
                    client.heartbeatListeners.forEach(listener -> listener.accept(replicaId));
                }
            }
        }

        @Override
        public Set<String> liveMembers() throws IOException {
            reachable();
            synchronized (InMemoryLeaseStore.this) {
                expire();
                return Set.copyOf(heartbeats.keySet());
            }
        }

        @Override
        public void onHeartbeat(Consumer<String> replicaId) throws IOException {
            reachable();
            heartbeatListeners.add(replicaId);
            List<String> stored;
            synchronized (InMemoryLeaseStore.this) {
                expire();
                stored = List.copyOf(heartbeats.keySet());
            }
            if (!deaf) {
                stored.forEach(replicaId);
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
