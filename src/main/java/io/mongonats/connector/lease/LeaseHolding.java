package io.mongonats.connector.lease;

import java.time.Instant;

/** A lease key as read from the store: its holder, its revision and when it was last written, by the store's clock. */
public record LeaseHolding(String holder, long revision, Instant lastWrite) {
}
