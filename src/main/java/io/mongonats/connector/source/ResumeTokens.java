package io.mongonats.connector.source;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/** Converts between a change stream resume token and the {@code _data} string that names a message. */
public final class ResumeTokens {

    private ResumeTokens() {
    }

    public static String data(BsonDocument token) {
        BsonValue data = token == null ? null : token.get("_data");
        if (data == null || !data.isString()) {
            throw new IllegalArgumentException("resume token has no string _data field (needs MongoDB 4.2 or newer): " + token);
        }
        return data.asString().getValue();
    }

    public static BsonDocument fromData(String data) {
        if (data == null || data.isBlank()) {
            throw new IllegalArgumentException("resume token data is empty");
        }
        return new BsonDocument("_data", new BsonString(data));
    }
}
