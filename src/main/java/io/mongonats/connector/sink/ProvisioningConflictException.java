package io.mongonats.connector.sink;

/** A stream or bucket exists on the server in a form that contradicts the configuration: retrying cannot help. */
public final class ProvisioningConflictException extends RuntimeException {

    public ProvisioningConflictException(String message) {
        super(message);
    }
}
