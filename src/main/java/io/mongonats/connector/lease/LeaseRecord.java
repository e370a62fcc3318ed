package io.mongonats.connector.lease;

import org.bson.BsonDocument;
import org.bson.BsonString;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The value of a lease key: who holds it, since when, and when it was last renewed. */
public record LeaseRecord(String holder, Instant acquiredAt, Instant renewedAt) {

    public byte[] toBytes() {
        return new BsonDocument("holder", new BsonString(holder))
                .append("acquiredAt", new BsonString(acquiredAt.toString()))
                .append("renewedAt", new BsonString(renewedAt.toString()))
                .toJson().getBytes(StandardCharsets.UTF_8);
    }

    public static LeaseRecord fromBytes(byte[] bytes) {
        BsonDocument document = BsonDocument.parse(new String(bytes, StandardCharsets.UTF_8));
        return new LeaseRecord(document.getString("holder").getValue(),
                Instant.parse(document.getString("acquiredAt").getValue()),
                Instant.parse(document.getString("renewedAt").getValue()));
    }
}
