package io.mongonats.connector.source;

import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.nio.charset.StandardCharsets;

/** A change event as the server sent it, read lazily from its raw bytes. */
public final class ChangeEvent {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final RawBsonDocument raw;
    private final String token;
    private final String operationType;

    ChangeEvent(RawBsonDocument raw) {
        this.raw = raw;
        this.token = ResumeTokens.data(raw.getDocument("_id"));
        BsonValue operation = raw.get("operationType");
        this.operationType = operation != null && operation.isString() ? operation.asString().getValue() : "unknown";
    }

    /** The resume token's {@code _data}: unique and ordered within a collection's stream. */
    public String token() {
        return token;
    }

    public String operationType() {
        return operationType;
    }

    public boolean isInvalidate() {
        return "invalidate".equals(operationType);
    }

    /** The cluster time as {@code seconds.increment}, or null when the server did not send it. */
    public String clusterTime() {
        BsonValue value = raw.get("clusterTime");
        if (value == null || !value.isTimestamp()) {
            return null;
        }
        BsonTimestamp time = value.asTimestamp();
        return time.getTime() + "." + time.getInc();
    }

    /** Milliseconds since the epoch when the change happened: wallTime, else the cluster time's seconds, else -1. */
    public long eventTimeMillis() {
        BsonValue wall = raw.get("wallTime");
        if (wall != null && wall.isDateTime()) {
            return wall.asDateTime().getValue();
        }
        BsonValue cluster = raw.get("clusterTime");
        return cluster != null && cluster.isTimestamp() ? cluster.asTimestamp().getTime() * 1000L : -1;
    }

    public BsonDocument documentKey() {
        BsonValue key = raw.get("documentKey");
        return key != null && key.isDocument() ? key.asDocument() : new BsonDocument();
    }

    /** The whole event as relaxed Extended JSON, the payload the original connector published. */
    public byte[] toJsonBytes() {
        return raw.toJson(RELAXED).getBytes(StandardCharsets.UTF_8);
    }
}
