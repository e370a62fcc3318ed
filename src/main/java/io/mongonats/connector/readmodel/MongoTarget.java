package io.mongonats.connector.readmodel;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.WriteModel;
import io.mongonats.connector.config.Secrets;
import io.mongonats.connector.readmodel.DocumentChange.Delete;
import io.mongonats.connector.readmodel.DocumentChange.Patch;
import io.mongonats.connector.readmodel.StoredVersions.Version;
import org.bson.BsonDocument;
import org.bson.Document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The target collection in MongoDB. Each call is one unordered bulk write. Writes whose result the bulk write does
 * not tell apart (a duplicate key, an update or a delete that matched nothing) are settled by reading the stored
 * versions; an upsert that lost the race to insert its document is written once more, and now matches it.
 */
public final class MongoTarget implements TargetStore {

    static final String TTL_INDEX = "cdc_tombstone_ttl";
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final int INDEX_OPTIONS_CONFLICT = 85;
    private static final int INDEX_KEY_SPECS_CONFLICT = 86;

    private enum Kind { REPLACE, UPDATE, DELETE }

    private final MongoDatabase database;
    private final MongoCollection<BsonDocument> collection;
    private final WriteModels models;
    private final StoredVersions versions;
    private final Duration tombstoneTtl;
    private final boolean tombstones;

    public MongoTarget(MongoDatabase database, String collection, WriteModels models, String versionField,
                       boolean tombstones, Duration tombstoneTtl) {
        this.database = database;
        this.collection = database.getCollection(collection, BsonDocument.class);
        this.models = models;
        this.versions = new StoredVersions(this.collection, versionField);
        this.tombstones = tombstones;
        this.tombstoneTtl = tombstoneTtl;
    }

    @Override
    public void prepare() throws SinkUnavailableException {
        if (!tombstones) {
            return;
        }
        try {
            collection.createIndex(Indexes.ascending(models.deletedAtPath()),
                    new IndexOptions().name(TTL_INDEX).expireAfter(tombstoneTtl.toSeconds(), TimeUnit.SECONDS));
        } catch (MongoCommandException e) {
            if (e.getErrorCode() == INDEX_KEY_SPECS_CONFLICT) {
                throw new SinkSetupException("The index " + TTL_INDEX + " of " + collection.getNamespace()
                        + " exists on other keys than " + models.deletedAtPath() + "; drop it and the sink recreates it");
            }
            if (e.getErrorCode() != INDEX_OPTIONS_CONFLICT) {
                throw unavailable(e);
            }
            changeTtl();
        } catch (MongoException e) {
            throw unavailable(e);
        }
    }

    /** The index exists with another TTL (tombstone-ttl was changed): change it in place. */
    private void changeTtl() throws SinkUnavailableException {
        try {
            database.runCommand(new Document("collMod", collection.getNamespace().getCollectionName())
                    .append("index", new Document("name", TTL_INDEX).append("expireAfterSeconds", tombstoneTtl.toSeconds())));
        } catch (MongoException e) {
            throw unavailable(e);
        }
    }

    @Override
    public List<WriteResult> apply(List<PlannedWrite> writes) throws SinkUnavailableException, InterruptedException {
        WriteResult[] results = new WriteResult[writes.size()];
        Map<Integer, BulkWriteError> errors = new HashMap<>();
        BulkWriteResult result = write(writes, errors);
        List<Integer> unsettled = settle(writes, result, errors, results);
        if (!unsettled.isEmpty()) {
            verify(writes, unsettled, results);
        }
        return List.of(results);
    }

    private BulkWriteResult write(List<PlannedWrite> writes, Map<Integer, BulkWriteError> errors)
            throws SinkUnavailableException, InterruptedException {
        List<WriteModel<BsonDocument>> bulk = writes.stream().map(models::of).toList();
        try {
            return collection.bulkWrite(bulk, UNORDERED);
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw unavailable(e);
            }
            e.getWriteErrors().forEach(error -> errors.put(error.getIndex(), error));
            return e.getWriteResult();
        } catch (MongoInterruptedException e) {
            InterruptedException interrupted = new InterruptedException("interrupted during a bulk write");
            interrupted.initCause(e);
            throw interrupted;
        } catch (MongoException e) {
            throw unavailable(e);
        }
    }

    /** Fills in what the bulk result tells; returns the indexes it leaves open. */
    private List<Integer> settle(List<PlannedWrite> writes, BulkWriteResult result, Map<Integer, BulkWriteError> errors,
                                 WriteResult[] results) {
        List<Integer> open = new ArrayList<>();
        List<Integer> updates = new ArrayList<>();
        List<Integer> deletes = new ArrayList<>();
        int replacesWritten = 0;
        for (int i = 0; i < writes.size(); i++) {
            Kind kind = kind(writes.get(i));
            BulkWriteError error = errors.get(i);
            if (error != null) {
                if (kind == Kind.REPLACE && ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    open.add(i);
                } else {
                    results[i] = WriteResult.rejected("error " + error.getCode() + ": " + error.getMessage());
                }
            } else if (kind == Kind.REPLACE) {
                results[i] = WriteResult.APPLIED;
                replacesWritten++;
            } else {
                (kind == Kind.UPDATE ? updates : deletes).add(i);
            }
        }
        int updatesMatched = result.getMatchedCount() - (replacesWritten - result.getUpserts().size());
        settleAll(updates, updatesMatched == updates.size(), results, open);
        settleAll(deletes, result.getDeletedCount() == deletes.size(), results, open);
        return open;
    }

    private static void settleAll(List<Integer> indexes, boolean allMatched, WriteResult[] results, List<Integer> open) {
        for (int i : indexes) {
            if (allMatched) {
                results[i] = WriteResult.APPLIED;
            } else {
                open.add(i);
            }
        }
    }

    /** Settles the open writes by the versions now stored; retries an upsert that lost the race to insert. */
    private void verify(List<PlannedWrite> writes, List<Integer> open, WriteResult[] results)
            throws SinkUnavailableException, InterruptedException {
        Map<Object, Version> stored;
        try {
            stored = versions.read(open.stream().map(i -> writes.get(i).key()).toList());
        } catch (MongoInterruptedException e) {
            throw new InterruptedException("interrupted while reading versions");
        } catch (MongoException e) {
            throw unavailable(e);
        }
        List<Integer> again = new ArrayList<>();
        for (int i : open) {
            PlannedWrite write = writes.get(i);
            Version version = stored.get(StoredVersions.identity(write.key()));
            boolean reflected = version != null && version.sequence() >= write.sequence();
            results[i] = switch (kind(write)) {
                case REPLACE -> reflected ? WriteResult.STALE : null;
                case DELETE -> reflected ? WriteResult.STALE : WriteResult.APPLIED;
                case UPDATE -> !reflected ? WriteResult.waiting("no live document older than sequence "
                        + write.sequence() + " to update")
                        : version.sequence() == write.sequence() && !version.deleted() ? WriteResult.APPLIED : WriteResult.STALE;
            };
            if (results[i] == null) {
                again.add(i);
            }
        }
        if (!again.isEmpty()) {
            retry(writes, again, results);
        }
    }

    private void retry(List<PlannedWrite> writes, List<Integer> indexes, WriteResult[] results)
            throws SinkUnavailableException, InterruptedException {
        List<PlannedWrite> retried = indexes.stream().map(writes::get).toList();
        Map<Integer, BulkWriteError> errors = new HashMap<>();
        write(retried, errors);
        for (int j = 0; j < indexes.size(); j++) {
            BulkWriteError error = errors.get(j);
            results[indexes.get(j)] = error == null ? WriteResult.APPLIED
                    : WriteResult.rejected("error " + error.getCode() + " on the second attempt: " + error.getMessage());
        }
    }

    private Kind kind(PlannedWrite write) {
        return switch (write.change()) {
            case Patch ignored -> Kind.UPDATE;
            case Delete ignored when !tombstones -> Kind.DELETE;
            default -> Kind.REPLACE;
        };
    }

    private SinkUnavailableException unavailable(MongoException e) {
        return new SinkUnavailableException("mongodb", "MongoDB " + collection.getNamespace() + ": "
                + Secrets.maskUri(String.valueOf(e.getMessage())), e);
    }
}
