package io.mongonats.connector.readmodel;

/** The sink cannot run as configured (its consumer or dead-letter stream is at odds with the configuration). */
public final class SinkSetupException extends RuntimeException {

    public SinkSetupException(String message) {
        super(message);
    }
}
