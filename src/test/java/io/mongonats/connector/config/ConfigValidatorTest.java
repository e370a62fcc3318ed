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
import java.util.Optional;

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
                "connector.collections[0].collection", "orders"))).collections();

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
                "connector.collections[0].pipeline", "[{\"$match\": {\"operationType\": {\"$in\": [\"insert\", \"update\"]}}}]"))).collections().get(0);

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
    void refusesATakeoverAfterTooShortOrNotShorterThanTheRenewDeadlineNamingTheKey() {
        for (String takeoverAfter : List.of("100ms", "6s", "8s")) {
            ConfigValidationException error = assertThrows(ConfigValidationException.class,
                    () -> ConfigValidator.validate(config(props(
                            "connector.lease.takeover-after", takeoverAfter,
                            "connector.collections[0].database", "shop",
                            "connector.collections[0].collection", "orders"))));

            assertEquals(List.of("connector.lease.takeover-after"),
                    error.problems().stream().map(ConfigProblem::key).toList(), takeoverAfter);
            assertTrue(error.getMessage().contains("shorter than connector.lease.renew-deadline")
                    && error.getMessage().contains("takeover-after=" + takeoverAfter), error.getMessage());
        }
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

    @Test
    void listsEmptyValuesWithEveryOtherProblem() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> ConfigValidator.validate(config(props(
                "connector.mongo.uri", "",
                "connector.nats.servers", "",
                "connector.lease.ttl", "",
                "connector.publish.max-in-flight", "0",
                "connector.collections[0].database", "",
                "connector.collections[0].collection", "orders",
                "connector.collections[1].database", "shop",
                "connector.collections[1].collection", "",
                "connector.collections[1].full-document", "sometimes"))));

        assertEquals(List.of(
                "connector.mongo.uri: is missing or empty; expected a MongoDB connection string such as mongodb://127.0.0.1:27017",
                "connector.nats.servers: is missing or empty; expected comma-separated URLs such as nats://127.0.0.1:4222",
                "connector.publish.max-in-flight: must be a whole number from 1 to 100000, got 0",
                "connector.lease.ttl: is missing or empty; expected " + Problems.DURATION,
                "connector.collections[0].database: is missing or empty; expected a MongoDB database name such as shop",
                "connector.collections[1].collection: is missing or empty; expected the name of a collection in that "
                        + "database such as orders",
                "connector.collections[1].full-document: 'sometimes' is not one of "
                        + "[default, update-lookup, when-available, required]"),
                error.problems().stream().map(ConfigProblem::toString).toList());
        assertTrue(error.getMessage().startsWith("Invalid configuration, 7 problem(s)"), error.getMessage());
    }

    @Test
    void listsMalformedNumbersAndDurationsNamingTheExpectedForm() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> ConfigValidator.validate(config(props(
                "connector.mongo.batch-size", "many",
                "connector.nats.connect-timeout", "0s",
                "connector.stream.storage", "disk",
                "connector.stream.replicas", "7",
                "connector.stream.retention", "workqueue",
                "connector.stream.max-age", "-1s",
                "connector.lease.ttl", "ten seconds",
                "connector.health.stall-timeout", "5 m",
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders"))));

        assertEquals(List.of(
                "connector.mongo.batch-size: 'many' is not a whole number of at least 1",
                "connector.nats.connect-timeout: must be a positive duration such as 5s or 500ms, got 0s",
                "connector.stream.storage: 'disk' is not one of [file, memory]",
                "connector.stream.retention",
                "connector.stream.replicas: must be a whole number from 1 to 5, got 7",
                "connector.stream.max-age: must be 0 (no limit) or a positive duration, got -1s",
                "connector.lease.ttl: 'ten seconds' is not " + Problems.DURATION,
                "connector.health.stall-timeout: '5 m' is not " + Problems.DURATION),
                error.problems().stream().map(p -> p.key().equals("connector.stream.retention") ? p.key() : p.toString())
                        .toList());
    }

    @Test
    void aCollectionWithoutItsNamesReportsOnlyThoseNames() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> ConfigValidator.validate(config(props(
                "connector.collections[0].database", "",
                "connector.collections[0].collection", " "))));

        assertEquals(List.of("connector.collections[0].database", "connector.collections[0].collection"),
                error.problems().stream().map(ConfigProblem::key).toList());
    }

    @Test
    void convertsEveryValueIntoTypedSettings() {
        ConnectorSettings settings = ConfigValidator.validate(config(props(
                "connector.replica-id", "pod-1",
                "connector.mongo.uri", "mongodb://mongo:27017/?replicaSet=rs0",
                "connector.mongo.batch-size", "500",
                "connector.mongo.max-await-time", "250ms",
                "connector.nats.servers", "nats://a:4222, nats://b:4222",
                "connector.nats.request-timeout", "PT3S",
                "connector.stream.storage", "Memory",
                "connector.stream.replicas", "3",
                "connector.stream.duplicate-window", "5m",
                "connector.stream.max-age", "7d",
                "connector.publish.max-in-flight", "4096",
                "connector.publish.ack-timeout", "2",
                "connector.publish.retry-initial-backoff", "100ms",
                "connector.publish.retry-max-backoff", "30s",
                "connector.checkpoint.bucket", "cp",
                "connector.checkpoint.interval", "500ms",
                "connector.lease.bucket", "leases",
                "connector.lease.members-bucket", "members",
                "connector.lease.ttl", "15s",
                "connector.lease.renew-deadline", "10s",
                "connector.lease.renew-interval", "3s",
                "connector.lease.takeover-after", "1500ms",
                "connector.shutdown.timeout", "20s",
                "connector.health.stall-timeout", "2m",
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders")));

        assertEquals(Optional.of("pod-1"), settings.replicaId());
        assertEquals(new ConnectorSettings.Mongo("mongodb://mongo:27017/?replicaSet=rs0", 500, Duration.ofMillis(250)),
                settings.mongo());
        assertEquals(List.of("nats://a:4222", "nats://b:4222"), settings.nats().servers());
        assertEquals(Duration.ofSeconds(5), settings.nats().connectTimeout());
        assertEquals(Duration.ofSeconds(3), settings.nats().requestTimeout());
        assertEquals(new ConnectorSettings.Stream(ConnectorSettings.Storage.MEMORY, ConnectorSettings.Retention.LIMITS, 3,
                Duration.ofMinutes(5), Duration.ofDays(7)), settings.stream());
        assertEquals(new ConnectorSettings.Publish(4096, Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofSeconds(30)), settings.publish());
        assertEquals(new ConnectorSettings.Checkpoint("cp", Duration.ofMillis(500)), settings.checkpoint());
        assertEquals(new ConnectorSettings.Lease("leases", "members", Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(3), Duration.ofMillis(1500)), settings.lease());
        assertEquals(Duration.ofSeconds(20), settings.shutdown().timeout());
        assertEquals(Duration.ofMinutes(2), settings.health().stallTimeout());
        assertEquals(List.of("shop_orders"), settings.collections().stream().map(CollectionSpec::key).toList());
    }

    @Test
    void appliesTheDocumentedDefaults() {
        ConnectorSettings settings = ConfigValidator.validate(config(props(
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders")));

        assertEquals(Optional.empty(), settings.replicaId());
        assertEquals(new ConnectorSettings.Mongo("mongodb://127.0.0.1:27017", 1000, Duration.ofSeconds(1)), settings.mongo());
        assertEquals(new ConnectorSettings.Nats(List.of("nats://127.0.0.1:4222"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(),
                new ConnectorSettings.Tls(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                Duration.ofSeconds(5), Duration.ofSeconds(5)), settings.nats());
        assertEquals(new ConnectorSettings.Stream(ConnectorSettings.Storage.FILE, ConnectorSettings.Retention.LIMITS, 1,
                Duration.ofMinutes(2), Duration.ZERO), settings.stream());
        assertEquals(new ConnectorSettings.Publish(1024, Duration.ofSeconds(5), Duration.ofMillis(200),
                Duration.ofSeconds(10)), settings.publish());
        assertEquals(new ConnectorSettings.Checkpoint("mongo-nats-checkpoints", Duration.ofSeconds(1)), settings.checkpoint());
        assertEquals(new ConnectorSettings.Lease("mongo-nats-leases", "mongo-nats-replicas", Duration.ofSeconds(10),
                Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(1)), settings.lease());
        assertEquals(new ConnectorSettings.Shutdown(Duration.ofSeconds(10)), settings.shutdown());
        assertEquals(new ConnectorSettings.Health(Duration.ofSeconds(60)), settings.health());
    }

    @Test
    void settingsNeverPrintTheirSecrets() {
        ConnectorSettings settings = ConfigValidator.validate(config(props(
                "connector.mongo.uri", "mongodb://admin:hunter2@mongo:27017",
                "connector.nats.token", "s3cret-token",
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders")));
        ConnectorSettings.Nats withPassword = new ConnectorSettings.Nats(List.of("nats://u:pw-in-url@nats:4222"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("me"), Optional.of("pa55word"),
                new ConnectorSettings.Tls(Optional.of("/t.jks"), Optional.of("trust-pw"), Optional.of("/k.jks"),
                        Optional.of("key-pw")), Duration.ofSeconds(1), Duration.ofSeconds(1));

        String printed = settings + " " + withPassword;
        for (String secret : List.of("hunter2", "s3cret-token", "pw-in-url", "pa55word", "trust-pw", "key-pw")) {
            assertFalse(printed.contains(secret), secret + " printed: " + printed);
        }
        assertTrue(printed.contains("mongodb://****@mongo:27017") && printed.contains("user=Optional[me]"), printed);
    }
}
