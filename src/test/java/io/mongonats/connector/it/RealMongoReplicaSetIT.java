package io.mongonats.connector.it;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.StreamReader.Received;
import io.mongonats.connector.testing.Streams;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core scenarios against a real MongoDB replica set and a real NATS server in containers, with the real
 * change stream semantics the stand-in lacks (replace events, invalidate after drop, ns and wallTime).
 * Skipped, not failed, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealMongoReplicaSetIT {

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
        connection = Nats.connect(natsUrl());
    }

    @AfterAll
    static void disconnect() throws Exception {
        connection.close();
        client.close();
    }

    private static String mongoUri() {
        return MONGO.getReplicaSetUrl() + "?directConnection=true";
    }

    private static String natsUrl() {
        return "nats://" + NATS.getHost() + ":" + NATS.getMappedPort(4222);
    }

    private static ConnectorFixture connector(String database, String collection) {
        return ConnectorFixture.forTests(mongoUri(), natsUrl(), "real-" + collection).watch(database, collection);
    }

    @Test
    void publishesEveryOperationTypeAndWatchesARecreatedCollectionAfterInvalidate() throws Exception {
        MongoCollection<Document> orders = client.getDatabase("real").getCollection("orders");
        try (ConnectorProcess connector = connector("real", "orders").start("real-ops")) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            // A real server gives the initial post-batch token, stored before the first change (the stand-in does not).
            assertTrue(connection.keyValue("mongo-nats-checkpoints").get("real_orders") != null,
                    "the start position is checkpointed before the first change");
            orders.insertOne(new Document("_id", 1).append("name", "a"));
            orders.updateOne(new Document("_id", 1), new Document("$set", new Document("name", "b")));
            orders.replaceOne(new Document("_id", 1), new Document("name", "c"));
            orders.deleteOne(new Document("_id", 1));
            orders.drop();
            Await.until(Duration.ofSeconds(30), "the worker to reopen after invalidate",
                    () -> connector.logText().contains("invalidated"));
            orders.insertOne(new Document("_id", 2).append("name", "again"));

            List<Received> messages = StreamReader.awaitCount(connection, "real_orders", 7, Duration.ofSeconds(30));
            assertEquals(List.of("real.orders.insert", "real.orders.update", "real.orders.replace", "real.orders.delete",
                    "real.orders.drop", "real.orders.invalidate", "real.orders.insert"),
                    messages.stream().map(Received::subject).toList());
            Document update = Document.parse(messages.get(1).payload());
            // updateLookup returns the document as it is when the event is read, which may already be the replacement.
            String looked = update.get("fullDocument", Document.class).getString("name");
            assertTrue(looked.equals("b") || looked.equals("c"), looked);
            assertEquals(1, update.get("documentKey", Document.class).getInteger("_id"));
            assertTrue(update.containsKey("wallTime") && update.containsKey("ns"), update.toJson());
        }
    }

    @Test
    void aConnectorKilledMidBurstPublishesEachChangeOnceAfterTheDuplicateWindow() throws Exception {
        try (SampleWriter writer = SampleWriter.open(mongoUri(), "real", "burst", 300)) {
            ConnectorFixture fixture = connector("real", "burst").set("connector.stream.duplicate-window", "2s");
            int total = 20_000;
            try (ConnectorProcess first = fixture.start("real-burst-1")) {
                first.awaitLog("change stream open", Duration.ofSeconds(60));
                Thread burst = Thread.ofPlatform().start(() -> writer.insertMany(total));
                StreamReader.awaitCount(connection, "real_burst", 2_000, Duration.ofSeconds(60));
                first.sigkill();
                first.waitForExit(Duration.ofSeconds(30));
                burst.join();
            }
            long crashedAt = System.nanoTime();
            Await.until(Duration.ofSeconds(10), "the duplicate window to pass",
                    () -> System.nanoTime() - crashedAt > Duration.ofMillis(2500).toNanos());
            try (ConnectorProcess second = fixture.start("real-burst-2")) {
                List<Received> messages = StreamReader.awaitCount(connection, "real_burst", total, Duration.ofSeconds(120));
                Streams.assertExactlyOnceInOrder("real_burst", messages, total);
            }
        }
    }
}
