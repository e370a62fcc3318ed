package io.mongonats.connector.it;

import com.mongodb.client.MongoCollection;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.StreamReader.Received;
import io.mongonats.connector.testing.Streams;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged connector against a real nats-server and the MongoDB stand-in, through the real drivers. */
class ChangeCaptureIT {

    @RegisterExtension
    static final Servers servers = new Servers();

    @Test
    void publishesEveryOperationTypeInOrderWithItsHeaders() {
        MongoCollection<Document> orders = servers.client.getDatabase("ops").getCollection("orders");
        try (ConnectorProcess connector = servers.connector("ops", "orders").start("ops")) {
            connector.awaitReady(Duration.ofSeconds(60));
            connector.awaitLog("ACQUIRED", Duration.ofSeconds(30));
            connector.awaitLog("resuming", Duration.ofSeconds(30));
            orders.insertOne(new Document("_id", 1).append("name", "a"));
            orders.updateOne(new Document("_id", 1), new Document("$set", new Document("name", "b")));
            orders.replaceOne(new Document("_id", 1), new Document("name", "c"));
            orders.deleteOne(new Document("_id", 1));
            orders.drop();
            // A re-created collection is captured too: the worker watches the namespace after drop/invalidate.
            orders.insertOne(new Document("_id", 2).append("name", "again"));

            List<Received> messages = StreamReader.awaitCount(servers.connection, "ops_orders", 6, Duration.ofSeconds(30));
            // The stand-in reports replaceOne as "update" (real MongoDB: "replace"), and sends no invalidate
            // after drop (real MongoDB does, and the worker reopens with startAfter).
            List<String> subjects = messages.stream().map(Received::subject).toList();
            assertEquals(List.of("ops.orders.insert", "ops.orders.update", "ops.orders.update", "ops.orders.delete",
                    "ops.orders.drop", "ops.orders.insert"), subjects);
            Received first = messages.get(0);
            assertEquals("ops", first.headers().get("Cdc-Database").get(0));
            assertEquals("orders", first.headers().get("Cdc-Collection").get(0));
            assertEquals("insert", first.headers().get("Cdc-Operation").get(0));
            assertTrue(first.headers().containsKey("Cdc-Cluster-Time"));
            Document event = Document.parse(first.payload());
            assertEquals(event.get("_id", Document.class).getString("_data"), first.headers().get("Nats-Msg-Id").get(0));
            assertEquals("a", event.get("fullDocument", Document.class).getString("name"));
            // updateLookup returns the document as it is when the event is read, which may already be the replacement.
            String looked = Document.parse(messages.get(1).payload()).get("fullDocument", Document.class).getString("name");
            assertTrue(looked.equals("b") || looked.equals("c"), looked);
            assertEquals("again", Document.parse(messages.get(5).payload()).get("fullDocument", Document.class).getString("name"));

            String metrics = connector.httpGet("/q/metrics").body();
            assertTrue(metrics.contains("cdc_events_published_total{collection=\"ops_orders\",operation=\"insert\"} 2.0"), metrics);
            String health = connector.httpGet("/q/health/ready").body();
            assertTrue(health.contains("\"ops.orders\": \"held (epoch"), health);
            assertTrue(health.contains("streaming"), health);
        }
    }

    @Test
    void aBurstOf20000EventsArrivesExactlyOnceAndInOrder() {
        try (ConnectorProcess connector = servers.connector("burst", "events").start("burst");
             SampleWriter writer = SampleWriter.open(servers.mongo.uri(), "burst", "events", 300)) {
            connector.awaitLog("resuming", Duration.ofSeconds(60));
            long started = System.nanoTime();
            writer.insertMany(20_000);
            List<Received> messages = StreamReader.awaitCount(servers.connection, "burst_events", 20_000, Duration.ofSeconds(120));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("BURST: %d events of 300 bytes written and published in %.2f s: %.0f events/s%n",
                    20_000, seconds, 20_000 / seconds);
            assertEquals(20_000, messages.size());
            Streams.assertExactlyOnceInOrder("burst_events", messages, 20_000);
        }
    }

    @Test
    void aYamlFileNamedByConfigLocationsConfiguresTheConnector(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("connector.yaml");
        Files.writeString(yaml, String.join("\n",
                "connector:",
                "  replica-id: yaml-1",
                "  mongo:",
                "    uri: \"" + servers.mongo.uri() + "\"",
                "  nats:",
                "    servers: " + servers.nats.url(),
                "  collections:",
                "    - database: yaml",
                "      collection: orders",
                "      subject-prefix: cdc.yaml.orders",
                "      snapshot: never",
                "    - database: yaml",
                "      collection: items",
                "      snapshot: never",
                ""));
        try (ConnectorProcess connector = ConnectorProcess.start("yaml",
                Map.of("quarkus.config.locations", yaml.toString()), List.of());
             SampleWriter orders = SampleWriter.open(servers.mongo.uri(), "yaml", "orders", 100);
             SampleWriter items = SampleWriter.open(servers.mongo.uri(), "yaml", "items", 100)) {
            Await.until(Duration.ofSeconds(60), "both collections streaming",
                    () -> connector.logText().split("change stream open", -1).length == 3);
            orders.insertMany(3);
            items.insertMany(2);
            List<Received> ordersMessages = StreamReader.awaitCount(servers.connection, "yaml_orders", 3, Duration.ofSeconds(30));
            assertEquals("cdc.yaml.orders.insert", ordersMessages.get(0).subject());
            Streams.assertExactlyOnceInOrder("yaml_items",
                    StreamReader.awaitCount(servers.connection, "yaml_items", 2, Duration.ofSeconds(30)), 2);
        }
    }

    @Test
    void aBadConfigurationExitsNonZeroNamingEveryProblemWithoutSecrets() {
        ConnectorFixture bad = ConnectorFixture.forTests("mongodb://admin:hunter2@127.0.0.1:1", "http://nowhere", "bad")
                .watch("shop", "orders").with("on-oversized", "ignore").with("full-document", "always")
                .set("connector.lease.ttl", "1s");
        try (ConnectorProcess connector = bad.start("bad-config")) {
            int exit = connector.waitForExit(Duration.ofSeconds(60));
            String log = connector.logText();
            assertNotEquals(0, exit, log);
            for (String key : List.of("connector.nats.servers", "connector.lease", "connector.collections[0].on-oversized",
                    "connector.collections[0].full-document")) {
                assertTrue(log.contains(key + ":"), "problem with " + key + " not reported:\n" + log);
            }
            assertTrue(!log.contains("hunter2"), "the password leaked into the log:\n" + log);
        }
    }
}
