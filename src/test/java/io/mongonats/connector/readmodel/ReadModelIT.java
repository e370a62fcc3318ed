package io.mongonats.connector.readmodel;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.mongonats.connector.testing.StreamReader;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Read models end to end: the packaged connector applying streams to MongoDB collections, as separate JVMs. */
class ReadModelIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final List<String> JVM = List.of("-Xmx192m", "-XX:+UseSerialGC");

    private static Map<String, String> sink(String mongoUri, String natsUrl, String replicaId, String stream,
                                            String database, String collection) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.mongo.uri", mongoUri);
        config.put("connector.nats.servers", natsUrl);
        config.put("connector.replica-id", replicaId);
        config.put("connector.sinks[0].stream", stream);
        config.put("connector.sinks[0].database", database);
        config.put("connector.sinks[0].collection", collection);
        config.put("connector.sinks[0].ack-wait", "5s");
        return config;
    }

    @Test
    void aPoisonMessageIsDeadLetteredAndEverythingAfterItApplied() throws Exception {
        try (NatsServer nats = NatsServer.launch();
             MongoStandIn mongo = new MongoStandIn().start();
             MongoClient client = MongoClients.create(mongo.uri());
             Connection connection = nats.connect()) {
            // A stream of the test's own: the connector's streams are fenced, nobody else may publish into them.
            JetStreamManagement management = connection.jetStreamManagement();
            management.addStream(StreamConfiguration.builder().name("poison").subjects("poison.>")
                    .storageType(StorageType.Memory).build());
            JetStream jetStream = connection.jetStream();
            for (int id = 0; id < 100; id++) {
                if (id == 50) {
                    jetStream.publish(NatsMessage.builder().subject("poison.orders.insert")
                            .headers(new Headers().put("Cdc-Operation", "insert"))
                            .data("{\"operationType\": \"insert\", \"fullDocument\": {oops".getBytes(StandardCharsets.UTF_8))
                            .build());
                }
                jetStream.publish("poison.orders.insert", event("insert", id, "{\"_id\": " + id + ", \"n\": " + id + "}"));
            }
            jetStream.publish("poison.orders.delete", event("delete", 7, null));

            Map<String, String> config = sink(mongo.uri(), nats.url(), "poison-1", "poison", "rm", "orders_view");
            try (ConnectorProcess connector = ConnectorProcess.start("poison", config, JVM)) {
                MongoCollection<Document> view = client.getDatabase("rm").getCollection("orders_view");
                Await.until(START, "99 live documents and one tombstone in the view",
                        () -> Targets.live(view, "_cdc").size() == 99 && view.countDocuments() == 100);

                String consumer = "poison_to_rm_orders_view";
                Await.until(Duration.ofSeconds(30), "every message acknowledged", () -> {
                    ConsumerInfo now = management.getConsumerInfo("poison", consumer);
                    return now.getNumAckPending() == 0 && now.getAckFloor().getStreamSequence() == 102;
                });
                List<StreamReader.Received> deadLetters = StreamReader.awaitCount(connection,
                        consumer + "_dead_letter", 1, Duration.ofSeconds(30));
                assertEquals(1, deadLetters.size());
                StreamReader.Received record = deadLetters.get(0);
                assertEquals(consumer + ".dead-letter", record.subject());
                assertEquals(List.of("51"), record.headers().get("Cdc-Source-Sequence"));
                assertEquals(List.of("poison"), record.headers().get("Cdc-Source-Stream"));
                assertTrue(record.headers().get("Cdc-Dead-Letter-Reason").get(0).startsWith("unparsable"), record.toString());
                assertTrue(record.payload().contains("oops"), "the record keeps the message");
                assertEquals(new Document("_id", 99).append("n", 99), Targets.live(view, "_cdc").get(99));
                String ready = connector.httpGet("/q/health/ready").body();
                assertTrue(ready.contains(consumer) && ready.contains("dead letters 1"), ready);
                String metrics = connector.httpGet("/q/metrics").body();
                for (String meter : List.of("cdc_sink_applied_total{outcome=\"dead-lettered\",sink=\"" + consumer + "\"} 1.0",
                        "cdc_sink_applied_total{outcome=\"applied\",sink=\"" + consumer + "\"}",
                        "cdc_sink_dead_letters_total{sink=\"" + consumer + "\"} 1.0",
                        "cdc_sink_pending_messages{sink=\"" + consumer + "\"} 0.0",
                        "cdc_sink_apply_seconds_count{sink=\"" + consumer + "\"}")) {
                    assertTrue(metrics.contains(meter), meter + " in\n" + metrics.lines()
                            .filter(line -> line.startsWith("cdc_sink")).toList());
                }
            }
        }
    }

    /**
     * Three replicas each run the source of one collection (one of them holds its lease) and a sink of its stream
     * into a second MongoDB, while the test writes random changes and SIGKILLs a random replica every few seconds,
     * starting a new one in its place. The stand-in scans the whole collection for any filter beyond a bare _id
     * (the sink's guarded writes), so keys and changes are fewer than the 5,000 and 100,000 to keep the
     * test near a minute; real MongoDB serves those filters from the _id index. The scale:
     * {@code -Dreadmodel.keys=5000 -Dreadmodel.changes=100000}.
     */
    @Test
    void threeReplicasKilledAtRandomApplyEveryChangeExactlyOnceInEffect() throws Exception {
        int keys = Integer.getInteger("readmodel.keys", 1_000);
        int changes = Integer.getInteger("readmodel.changes", 30_000);
        int perSecond = 1_000;
        int killsWanted = Math.max(5, changes / 6_000); // one every 6 s or so while the writes last
        try (NatsServer nats = NatsServer.launch();
             MongoStandIn source = new MongoStandIn().start();
             MongoStandIn target = new MongoStandIn().start();
             MongoClient sourceClient = MongoClients.create(source.uri());
             MongoClient targetClient = MongoClients.create(target.uri());
             Connection connection = nats.connect()) {
            MongoCollection<Document> items = sourceClient.getDatabase("shop").getCollection("items");
            MongoCollection<Document> view = targetClient.getDatabase("views").getCollection("items");
            List<ConnectorProcess> replicas = new ArrayList<>();
            ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("random-changes").factory());
            SplittableRandom random = new SplittableRandom(13);
            int kills = 0;
            try {
                for (int i = 0; i < 3; i++) {
                    replicas.add(ConnectorProcess.start("rm-" + i, replica(source, target, nats, i), JVM));
                }
                for (ConnectorProcess replica : replicas) {
                    replica.awaitReady(START);
                }
                Await.until(START, "a replica streaming shop.items",
                        () -> replicas.stream().anyMatch(replica -> replica.logText().contains("change stream open")));
                Await.until(START, "the empty collection's snapshot opened and closed",
                        () -> StreamReader.count(connection, "shop_items") == 2);
                RandomChanges randomChanges = new RandomChanges(items, keys, 42);
                long started = System.nanoTime();
                CompletableFuture<Long> writing = new CompletableFuture<>();
                writer.scheduleAtFixedRate(() -> {
                    long due = Math.min((long) ((System.nanoTime() - started) / 1e9 * perSecond), changes)
                            - randomChanges.written();
                    try {
                        if (due > 0) {
                            randomChanges.write((int) Math.min(due, 500));
                        }
                        if (randomChanges.written() >= changes) {
                            writing.complete(System.nanoTime());
                        }
                    } catch (RuntimeException e) {
                        writing.completeExceptionally(e);
                    }
                }, 0, 50, TimeUnit.MILLISECONDS);
                // A kill every few seconds while the changes are written and applied; each replacement is ready before the
                // next kill, so that JVM start-ups on a loaded machine do not pile up.
                while (kills < killsWanted) {
                    long since = System.nanoTime();
                    Await.until(Duration.ofSeconds(10), "4 s between kills", () -> System.nanoTime() - since > 4_000_000_000L);
                    int victim = random.nextInt(replicas.size());
                    ConnectorProcess killed = replicas.get(victim);
                    killed.sigkill();
                    killed.waitForExit(Duration.ofSeconds(30));
                    killed.close();
                    ConnectorProcess replacement = ConnectorProcess.start("rm-" + victim + "-" + ++kills,
                            replica(source, target, nats, victim), JVM);
                    replicas.set(victim, replacement);
                    replacement.awaitReady(START);
                }
                double writeSeconds = (writing.get() - started) / 1e9;
                writer.shutdown();
                long written = System.nanoTime();
                Map<Object, Document> expected = Targets.all(items);
                try {
                    Await.until(Duration.ofSeconds(120), "the view equals the source collection",
                            () -> expected.equals(Targets.live(view, "_cdc")));
                } catch (AssertionError e) {
                    replicas.forEach(replica -> replica.dumpLogTail(30));
                    throw new AssertionError(e.getMessage() + ": " + Targets.difference(expected, Targets.live(view, "_cdc")), e);
                }
                System.out.printf("READ MODEL: %d changes over %d keys applied by 3 replicas with %d SIGKILLs; writes took "
                        + "%.1f s, the view matched %.1f s after the writes and kills (%d live documents, %d tombstones)%n", changes, keys,
                        kills, writeSeconds, (System.nanoTime() - written) / 1e9, expected.size(),
                        view.countDocuments() - expected.size());
                assertEquals(changes + 2, StreamReader.count(connection, "shop_items"),
                        "the source stream holds each change once, after the empty snapshot's two markers");
                assertEquals(0, deadLetters(connection), "nothing dead-lettered");
            } finally {
                writer.shutdownNow();
                replicas.forEach(ConnectorProcess::close);
            }
        }
    }

    private static Map<String, String> replica(MongoStandIn source, MongoStandIn target, NatsServer nats, int index) {
        Map<String, String> config = sink(source.uri(), nats.url(), "rm-" + index, "shop_items", "views", "items");
        config.put("connector.sinks[0].mongo-uri", target.uri());
        config.put("connector.collections[0].database", "shop");
        config.put("connector.collections[0].collection", "items");
        config.put("connector.lease.ttl", "3s");
        config.put("connector.lease.renew-deadline", "2s");
        config.put("connector.lease.renew-interval", "1s");
        config.put("connector.checkpoint.interval", "200ms");
        return config;
    }

    private static long deadLetters(Connection connection) throws Exception {
        try {
            return StreamReader.count(connection, "shop_items_to_views_items_dead_letter");
        } catch (io.nats.client.JetStreamApiException e) {
            return 0;
        }
    }

    private static byte[] event(String operation, int id, String fullDocument) {
        return ("{\"operationType\": \"" + operation + "\", \"documentKey\": {\"_id\": " + id + "}"
                + (fullDocument == null ? "" : ", \"fullDocument\": " + fullDocument) + "}").getBytes(StandardCharsets.UTF_8);
    }
}
