package io.mongonats.connector.config;

import io.mongonats.connector.testing.ConnectorProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged connector given a bad configuration: no servers are needed, it must stop before connecting. */
class BadConfigurationIT {

    @Test
    void printsEveryProblemInOneListAndExitsWithoutAStackTrace() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.mongo.uri", "postgres://admin:hunter2@127.0.0.1:1");
        config.put("connector.nats.servers", "");
        config.put("connector.lease.ttl", "ten seconds");
        config.put("connector.stream.replicas", "");
        config.put("connector.collections[0].database", "");
        config.put("connector.collections[0].collection", "orders");
        config.put("connector.collections[0].on-oversized", "ignore");

        try (ConnectorProcess connector = ConnectorProcess.start("bad-configuration", config, List.of("-Xmx128m"))) {
            int exit = connector.waitForExit(Duration.ofSeconds(60));
            String log = connector.logText();

            assertEquals(1, exit, "Quarkus' exit code for a configuration error\n" + log);
            assertTrue(log.contains("Invalid configuration, 6 problem(s); fix them and start again:"), log);
            for (String problem : List.of(
                    "connector.mongo.uri: must be a MongoDB connection string starting with mongodb://",
                    "connector.nats.servers: is missing or empty; expected comma-separated URLs",
                    "connector.stream.replicas: is missing or empty; expected a whole number from 1 to 5",
                    "connector.lease.ttl: 'ten seconds' is not a duration such as 5s",
                    "connector.collections[0].database: is missing or empty; expected a MongoDB database name",
                    "connector.collections[0].on-oversized: 'ignore' is not one of [stop, dead-letter]")) {
                assertTrue(log.contains("  - " + problem), "not listed: " + problem + "\n" + log);
            }
            assertFalse(log.contains("\tat ") || log.contains("Exception"), "a stack trace was printed:\n" + log);
            assertFalse(log.contains("hunter2"), "the password leaked into the log:\n" + log);
        }
    }
}
