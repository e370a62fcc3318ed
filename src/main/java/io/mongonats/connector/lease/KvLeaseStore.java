package io.mongonats.connector.lease;

import io.mongonats.connector.sink.JetStreamErrors;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/** Leases in a JetStream KV bucket whose TTL is the lease TTL: a key not renewed in time is gone. */
public record KvLeaseStore(KeyValue leases, KeyValue members) implements LeaseStore, Members {

    private static final Logger LOG = Logger.getLogger(KvLeaseStore.class);

    @Override
    public OptionalLong tryAcquire(String key, LeaseRecord record) throws IOException {
        try {
            return OptionalLong.of(leases.create(key, record.toBytes()));
        } catch (JetStreamApiException e) {
            return lostRace(key, e);
        }
    }

    @Override
    public OptionalLong renew(String key, LeaseRecord record, long revision) throws IOException {
        try {
            return OptionalLong.of(leases.update(key, record.toBytes(), revision));
        } catch (JetStreamApiException e) {
            return lostRace(key, e);
        }
    }

    @Override
    public OptionalLong takeOver(String key, LeaseRecord record, long seenRevision) throws IOException {
        return renew(key, record, seenRevision);
    }

    @Override
    public Optional<LeaseHolding> holding(String key) throws IOException {
        try {
            KeyValueEntry entry = leases.get(key);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
                return Optional.empty();
            }
            return Optional.of(new LeaseHolding(LeaseRecord.fromBytes(entry.getValue()).holder(), entry.getRevision(),
                    entry.getCreated().toInstant()));
        } catch (JetStreamApiException e) {
            throw new IOException("lease " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void release(String key, long revision) throws IOException {
        try {
            leases.delete(key, revision);
        } catch (JetStreamApiException e) {
            lostRace(key, e);
        }
    }

    @Override
    public void onChange(Runnable listener) throws IOException {
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getOperation() == KeyValueOperation.DELETE || entry.getOperation() == KeyValueOperation.PURGE) {
                    listener.run();
                }
            }

            @Override
            public void endOfData() {
            }
        };
        try {
            leases.watchAll(watcher, KeyValueWatchOption.UPDATES_ONLY, KeyValueWatchOption.META_ONLY);
            members.watchAll(watcher, KeyValueWatchOption.UPDATES_ONLY, KeyValueWatchOption.META_ONLY);
        } catch (JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("watching the lease buckets failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void heartbeat(String replicaId) throws IOException {
        try {
            members.put(replicaId, new byte[0]);
        } catch (JetStreamApiException e) {
            throw new IOException("heartbeat failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> liveMembers() throws IOException {
        try {
            // keys() lists a key again when it is re-put while the listing runs (jnats keeps reading the
            // last-per-subject consumer as it delivers new heartbeats): count each replica once.
            return Set.copyOf(new HashSet<>(members.keys()));
        } catch (JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("listing members failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void onHeartbeat(Consumer<String> replicaId) throws IOException {
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getOperation() == KeyValueOperation.PUT) {
                    replicaId.accept(entry.getKey());
                }
            }

            @Override
            public void endOfData() {
            }
        };
        try {
            members.watchAll(watcher, KeyValueWatchOption.META_ONLY);
        } catch (JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("watching the heartbeats failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void leave(String replicaId) throws IOException {
        try {
            members.delete(replicaId);
        } catch (JetStreamApiException e) {
            throw new IOException("leaving failed: " + e.getMessage(), e);
        }
    }

    private static OptionalLong lostRace(String key, JetStreamApiException e) throws IOException {
        if (e.getApiErrorCode() == JetStreamErrors.WRONG_LAST_SEQUENCE) {
            LOG.debugf("lease %s: compare-and-set lost (%s)", key, e.getMessage());
            return OptionalLong.empty();
        }
        throw new IOException("lease " + key + ": " + e.getMessage(), e);
    }
}
