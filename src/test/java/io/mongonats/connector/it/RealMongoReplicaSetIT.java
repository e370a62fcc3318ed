package io.mongonats.connector.it;

import com.mongodb.client.ClientSession;
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
import io.nats.client.Message;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void theReadmeOutboxTransactionsPublishTheEventsTheyCommitAndNothingOfAnAbortedOne() throws Exception {
        // The stand-in has no sessions, so no transactions: the README's examples are verified here only.
        try (ConnectorProcess connector = connector("shop", "outbox").with("format", "outbox")
                .with("outbox.headers-field", "headers").start("real-outbox")) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            ObjectId javaEvent = ReadmeOutboxExample.placeOrder(client);
            try (ClientSession session = client.startSession()) {
                session.startTransaction();
                client.getDatabase("shop").getCollection("outbox").insertOne(session,
                        new Document("_id", new ObjectId()).append("type", "order.aborted").append("payload", new Document()));
                session.abortTransaction();
            }
            boolean node = runNodeExample();
            List<Message> messages = awaitMessages("shop_outbox", node ? 2 : 1);
            Message first = messages.get(0);
            assertEquals("shop.outbox.order.created", first.getSubject());
            assertEquals(javaEvent.toHexString(), first.getHeaders().getFirst("Nats-Msg-Id"));
            assertEquals("java-example", first.getHeaders().getFirst("producer"));
            assertEquals(99.5, BsonDocument.parse(new String(first.getData(), StandardCharsets.UTF_8))
                    .getNumber("total").doubleValue());
            if (node) {
                assertEquals("shop.outbox.order.created", messages.get(1).getSubject());
                assertEquals("node-example", messages.get(1).getHeaders().getFirst("producer"));
            } else {
                System.out.println("REAL OUTBOX: node or npm missing; the README's Node example was not run");
            }
            assertEquals(node ? 2 : 1, messages.size(), "the aborted event was never published");
        }
    }

    /** Runs the README's Node example (test resource readme/outbox-transaction.mjs); false when node or npm is missing. */
    private static boolean runNodeExample() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("readme-node-");
        Files.copy(Path.of("src/test/resources/readme/outbox-transaction.mjs"), dir.resolve("example.mjs"));
        if (run(dir, List.of("npm", "install", "--silent", "--no-audit", "--no-fund", "mongodb@6")) != 0) {
            return false;
        }
        ProcessBuilder node = new ProcessBuilder("node", "example.mjs").directory(dir.toFile()).inheritIO();
        node.environment().put("MONGODB_URI", mongoUri());
        Process process = node.start();
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0,
                "the README's Node example failed");
        return true;
    }

    private static int run(Path dir, List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
            return process.waitFor(300, java.util.concurrent.TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException missing) {
            return -1;
        }
    }

    @Test
    void excludedFieldsNeverLeaveTheServerInSnapshotsInsertsOrUpdates() {
        String ssn = "078-05-1120";
        List<String> secrets = List.of(ssn, "219-09-9999", "4111111111111111", "5500000000000004", "340000000000009");
        MongoCollection<Document> people = client.getDatabase("real").getCollection("people");
        people.insertOne(new Document("_id", 1).append("name", "a").append("ssn", ssn)
                .append("card", new Document("number", secrets.get(2)).append("expires", "12/30")));
        try (ConnectorProcess connector = connector("real", "people").with("snapshot", "initial")
                .with("fields.exclude", "fullDocument.ssn,fullDocument.card.number").start("real-pii")) {
            awaitMessages("real_people", 3);
            people.updateOne(new Document("_id", 1), new Document("$set", new Document("ssn", secrets.get(1))));
            people.updateOne(new Document("_id", 1), new Document("$set", new Document("card.number", secrets.get(3))));
            people.updateOne(new Document("_id", 1), new Document("$set", new Document("card",
                    new Document("number", secrets.get(4)).append("expires", "01/31"))));
            people.insertOne(new Document("_id", 2).append("ssn", ssn));

            List<Message> messages = awaitMessages("real_people", 7);
            for (Message message : messages) {
                String json = new String(message.getData(), StandardCharsets.UTF_8);
                for (String secret : secrets) {
                    assertFalse(json.contains(secret), "an excluded value left the database: " + json);
                }
            }
            BsonDocument dotted = BsonDocument.parse(new String(messages.get(4).getData(), StandardCharsets.UTF_8));
            assertEquals(new BsonDocument(), dotted.getDocument("updateDescription").getDocument("updatedFields"),
                    "the change of card.number, named by its dotted path, is gone too");
            BsonDocument whole = BsonDocument.parse(new String(messages.get(5).getData(), StandardCharsets.UTF_8));
            assertEquals("01/31", whole.getDocument("updateDescription").getDocument("updatedFields")
                    .getDocument("card").getString("expires").getValue());
        }
    }

    private static List<Message> awaitMessages(String stream, int count) {
        StreamReader.awaitCount(connection, stream, count, Duration.ofSeconds(60));
        return StreamReader.readMessages(connection, stream);
    }
}
