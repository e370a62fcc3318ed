package io.mongonats.connector.source;

import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.config.CollectionSpec;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

/**
 * Snapshot messages shaped like change events, so that every format treats them alike: a document is
 * {@code {_id: {snapshot, key}, operationType: "snapshot", ns, documentKey, fullDocument}}; the markers carry the
 * snapshot's id and count. Pure.
 */
final class SnapshotRecords {

    private static final EncoderContext CONTEXT = EncoderContext.builder().build();

    private SnapshotRecords() {
    }

    /** A document of snapshot {@code snapshotId}; its message id, {@code snap-<id>-<key>}, is the same on every retry. */
    static ChangeEvent document(CollectionSpec spec, String snapshotId, String key, RawBsonDocument document) {
        BasicOutputBuffer buffer = new BasicOutputBuffer(document.getByteBuffer().remaining() + 256);
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            writer.writeStartDocument();
            writer.writeName("_id");
            new BsonDocumentCodec().encode(writer, new BsonDocument("snapshot", new BsonString(snapshotId))
                    .append("key", document.get("_id")), CONTEXT);
            writer.writeString("operationType", "snapshot");
            writer.writeName("ns");
            new BsonDocumentCodec().encode(writer, namespace(spec), CONTEXT);
            writer.writeName("documentKey");
            new BsonDocumentCodec().encode(writer, SnapshotKeys.keyDocument(document.get("_id")), CONTEXT);
            writer.writeName("fullDocument");
            writer.pipe(new org.bson.BsonBinaryReader(document.getByteBuffer().asNIO()));
            writer.writeEndDocument();
        }
        return new ChangeEvent(new RawBsonDocument(buffer.toByteArray()), "snap-" + snapshotId + "-" + key);
    }

    /** {@code snapshot-started} or {@code snapshot-completed}, with the number of documents so far. */
    static ChangeEvent marker(CollectionSpec spec, String snapshotId, String kind, SnapshotProgress progress) {
        BsonDocument marker = new BsonDocument("_id", new BsonDocument("snapshot", new BsonString(snapshotId)))
                .append("operationType", new BsonString(kind))
                .append("ns", namespace(spec))
                .append("snapshotId", new BsonString(snapshotId))
                .append("documents", new BsonInt64(progress.count()))
                .append("estimatedDocuments", new BsonInt64(progress.total()));
        return new ChangeEvent(RawBsonDocument.parse(marker.toJson()), "snap-" + snapshotId + "-" + kind);
    }

    private static BsonDocument namespace(CollectionSpec spec) {
        return new BsonDocument("db", new BsonString(spec.database())).append("coll", new BsonString(spec.collection()));
    }
}
