package io.mongonats.connector.readmodel;

import java.time.Duration;

/** The pause before a negatively acknowledged message comes again: doubling with each delivery, up to a maximum. */
public record RetryDelays(Duration initial, Duration max) {

    public static final RetryDelays DEFAULT = new RetryDelays(Duration.ofSeconds(1), Duration.ofSeconds(30));

    public Duration afterDelivery(long deliveries) {
        int doublings = (int) Math.min(Math.max(0, deliveries - 1), 30);
        Duration delay = initial.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
