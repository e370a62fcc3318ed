package io.mongonats.connector.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The watermark window around one snapshot chunk (DBLog's algorithm, with the change stream itself as the
 * watermark, so no write privilege is needed). The window opens when the chunk is read and closes once the stream
 * has been read past the moment of the read: at the first empty read after it, or at the first change that
 * happened after it. Changes read meanwhile are published first; a chunk document that one of them touched is
 * dropped, since that change carries its newer state. The rest are published when the window closes. Pure.
 */
final class SnapshotWindow<C extends Change> {

    private final SnapshotSource.Chunk<C> chunk;
    private final Set<String> keys = new HashSet<>();
    private final Set<String> touched = new HashSet<>();

    SnapshotWindow(SnapshotSource.Chunk<C> chunk) {
        this.chunk = chunk;
        chunk.rows().forEach(row -> keys.add(row.key()));
    }

    /** True when the change happened after the chunk was read: the window closes before it is published. */
    boolean closesBefore(Change change) {
        long readAt = chunk.readAtClusterTime();
        return readAt >= 0 && change.clusterTimeValue() > readAt;
    }

    /** A change read while the window is open, published before the chunk's documents. */
    void observe(Change change) {
        if (keys.isEmpty()) {
            return;
        }
        String key = change.documentKeyId();
        if (key != null && keys.contains(key)) {
            touched.add(key);
        }
    }

    /** The documents no change in the window touched: their state is still the newest. */
    List<SnapshotSource.Row<C>> survivors() {
        List<SnapshotSource.Row<C>> rows = new ArrayList<>(chunk.rows().size());
        for (SnapshotSource.Row<C> row : chunk.rows()) {
            if (!touched.contains(row.key())) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** The last key the chunk read, where the next chunk starts; null when it read nothing. */
    String lastKey() {
        List<SnapshotSource.Row<C>> rows = chunk.rows();
        return rows.isEmpty() ? null : rows.getLast().key();
    }

    int size() {
        return chunk.rows().size();
    }
}
