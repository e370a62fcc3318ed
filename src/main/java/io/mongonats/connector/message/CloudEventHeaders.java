package io.mongonats.connector.message;

import io.mongonats.connector.pipeline.MessageHeaders;

import java.time.Instant;

/**
 * CloudEvents 1.0 in binary mode: each attribute a {@code ce-} header, percent-encoded, and the data's media type
 * in {@code content-type}. Source {@code mongodb/<database>/<collection>}. Pure.
 */
final class CloudEventHeaders {

    private final String source;

    CloudEventHeaders(String database, String collection) {
        this.source = "mongodb/" + HeaderValues.percentEncoded(database) + "/" + HeaderValues.percentEncoded(collection);
    }

    String sourceForTests() {
        return source;
    }

    /**
     * @param eventTimeMillis the change's wall time, else its cluster time; -1 leaves {@code ce-time} out
     * @param contentType     null for an event without data
     */
    void add(MessageHeaders headers, String id, String type, long eventTimeMillis, String contentType) {
        headers.add(HeaderNames.CE_SPECVERSION, "1.0")
                .add(HeaderNames.CE_ID, HeaderValues.percentEncoded(id))
                .add(HeaderNames.CE_SOURCE, source)
                .add(HeaderNames.CE_TYPE, HeaderValues.percentEncoded(type));
        if (eventTimeMillis >= 0) {
            headers.add(HeaderNames.CE_TIME, Instant.ofEpochMilli(eventTimeMillis).toString());
        }
        if (contentType != null) {
            headers.add(HeaderNames.CONTENT_TYPE, contentType);
        }
    }
}
