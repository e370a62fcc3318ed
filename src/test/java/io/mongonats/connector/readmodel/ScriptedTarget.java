package io.mongonats.connector.readmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A target that answers each write by its sequence as scripted (applied unless told otherwise), and records calls. */
final class ScriptedTarget implements TargetStore {

    final Map<Long, WriteResult> results = new HashMap<>();
    final List<List<PlannedWrite>> calls = new ArrayList<>();
    SinkUnavailableException unavailable;

    @Override
    public void prepare() {
    }

    @Override
    public List<WriteResult> apply(List<PlannedWrite> writes) throws SinkUnavailableException {
        if (unavailable != null) {
            throw unavailable;
        }
        calls.add(List.copyOf(writes));
        return writes.stream().map(write -> results.getOrDefault(write.sequence(), WriteResult.APPLIED)).toList();
    }
}
