package io.mongonats.connector.pipeline;

/** The stream is not where this worker expected (a fenced publish was refused): start again from its tail. */
public final class OutOfStepException extends Exception {

    public OutOfStepException(String message) {
        super(message);
    }
}
