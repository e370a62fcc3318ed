package io.mongonats.connector.readmodel;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Hand-built messages in the connector's formats, for tests. */
final class Messages {

    private Messages() {
    }

    /** A change event in the change-event format; {@code json} is the whole payload. */
    static InboundMessage event(long sequence, String json) {
        return event(sequence, 1, json);
    }

    static InboundMessage event(long sequence, long deliveries, String json) {
        return new InboundMessage("shop.orders.change", sequence, deliveries, Map.of("Cdc-Operation", "x"),
                json.getBytes(StandardCharsets.UTF_8));
    }

    static InboundMessage insert(long sequence, int id, String fields) {
        return event(sequence, "{\"_id\": {\"_data\": \"" + sequence + "\"}, \"operationType\": \"insert\", "
                + "\"documentKey\": {\"_id\": " + id + "}, \"fullDocument\": {\"_id\": " + id + ", " + fields + "}}");
    }

    static InboundMessage update(long sequence, int id, String fields) {
        return event(sequence, "{\"operationType\": \"update\", \"documentKey\": {\"_id\": " + id + "}, "
                + "\"fullDocument\": {\"_id\": " + id + ", " + fields + "}, "
                + "\"updateDescription\": {\"updatedFields\": {}, \"removedFields\": []}}");
    }

    static InboundMessage patch(long sequence, int id, String updatedFields, String removedFields) {
        return event(sequence, "{\"operationType\": \"update\", \"documentKey\": {\"_id\": " + id + "}, "
                + "\"updateDescription\": {\"updatedFields\": " + updatedFields + ", \"removedFields\": " + removedFields + "}}");
    }

    static InboundMessage delete(long sequence, int id) {
        return event(sequence, "{\"operationType\": \"delete\", \"documentKey\": {\"_id\": " + id + "}}");
    }

    static InboundMessage garbage(long sequence, long deliveries) {
        return new InboundMessage("shop.orders.insert", sequence, deliveries, Map.of(),
                "not json {".getBytes(StandardCharsets.UTF_8));
    }

    /** The full-document format: the document alone, the key in a header. */
    static InboundMessage fullDocument(long sequence, String operation, String keyJson, String documentJson) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Cdc-Operation", operation);
        headers.put("Cdc-Document-Key", keyJson);
        headers.put("Cdc-Format", "full-document");
        return new InboundMessage("shop.orders." + operation, sequence, 1, headers,
                documentJson.getBytes(StandardCharsets.UTF_8));
    }

    static InboundMessage redelivered(InboundMessage message, long deliveries) {
        return new InboundMessage(message.subject(), message.sequence(), deliveries, message.headers(), message.payload());
    }
}
