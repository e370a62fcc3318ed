package io.mongonats.connector.pipeline;

/** An open, ordered source of changes for one collection. Used by the worker's thread alone. */
public interface ChangeSource<C extends Change> extends AutoCloseable {

    /** The next change, or null when none arrived within the server's await time. */
    C next() throws SourceException, InterruptedException;

    /** A position past everything read so far, even when no change matched; null while the source has none. */
    String idlePosition();

    /** True when the server held the last empty read for its await time: no need to pause before the next. */
    boolean lastReadWaited();

    @Override
    void close();

    /** Opens sources; a position the server refuses is {@link PositionRejectedException}. */
    @FunctionalInterface
    interface Opener<C extends Change> {
        ChangeSource<C> open(StartAt start) throws PositionRejectedException, SourceException, InterruptedException;
    }
}
