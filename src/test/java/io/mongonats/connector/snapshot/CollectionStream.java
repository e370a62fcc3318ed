package io.mongonats.connector.snapshot;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.StreamReader.Received;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import org.bson.BsonDocument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** One collection's stream ({@code <database>_<collection>}, subjects {@code <database>.<collection>.*}) as a test watches it. */
final class CollectionStream {

    private final Connection connection;
    final String name;
    private final String prefix;

    CollectionStream(Connection connection, String database, String collection) {
        this.connection = connection;
        this.name = database + "_" + collection;
        this.prefix = database + "." + collection;
    }

    /** Messages stored for {@code operation} (e.g. {@code snapshot}, {@code snapshot-completed}); 0 before the stream exists. */
    long count(String operation) throws IOException {
        try {
            List<Subject> subjects = connection.jetStreamManagement()
                    .getStreamInfo(name, StreamInfoOptions.filterSubjects(prefix + "." + operation))
                    .getStreamState().getSubjects();
            return subjects == null ? 0 : subjects.stream().mapToLong(Subject::getCount).sum();
        } catch (JetStreamApiException e) {
            return 0;
        }
    }

    /** Waits until at least {@code expected} messages for {@code operation} are stored. */
    void awaitCount(String operation, long expected, Duration timeout) {
        Await.until(timeout, name + " holds " + expected + " " + operation + " messages", () -> count(operation) >= expected);
    }

    /** The key ({@code documentKey._id}, an Int64) of the last snapshot record stored, -1 before the first. */
    long lastSnapshotKey() {
        try {
            MessageInfo last = connection.jetStreamManagement().getLastMessage(name, prefix + ".snapshot");
            return BsonDocument.parse(new String(last.getData(), StandardCharsets.UTF_8))
                    .getDocument("documentKey").getNumber("_id").longValue();
        } catch (IOException | JetStreamApiException e) {
            return -1;
        }
    }

    /**
     * Waits until the stream's last message is the insert of document {@code key}, written after every other
     * write of the test, then reads the whole stream.
     */
    List<Received> awaitInsertOf(long key, Duration timeout) {
        Await.until(timeout, name + " ends with the insert of " + key, () -> {
            MessageInfo last = connection.jetStreamManagement().getLastMessage(name, prefix + ".>");
            BsonDocument event = BsonDocument.parse(new String(last.getData(), StandardCharsets.UTF_8));
            return event.getString("operationType").getValue().equals("insert")
                    && event.getDocument("documentKey").getNumber("_id").longValue() == key;
        });
        return StreamReader.readAll(connection, name);
    }
}
