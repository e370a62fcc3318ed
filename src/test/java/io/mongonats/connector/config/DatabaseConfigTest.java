package io.mongonats.connector.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code connector.databases[i]} and {@code connector.discovery}, through the validator. */
class DatabaseConfigTest {

    private static ConnectorSettings validate(String... keysAndValues) {
        Map<String, String> all = new HashMap<>(Map.of(
                "connector.mongo.uri", "mongodb://127.0.0.1:27017",
                "connector.nats.servers", "nats://127.0.0.1:4222"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            all.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        ConnectorConfig config = new SmallRyeConfigBuilder()
                .withMapping(ConnectorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .build()
                .getConfigMapping(ConnectorConfig.class);
        return ConfigValidator.validate(config);
    }

    private static List<String> problemKeys(String... keysAndValues) {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> validate(keysAndValues));
        return error.problems().stream().map(ConfigProblem::key).toList();
    }

    @Test
    void aDatabaseAloneIsEnoughAndCoversEveryCollectionButSystemOnesByDefault() {
        ConnectorSettings settings = validate("connector.databases[0].name", "shop");

        assertTrue(settings.collections().isEmpty());
        assertEquals(Duration.ofSeconds(30), settings.discovery().interval());
        DatabaseSpec shop = settings.discovery().databases().get(0);
        assertEquals("shop", shop.name());
        for (String name : List.of("orders", "orders.archive 2024", "café", "a\nb")) {
            assertTrue(shop.covers(name), name);
        }
        assertFalse(shop.covers("system.views"));
        assertFalse(shop.covers("system.profile"));
    }

    @Test
    void includeAndExcludeMatchWholeCollectionNames() {
        DatabaseSpec shop = validate(
                "connector.databases[0].name", "shop",
                "connector.databases[0].include", "orders.*|customers",
                "connector.databases[0].exclude", ".*archive.*",
                "connector.discovery.interval", "1s").discovery().databases().get(0);

        assertTrue(shop.covers("orders"));
        assertTrue(shop.covers("orders_eu"));
        assertTrue(shop.covers("customers"));
        assertFalse(shop.covers("customers_old"), "include must match the whole name");
        assertFalse(shop.covers("my_orders"), "include must match the whole name");
        assertFalse(shop.covers("orders.archive 2024"));
        assertEquals("shop (include orders.*|customers, exclude .*archive.*)", shop.describe());
    }

    @Test
    void aDatabasesOptionsAreTheDefaultsOfWhatIsDiscoveredInIt() {
        ConnectorSettings settings = validate(
                "connector.databases[0].name", "shop",
                "connector.databases[0].snapshot", "never",
                "connector.databases[0].full-document", "default",
                "connector.databases[0].on-oversized", "dead-letter",
                "connector.databases[0].on-lost-position", "restart-from-now",
                "connector.databases[0].pipeline", "[{\"$match\": {\"operationType\": \"insert\"}}]",
                "connector.databases[1].name", "crm");

        CollectionSpec archive = settings.discovery().databases().get(0).specFor("orders.archive 2024");
        assertEquals(new CollectionSpec("shop", "orders.archive 2024", "shop_orders=2Earchive=202024",
                "shop.orders=2Earchive=202024", CollectionSpec.FullDocumentMode.DEFAULT,
                CollectionSpec.BeforeChangeMode.OFF, List.of("{\"$match\": {\"operationType\": \"insert\"}}"),
                CollectionSpec.OversizedPolicy.DEAD_LETTER, "shop.orders=2Earchive=202024.dead-letter",
                CollectionSpec.LostPositionPolicy.RESTART_FROM_NOW, SnapshotMode.NEVER, MessageFormat.DEFAULT), archive);

        CollectionSpec contacts = settings.discovery().databases().get(1).specFor("contacts");
        assertEquals("crm_contacts", contacts.stream());
        assertEquals("crm.contacts", contacts.subjectPrefix());
        assertEquals(SnapshotMode.INITIAL, contacts.snapshot());
        assertEquals(CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, contacts.fullDocument());
        assertEquals(CollectionSpec.OversizedPolicy.STOP, contacts.onOversized());
    }

    @Test
    void listedCollectionsAndDatabasesCombineWhenNoCollectionIsCoveredTwice() {
        ConnectorSettings settings = validate(
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders",
                "connector.collections[0].pipeline", "[{\"$match\": {\"operationType\": \"insert\"}}]",
                "connector.databases[0].name", "shop",
                "connector.databases[0].exclude", "orders",
                "connector.databases[1].name", "crm");

        assertEquals(List.of("shop_orders"), settings.collections().stream().map(CollectionSpec::stream).toList());
        assertEquals(List.of("shop", "crm"), settings.discovery().databases().stream().map(DatabaseSpec::name).toList());
    }

    @Test
    void refusesACollectionCoveredTwice() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> validate(
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "orders",
                "connector.collections[1].database", "shop",
                "connector.collections[1].collection", "archive",
                "connector.databases[0].name", "shop",
                "connector.databases[0].exclude", "archive"));

        assertEquals(List.of("connector.collections[0]"), error.problems().stream().map(ConfigProblem::key).toList());
        assertTrue(error.getMessage().contains("collection shop.orders is also covered by connector.databases[0], "
                + "database shop (include .*, exclude archive)"), error.getMessage());
        assertTrue(error.getMessage().contains("connector.databases[0].exclude"), error.getMessage());
    }

    @Test
    void refusesADatabaseConfiguredTwice() {
        assertEquals(List.of("connector.databases[1].name"), problemKeys(
                "connector.databases[0].name", "shop",
                "connector.databases[0].include", "orders",
                "connector.databases[1].name", "shop",
                "connector.databases[1].include", "customers"));
    }

    @Test
    void reportsEveryProblemOfADatabaseNamingItsKey() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> validate(
                "connector.databases[0].name", "my.shop",
                "connector.databases[0].include", "orders(",
                "connector.databases[0].exclude", "[",
                "connector.databases[0].snapshot", "sometimes",
                "connector.databases[0].pipeline", "[{\"$project\": {\"_id\": 0}}]",
                "connector.databases[1].name", " ",
                "connector.databases[1].full-document", "always",
                "connector.discovery.interval", "0s"));

        assertEquals(List.of("connector.discovery.interval", "connector.databases[0].name",
                        "connector.databases[0].include", "connector.databases[0].exclude",
                        "connector.databases[0].pipeline", "connector.databases[0].snapshot",
                        "connector.databases[1].name", "connector.databases[1].full-document"),
                error.problems().stream().map(ConfigProblem::key).toList());
        assertTrue(error.getMessage().contains("'orders(' is not a Java regular expression"), error.getMessage());
    }

    @Test
    void requiresACollectionOrADatabase() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, DatabaseConfigTest::validate);
        assertEquals(List.of("connector.collections"), error.problems().stream().map(ConfigProblem::key).toList());
        assertTrue(error.getMessage().contains("connector.databases[0].name"), error.getMessage());
    }
}
