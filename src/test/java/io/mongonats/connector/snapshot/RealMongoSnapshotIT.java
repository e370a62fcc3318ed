package io.mongonats.connector.snapshot;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot against a real MongoDB replica set, with what the stand-in cannot do: real updates and replaces
 * (their events name the document in {@code documentKey}), operation times from a real majority read, and the
 * initial resume token stored before the snapshot starts. Skipped, not failed, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealMongoSnapshotIT {

    @Container
    private static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7.0");

    @Container
    private static final GenericContainer<?> NATS = new GenericContainer<>("nats:2.10-alpine")
            .withCommand("-js").withExposedPorts(4222);

    private static MongoClient client;
    private static Connection connection;

    @BeforeAll
    static void connect() throws Exception {
        client = MongoClients.create(mongoUri());
        connection = Nats.connect("nats://" + NATS.getHost() + ":" + NATS.getMappedPort(4222));
    }

    @AfterAll
    static void disconnect() throws Exception {
        connection.close();
        client.close();
    }

    private static String mongoUri() {
        return MONGO.getReplicaSetUrl() + "?directConnection=true";
    }

    @Test
    void aSnapshotWithRealUpdatesOnItsKeysReplaysToExactlyTheCollection() throws Exception {
        MongoCollection<Document> documents = client.getDatabase("realsnap").getCollection("docs");
        List<Document> batch = new ArrayList<>();
        for (long k = 0; k < 20_000; k++) {
            batch.add(new Document("_id", k).append("v", 0L).append("pad", "x".repeat(260)));
        }
        documents.insertMany(batch);
        CollectionStream stream = new CollectionStream(connection, "realsnap", "docs");
        ConnectorFixture fixture = ConnectorFixture.forTests(mongoUri(), "nats://" + NATS.getHost() + ":"
                + NATS.getMappedPort(4222), "real-snap").snapshots("initial").watch("realsnap", "docs")
                .set("connector.snapshot.chunk-size", "500");
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "real-snapshot-writer"));
        try (ConnectorProcess connector = fixture.start("real-snap")) {
            connector.awaitLog("starting (first start)", Duration.ofSeconds(90));
            assertTrue(connection.keyValue("mongo-nats-checkpoints").get(stream.name) != null,
                    "the position before the snapshot is checkpointed");
            Future<?> writes = writer.submit(() -> write(documents, stream, 6_000));
            stream.awaitCount("snapshot-completed", 1, Duration.ofMinutes(3));
            writes.get(3, TimeUnit.MINUTES);
            documents.insertOne(new Document("_id", 1_000_000L).append("v", 0L));
            Replay replay = Replay.of(stream.name, stream.awaitInsertOf(1_000_000L, Duration.ofMinutes(2)));
            replay.assertEquals(stream.name, documents.withDocumentClass(BsonDocument.class));
            Replay.Marker completed = replay.markers("snapshot-completed").getFirst();
            assertEquals(completed.documents(), replay.records(completed.snapshotId()).size());
        } finally {
            writer.shutdownNow();
            writer.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Updates, replaces, deletes and inserts, half of them just ahead of the snapshot's last published key. */
    private static void write(MongoCollection<Document> documents, CollectionStream stream, int operations) {
        Random random = new Random(15);
        for (int i = 0; i < operations; i++) {
            long near = stream.lastSnapshotKey() + 1;
            long key = random.nextBoolean() ? near + random.nextInt(1_000) : random.nextLong(24_000);
            switch (random.nextInt(4)) {
                case 0 -> documents.updateOne(Filters.eq("_id", key), Updates.inc("v", 1L));
                case 1 -> documents.replaceOne(Filters.eq("_id", key), new Document("_id", key).append("v", -1L));
                case 2 -> documents.deleteOne(Filters.eq("_id", key));
                default -> {
                    if (documents.find(Filters.eq("_id", key)).first() == null) {
                        documents.insertOne(new Document("_id", key).append("v", 1L));
                    }
                }
            }
        }
    }
}
