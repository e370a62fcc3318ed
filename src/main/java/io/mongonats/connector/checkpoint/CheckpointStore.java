package io.mongonats.connector.checkpoint;

import java.io.IOException;
import java.util.Optional;

/** Where resume positions and recorded gaps live, outside the process. */
public interface CheckpointStore {

    Optional<Checkpoint> load(String key) throws IOException;

    void save(String key, Checkpoint checkpoint) throws IOException;

    /** Keeps a record of changes that were skipped, for operators to see; never overwritten. */
    void recordGap(String key, Gap gap) throws IOException;

    /** True once when an operator asked for a new snapshot ({@code signal.<key>} = {@code snapshot}); the request is removed. */
    boolean takeSnapshotRequest(String key) throws IOException;
}
