package io.mongonats.connector.source;

import io.mongonats.connector.pipeline.Change;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * A change event as the server sent it, or a snapshot record shaped like one: its raw bytes, and the few
 * top-level fields read in one pass.
 */
public final class ChangeEvent implements Change {

    private final RawBsonDocument raw;
    private final String messageId;
    private String token;
    private String operationType = "unknown";
    private BsonTimestamp clusterTime;
    private long wallTimeMillis = -1;

    /** A change event from a change stream: identified by its resume token. */
    public ChangeEvent(RawBsonDocument raw) {
        this.raw = raw;
        read();
        if (token == null) {
            throw new IllegalArgumentException("change event without a string _id._data resume token (needs MongoDB 4.2 or newer)");
        }
        this.messageId = token;
    }

    /** A snapshot record or marker: no position of its own, identified by {@code messageId}. */
    ChangeEvent(RawBsonDocument raw, String messageId) {
        this.raw = raw;
        read();
        this.token = null;
        this.messageId = messageId;
    }

    private void read() {
        try (BsonBinaryReader reader = new BsonBinaryReader(raw.getByteBuffer().asNIO())) {
            reader.readStartDocument();
            while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                String name = reader.readName();
                BsonType type = reader.getCurrentBsonType();
                switch (name) {
                    case "_id" -> token = readTokenData(reader, type);
                    case "operationType" -> readOperationType(reader, type);
                    case "clusterTime" -> clusterTime = type == BsonType.TIMESTAMP ? reader.readTimestamp() : skip(reader);
                    case "wallTime" -> wallTimeMillis = type == BsonType.DATE_TIME ? reader.readDateTime() : skipLong(reader);
                    default -> reader.skipValue();
                }
            }
        }
    }

    private void readOperationType(BsonBinaryReader reader, BsonType type) {
        if (type == BsonType.STRING) {
            operationType = reader.readString();
        } else {
            reader.skipValue();
        }
    }

    private static String readTokenData(BsonBinaryReader reader, BsonType type) {
        if (type != BsonType.DOCUMENT) {
            reader.skipValue();
            return null;
        }
        String data = null;
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            if (reader.readName().equals("_data") && reader.getCurrentBsonType() == BsonType.STRING) {
                data = reader.readString();
            } else {
                reader.skipValue();
            }
        }
        reader.readEndDocument();
        return data;
    }

    private static BsonTimestamp skip(BsonBinaryReader reader) {
        reader.skipValue();
        return null;
    }

    private static long skipLong(BsonBinaryReader reader) {
        reader.skipValue();
        return -1;
    }

    /** The resume token's {@code _data}: unique and ordered within a collection's stream; null for a snapshot record. */
    @Override
    public String token() {
        return token;
    }

    /** What identifies the message: the resume token, or a snapshot record's own id. */
    public String messageId() {
        return messageId;
    }

    @Override
    public String operationType() {
        return operationType;
    }

    /** The cluster time as {@code seconds.increment}, or null when the server did not send it. */
    public String clusterTime() {
        return clusterTime == null ? null : clusterTime.getTime() + "." + clusterTime.getInc();
    }

    /** Milliseconds since the epoch when the change happened: wallTime, else the cluster time's seconds, else -1. */
    @Override
    public long eventTimeMillis() {
        if (wallTimeMillis >= 0) {
            return wallTimeMillis;
        }
        return clusterTime == null ? -1 : clusterTime.getTime() * 1000L;
    }

    @Override
    public String documentKeyId() {
        BsonValue id = documentKey().get("_id");
        return id == null ? null : SnapshotKeys.encode(id);
    }

    @Override
    public long clusterTimeValue() {
        return clusterTime == null ? -1 : clusterTime.getValue();
    }

    public BsonDocument documentKey() {
        BsonValue key = raw.get("documentKey");
        return key != null && key.isDocument() ? key.asDocument() : new BsonDocument();
    }

    public RawBsonDocument raw() {
        return raw;
    }
}
