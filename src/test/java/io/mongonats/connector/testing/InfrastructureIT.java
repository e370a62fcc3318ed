package io.mongonats.connector.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.OperationType;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;

/** Smoke test of the test infrastructure itself: real nats-server processes and the Mongo stand-in. */
class InfrastructureIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void natsServerKeepsStreamAcrossRestart() throws Exception {
        try (NatsServer nats = NatsServer.launch()) {
            try (Connection connection = nats.connect()) {
                connection.jetStreamManagement().addStream(StreamConfiguration.builder()
                        .name("SMOKE").subjects("smoke.>").storageType(StorageType.File).build());
                JetStream js = connection.jetStream();
                for (int i = 0; i < 3; i++) {
                    Headers headers = new Headers().add("Nats-Msg-Id", "id-" + i);
                    js.publish("smoke." + i, headers, ("payload-" + i).getBytes(StandardCharsets.UTF_8));
                }
                List<StreamReader.Received> read = StreamReader.awaitCount(connection, "SMOKE", 3, TIMEOUT);
                assertEquals(List.of(1L, 2L, 3L), read.stream().map(StreamReader.Received::sequence).toList());
                assertEquals("smoke.1", read.get(1).subject());
                assertEquals("payload-2", read.get(2).payload());
                assertEquals(List.of("id-0"), read.get(0).headers().get("Nats-Msg-Id"));
            }

            nats.stop();
            assertFalse(nats.isRunning());
            nats.start();
            try (Connection connection = nats.connect()) {
                List<StreamReader.Received> read = StreamReader.readAll(connection, "SMOKE");
                assertEquals(List.of("payload-0", "payload-1", "payload-2"),
                        read.stream().map(StreamReader.Received::payload).toList());
            }

            nats.kill();
            nats.start();
            try (Connection connection = nats.connect()) {
                assertEquals(3, StreamReader.count(connection, "SMOKE"));
            }
        }
    }

    @Test
    void clusterRunsReplicatedKeyValueBucket() throws Exception {
        try (NatsCluster cluster = NatsCluster.launch(); Connection connection = cluster.connect()) {
            connection.keyValueManagement().create(KeyValueConfiguration.builder()
                    .name("SMOKE").replicas(3).storageType(StorageType.File).build());
            connection.keyValue("SMOKE").put("k", "v1");
            String leader = cluster.leaderOf("KV_SMOKE");
            assertTrue(Map.of("n1", 1, "n2", 2, "n3", 3).containsKey(leader), leader);

            cluster.node(leader).kill();
            String newLeader = Await.untilValue(TIMEOUT, "a new leader of KV_SMOKE", () -> {
                String current = cluster.leaderOf("KV_SMOKE");
                return current.equals(leader) ? null : current;
            });
            Await.until(TIMEOUT, "KV_SMOKE readable after failover",
                    () -> "v1".equals(new String(connection.keyValue("SMOKE").get("k").getValue(), StandardCharsets.UTF_8)));
            cluster.node(leader).start();
            assertNotNull(newLeader);
        }
    }

    @Test
    void mongoStandInDeliversChangeStreamEvents(@TempDir Path dir) {
        try (MongoStandIn mongo = new MongoStandIn().start(); MongoClient client = MongoClients.create(mongo.uri())) {
            MongoCollection<Document> collection = client.getDatabase("db").getCollection("orders");
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = collection.watch().cursor()) {
                collection.insertOne(new Document("_id", 1).append("item", "apple"));
                ChangeStreamDocument<Document> event = Await.untilValue(TIMEOUT, "insert event", cursor::tryNext);
                assertEquals(OperationType.INSERT, event.getOperationType());
                assertEquals("apple", event.getFullDocument().getString("item"));
            }
        }
        // H2 backend keeps documents across a restart on the same port.
        try (MongoStandIn mongo = MongoStandIn.h2(dir.resolve("mongo.h2")).start()) {
            try (MongoClient client = MongoClients.create(mongo.uri())) {
                new SampleWriter(client.getDatabase("db").getCollection("c"), 200).insertMany(5);
            }
            mongo.stop();
            mongo.start();
            try (MongoClient client = MongoClients.create(mongo.uri())) {
                MongoCollection<Document> collection = client.getDatabase("db").getCollection("c");
                assertEquals(5, collection.countDocuments());
                SampleWriter writer = new SampleWriter(collection);
                assertEquals(5, writer.nextN());
            }
        }
    }

    @Test
    void aChangeStreamResumedAcrossAnH2RestartMissesNoChange(@TempDir Path dir) {
        // A stopped clock puts every change in one second, the case in which the stand-in's oplog counter, which
        // starts again at 1 after a restart, would stamp the second change before the first (see MongoStandIn).
        Clock stopped = Clock.fixed(Instant.parse("2026-11-23T18:00:00Z"), ZoneOffset.UTC);
        try (MongoStandIn mongo = MongoStandIn.h2(dir.resolve("mongo.h2"), stopped).start()) {
            BsonDocument token;
            try (MongoClient client = MongoClients.create(mongo.uri())) {
                MongoCollection<Document> collection = client.getDatabase("db").getCollection("c");
                try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = collection.watch().cursor()) {
                    collection.insertOne(new Document("_id", 1));
                    Await.untilValue(TIMEOUT, "insert event before the restart", cursor::tryNext);
                    token = cursor.getResumeToken();
                }
            }
            mongo.stop();
            mongo.start();
            try (MongoClient client = MongoClients.create(mongo.uri())) {
                MongoCollection<Document> collection = client.getDatabase("db").getCollection("c");
                collection.insertOne(new Document("_id", 2));
                try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor =
                             collection.watch().resumeAfter(token).cursor()) {
                    ChangeStreamDocument<Document> event = Await.untilValue(Duration.ofSeconds(5),
                            "the change made after the restart, resuming after " + token.toJson(), cursor::tryNext);
                    assertEquals(2, event.getDocumentKey().getInt32("_id").getValue());
                }
            }
        }
    }

    @Test
    void sampleWriterPadsAndNumbersDocuments() {
        try (MongoStandIn mongo = new MongoStandIn().start();
                SampleWriter writer = SampleWriter.open(mongo.uri(), "db", "c", 500);
                MongoClient client = MongoClients.create(mongo.uri())) {
            MongoCollection<Document> collection = client.getDatabase("db").getCollection("c");
            assertEquals(0, writer.insertMany(3));
            assertEquals(3, writer.insertMany(2));
            writer.startContinuous(500);
            Await.until(TIMEOUT, "continuous writer wrote 50 documents", () -> collection.countDocuments() >= 50);
            long continuous = writer.stop();
            assertEquals(5 + continuous, collection.countDocuments());
            assertEquals(500, new RawBsonDocument(collection.find(new Document("n", 4L)).first(), new DocumentCodec())
                    .getByteBuffer().remaining());
            String payload = "{\"operationType\":\"insert\",\"fullDocument\":{\"_id\":7,\"n\":7,\"pad\":\"x\"}}";
            assertEquals(7, SampleWriter.fullDocumentN(payload));
        }
    }
}
