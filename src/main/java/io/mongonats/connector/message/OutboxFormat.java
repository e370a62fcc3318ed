package io.mongonats.connector.message;

import io.mongonats.connector.config.MessageFormat.OutboxFields;
import io.mongonats.connector.pipeline.MessageHeaders;
import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.nio.charset.StandardCharsets;

/**
 * The outbox router: each inserted outbox document is the event itself, published on {@code <prefix>.<type>}
 * with its own id as the Msg-Id, its payload field as the payload and its headers field as headers. Updates,
 * deletes, collection events and snapshot records publish nothing. A document that cannot be published as an
 * event is dead-lettered with the reason.
 */
final class OutboxFormat implements Format {

    static final String INVALID_TYPE = "invalid-outbox-type";
    static final String INVALID_ID = "invalid-outbox-id";
    static final String INVALID_PAYLOAD = "invalid-outbox-payload";
    static final String INVALID_HEADERS = "invalid-outbox-headers";

    private final String subjectPrefix;
    private final OutboxFields fields;
    private final PayloadEncoder encoder;

    OutboxFormat(String subjectPrefix, OutboxFields fields, PayloadEncoder encoder) {
        this.subjectPrefix = subjectPrefix;
        this.fields = fields;
        this.encoder = encoder;
    }

    @Override
    public Rendering render(ChangeEvent event) {
        if (!event.operationType().equals("insert")) {
            return Rendering.SKIP;
        }
        RawBsonDocument document = event.raw().get("fullDocument") instanceof RawBsonDocument full ? full : null;
        if (document == null) {
            return new Rendering.Reject(event.messageId(), INVALID_PAYLOAD, "the insert event has no fullDocument");
        }
        BsonValue idValue = document.get(fields.idField());
        String id = idValue == null ? null : OutboxRules.idText(idValue);
        if (id == null) {
            return new Rendering.Reject(event.messageId(), INVALID_ID, "id field '" + fields.idField() + "' is "
                    + (idValue == null ? "missing" : "not an ObjectId, UUID, whole number or printable ASCII string"));
        }
        BsonValue typeValue = document.get(fields.typeField());
        String type = typeValue != null && typeValue.isString() ? typeValue.asString().getValue() : null;
        String typeProblem = type == null ? "is missing or not a string" : OutboxRules.typeProblem(type);
        if (typeProblem != null) {
            return new Rendering.Reject(id, INVALID_TYPE, "type field '" + fields.typeField() + "' "
                    + (type == null ? "" : "('" + type + "') ") + typeProblem);
        }
        MessageHeaders headers = null;
        if (fields.headersField().isPresent()) {
            String field = fields.headersField().get();
            BsonValue value = document.get(field);
            if (value != null && !value.isNull()) {
                headers = new MessageHeaders();
                String problem = value.isDocument() ? OutboxRules.addHeaders(value.asDocument(), headers)
                        : "is a " + value.getBsonType() + ", not a document";
                if (problem != null) {
                    return new Rendering.Reject(id, INVALID_HEADERS, "headers field '" + field + "': " + problem);
                }
            }
        }
        return payload(document.get(fields.payloadField()), id, type, headers);
    }

    private Rendering payload(BsonValue value, String id, String type, MessageHeaders headers) {
        String subject = subjectPrefix + "." + type;
        if (value instanceof RawBsonDocument document) {
            return new Rendering.Publish(subject, id, encoder.encode(document), type, encoder.contentType(), headers);
        }
        if (value != null && value.isString()) {
            return new Rendering.Publish(subject, id, value.asString().getValue().getBytes(StandardCharsets.UTF_8), type,
                    "text/plain; charset=utf-8", headers);
        }
        if (value != null && value.isBinary()) {
            return new Rendering.Publish(subject, id, value.asBinary().getData(), type, "application/octet-stream",
                    headers);
        }
        return new Rendering.Reject(id, INVALID_PAYLOAD, "payload field '" + fields.payloadField() + "' is "
                + (value == null || value.isNull() ? "missing" : "a " + value.getBsonType()
                + "; expected a document, a string or binary data"));
    }

    @Override
    public String headerValue() {
        return "outbox";
    }
}
