package io.mongonats.connector.pipeline;

/** The source could not be read for now (a transport or server error that a later attempt may not meet). */
public final class SourceException extends Exception {

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
