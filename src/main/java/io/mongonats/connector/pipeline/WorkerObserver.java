package io.mongonats.connector.pipeline;

/** What a worker reports as it goes; metrics implement it. Called on the worker's thread: must not block. */
public interface WorkerObserver {

    WorkerObserver NONE = new WorkerObserver() { };

    default void eventRead(String collectionKey, String operationType) { }

    default void eventPublished(String collectionKey, String operationType, long readToAckNanos,
                                long eventTimeMillis) { }

    default void deadLettered(String collectionKey) { }

    default void gapRecorded(String collectionKey) { }

    default void error(String collectionKey, String kind) { }

    /** Snapshot records published since the last call. */
    default void snapshotDocuments(String collectionKey, long published) { }
}
