package io.mongonats.connector.it;

import com.mongodb.client.MongoCollection;
import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.StreamReader.Received;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events too large to publish and stored positions MongoDB refuses: a clear error or the chosen policy, never a silent skip. */
class BadInputIT {

    /** Larger than nats-server's default max_payload of 1 MB, smaller than MongoDB's 16 MB document limit. */
    private static final String HUGE = "x".repeat(1_200_000);

    @RegisterExtension
    static final Servers servers = new Servers();

    private static ConnectorFixture connector(String collection) {
        return servers.connector("bad", collection);
    }

    @Test
    void anOversizedEventStopsItsCollectionAndReportsTheDocumentKeyAndSize() {
        MongoCollection<Document> docs = servers.client.getDatabase("bad").getCollection("oversized");
        try (ConnectorProcess connector = connector("oversized").start("oversized")) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            docs.insertOne(new Document("_id", "small-1"));
            docs.insertOne(new Document("_id", "huge-1").append("blob", HUGE));
            docs.insertOne(new Document("_id", "small-2"));

            String health = Await.untilValue(Duration.ofSeconds(30), "readiness details to show the collection failed", () -> {
                String body = connector.httpGet("/q/health/ready").body();
                return body.contains("failed") ? body : null;
            });
            assertTrue(health.contains("huge-1") && health.contains("max payload"), health);
            assertTrue(connector.logText().contains("on-oversized=dead-letter"), "the error names the other choice");
            List<Received> messages = StreamReader.readAll(servers.connection, "bad_oversized");
            assertEquals(1, messages.size(), "only the change before the oversized one is published");
            String metrics = connector.httpGet("/q/metrics").body();
            assertTrue(metrics.contains("cdc_errors_total{collection=\"bad_oversized\",kind=\"oversized\"} 1.0"), metrics);
        }
    }

    @Test
    void anOversizedEventBecomesADeadLetterRecordInOrderWhenConfigured() {
        MongoCollection<Document> docs = servers.client.getDatabase("bad").getCollection("deadletter");
        try (ConnectorProcess connector = connector("deadletter").with("on-oversized", "dead-letter").start("deadletter")) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            docs.insertOne(new Document("_id", "small-1"));
            docs.insertOne(new Document("_id", "huge-1").append("blob", HUGE));
            docs.insertOne(new Document("_id", "small-2"));

            List<Received> messages = StreamReader.awaitCount(servers.connection, "bad_deadletter", 3, Duration.ofSeconds(30));
            assertEquals(List.of("bad.deadletter.insert", "bad.deadletter.dead-letter", "bad.deadletter.insert"),
                    messages.stream().map(Received::subject).toList());
            Document record = Document.parse(messages.get(1).payload());
            assertEquals("oversized", record.getString("reason"));
            assertEquals("huge-1", record.get("documentKey", Document.class).getString("_id"));
            assertTrue(record.getInteger("size") > 1_200_000, record.toJson());
            assertEquals("oversized", messages.get(1).headers().get("Cdc-Dead-Letter-Reason").get(0));
            assertTrue(connector.httpGet("/q/metrics").body().contains("cdc_dead_letters_total{collection=\"bad_deadletter\"} 1.0"));
        }
    }

    @Test
    void anExistingStreamThatDoesNotCaptureTheSubjectsStopsTheConnectorWithAClearError() throws Exception {
        servers.connection.jetStreamManagement().addStream(StreamConfiguration.builder()
                .name("bad_mismatch").subjects("elsewhere.>").storageType(StorageType.File).build());
        try (ConnectorProcess connector = connector("mismatch").start("mismatch")) {
            int exit = connector.waitForExit(Duration.ofSeconds(60));
            String log = connector.logText();
            assertTrue(exit != 0, "exit code " + exit);
            assertTrue(log.contains("Stream bad_mismatch exists but captures [elsewhere.>], not bad.mismatch.>"), log);
        }
    }

    @Test
    void aRejectedResumeTokenStopsTheCollectionAndSaysWhatTheChoicesAre() throws Exception {
        storeCheckpoint("bad_rejected", "not-a-resume-token");
        try (ConnectorProcess connector = connector("rejected").start("rejected")) {
            String health = Await.untilValue(Duration.ofSeconds(60), "readiness details to show the collection failed", () -> {
                String body = connector.httpGet("/q/health/ready").body();
                return body.contains("failed") ? body : null;
            });
            assertTrue(health.contains("refused to resume"), health);
            String line = connector.awaitLog("stopped: MongoDB refused to resume", Duration.ofSeconds(10));
            assertTrue(line.contains("on-lost-position=restart-from-now") && line.contains("delete the checkpoint key"), line);
        }
    }

    @Test
    void aRejectedResumeTokenRestartsFromNowAndRecordsTheGapWhenConfigured() throws Exception {
        storeCheckpoint("bad_gap", "not-a-resume-token");
        MongoCollection<Document> docs = servers.client.getDatabase("bad").getCollection("gap");
        try (ConnectorProcess connector = connector("gap").with("on-lost-position", "restart-from-now").start("gap")) {
            connector.awaitLog("GAP recorded", Duration.ofSeconds(60));
            docs.insertOne(new Document("_id", "after-gap"));

            List<Received> messages = StreamReader.awaitCount(servers.connection, "bad_gap", 1, Duration.ofSeconds(30));
            assertEquals("after-gap", Document.parse(messages.get(0).payload()).get("documentKey", Document.class).getString("_id"));
            KeyValue checkpoints = servers.connection.keyValue("mongo-nats-checkpoints");
            List<String> gaps = checkpoints.keys().stream().filter(key -> key.startsWith("gap.bad_gap.")).toList();
            assertEquals(1, gaps.size(), "one gap record: " + checkpoints.keys());
            Document gap = Document.parse(new String(checkpoints.get(gaps.get(0)).getValue()));
            assertEquals("not-a-resume-token", gap.getString("fromToken"));
            assertEquals("bad.gap", gap.getString("namespace"));
            assertTrue(connector.httpGet("/q/metrics").body().contains("cdc_gaps_total{collection=\"bad_gap\"} 1.0"));
        }
    }

    private static void storeCheckpoint(String key, String token) throws Exception {
        try {
            servers.connection.keyValueManagement().create(KeyValueConfiguration.builder().name("mongo-nats-checkpoints")
                    .storageType(StorageType.File).maxHistoryPerKey(1).build());
        } catch (io.nats.client.JetStreamApiException alreadyThere) {
            // created by an earlier test's connector
        }
        servers.connection.keyValue("mongo-nats-checkpoints").put(key, new Checkpoint(token, false, 0, Instant.now(), "test").toBytes());
    }
}
