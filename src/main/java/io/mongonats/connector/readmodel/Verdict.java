package io.mongonats.connector.readmodel;

import java.time.Duration;

/** How one message is settled with JetStream. */
public sealed interface Verdict {

    Outcome outcome();

    record Ack(Outcome outcome) implements Verdict {
    }

    record Nak(Duration delay) implements Verdict {
        @Override
        public Outcome outcome() {
            return Outcome.RETRIED;
        }
    }

    /** Copied with {@code reason} to the dead-letter subject, then acknowledged. */
    record DeadLetter(String reason) implements Verdict {
        @Override
        public Outcome outcome() {
            return Outcome.DEAD_LETTERED;
        }
    }
}
