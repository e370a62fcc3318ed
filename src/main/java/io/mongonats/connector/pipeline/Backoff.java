package io.mongonats.connector.pipeline;

import java.time.Duration;

/** Doubling pauses between attempts, from the initial one up to the maximum; reset once streaming again. */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The pause before the next attempt; the one after it is twice as long, up to the maximum. */
    public Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    public void reset() {
        next = initial;
    }
}
