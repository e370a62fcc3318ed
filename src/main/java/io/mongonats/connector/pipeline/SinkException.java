package io.mongonats.connector.pipeline;

/** The sink could not be reached or refused a request for a reason other than the fence. */
public final class SinkException extends Exception {

    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
