package io.mongonats.connector.config;

import java.util.List;
import java.util.Optional;

/**
 * What a collection's messages carry and how: the format, the payload encoding, CloudEvents headers, the fields
 * removed on the server, and where an outbox document keeps its parts.
 *
 * @param excludedFields dotted paths of the change event removed by the server, e.g. {@code fullDocument.ssn}
 */
public record MessageFormat(Kind kind, Encoding encoding, boolean cloudEvents, List<String> excludedFields,
                            OutboxFields outbox) {

    public static final MessageFormat DEFAULT = new MessageFormat(Kind.CHANGE_EVENT, Encoding.JSON, false, List.of(),
            OutboxFields.DEFAULT);

    public MessageFormat {
        excludedFields = List.copyOf(excludedFields);
    }

    public enum Kind { CHANGE_EVENT, FULL_DOCUMENT, OUTBOX }

    public enum Encoding { JSON, JSON_CANONICAL, BSON }

    /** Top-level fields of an outbox document; {@code headersField} is optional. */
    public record OutboxFields(String typeField, String payloadField, String idField, Optional<String> headersField) {

        public static final OutboxFields DEFAULT = new OutboxFields("type", "payload", "_id", Optional.empty());
    }
}
