package io.mongonats.connector.discovery;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.NatsServer;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.StreamReader.Received;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole databases: the packaged connector discovers the collections of {@code shop} every second, against a real
 * nats-server and the MongoDB stand-in. The stand-in's {@code database.watch()} delivers nothing, which does not
 * matter here: discovery watches each collection on its own, as per-collection leases need anyway. The stand-in
 * also ignores the listCollections filter and has no views, so leaving views out is covered by a unit test. The
 * stand-in is one that offers sessions, which the snapshot of a discovered collection reads in.
 */
class DatabaseDiscoveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ARCHIVE = "orders.archive 2024";
    private static final String ARCHIVE_STREAM = "shop_orders=2Earchive=202024";

    private NatsServer nats;
    private SessionStandIn mongo;
    private MongoClient client;
    private Connection connection;

    @BeforeEach
    void startServers() {
        nats = NatsServer.launch();
        mongo = new SessionStandIn();
        client = MongoClients.create(mongo.uri());
        connection = nats.connect();
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        connection.close();
        client.close();
        mongo.close();
        nats.close();
    }

    @Test
    void capturesCollectionsAsTheyComeAndGo() throws Exception {
        MongoDatabase shop = client.getDatabase("shop");
        shop.getCollection("orders").insertMany(documents(0, 2));
        shop.getCollection("gone").insertOne(new Document("_id", 0));
        shop.getCollection("tmp_import").insertOne(new Document("_id", 0));
        ConnectorFixture fixture = ConnectorFixture.forTests(mongo.uri(), nats.url(), "discoverer")
                .watch("crm", "contacts")
                .set("connector.databases[0].name", "shop")
                .set("connector.databases[0].exclude", "tmp_.*")
                .set("connector.discovery.interval", "1s");

        try (ConnectorProcess connector = fixture.start("discovery")) {
            connector.awaitLog("Discovery: watching shop.orders", WAIT);
            connector.awaitLog("Discovery: watching shop.gone", WAIT);

            // Created while running: its documents are written before discovery can list it, so the first ones
            // arrive through the collection's initial snapshot, and the one written after it through the changes.
            shop.getCollection("fresh").insertMany(documents(0, 3));
            connector.awaitLog("Lease shop_fresh: ACQUIRED", WAIT);
            List<Received> fresh = StreamReader.awaitCount(connection, "shop_fresh", 5, WAIT);
            assertEquals(List.of("shop.fresh.snapshot-started", "shop.fresh.snapshot", "shop.fresh.snapshot",
                    "shop.fresh.snapshot", "shop.fresh.snapshot-completed"), subjects(fresh));
            shop.getCollection("fresh").insertOne(new Document("_id", 3));
            assertEquals("shop.fresh.insert", StreamReader.awaitCount(connection, "shop_fresh", 6, WAIT).get(5).subject());
            assertEquals(List.of("shop.orders.snapshot-started", "shop.orders.snapshot", "shop.orders.snapshot",
                    "shop.orders.snapshot-completed"), subjects(StreamReader.awaitCount(connection, "shop_orders", 4, WAIT)));

            // A name that is valid neither in a subject nor in a stream name gets escaped ones; the header keeps it.
            shop.getCollection(ARCHIVE).insertOne(new Document("_id", "a"));
            List<Received> archive = StreamReader.awaitCount(connection, ARCHIVE_STREAM, 3, WAIT);
            assertEquals("shop.orders=2Earchive=202024.snapshot", archive.get(1).subject());
            assertEquals(ARCHIVE, archive.get(1).headers().get("Cdc-Collection").get(0));
            assertEquals("shop", archive.get(1).headers().get("Cdc-Database").get(0));

            // Dropped: its lease is released and it leaves the board; its stream and messages stay.
            long goneMessages = StreamReader.count(connection, "shop_gone");
            shop.getCollection("gone").drop();
            connector.awaitLog("Discovery: shop.gone is gone", WAIT);
            connector.awaitLog("Lease shop_gone: RELEASED", WAIT);
            Await.until(WAIT, "shop.gone leaves the readiness details",
                    () -> !connector.httpGet("/q/health/ready").body().contains("shop.gone"));
            assertTrue(StreamReader.count(connection, "shop_gone") >= goneMessages);
            assertFalse(connector.httpGet("/q/metrics").body().contains("cdc_collection_held{collection=\"shop_gone\""));

            // Excluded: never watched, no stream, although many discovery rounds have run by now.
            String log = connector.logText();
            assertFalse(log.contains("shop.tmp_import"), log);
            JetStreamApiException missing = assertThrows(JetStreamApiException.class,
                    () -> connection.jetStreamManagement().getStreamInfo("shop_tmp_import"));
            assertEquals(10059, missing.getApiErrorCode());

            // The listed collection is streamed beside the discovered ones.
            String ready = connector.httpGet("/q/health/ready").body();
            for (String namespace : List.of("crm.contacts", "shop.orders", "shop.fresh", "shop." + ARCHIVE)) {
                assertTrue(ready.contains("\"" + namespace + "\": \"held"), namespace + " in " + ready);
            }
        }
    }

    private static List<Document> documents(int from, int to) {
        return IntStream.range(from, to).mapToObj(id -> new Document("_id", id).append("item", "book-" + id)).toList();
    }

    private static List<String> subjects(List<Received> messages) {
        return messages.stream().map(Received::subject).toList();
    }
}
