package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.StreamTail;

/**
 * One collection's stream. Every publish is fenced on the sequence its predecessor got, so the stream only ever
 * holds a gap-free prefix of the changes, whoever publishes.
 */
public interface EventSink {

    /** The stream's last message, read from the server. */
    StreamTail tail() throws SinkException;

    /** Publishes without waiting; the message is stored only if the stream's last sequence is {@code expectedLastSequence}. */
    PendingAck publish(OutboundMessage message, long expectedLastSequence) throws SinkException;

    /** The largest message the server accepts, headers included. */
    int maxPayload();

    /** The acknowledgement of one publish. */
    interface PendingAck {

        boolean isDone();

        /**
         * Waits at most {@code timeoutNanos}; returns the sequence the message was stored at. A refused fence or a
         * duplicate is {@link OutOfStepException}; a timeout is {@link java.util.concurrent.TimeoutException}.
         */
        long await(long timeoutNanos) throws OutOfStepException, SinkException, java.util.concurrent.TimeoutException,
                InterruptedException;

        /**
         * When the acknowledgement arrived ({@link System#nanoTime}), once {@link #await} has returned; a sink that
         * cannot tell answers the time of the call.
         */
        default long arrivedNanos() {
            return System.nanoTime();
        }
    }
}
