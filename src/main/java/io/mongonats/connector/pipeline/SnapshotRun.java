package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.SnapshotProgress;

import java.util.List;

/**
 * One snapshot of a collection, read chunk by chunk in key order while its changes keep flowing. The session tells
 * it when the change stream has been read to its end and shows it every change before publishing it; it publishes
 * each chunk's surviving documents through the session when their {@link SnapshotWindow} closes.
 */
final class SnapshotRun<C extends Change> {

    static final String STARTED = "snapshot-started";
    static final String COMPLETED = "snapshot-completed";

    /** Publishes a snapshot message in the stream's order, leaving the snapshot at {@code progress}. */
    @FunctionalInterface
    interface Publisher<C> {
        void publish(C record, SnapshotProgress progress) throws Exception;
    }

    private final SnapshotSource<C> source;
    private final int chunkSize;
    private final Publisher<C> publisher;
    private SnapshotProgress progress;
    private SnapshotWindow<C> window;

    SnapshotRun(SnapshotSource<C> source, SnapshotProgress progress, int chunkSize, Publisher<C> publisher) {
        this.source = source;
        this.progress = progress;
        this.chunkSize = chunkSize;
        this.publisher = publisher;
    }

    /** Announces a new snapshot: consumers learn that a full copy follows. */
    void announce() throws Exception {
        publisher.publish(source.marker(progress.id(), STARTED, progress), progress);
    }

    SnapshotProgress progress() {
        return progress;
    }

    boolean completed() {
        return progress.completed();
    }

    /** Before a change is published: a change after the chunk's read closes the window first. */
    void beforeChange(C change) throws Exception {
        if (window != null && window.closesBefore(change)) {
            closeWindow();
            openWindow();
        }
    }

    /** After a change is handed to publishing: it supersedes the chunk's copy of its document. */
    void afterChange(C change) {
        if (window != null) {
            window.observe(change);
        }
    }

    /** The change stream was read to its end: everything up to the chunk's read is published. */
    void caughtUp() throws Exception {
        if (window != null) {
            closeWindow();
        }
        if (!progress.completed()) {
            openWindow();
        }
    }

    private void openWindow() throws Exception {
        SnapshotSource.Chunk<C> chunk = source.read(progress.id(), progress.lastKey(), chunkSize);
        if (chunk.rows().isEmpty()) {
            progress = progress.complete();
            publisher.publish(source.marker(progress.id(), COMPLETED, progress), progress);
            return;
        }
        window = new SnapshotWindow<>(chunk);
    }

    private void closeWindow() throws Exception {
        List<SnapshotSource.Row<C>> survivors = window.survivors();
        String chunkEnd = window.lastKey();
        window = null;
        long count = progress.count();
        for (int i = 0; i < survivors.size(); i++) {
            SnapshotSource.Row<C> row = survivors.get(i);
            String key = i == survivors.size() - 1 ? chunkEnd : row.key();
            progress = progress.after(key, ++count);
            publisher.publish(row.record(), progress);
        }
        progress = progress.after(chunkEnd, count);
    }
}
