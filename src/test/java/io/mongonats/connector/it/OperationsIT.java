package io.mongonats.connector.it;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.ConnectorProcess.HttpResult;
import io.mongonats.connector.testing.FreePorts;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader;
import io.nats.client.Connection;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What operators see of the packaged application: probes, metrics and logs over real HTTP, without secrets. */
class OperationsIT {

    private static final String TOKEN = "s3cret-token-4711";

    @Test
    void livenessFailsWhenAWorkerIsStuckInACallAndRecovers(@TempDir Path dir) throws Exception {
        int port = FreePorts.allocate();
        Process mongo = MongoStandIn.spawn(port, null, dir.resolve("stand-in.log"), Duration.ofSeconds(60));
        String uri = "mongodb://127.0.0.1:" + port + "/?directConnection=true";
        try (NatsServer nats = NatsServer.launch();
             ConnectorProcess connector = ConnectorFixture.forTests(uri, nats.url(), "stall")
                     .watch("ops", "stall").set("connector.health.stall-timeout", "3s").start("stall")) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            assertEquals(200, connector.httpGet("/q/health/live").status());
            // A frozen MongoDB leaves the worker's getMore waiting on a socket that never answers.
            new ProcessBuilder("kill", "-STOP", Long.toString(mongo.pid())).start().waitFor();
            HttpResult stalled = Await.untilValue(Duration.ofSeconds(30), "liveness to report the stalled worker", () -> {
                HttpResult result = connector.httpGet("/q/health/live");
                return result.status() == 503 ? result : null;
            });
            assertTrue(stalled.body().contains("\"ops.stall\": \"stalled for"), stalled.body());
            new ProcessBuilder("kill", "-CONT", Long.toString(mongo.pid())).start().waitFor();
            Await.until(Duration.ofSeconds(30), "liveness to recover", () -> connector.httpGet("/q/health/live").status() == 200);
        } finally {
            mongo.destroyForcibly();
        }
    }

    @Test
    void probesMetricsAndJsonLogsTellTheTruthWithoutSecrets() throws Exception {
        try (NatsServer nats = new NatsServer(TOKEN).start();
             MongoStandIn mongo = new MongoStandIn().start();
             SampleWriter writer = SampleWriter.open(mongo.uri(), "ops", "metrics", 300);
             ConnectorProcess connector = ConnectorFixture.forTests(mongo.uri(), nats.url(), "ops-1")
                     .watch("ops", "metrics")
                     .set("connector.nats.token", TOKEN)
                     .set("quarkus.log.console.json.enabled", "true")
                     .start("operations")) {
            connector.awaitReady(Duration.ofSeconds(60));
            assertEquals(200, connector.httpGet("/q/health/live").status());
            assertEquals(200, connector.httpGet("/q/health/started").status());
            Await.until(Duration.ofSeconds(30), "the collection to be streaming",
                    () -> connector.httpGet("/q/health/ready").body().contains("streaming"));
            HttpResult ready = connector.httpGet("/q/health/ready");
            assertTrue(ready.body().contains("\"mongodb\": \"up\"") && ready.body().contains("\"nats\": \"up\""), ready.body());
            assertTrue(ready.body().contains("\"ops.metrics\": \"held (epoch"), ready.body());

            writer.insertMany(100);
            try (Connection connection = nats.connect()) {
                StreamReader.awaitCount(connection, "ops_metrics", 100, Duration.ofSeconds(30));
            }
            String metrics = Await.untilValue(Duration.ofSeconds(10), "metrics of the published changes", () -> {
                String body = connector.httpGet("/q/metrics").body();
                return body.contains("cdc_events_published_total{collection=\"ops_metrics\",operation=\"insert\"} 100.0") ? body : null;
            });
            for (String name : List.of("cdc_events_read_total", "cdc_read_to_ack_seconds_bucket", "cdc_lag_seconds",
                    "cdc_unacknowledged_events", "cdc_checkpoint_age_seconds", "cdc_collection_held",
                    "cdc_collection_streaming", "cdc_lease_acquisitions_total")) {
                assertTrue(metrics.contains(name + "{") || metrics.contains(name + " "), name + " missing from\n" + metrics);
            }

            nats.stop();
            HttpResult down = Await.untilValue(Duration.ofSeconds(20), "readiness to report NATS down", () -> {
                HttpResult result = connector.httpGet("/q/health/ready");
                return result.status() == 503 && result.body().contains("\"nats\": \"down\"") ? result : null;
            });
            assertTrue(down.body().contains("\"mongodb\": \"up\""), "each dependency is reported on its own: " + down.body());
            assertEquals(200, connector.httpGet("/q/health/live").status(), "liveness does no I/O: a NATS outage is not a wedge");
            nats.start();
            connector.awaitReady(Duration.ofSeconds(30));

            String everything = connector.logText() + ready.body() + down.body() + metrics;
            assertFalse(everything.contains(TOKEN), "the NATS token leaked");
            List<String> lines = connector.logText().lines().filter(line -> line.startsWith("{")).toList();
            assertTrue(lines.size() > 5, "JSON log lines expected:\n" + connector.logTail(20));
            for (String line : lines) {
                Document.parse(line);
            }
            assertTrue(lines.stream().anyMatch(line -> line.contains("ops.metrics: change stream open")), "lines name the collection");
        }
    }
}
