package io.mongonats.connector.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * A real server holds an empty read for its await time; one that answers at once must not be polled hot. The
 * pause starts short, for latency, and doubles while nothing arrives.
 */
final class IdlePause {

    private static final long MIN_MICROS = 250;
    private static final long MAX_MICROS = 10_000;

    private long micros = MIN_MICROS;

    void afterEmptyRead(boolean serverWaited) {
        if (serverWaited) {
            micros = MIN_MICROS;
            return;
        }
        LockSupport.parkNanos(micros * 1000L);
        micros = Math.min(MAX_MICROS, micros * 2);
    }

    void reset() {
        micros = MIN_MICROS;
    }
}
