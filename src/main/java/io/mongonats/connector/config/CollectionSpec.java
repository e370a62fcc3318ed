package io.mongonats.connector.config;

import java.util.List;

/**
 * One watched collection with every default resolved: what a worker needs, nothing it must derive.
 *
 * @param key          the lease and checkpoint key; unique, and equal to the stream name
 * @param pipeline     extra {@code $match} stages as JSON documents
 * @param format       what the collection's messages carry and how they are encoded
 */
public record CollectionSpec(
        String database,
        String collection,
        String stream,
        String subjectPrefix,
        FullDocumentMode fullDocument,
        BeforeChangeMode fullDocumentBeforeChange,
        List<String> pipeline,
        OversizedPolicy onOversized,
        String deadLetterSubject,
        LostPositionPolicy onLostPosition,
        SnapshotMode snapshot,
        MessageFormat format) {

    public String key() {
        return stream;
    }

    public String namespace() {
        return database + "." + collection;
    }

    /** The same options for another collection of the same database: how a database's options reach what it holds. */
    CollectionSpec forCollection(String collection, String stream, String subjectPrefix, String deadLetterSubject) {
        return new CollectionSpec(database, collection, stream, subjectPrefix, fullDocument, fullDocumentBeforeChange,
                pipeline, onOversized, deadLetterSubject, onLostPosition, snapshot, format);
    }

    public enum FullDocumentMode { DEFAULT, UPDATE_LOOKUP, WHEN_AVAILABLE, REQUIRED }

    public enum BeforeChangeMode { OFF, WHEN_AVAILABLE, REQUIRED }

    public enum OversizedPolicy { STOP, DEAD_LETTER }

    public enum LostPositionPolicy { STOP, RESTART_FROM_NOW }
}
