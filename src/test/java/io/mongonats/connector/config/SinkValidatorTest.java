package io.mongonats.connector.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkValidatorTest {

    private static SinkValidator.Result check(ConnectorConfig config) {
        return SinkValidator.check(config.sinks(), config.mongo().uri().orElseThrow());
    }

    private static ConnectorConfig config(String... keysAndValues) {
        Map<String, String> all = new HashMap<>(Map.of(
                "connector.mongo.uri", "mongodb://user:secret@127.0.0.1:27017",
                "connector.nats.servers", "nats://127.0.0.1:4222"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            all.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new SmallRyeConfigBuilder()
                .withMapping(ConnectorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .build()
                .getConfigMapping(ConnectorConfig.class);
    }

    private static List<String> problemKeys(SinkValidator.Result result) {
        return result.problems().stream().map(ConfigProblem::key).toList();
    }

    @Test
    void resolvesTheDefaultsOfASink() {
        SinkValidator.Result result = check(config(
                "connector.sinks[0].stream", "shop_orders",
                "connector.sinks[0].database", "shop",
                "connector.sinks[0].collection", "orders_view"));

        assertEquals(List.of(), result.problems());
        SinkSpec sink = result.sinks().get(0);
        assertEquals("shop_orders_to_shop_orders_view", sink.consumer());
        assertEquals(Optional.empty(), sink.filterSubject());
        assertEquals("mongodb://user:secret@127.0.0.1:27017", sink.mongoUri());
        assertEquals(500, sink.batchSize());
        assertEquals(5000, sink.maxAckPending());
        assertEquals(5, sink.maxDeliver());
        assertEquals(Duration.ofSeconds(30), sink.ackWait());
        assertEquals("_cdc", sink.versionField());
        assertEquals(Duration.ofHours(24), sink.tombstoneTtl());
        assertTrue(sink.tombstones());
        assertEquals("shop_orders_to_shop_orders_view.dead-letter", sink.deadLetterSubject());
        assertEquals("shop_orders_to_shop_orders_view_dead_letter", sink.deadLetterStream());
        assertFalse(sink.toString().contains("secret"), sink.toString());
    }

    @Test
    void reportsEveryBadKeyOfASink() {
        SinkValidator.Result result = check(config(
                "connector.sinks[0].stream", "shop.orders",
                "connector.sinks[0].filter-subject", "shop..orders",
                "connector.sinks[0].database", "shop",
                "connector.sinks[0].collection", "system.views",
                "connector.sinks[0].mongo-uri", "http://u:pw@host",
                "connector.sinks[0].batch-size", "0",
                "connector.sinks[0].max-deliver", "0",
                "connector.sinks[0].ack-wait", "10ms",
                "connector.sinks[0].version-field", "a.b",
                "connector.sinks[0].dead-letter-subject", "dead.>"));

        assertEquals(List.of("connector.sinks[0].stream", "connector.sinks[0].filter-subject",
                "connector.sinks[0].collection", "connector.sinks[0].mongo-uri",
                "connector.sinks[0].batch-size", "connector.sinks[0].max-deliver", "connector.sinks[0].ack-wait",
                "connector.sinks[0].version-field", "connector.sinks[0].dead-letter-subject"), problemKeys(result));
        assertTrue(result.problems().stream().noneMatch(problem -> problem.message().contains("pw")));
    }

    @Test
    void withoutTombstonesOnlyOneChangeMayBeInFlight() {
        assertEquals(List.of("connector.sinks[0].tombstones"), problemKeys(check(config(
                "connector.sinks[0].stream", "s", "connector.sinks[0].database", "d", "connector.sinks[0].collection", "c",
                "connector.sinks[0].tombstones", "false"))));
        assertEquals(List.of(), problemKeys(check(config(
                "connector.sinks[0].stream", "s", "connector.sinks[0].database", "d", "connector.sinks[0].collection", "c",
                "connector.sinks[0].tombstones", "false", "connector.sinks[0].max-ack-pending", "1"))));
    }

    @Test
    void twoSinksMayNotShareAConsumerNameOrATargetCollection() {
        SinkValidator.Result result = check(config(
                "connector.sinks[0].stream", "a", "connector.sinks[0].database", "d", "connector.sinks[0].collection", "c",
                "connector.sinks[0].consumer", "same",
                "connector.sinks[1].stream", "b", "connector.sinks[1].database", "d", "connector.sinks[1].collection", "c",
                "connector.sinks[1].consumer", "same"));

        assertEquals(List.of("connector.sinks[1].consumer", "connector.sinks[1]"), problemKeys(result));
    }

    @Test
    void aReplicaMayRunSinksOnlyButNotNothing() {
        assertTrue(ConfigValidator.validate(config("connector.sinks[0].stream", "s",
                "connector.sinks[0].database", "d", "connector.sinks[0].collection", "c")).collections().isEmpty());
        ConfigValidationException nothing = assertThrows(ConfigValidationException.class,
                () -> ConfigValidator.validate(config()));
        assertEquals(List.of("connector.collections"), nothing.problems().stream().map(ConfigProblem::key).toList());
    }
}
