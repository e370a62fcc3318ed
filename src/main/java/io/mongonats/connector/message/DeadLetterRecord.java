package io.mongonats.connector.message;

import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import java.nio.charset.StandardCharsets;

/** What is published in place of a change that cannot be: enough to find the change and the reason. Pure. */
final class DeadLetterRecord {

    private DeadLetterRecord() {
    }

    static byte[] oversized(String namespace, ChangeEvent event, int size, int maxPayload) {
        BsonDocument record = new BsonDocument("reason", new BsonString("oversized"))
                .append("namespace", new BsonString(namespace))
                .append("operationType", new BsonString(event.operationType()))
                .append("documentKey", event.documentKey())
                .append("size", new BsonInt32(size))
                .append("maxPayload", new BsonInt32(maxPayload))
                .append("resumeToken", new BsonString(event.token()));
        if (event.clusterTime() != null) {
            record.append("clusterTime", new BsonString(event.clusterTime()));
        }
        return record.toJson().getBytes(StandardCharsets.UTF_8);
    }
}
