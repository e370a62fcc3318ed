package io.mongonats.connector.checkpoint;

import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A stored position: every change up to and including {@code token} is in the stream at or before
 * {@code streamSequence}. True whoever writes it, so a late write from a former holder cannot cause a loss.
 *
 * @param afterInvalidate the token is an invalidate event's, which a change stream can only start after
 */
public record Checkpoint(String token, boolean afterInvalidate, long streamSequence, Instant writtenAt, String replica) {

    public byte[] toBytes() {
        return new BsonDocument("token", new BsonString(token))
                .append("afterInvalidate", BsonBoolean.valueOf(afterInvalidate))
                .append("streamSequence", new BsonInt64(streamSequence))
                .append("writtenAt", new BsonString(writtenAt.toString()))
                .append("replica", new BsonString(replica))
                .toJson().getBytes(StandardCharsets.UTF_8);
    }

    public static Checkpoint fromBytes(byte[] bytes) {
        try {
            BsonDocument document = BsonDocument.parse(new String(bytes, StandardCharsets.UTF_8));
            return new Checkpoint(document.getString("token").getValue(),
                    document.getBoolean("afterInvalidate", BsonBoolean.FALSE).getValue(),
                    document.getNumber("streamSequence").longValue(),
                    Instant.parse(document.getString("writtenAt").getValue()),
                    document.getString("replica").getValue());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("stored checkpoint is not valid: " + e.getMessage()
                    + "; delete the key to start from the stream's last message", e);
        }
    }
}
