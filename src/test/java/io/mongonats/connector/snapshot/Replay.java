package io.mongonats.connector.snapshot;

import com.mongodb.client.MongoCollection;
import io.mongonats.connector.testing.StreamReader.Received;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer that applies a collection's stream in order, as issue 15 defines it: upsert the full document for
 * insert, update, replace and snapshot; delete by {@code documentKey._id} for delete; markers change nothing.
 * Also what a test checks about the stream besides the result: message ids, markers and snapshot records.
 */
final class Replay {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    /** A {@code snapshot-started} or {@code snapshot-completed} message. */
    record Marker(String kind, String snapshotId, long documents, long sequence) {
    }

    /** A snapshot record: which snapshot, which key, where in the stream. */
    record SnapshotRecord(String snapshotId, long key, long sequence) {
    }

    /** Documents by their key as relaxed Extended JSON. */
    private final Map<String, String> documents = new HashMap<>();
    final List<Marker> markers = new ArrayList<>();
    final List<SnapshotRecord> records = new ArrayList<>();
    /** Stream sequences of the insert and delete messages (changes). */
    final List<Long> changes = new ArrayList<>();

    private Replay() {
    }

    /** Applies {@code messages} in order; fails if a message id appears twice or an operation is unknown. */
    static Replay of(String stream, List<Received> messages) {
        Replay replay = new Replay();
        Set<String> ids = new HashSet<>();
        for (Received message : messages) {
            String id = message.headers().get("Nats-Msg-Id").getFirst();
            assertTrue(ids.add(id), stream + ": message id " + id + " published twice, again at sequence "
                    + message.sequence());
            replay.apply(message);
        }
        return replay;
    }

    private void apply(Received message) {
        BsonDocument event = BsonDocument.parse(message.payload());
        String operation = event.getString("operationType").getValue();
        switch (operation) {
            case "insert", "update", "replace", "snapshot" -> {
                BsonValue key = event.getDocument("documentKey").get("_id");
                BsonValue fullDocument = event.get("fullDocument");
                // An update whose document is already gone has no full document: the delete that follows settles it.
                if (fullDocument != null && fullDocument.isDocument()) {
                    documents.put(keyOf(key), fullDocument.asDocument().toJson(RELAXED));
                }
                if (operation.equals("snapshot")) {
                    records.add(new SnapshotRecord(event.getDocument("_id").getString("snapshot").getValue(),
                            key.asNumber().longValue(), message.sequence()));
                } else {
                    changes.add(message.sequence());
                }
            }
            case "delete" -> {
                documents.remove(keyOf(event.getDocument("documentKey").get("_id")));
                changes.add(message.sequence());
            }
            case "snapshot-started", "snapshot-completed" -> markers.add(new Marker(operation,
                    event.getString("snapshotId").getValue(), event.getNumber("documents").longValue(), message.sequence()));
            default -> throw new AssertionError("unexpected operation " + operation + " at sequence " + message.sequence()
                    + ": " + message.payload());
        }
    }

    private static String keyOf(BsonValue key) {
        return new BsonDocument("k", key).toJson(RELAXED);
    }

    List<Marker> markers(String kind) {
        return markers.stream().filter(marker -> marker.kind().equals(kind)).toList();
    }

    List<SnapshotRecord> records(String snapshotId) {
        return records.stream().filter(record -> record.snapshotId().equals(snapshotId)).toList();
    }

    /** Changes published after {@code from} and before {@code to} (stream sequences). */
    long changesBetween(long from, long to) {
        return changes.stream().filter(sequence -> sequence > from && sequence < to).count();
    }

    int size() {
        return documents.size();
    }

    /** Fails unless the replay holds exactly the collection's documents, naming the first differences. */
    void assertEquals(String stream, MongoCollection<BsonDocument> collection) {
        Map<String, String> expected = new HashMap<>();
        for (BsonDocument document : collection.find()) {
            expected.put(keyOf(document.get("_id")), document.toJson(RELAXED));
        }
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(documents.keySet());
        Set<String> extra = new TreeSet<>(documents.keySet());
        extra.removeAll(expected.keySet());
        List<String> different = new ArrayList<>();
        expected.forEach((key, document) -> {
            String replayed = documents.get(key);
            if (replayed != null && !replayed.equals(document)) {
                different.add(key + ": replayed " + abbreviate(replayed) + ", stored " + abbreviate(document));
            }
        });
        if (!missing.isEmpty() || !extra.isEmpty() || !different.isEmpty()) {
            throw new AssertionError(stream + ": the replay differs from the collection (" + expected.size()
                    + " documents stored, " + documents.size() + " replayed): " + missing.size() + " missing "
                    + first(missing) + ", " + extra.size() + " extra " + first(extra) + ", " + different.size()
                    + " different " + different.stream().limit(5).toList());
        }
    }

    private static List<String> first(Set<String> keys) {
        return keys.stream().limit(10).toList();
    }

    private static String abbreviate(String json) {
        return json.length() <= 60 ? json : json.substring(0, 60) + "…";
    }
}
