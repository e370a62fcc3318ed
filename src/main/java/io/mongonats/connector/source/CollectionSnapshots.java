package io.mongonats.connector.source;

import com.mongodb.ClientSessionOptions;
import com.mongodb.MongoException;
import com.mongodb.ReadConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.pipeline.SnapshotSource;
import io.mongonats.connector.pipeline.SourceException;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a collection's documents in {@code _id} order, chunk by chunk, with majority read concern in a causally
 * consistent session, so that each chunk comes with the cluster time it was read at. Keys of one BSON type per
 * collection are read in full: {@code $gt} compares within a type only.
 */
public final class CollectionSnapshots implements SnapshotSource<ChangeEvent> {

    private final MongoClient client;
    private final CollectionSpec spec;
    private final MongoCollection<RawBsonDocument> collection;
    private final BsonDocument projection;

    public CollectionSnapshots(MongoClient client, CollectionSpec spec) {
        this.client = client;
        this.spec = spec;
        this.collection = client.getDatabase(spec.database()).getCollection(spec.collection(), RawBsonDocument.class)
                .withReadConcern(ReadConcern.MAJORITY);
        this.projection = ServerPipeline.snapshotProjection(spec);
    }

    @Override
    public Chunk<ChangeEvent> read(String snapshotId, String afterKey, int limit) throws SourceException,
            InterruptedException {
        BsonDocument filter = afterKey == null ? new BsonDocument()
                : Filters.gt("_id", SnapshotKeys.decode(afterKey)).toBsonDocument();
        try (ClientSession session = client.startSession(ClientSessionOptions.builder().causallyConsistent(true).build());
             MongoCursor<RawBsonDocument> cursor = collection.find(session, filter).projection(projection).sort(Sorts.ascending("_id"))
                     .limit(limit).batchSize(limit).cursor()) {
            List<Row<ChangeEvent>> rows = new ArrayList<>(limit);
            while (cursor.hasNext()) {
                RawBsonDocument document = cursor.next();
                String key = SnapshotKeys.of(document);
                rows.add(new Row<>(key, SnapshotRecords.document(spec, snapshotId, key, document)));
            }
            BsonTimestamp readAt = session.getOperationTime();
            return new Chunk<>(rows, readAt == null ? -1 : readAt.getValue());
        } catch (MongoException e) {
            throw failure("reading a snapshot chunk of " + spec.namespace(), e);
        }
    }

    @Override
    public ChangeEvent marker(String snapshotId, String kind, SnapshotProgress progress) {
        return SnapshotRecords.marker(spec, snapshotId, kind, progress);
    }

    @Override
    public long estimatedCount() throws SourceException, InterruptedException {
        try {
            return collection.estimatedDocumentCount();
        } catch (MongoException e) {
            throw failure("counting " + spec.namespace(), e);
        }
    }

    private static SourceException failure(String what, MongoException e) throws InterruptedException {
        if (MongoErrors.isInterrupt(e)) {
            Thread.currentThread().interrupt();
            throw new InterruptedException(what + " was interrupted");
        }
        return new SourceException(what + " failed: " + e.getMessage(), e);
    }
}
