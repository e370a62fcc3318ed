package io.mongonats.connector.message;

import io.mongonats.connector.config.MessageFormat.Encoding;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;

/** Turns a BSON document into payload bytes in the collection's encoding. One per worker: may reuse buffers. */
interface PayloadEncoder {

    byte[] encode(RawBsonDocument document);

    /** The media type of what {@link #encode} returns. */
    String contentType();

    static PayloadEncoder of(Encoding encoding) {
        return switch (encoding) {
            case JSON -> new JsonEncoder(JsonMode.RELAXED);
            case JSON_CANONICAL -> new JsonEncoder(JsonMode.EXTENDED);
            case BSON -> new BsonBytes();
        };
    }

    /** The document's own BSON bytes, without transcoding. */
    final class BsonBytes implements PayloadEncoder {

        @Override
        public byte[] encode(RawBsonDocument document) {
            java.nio.ByteBuffer bytes = document.getByteBuffer().asNIO();
            if (bytes.hasArray() && bytes.arrayOffset() == 0 && bytes.position() == 0
                    && bytes.remaining() == bytes.array().length) {
                return bytes.array(); // a whole document read from the server: no copy; nobody writes to it
            }
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            return copy;
        }

        @Override
        public String contentType() {
            return "application/bson";
        }
    }
}
