package io.mongonats.connector.lease;

/** A monotonic time source in nanoseconds, like {@link System#nanoTime()}: only differences mean anything. */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
