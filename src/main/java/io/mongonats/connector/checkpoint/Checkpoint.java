package io.mongonats.connector.checkpoint;

import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A stored position: every change up to and including {@code token}, and the snapshot up to its progress, is in
 * the stream at or before {@code streamSequence}. True whoever writes it, so a late write from a former holder
 * cannot cause a loss.
 *
 * @param token           null when only a snapshot has been published so far
 * @param afterInvalidate the token is an invalidate event's, which a change stream can only start after
 * @param snapshot        the snapshot in progress or last completed, or null
 */
public record Checkpoint(String token, boolean afterInvalidate, long streamSequence, Instant writtenAt, String replica,
                         SnapshotProgress snapshot) {

    public Checkpoint(String token, boolean afterInvalidate, long streamSequence, Instant writtenAt, String replica) {
        this(token, afterInvalidate, streamSequence, writtenAt, replica, null);
    }

    public byte[] toBytes() {
        BsonDocument document = new BsonDocument("afterInvalidate", BsonBoolean.valueOf(afterInvalidate))
                .append("streamSequence", new BsonInt64(streamSequence))
                .append("writtenAt", new BsonString(writtenAt.toString()))
                .append("replica", new BsonString(replica));
        if (token != null) {
            document.append("token", new BsonString(token));
        }
        if (snapshot != null) {
            document.append("snapshot", snapshot.toDocument());
        }
        return document.toJson().getBytes(StandardCharsets.UTF_8);
    }

    public static Checkpoint fromBytes(byte[] bytes) {
        try {
            BsonDocument document = BsonDocument.parse(new String(bytes, StandardCharsets.UTF_8));
            BsonValue token = document.get("token");
            BsonValue snapshot = document.get("snapshot");
            return new Checkpoint(token == null ? null : token.asString().getValue(),
                    document.getBoolean("afterInvalidate", BsonBoolean.FALSE).getValue(),
                    document.getNumber("streamSequence").longValue(),
                    Instant.parse(document.getString("writtenAt").getValue()),
                    document.getString("replica").getValue(),
                    snapshot == null ? null : SnapshotProgress.fromDocument(snapshot.asDocument()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("stored checkpoint is not valid: " + e.getMessage()
                    + "; delete the key to start from the stream's last message", e);
        }
    }
}
