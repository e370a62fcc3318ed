package io.mongonats.connector.readmodel;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inserts, replaces and deletes documents {@code {_id: k, v: i, s: "..."}} at random over {@code keys} keys, in
 * ordered bulk writes. Values are Int32 and strings, which relaxed Extended JSON carries without change.
 * Replacements name their {@code _id}: the stand-in puts the replacement in an update event's documentKey, where
 * real MongoDB has {@code {_id: k}}; an updateOne would leave the stand-in's event without the key.
 */
final class RandomChanges {

    private final MongoCollection<Document> collection;
    private final int keys;
    private final SplittableRandom random;
    private final BitSet live = new BitSet();
    private int written;

    RandomChanges(MongoCollection<Document> collection, int keys, long seed) {
        this.collection = collection;
        this.keys = keys;
        this.random = new SplittableRandom(seed);
    }

    /** Writes {@code count} changes in one ordered bulk write. */
    void write(int count) {
        List<WriteModel<Document>> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int key = random.nextInt(keys);
            int value = written++;
            Document document = new Document("_id", key).append("v", value).append("s", "value " + value + " of " + key);
            if (!live.get(key)) {
                batch.add(new InsertOneModel<>(document));
                live.set(key);
            } else if (random.nextInt(10) < 6) {
                batch.add(new ReplaceOneModel<>(Filters.eq("_id", key), document));
            } else {
                batch.add(new DeleteOneModel<>(Filters.eq("_id", key)));
                live.clear(key);
            }
        }
        collection.bulkWrite(batch);
    }

    int written() {
        return written;
    }
}
