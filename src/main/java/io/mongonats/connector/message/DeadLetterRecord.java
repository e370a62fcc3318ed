package io.mongonats.connector.message;

import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import java.nio.charset.StandardCharsets;

/** What is published in place of a change that cannot be: enough to find the change and the reason. Pure. */
final class DeadLetterRecord {

    static final String OVERSIZED = "oversized";

    private DeadLetterRecord() {
    }

    static byte[] oversized(String namespace, ChangeEvent event, int size, int maxPayload) {
        return json(record(OVERSIZED, namespace, event)
                .append("size", new BsonInt32(size))
                .append("maxPayload", new BsonInt32(maxPayload)));
    }

    /** A change the format refused, such as an outbox document without a usable type. */
    static byte[] rejected(String namespace, ChangeEvent event, Rendering.Reject reject) {
        return json(record(reject.reason(), namespace, event).append("detail", new BsonString(reject.detail())));
    }

    private static BsonDocument record(String reason, String namespace, ChangeEvent event) {
        BsonDocument record = new BsonDocument("reason", new BsonString(reason))
                .append("namespace", new BsonString(namespace))
                .append("operationType", new BsonString(event.operationType()))
                .append("documentKey", event.documentKey());
        if (event.token() != null) {
            record.append("resumeToken", new BsonString(event.token()));
        }
        if (event.clusterTime() != null) {
            record.append("clusterTime", new BsonString(event.clusterTime()));
        }
        return record;
    }

    private static byte[] json(BsonDocument record) {
        return record.toJson().getBytes(StandardCharsets.UTF_8);
    }
}
