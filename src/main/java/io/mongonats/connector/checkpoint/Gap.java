package io.mongonats.connector.checkpoint;

import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Changes that were not published because the stored position could not be resumed from.
 *
 * @param fromToken      the last position known to be published (the rejected token)
 * @param fromSequence   the stream sequence at that position
 * @param toToken        where streaming restarted, when the server gave a token (may be null)
 * @param restartedAt    when streaming restarted
 */
public record Gap(String namespace, String fromToken, long fromSequence, String toToken, Instant restartedAt,
                  String reason) {

    public byte[] toBytes() {
        return new BsonDocument("namespace", new BsonString(namespace))
                .append("fromToken", new BsonString(fromToken))
                .append("fromStreamSequence", new BsonInt64(fromSequence))
                .append("toToken", toToken == null ? BsonNull.VALUE : new BsonString(toToken))
                .append("restartedAt", new BsonString(restartedAt.toString()))
                .append("reason", new BsonString(reason))
                .toJson().getBytes(StandardCharsets.UTF_8);
    }
}
