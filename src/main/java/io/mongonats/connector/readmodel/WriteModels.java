package io.mongonats.connector.readmodel;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import io.mongonats.connector.readmodel.DocumentChange.Delete;
import io.mongonats.connector.readmodel.DocumentChange.Patch;
import io.mongonats.connector.readmodel.DocumentChange.Truncation;
import io.mongonats.connector.readmodel.DocumentChange.Upsert;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.time.Clock;
import java.util.Map;

/**
 * Turns planned writes into guarded MongoDB writes. Every write matches its document only while the stored
 * {@code <version>.seq} is older than the change (or absent): an upsert that finds a newer document fails with a
 * duplicate key instead of overwriting it. A delete leaves a tombstone ({@code <version>.deleted} and
 * {@code <version>.deletedAt}, expired by a TTL index) unless tombstones are off. Pure: builds, never writes.
 */
public final class WriteModels {

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final String versionField;
    private final boolean tombstones;
    private final Clock clock;

    public WriteModels(String versionField, boolean tombstones, Clock clock) {
        this.versionField = versionField;
        this.tombstones = tombstones;
        this.clock = clock;
    }

    public String sequencePath() {
        return versionField + ".seq";
    }

    public String deletedPath() {
        return versionField + ".deleted";
    }

    public String deletedAtPath() {
        return versionField + ".deletedAt";
    }

    public WriteModel<BsonDocument> of(PlannedWrite write) {
        return switch (write.change()) {
            case Upsert upsert -> new ReplaceOneModel<>(guard(write), replacement(write.key(), upsert.document(),
                    version(write.sequence())), UPSERT);
            case Delete ignored when tombstones -> new ReplaceOneModel<>(guard(write), new BsonDocument("_id", write.key())
                    .append(versionField, version(write.sequence()).append("deleted", BsonBoolean.TRUE)
                            .append("deletedAt", new BsonDateTime(clock.millis()))), UPSERT);
            case Delete ignored -> new DeleteOneModel<>(guard(write));
            case Patch patch -> new UpdateOneModel<>(guard(write).append(deletedPath(), new BsonDocument("$ne", BsonBoolean.TRUE)),
                    update(patch, write.sequence()));
        };
    }

    /** Matches the document only while it reflects an older change than {@code write}, or none. */
    BsonDocument guard(PlannedWrite write) {
        return new BsonDocument("_id", write.key())
                .append(sequencePath(), new BsonDocument("$not", new BsonDocument("$gte", new BsonInt64(write.sequence()))));
    }

    private BsonDocument replacement(BsonValue key, BsonDocument document, BsonDocument version) {
        BsonDocument replacement = new BsonDocument("_id", key);
        for (Map.Entry<String, BsonValue> field : document.entrySet()) {
            if (!field.getKey().equals("_id") && !field.getKey().equals(versionField)) {
                replacement.append(field.getKey(), field.getValue());
            }
        }
        return replacement.append(versionField, version);
    }

    private BsonDocument update(Patch patch, long sequence) {
        BsonDocument set = new BsonDocument();
        patch.set().forEach((path, value) -> {
            if (applicable(path)) {
                set.append(path, value);
            }
        });
        set.append(sequencePath(), new BsonInt64(sequence));
        BsonDocument update = new BsonDocument("$set", set);
        BsonDocument unset = new BsonDocument();
        patch.unset().stream().filter(this::applicable).forEach(path -> unset.append(path, new BsonString("")));
        if (!unset.isEmpty()) {
            update.append("$unset", unset);
        }
        BsonDocument push = new BsonDocument();
        for (Truncation truncation : patch.truncations()) {
            if (applicable(truncation.field())) {
                push.append(truncation.field(), new BsonDocument("$each", new BsonArray())
                        .append("$slice", new BsonInt32(truncation.newSize())));
            }
        }
        if (!push.isEmpty()) {
            update.append("$push", push);
        }
        return update;
    }

    /** The source cannot change {@code _id} or the version field: the sink owns it. */
    private boolean applicable(String path) {
        return !path.equals("_id") && !path.startsWith("_id.") && !path.equals(versionField)
                && !path.startsWith(versionField + ".");
    }

    private static BsonDocument version(long sequence) {
        return new BsonDocument("seq", new BsonInt64(sequence));
    }
}
