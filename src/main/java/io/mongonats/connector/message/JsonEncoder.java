package io.mongonats.connector.message;

import org.bson.BsonBinaryReader;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriter;
import org.bson.json.JsonWriterSettings;

import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes BSON documents as Extended JSON (relaxed or canonical) into one reused, unsynchronized buffer. One per
 * worker thread: not thread-safe.
 */
final class JsonEncoder implements PayloadEncoder {

    private static final int MAX_RETAINED_CHARS = 1 << 20;

    private final JsonWriterSettings settings;
    private final StringBuilder buffer = new StringBuilder(1024);
    private final Writer writer = new Writer() {
        @Override
        public void write(char[] chars, int offset, int length) {
            buffer.append(chars, offset, length);
        }

        @Override
        public void write(int c) {
            buffer.append((char) c);
        }

        @Override
        public void write(String text, int offset, int length) {
            buffer.append(text, offset, offset + length);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    JsonEncoder(JsonMode mode) {
        this.settings = JsonWriterSettings.builder().outputMode(mode).build();
    }

    @Override
    public byte[] encode(RawBsonDocument document) {
        buffer.setLength(0);
        try (BsonBinaryReader reader = new BsonBinaryReader(document.getByteBuffer().asNIO())) {
            new JsonWriter(writer, settings).pipe(reader);
        }
        byte[] json = buffer.toString().getBytes(StandardCharsets.UTF_8);
        if (buffer.capacity() > MAX_RETAINED_CHARS) {
            buffer.setLength(0);
            buffer.trimToSize();
        }
        return json;
    }

    @Override
    public String contentType() {
        return "application/json";
    }
}
