package io.mongonats.connector.message;

import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;

import java.nio.ByteBuffer;

/**
 * Encodes BSON documents as Extended JSON (relaxed or canonical) through one reused byte buffer, transcoding the raw
 * BSON bytes directly ({@link BsonJsonWriter}). One per worker thread: not thread-safe.
 */
final class JsonEncoder implements PayloadEncoder {

    private static final int MAX_RETAINED_BYTES = 1 << 20;

    private final JsonBuffer buffer = new JsonBuffer();
    private final BsonJsonWriter writer;

    JsonEncoder(JsonMode mode) {
        this.writer = new BsonJsonWriter(mode, buffer);
    }

    @Override
    public byte[] encode(RawBsonDocument document) {
        ByteBuffer bytes = document.getByteBuffer().asNIO();
        buffer.clear();
        try {
            if (bytes.hasArray()) {
                writer.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                writer.write(copy, 0, copy.length);
            }
            return buffer.toByteArray();
        } finally {
            if (buffer.capacity() > MAX_RETAINED_BYTES) {
                buffer.release();
            }
        }
    }

    @Override
    public String contentType() {
        return "application/json";
    }
}
