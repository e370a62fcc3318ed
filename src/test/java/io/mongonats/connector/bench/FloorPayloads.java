package io.mongonats.connector.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.FullDocument;

/**
 * The floor's input, encoded before its timed loop: per change the header values and the payload the connector
 * publishes for it (the whole event as relaxed Extended JSON, or its own BSON bytes). Written by the benchmark's
 * JVM from a cursor of its own, read by {@link FloorLoop}.
 */
final class FloorPayloads {

    /** One change: its resume token's {@code _data}, operation, cluster time (or null), key and payload. */
    record Prepared(String token, String operation, String clusterTime, String documentKey, byte[] payload) {
    }

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private FloorPayloads() {
    }

    /** Reads {@code count} changes after {@code token} (the connector's cursor options) and writes them to {@code file}. */
    @SuppressWarnings("unchecked")
    static void prepare(MongoCollection<Document> collection, String token, long count, String encoding, Path file)
            throws IOException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try (MongoChangeStreamCursor<RawBsonDocument> cursor = (MongoChangeStreamCursor<RawBsonDocument>) collection
                .watch().fullDocument(FullDocument.UPDATE_LOOKUP).batchSize(1000)
                .resumeAfter(resumeToken(token)).withDocumentClass(RawBsonDocument.class).cursor();
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeLong(count);
            for (long written = 0; written < count; ) {
                RawBsonDocument event = cursor.tryNext();
                if (event == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + written + " of " + count + " changes after " + token);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                    continue;
                }
                write(out, event, encoding);
                written++;
            }
        }
    }

    private static void write(DataOutputStream out, RawBsonDocument event, String encoding) throws IOException {
        out.writeUTF(event.getDocument("_id").getString("_data").getValue());
        out.writeUTF(event.getString("operationType").getValue());
        BsonTimestamp clusterTime = event.containsKey("clusterTime") ? event.getTimestamp("clusterTime") : null;
        out.writeUTF(clusterTime == null ? "" : clusterTime.getTime() + "." + clusterTime.getInc());
        out.writeUTF(event.getDocument("documentKey").toJson(CANONICAL));
        byte[] payload = switch (encoding) {
            case "json" -> event.toJson(RELAXED).getBytes(StandardCharsets.UTF_8);
            case "bson" -> {
                java.nio.ByteBuffer bytes = event.getByteBuffer().asNIO();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                yield copy;
            }
            default -> throw new IllegalArgumentException("encoding must be json or bson, not " + encoding);
        };
        out.writeInt(payload.length);
        out.write(payload);
    }

    static List<Prepared> load(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            long count = in.readLong();
            List<Prepared> changes = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                String token = in.readUTF();
                String operation = in.readUTF();
                String clusterTime = in.readUTF();
                String documentKey = in.readUTF();
                byte[] payload = new byte[in.readInt()];
                in.readFully(payload);
                changes.add(new Prepared(token, operation, clusterTime.isEmpty() ? null : clusterTime, documentKey, payload));
            }
            return changes;
        }
    }

    static BsonDocument resumeToken(String data) {
        return new BsonDocument("_data", new BsonString(data));
    }
}
