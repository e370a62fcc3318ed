package io.mongonats.connector.message;

import org.bson.BsonBinaryReader;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriter;
import org.bson.json.JsonWriterSettings;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** The JSON encoders for tests and the bench: ours, and the bson library's JsonWriter path it replaced (the oracle). */
public final class JsonEncoders {

    private JsonEncoders() {
    }

    /** A new {@link JsonEncoder}: reuses its buffer, one per thread. */
    public static Function<RawBsonDocument, byte[]> streaming(JsonMode mode) {
        return new JsonEncoder(mode)::encode;
    }

    /**
     * What JsonEncoder did before (kept verbatim as the oracle and the bench's baseline): the library's reader piped
     * into its JsonWriter over one reused StringBuilder, then String to UTF-8 bytes.
     */
    public static Function<RawBsonDocument, byte[]> library(JsonMode mode) {
        JsonWriterSettings settings = JsonWriterSettings.builder().outputMode(mode).build();
        StringBuilder buffer = new StringBuilder(1024);
        Writer writer = new Writer() {
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
        return document -> {
            buffer.setLength(0);
            try (BsonBinaryReader reader = new BsonBinaryReader(document.getByteBuffer().asNIO())) {
                new JsonWriter(writer, settings).pipe(reader);
            }
            return buffer.toString().getBytes(StandardCharsets.UTF_8);
        };
    }
}
