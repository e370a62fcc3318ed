package io.mongonats.connector.source;

/** The server refused to resume a change stream from a stored token: its history is gone or the token is bad. */
public final class ResumePositionRejectedException extends RuntimeException {

    public ResumePositionRejectedException(String namespace, String token, Throwable cause) {
        super("MongoDB refused to resume the change stream of " + namespace + " after token " + token + ": "
                + cause.getMessage(), cause);
    }
}
