package io.mongonats.connector.source;

import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonValueCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A document key as a string that survives a round trip exactly (every BSON type) and fits in a NATS header:
 * the BSON of {@code {"_id": key}}, base64url without padding. Pure.
 */
public final class SnapshotKeys {

    private static final BsonValueCodec CODEC = new BsonValueCodec();

    private SnapshotKeys() {
    }

    public static String encode(BsonValue key) {
        BasicOutputBuffer buffer = new BasicOutputBuffer(64);
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            writer.writeStartDocument();
            writer.writeName("_id");
            CODEC.encode(writer, key, EncoderContext.builder().build());
            writer.writeEndDocument();
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.toByteArray());
    }

    public static BsonValue decode(String encoded) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(encoded);
            try (BsonBinaryReader reader = new BsonBinaryReader(ByteBuffer.wrap(bytes))) {
                reader.readStartDocument();
                reader.readName();
                BsonValue key = CODEC.decode(reader, DecoderContext.builder().build());
                reader.readEndDocument();
                return key;
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + encoded + "' is not a snapshot key written by this connector", e);
        }
    }

    /** The key of a stored document, as {@link #encode} writes it. */
    static String of(RawBsonDocument document) {
        BsonValue id = document.get("_id");
        return id == null ? null : encode(id);
    }

    static BsonDocument keyDocument(BsonValue key) {
        return new BsonDocument("_id", key);
    }
}
