package io.mongonats.connector.message;

import io.mongonats.connector.pipeline.MessageHeaders;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What makes an outbox document's fields publishable: a type that forms subject tokens, an id that fits a header,
 * and headers NATS accepts that leave the connector's own alone. Each check returns null when the value is fine,
 * else why it is not. Pure.
 */
final class OutboxRules {

    /** Header name prefixes the connector and JetStream own: an event may not set them. */
    private static final String[] RESERVED_PREFIXES = {"nats-", "cdc-", HeaderNames.CE_PREFIX};

    private OutboxRules() {
    }

    /** Dot-separated tokens of printable ASCII without spaces or the wildcards * and >. */
    static String typeProblem(String type) {
        if (type.isEmpty()) {
            return "is empty";
        }
        for (String token : type.split("\\.", -1)) {
            if (token.isEmpty()) {
                return "has an empty subject token (a leading, trailing or double dot)";
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c <= 0x20 || c >= 0x7F || c == '*' || c == '>') {
                    return "contains '" + (c <= 0x20 || c >= 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c))
                            + "', which cannot be part of a subject token (printable ASCII without spaces, * or >)";
                }
            }
        }
        return null;
    }

    /** An id as the Msg-Id: ObjectId as hex, a UUID as text, a string or a whole number as written; else null. */
    static String idText(BsonValue id) {
        String text = switch (id.getBsonType()) {
            case OBJECT_ID -> id.asObjectId().getValue().toHexString();
            case STRING -> id.asString().getValue();
            case INT32 -> Integer.toString(id.asInt32().getValue());
            case INT64 -> Long.toString(id.asInt64().getValue());
            case BINARY -> uuid(id);
            default -> null;
        };
        return text == null || text.isEmpty() || !HeaderValues.printable(text) ? null : text;
    }

    private static String uuid(BsonValue id) {
        byte[] data = id.asBinary().getData();
        if (id.asBinary().getType() != BsonBinarySubType.UUID_STANDARD.getValue() || data.length != 16) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.wrap(data);
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
    }

    /** Adds each field as a header: strings, booleans and whole numbers; returns why one cannot be, or null. */
    static String addHeaders(BsonDocument fields, MessageHeaders headers) {
        for (Map.Entry<String, BsonValue> field : fields.entrySet()) {
            String name = field.getKey();
            if (!validName(name)) {
                return "header name '" + HeaderValues.percentEncoded(name) + "' is not printable ASCII without "
                        + "spaces and colons";
            }
            String lower = name.toLowerCase(Locale.ROOT);
            for (String prefix : RESERVED_PREFIXES) {
                if (lower.startsWith(prefix) || lower.equals(HeaderNames.CONTENT_TYPE)) {
                    return "header '" + name + "' is reserved (Nats-*, Cdc-*, ce-* and content-type are set by the connector)";
                }
            }
            BsonValue value = field.getValue();
            String text = switch (value.getBsonType()) {
                case STRING -> value.asString().getValue();
                case BOOLEAN -> Boolean.toString(value.asBoolean().getValue());
                case INT32 -> Integer.toString(value.asInt32().getValue());
                case INT64 -> Long.toString(value.asInt64().getValue());
                default -> null;
            };
            if (text == null) {
                return "header '" + name + "' is a " + value.getBsonType() + "; expected a string, boolean or whole number";
            }
            if (!HeaderValues.printable(text)) {
                return "header '" + name + "' has characters outside printable ASCII, which NATS headers cannot carry";
            }
            headers.add(name, text);
        }
        return null;
    }

    private static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == ':') {
                return false;
            }
        }
        return true;
    }
}
