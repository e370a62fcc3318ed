package io.mongonats.connector.pipeline;

/** The source refused to resume from a stored position: its history is gone or the position is bad. */
public final class PositionRejectedException extends Exception {

    public PositionRejectedException(String namespace, String token, Throwable cause) {
        super("MongoDB refused to resume the change stream of " + namespace + " after token " + token + ": "
                + cause.getMessage(), cause);
    }
}
