package io.mongonats.connector.readmodel;

import java.util.List;

/** The target collection, written with guarded writes. */
public interface TargetStore {

    /** Creates what the writes rely on (the tombstones' TTL index). Idempotent. */
    void prepare() throws SinkUnavailableException;

    /** Applies the writes, in no particular order (at most one per document); one result per write, in order. */
    List<WriteResult> apply(List<PlannedWrite> writes) throws SinkUnavailableException, InterruptedException;
}
