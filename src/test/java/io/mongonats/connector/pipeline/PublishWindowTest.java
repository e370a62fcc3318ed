package io.mongonats.connector.pipeline;

import io.mongonats.connector.pipeline.PublishWindow.InFlight;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishWindowTest {

    private static EventSink.PendingAck storedAt(long sequence) {
        return new EventSink.PendingAck() {
            @Override
            public boolean isDone() {
                return true;
            }

            @Override
            public long await(long timeoutNanos) {
                return sequence;
            }
        };
    }

    private static final EventSink.PendingAck NEVER = new EventSink.PendingAck() {
        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public long await(long timeoutNanos) throws TimeoutException {
            throw new TimeoutException();
        }
    };

    private static InFlight entry(EventSink.PendingAck ack, String token, long expected) {
        return new InFlight(ack, new AckedPosition(token, false, expected, null), "insert", System.nanoTime(), System.nanoTime(), -1);
    }

    @Test
    void settlesInOrderAndKnowsWhenItIsFull() throws Exception {
        PublishWindow window = new PublishWindow(2, Duration.ofSeconds(1));
        window.add(entry(storedAt(1), "a", 1));
        window.add(entry(storedAt(2), "b", 2));
        assertTrue(window.isFull());
        assertTrue(window.headReady(System.nanoTime()));
        assertEquals("a", window.settleHead().after().token());
        assertEquals("b", window.settleHead().after().token());
        assertTrue(window.isEmpty());
    }

    @Test
    void anAcknowledgementAtAnotherSequenceIsOutOfStep() {
        PublishWindow window = new PublishWindow(4, Duration.ofSeconds(1));
        window.add(entry(storedAt(9), "a", 1));
        OutOfStepException e = assertThrows(OutOfStepException.class, window::settleHead);
        assertTrue(e.getMessage().contains("9 instead of 1"), e.getMessage());
    }

    @Test
    void aMissingAcknowledgementIsOutOfStepOnceOverdue() {
        PublishWindow window = new PublishWindow(4, Duration.ofMillis(1));
        window.add(entry(NEVER, "a", 1));
        assertTrue(window.headReady(System.nanoTime() + Duration.ofMillis(2).toNanos()), "overdue counts as ready");
        assertThrows(OutOfStepException.class, window::settleHead);
        assertFalse(window.isEmpty(), "the entry stays for abandon() to settle");
    }
}
