package io.mongonats.connector.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.quarkus.runtime.configuration.DurationConverter;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValidatorTest {

    private static ConnectorConfig config(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of(
                "connector.mongo.uri", "mongodb://127.0.0.1:27017",
                "connector.nats.servers", "nats://127.0.0.1:4222"));
        all.putAll(properties);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ConnectorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .build();
        return config.getConfigMapping(ConnectorConfig.class);
    }

    private static Map<String, String> props(String... keysAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void resolvesDefaultsOfACollection() {
        List<CollectionSpec> specs = ConfigValidator.validate(config(props(
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders")));

        CollectionSpec spec = specs.get(0);
        assertEquals("shop_orders", spec.stream());
        assertEquals("shop.orders", spec.subjectPrefix());
        assertEquals("shop.orders.dead-letter", spec.deadLetterSubject());
        assertEquals(CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, spec.fullDocument());
        assertEquals(CollectionSpec.BeforeChangeMode.OFF, spec.fullDocumentBeforeChange());
        assertEquals(CollectionSpec.OversizedPolicy.STOP, spec.onOversized());
        assertEquals(CollectionSpec.LostPositionPolicy.STOP, spec.onLostPosition());
        assertTrue(spec.pipeline().isEmpty());
    }

    @Test
    void acceptsKebabAndCamelCasePolicyNamesAndMatchStages() {
        CollectionSpec spec = ConfigValidator.validate(config(props(
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders",
                "connector.collections[0].full-document", "when-available",
                "connector.collections[0].on-oversized", "deadLetter",
                "connector.collections[0].on-lost-position", "restart-from-now",
                "connector.collections[0].pipeline", "[{\"$match\": {\"operationType\": {\"$in\": [\"insert\", \"update\"]}}}]"))).get(0);

        assertEquals(CollectionSpec.FullDocumentMode.WHEN_AVAILABLE, spec.fullDocument());
        assertEquals(CollectionSpec.OversizedPolicy.DEAD_LETTER, spec.onOversized());
        assertEquals(CollectionSpec.LostPositionPolicy.RESTART_FROM_NOW, spec.onLostPosition());
        assertEquals(1, spec.pipeline().size());
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheKey() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> ConfigValidator.validate(config(props(
                "connector.mongo.uri", "postgres://admin:hunter2@db:5432",
                "connector.nats.servers", "http://nats:4222",
                "connector.lease.ttl", "5s",
                "connector.lease.renew-deadline", "6s",
                "connector.publish.max-in-flight", "0",
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders",
                "connector.collections[0].full-document", "sometimes",
                "connector.collections[0].pipeline", "[{\"$project\": {\"_id\": 0}}]",
                "connector.collections[1].database", "shop",
                "connector.collections[1].collection", "orders"))));

        List<String> keys = error.problems().stream().map(ConfigProblem::key).toList();
        assertTrue(keys.containsAll(List.of("connector.mongo.uri", "connector.nats.servers", "connector.lease",
                "connector.publish.max-in-flight", "connector.collections[0].full-document",
                "connector.collections[0].pipeline", "connector.collections[1].stream", "connector.collections[1]")), keys::toString);
        assertTrue(error.getMessage().contains("ttl > renew-deadline"), error.getMessage());
        assertTrue(error.getMessage().contains("[default, update-lookup, when-available, required]"), error.getMessage());
        assertFalse(error.getMessage().contains("hunter2"), "the password must be masked: " + error.getMessage());
    }

    @Test
    void requiresAtLeastOneCollectionAndOneAuthenticationMethod() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> ConfigValidator.validate(config(props(
                "connector.nats.token", "s3cret",
                "connector.nats.user", "me",
                "connector.nats.credentials-file", "/nonexistent/nats.creds"))));

        List<String> keys = error.problems().stream().map(ConfigProblem::key).toList();
        assertTrue(keys.containsAll(List.of("connector.collections", "connector.nats", "connector.nats.user",
                "connector.nats.credentials-file")), keys::toString);
        assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
    }

    @Test
    void refusesADeadLetterSubjectOutsideTheStreamAndWildcardPrefixes() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> ConfigValidator.validate(config(props(
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders",
                "connector.collections[0].dead-letter-subject", "elsewhere.dlq",
                "connector.collections[1].database", "shop",
                "connector.collections[1].collection", "items",
                "connector.collections[1].subject-prefix", "shop.*"))));

        List<String> keys = error.problems().stream().map(ConfigProblem::key).toList();
        assertEquals(List.of("connector.collections[0].dead-letter-subject", "connector.collections[1].subject-prefix",
                "connector.collections[1].dead-letter-subject"), keys);
    }
}
