package io.mongonats.connector.checkpoint;

import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * How far a snapshot has come: every document up to {@code lastKey} (in key order) has been published, or was
 * superseded by a change published before it.
 *
 * @param id      the snapshot's id, part of each record's message id
 * @param lastKey the source's encoding of the last key read; null before the first chunk
 * @param count   snapshot records published so far
 * @param total   the collection's estimated size when the snapshot started, for progress reports
 */
public record SnapshotProgress(String id, String lastKey, long count, long total, boolean completed) {

    public static SnapshotProgress start(String id, long total) {
        return new SnapshotProgress(id, null, 0, total, false);
    }

    public SnapshotProgress after(String key, long published) {
        return new SnapshotProgress(id, key, published, total, false);
    }

    public SnapshotProgress complete() {
        return new SnapshotProgress(id, lastKey, count, total, true);
    }

    /** As a message header value: printable ASCII, fields separated by spaces. */
    public String toHeader() {
        return id + " " + count + " " + total + " " + (completed ? "completed" : "running") + " "
                + (lastKey == null ? "-" : lastKey);
    }

    public static SnapshotProgress fromHeader(String header) {
        String[] fields = header.split(" ");
        if (fields.length != 5) {
            throw new IllegalArgumentException("'" + header + "' is not a snapshot position written by this connector");
        }
        return new SnapshotProgress(fields[0], fields[4].equals("-") ? null : fields[4], Long.parseLong(fields[1]),
                Long.parseLong(fields[2]), fields[3].equals("completed"));
    }

    BsonDocument toDocument() {
        BsonDocument document = new BsonDocument("id", new BsonString(id))
                .append("count", new BsonInt64(count))
                .append("total", new BsonInt64(total))
                .append("completed", BsonBoolean.valueOf(completed));
        if (lastKey != null) {
            document.append("lastKey", new BsonString(lastKey));
        }
        return document;
    }

    static SnapshotProgress fromDocument(BsonDocument document) {
        return new SnapshotProgress(document.getString("id").getValue(),
                document.containsKey("lastKey") ? document.getString("lastKey").getValue() : null,
                document.getNumber("count").longValue(), document.getNumber("total").longValue(),
                document.getBoolean("completed").getValue());
    }
}
