package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.CheckpointStore;

/** The adapters one collection's worker reads from and writes to. */
public record WorkerPorts<C extends Change>(ChangeSource.Opener<C> source, SnapshotSource<C> snapshots,
                                            MessageMapper<C> mapper, EventSink sink,
                                            CheckpointStore checkpoints, SinkAvailability sinkAvailability) {
}
