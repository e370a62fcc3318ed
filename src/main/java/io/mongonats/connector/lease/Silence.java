package io.mongonats.connector.lease;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which members have gone silent: no heartbeat heard for {@code takeoverAfter}. A replica that has not heard its own
 * heartbeat within that time cannot tell silence from its own deafness (a stalled watch, a slow client thread), so
 * it finds nobody silent and leaves takeovers to the lease TTL. Pure: no I/O, no clock reads.
 */
public record Silence(String replicaId, Duration takeoverAfter) {

    /** How often a replica heartbeats: four chances to be heard before it counts as silent. */
    public Duration heartbeatInterval() {
        return takeoverAfter.dividedBy(4);
    }

    /**
     * @param now   monotonic nanoseconds
     * @param heard when each live member's heartbeat was last heard, on the same ticker
     */
    public Set<String> silent(long now, Map<String, Long> heard) {
        long limit = takeoverAfter.toNanos();
        Long self = heard.get(replicaId);
        Set<String> silent = new TreeSet<>();
        if (self == null || now - self >= limit) {
            return silent;
        }
        heard.forEach((member, at) -> {
            if (now - at >= limit) {
                silent.add(member);
            }
        });
        return silent;
    }
}
