package io.mongonats.connector.config;

import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * What a collection's messages carry and how (part of {@link ConnectorConfig.CollectionOptions}); read into a
 * {@link MessageFormat} by {@link MessageFormatResolver}.
 */
public interface MessageOptions {

    /** change-event, full-document or outbox: what each message carries. */
    @WithDefault("change-event")
    Optional<String> format();

    /** json (relaxed Extended JSON), json-canonical or bson (the raw BSON bytes). */
    @WithDefault("json")
    Optional<String> encoding();

    /** true adds CloudEvents binary-mode headers (ce-specversion, ce-id, ce-source, ce-type, ce-time). */
    @WithDefault("false")
    Optional<String> cloudevents();

    Fields fields();

    Outbox outbox();

    /** Fields removed by MongoDB before a change or a snapshot document leaves the server. */
    interface Fields {
        /** Comma-separated dotted paths of the change event, e.g. fullDocument.ssn,fullDocument.card. */
        Optional<String> exclude();
    }

    /** Where an outbox document keeps its event (format outbox): top-level field names. */
    interface Outbox {
        /** The event type: the last tokens of the subject. */
        @WithDefault("type")
        Optional<String> typeField();

        /** The event itself: a sub-document, a string or binary data. */
        @WithDefault("payload")
        Optional<String> payloadField();

        /** The event's id, published as Nats-Msg-Id. */
        @WithDefault("_id")
        Optional<String> idField();

        /** An optional sub-document whose fields become message headers. */
        Optional<String> headersField();
    }
}
