package io.mongonats.connector.source;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import io.mongonats.connector.config.CollectionSpec;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Owns one change stream cursor on one collection. Not thread-safe: the worker's thread alone uses it. */
public final class ChangeStreamReader implements AutoCloseable {

    private final MongoChangeStreamCursor<RawBsonDocument> cursor;

    private ChangeStreamReader(MongoChangeStreamCursor<RawBsonDocument> cursor) {
        this.cursor = cursor;
    }

    /**
     * Opens the change stream. A server error for a token it cannot resume from is thrown as
     * {@link ResumePositionRejectedException}; transport errors are thrown as they are.
     */
    public static ChangeStreamReader open(MongoClient client, CollectionSpec spec, StartAt start,
                                          int batchSize, Duration maxAwaitTime) {
        List<Bson> pipeline = spec.pipeline().stream().<Bson>map(BsonDocument::parse).toList();
        ChangeStreamIterable<?> iterable = client.getDatabase(spec.database())
                .getCollection(spec.collection())
                .watch(pipeline)
                .fullDocument(fullDocument(spec.fullDocument()))
                .batchSize(batchSize)
                .maxAwaitTime(maxAwaitTime.toMillis(), TimeUnit.MILLISECONDS);
        if (spec.fullDocumentBeforeChange() != CollectionSpec.BeforeChangeMode.OFF) {
            iterable = iterable.fullDocumentBeforeChange(spec.fullDocumentBeforeChange() == CollectionSpec.BeforeChangeMode.REQUIRED
                    ? FullDocumentBeforeChange.REQUIRED : FullDocumentBeforeChange.WHEN_AVAILABLE);
        }
        switch (start.kind()) {
            case RESUME_AFTER -> iterable = iterable.resumeAfter(ResumeTokens.fromData(start.token().orElseThrow()));
            case START_AFTER -> iterable = iterable.startAfter(ResumeTokens.fromData(start.token().orElseThrow()));
            case NOW -> { }
        }
        try {
            return new ChangeStreamReader((MongoChangeStreamCursor<RawBsonDocument>) iterable
                    .withDocumentClass(RawBsonDocument.class).cursor());
        } catch (RuntimeException e) {
            if (start.kind() != StartAt.Kind.NOW && MongoErrors.rejectsResumePosition(e)) {
                throw new ResumePositionRejectedException(spec.namespace(), start.token().orElseThrow(), e);
            }
            throw e;
        }
    }

    private static FullDocument fullDocument(CollectionSpec.FullDocumentMode mode) {
        return switch (mode) {
            case DEFAULT -> FullDocument.DEFAULT;
            case UPDATE_LOOKUP -> FullDocument.UPDATE_LOOKUP;
            case WHEN_AVAILABLE -> FullDocument.WHEN_AVAILABLE;
            case REQUIRED -> FullDocument.REQUIRED;
        };
    }

    /** The next event, or null when none arrived within the server's await time. */
    public ChangeEvent tryNext() {
        RawBsonDocument next = cursor.tryNext();
        return next == null ? null : new ChangeEvent(next);
    }

    /** The post-batch resume token once the local batch is drained: moves on even when no event matches. */
    public String resumeToken() {
        BsonDocument token = cursor.getResumeToken();
        return token == null ? null : ResumeTokens.data(token);
    }

    @Override
    public void close() {
        cursor.close();
    }
}
