package io.mongonats.connector.pipeline;

/** A change too large for the server's max payload, with the policy set to stop. */
public final class OversizedEventException extends Exception {

    public OversizedEventException(String namespace, String documentKey, int size, int maxPayload) {
        super("a change of " + namespace + " with document key " + documentKey + " is " + size
                + " bytes as a message, more than the server's max payload of " + maxPayload + " bytes");
    }
}
