package io.mongonats.connector.pipeline;

import java.util.List;

/** Reads a collection's existing documents in key order, in chunks, as snapshot records. */
public interface SnapshotSource<C extends Change> {

    /**
     * Up to {@code limit} documents with keys after {@code afterKey} (null: from the first), in key order, each as a
     * snapshot record of snapshot {@code snapshotId}, read with majority read concern.
     */
    Chunk<C> read(String snapshotId, String afterKey, int limit) throws SourceException, InterruptedException;

    /** A message that opens ({@code snapshot-started}) or closes ({@code snapshot-completed}) a snapshot. */
    C marker(String snapshotId, String kind, io.mongonats.connector.checkpoint.SnapshotProgress progress);

    /** The collection's estimated document count: cheap, for progress only. */
    long estimatedCount() throws SourceException, InterruptedException;

    /**
     * @param readAtClusterTime the cluster time the chunk was read at, comparable with {@link Change#clusterTimeValue()};
     *                          -1 when the server does not say
     */
    record Chunk<C>(List<Row<C>> rows, long readAtClusterTime) {
    }

    /** One document: its key as {@link Change#documentKeyId()} gives it, and its record. */
    record Row<C>(String key, C record) {
    }
}
