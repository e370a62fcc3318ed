package io.mongonats.connector.source;

import com.mongodb.MongoException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.pipeline.ChangeSource;
import io.mongonats.connector.pipeline.PositionRejectedException;
import io.mongonats.connector.pipeline.SourceException;
import io.mongonats.connector.pipeline.StartAt;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One change stream cursor on one collection, as raw BSON. Not thread-safe: the worker's thread alone uses it. */
public final class ChangeStreamSource implements ChangeSource<ChangeEvent> {

    private final MongoChangeStreamCursor<RawBsonDocument> cursor;
    private final long waitedNanos;
    private boolean lastReadWaited;

    private ChangeStreamSource(MongoChangeStreamCursor<RawBsonDocument> cursor, Duration maxAwaitTime) {
        this.cursor = cursor;
        this.waitedNanos = maxAwaitTime.toNanos() / 2;
    }

    /** Opens change streams on one collection of one client. */
    public static ChangeSource.Opener<ChangeEvent> opener(MongoClient client, CollectionSpec spec, int batchSize,
                                                          Duration maxAwaitTime) {
        return start -> open(client, spec, start, batchSize, maxAwaitTime);
    }

    static ChangeStreamSource open(MongoClient client, CollectionSpec spec, StartAt start, int batchSize,
                                   Duration maxAwaitTime) throws PositionRejectedException, SourceException, InterruptedException {
        List<Bson> pipeline = List.copyOf(ServerPipeline.changeStreamStages(spec));
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
            return new ChangeStreamSource((MongoChangeStreamCursor<RawBsonDocument>) iterable
                    .withDocumentClass(RawBsonDocument.class).cursor(), maxAwaitTime);
        } catch (MongoException e) {
            if (start.kind() != StartAt.Kind.NOW && MongoErrors.rejectsResumePosition(e)) {
                throw new PositionRejectedException(spec.namespace(), start.token().orElseThrow(), e);
            }
            throw translate(e);
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

    @Override
    public ChangeEvent next() throws SourceException, InterruptedException {
        long polledAt = System.nanoTime();
        RawBsonDocument next;
        try {
            next = cursor.tryNext();
        } catch (MongoException e) {
            throw translate(e);
        }
        if (next == null) {
            lastReadWaited = System.nanoTime() - polledAt >= waitedNanos;
            return null;
        }
        return new ChangeEvent(next);
    }

    /** The post-batch resume token once the local batch is drained: moves on even when no event matches. */
    @Override
    public String idlePosition() {
        BsonDocument token = cursor.getResumeToken();
        return token == null ? null : ResumeTokens.data(token);
    }

    @Override
    public boolean lastReadWaited() {
        return lastReadWaited;
    }

    @Override
    public void close() {
        cursor.close();
    }

    private static SourceException translate(MongoException e) throws InterruptedException {
        if (MongoErrors.isInterrupt(e)) {
            Thread.currentThread().interrupt();
            throw new InterruptedException("interrupted while reading the change stream");
        }
        return new SourceException(e.getMessage(), e);
    }
}
