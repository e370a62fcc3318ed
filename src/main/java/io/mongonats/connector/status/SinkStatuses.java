package io.mongonats.connector.status;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Where sinks publish their snapshots and health checks read them. */
public final class SinkStatuses {

    private final Map<String, SinkStatus> statuses = new ConcurrentHashMap<>();

    public void put(SinkStatus status) {
        statuses.put(status.name(), status);
    }

    public void update(String name, UnaryOperator<SinkStatus> change) {
        statuses.computeIfPresent(name, (key, status) -> change.apply(status));
    }

    public SinkStatus get(String name) {
        return statuses.get(name);
    }

    /** A copy, sorted by name. */
    public List<SinkStatus> all() {
        return statuses.values().stream().sorted(Comparator.comparing(SinkStatus::name)).toList();
    }
}
