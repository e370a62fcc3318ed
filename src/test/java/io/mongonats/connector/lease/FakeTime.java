package io.mongonats.connector.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** One fake time for a test: a monotonic ticker and a wall clock that move together, only when the test says. */
final class FakeTime implements Ticker {

    private static final Instant ORIGIN = Instant.parse("2026-11-23T10:00:00Z");

    private final AtomicLong nanos = new AtomicLong(Duration.ofHours(1).toNanos());

    @Override
    public long nanos() {
        return nanos.get();
    }

    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    Instant instantAt(long tickerNanos) {
        return ORIGIN.plusNanos(tickerNanos);
    }

    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("the fake clock is UTC only");
            }

            @Override
            public Instant instant() {
                return instantAt(nanos());
            }
        };
    }
}
