package io.mongonats.connector.checkpoint;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Checkpoints in a JetStream KV bucket: one key per collection, gaps under {@code gap.<key>.<millis>}. */
public final class KvCheckpointStore implements CheckpointStore {

    private final KeyValue bucket;

    public KvCheckpointStore(KeyValue bucket) {
        this.bucket = bucket;
    }

    @Override
    public Optional<Checkpoint> load(String key) throws IOException {
        try {
            KeyValueEntry entry = bucket.get(key);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                return Optional.empty();
            }
            return Optional.of(Checkpoint.fromBytes(entry.getValue()));
        } catch (JetStreamApiException e) {
            throw new IOException("reading checkpoint " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(String key, Checkpoint checkpoint) throws IOException {
        try {
            bucket.put(key, checkpoint.toBytes());
        } catch (JetStreamApiException e) {
            throw new IOException("writing checkpoint " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean takeSnapshotRequest(String key) throws IOException {
        String signal = "signal." + key;
        try {
            KeyValueEntry entry = bucket.get(signal);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                return false;
            }
            String request = new String(entry.getValue(), StandardCharsets.UTF_8).strip();
            bucket.delete(signal);
            if (!request.equals("snapshot")) {
                throw new IOException("key " + signal + " holds '" + request + "'; the only request understood is 'snapshot'");
            }
            return true;
        } catch (JetStreamApiException e) {
            throw new IOException("reading " + signal + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void recordGap(String key, Gap gap) throws IOException {
        try {
            bucket.put("gap." + key + "." + gap.restartedAt().toEpochMilli(), gap.toBytes());
        } catch (JetStreamApiException e) {
            throw new IOException("recording a gap for " + key + " failed: " + e.getMessage(), e);
        }
    }
}
