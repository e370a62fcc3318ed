package io.mongonats.connector.sink;

import io.nats.client.JetStreamApiException;

/** The JetStream API error codes the connector branches on, in one place. */
public final class JetStreamErrors {

    /** A publish's or KV write's expected last sequence or revision is not the current one. */
    public static final int WRONG_LAST_SEQUENCE = 10071;
    /** No message at the requested sequence (removed by limits, or never there). */
    public static final int NO_MESSAGE_FOUND = 10037;
    /** The stream (or the KV bucket's stream) does not exist. */
    public static final int STREAM_NOT_FOUND = 10059;

    private JetStreamErrors() {
    }

    public static boolean is(Throwable error, int code) {
        return error instanceof JetStreamApiException api && api.getApiErrorCode() == code;
    }
}
