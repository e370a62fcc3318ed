package io.mongonats.connector.message;

import io.mongonats.connector.pipeline.MessageHeaders;

/** What a format makes of one change: a message to publish, a change to dead-letter, or nothing. */
sealed interface Rendering {

    /** Nothing is published for the change; the stream's position moves on with the next message or idle read. */
    Rendering SKIP = new Skip();

    /**
     * @param eventType   the CloudEvents type: {@code mongodb.<operationType>} or the outbox type
     * @param contentType the payload's media type; null for an empty payload
     * @param headers     headers of the format's own, or null
     */
    record Publish(String subject, String messageId, byte[] payload, String eventType, String contentType,
                   MessageHeaders headers) implements Rendering {
    }

    /**
     * The change cannot be published as the format wants it; a dead-letter record goes in its place.
     *
     * @param reason a short code for the {@code Cdc-Dead-Letter-Reason} header, such as {@code invalid-outbox-type}
     * @param detail what is wrong, for the record
     */
    record Reject(String messageId, String reason, String detail) implements Rendering {
    }

    record Skip() implements Rendering {
    }
}
