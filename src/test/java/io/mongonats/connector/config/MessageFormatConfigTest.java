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

/** The message keys of a collection: format, encoding, cloudevents, fields.exclude and outbox.*. */
class MessageFormatConfigTest {

    private static CollectionSpec resolve(String... keysAndValues) {
        return ConfigValidator.validate(config(keysAndValues)).collections().get(0);
    }

    private static ConnectorConfig config(String... keysAndValues) {
        Map<String, String> all = new HashMap<>(Map.of(
                "connector.mongo.uri", "mongodb://127.0.0.1:27017",
                "connector.nats.servers", "nats://127.0.0.1:4222",
                "connector.collections[0].database", "shop",
                "connector.collections[0].collection", "outbox"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            all.put("connector.collections[0]." + keysAndValues[i], keysAndValues[i + 1]);
        }
        return new SmallRyeConfigBuilder().withMapping(ConnectorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500)).build()
                .getConfigMapping(ConnectorConfig.class);
    }

    @Test
    void defaultsAreTodaysMessages() {
        assertEquals(MessageFormat.DEFAULT, resolve().format());
    }

    @Test
    void readsEveryKey() {
        CollectionSpec spec = resolve("format", "outbox", "encoding", "json-canonical", "cloudevents", "TRUE",
                "fields.exclude", " fullDocument.payload.ssn , ,fullDocument.payload.card", "outbox.type-field", "eventType",
                "outbox.payload-field", "body", "outbox.id-field", "eventId", "outbox.headers-field", "meta");

        MessageFormat format = spec.format();
        assertEquals(MessageFormat.Kind.OUTBOX, format.kind());
        assertEquals(MessageFormat.Encoding.JSON_CANONICAL, format.encoding());
        assertTrue(format.cloudEvents());
        assertEquals(List.of("fullDocument.payload.ssn", "fullDocument.payload.card"), format.excludedFields());
        assertEquals(new MessageFormat.OutboxFields("eventType", "body", "eventId", Optional.of("meta")), format.outbox());
        assertEquals(SnapshotMode.NEVER, spec.snapshot(), "an outbox collection takes no snapshot");
        assertEquals(SnapshotMode.INITIAL, resolve("format", "full-document").snapshot());
    }

    @Test
    void reportsEveryBadValueNamingItsKey() {
        ConfigValidationException error = assertThrows(ConfigValidationException.class, () -> ConfigValidator.validate(config(
                "format", "debezium", "encoding", "avro", "cloudevents", "yes", "fields.exclude", "_id,fullDocument,a..b",
                "outbox.type-field", "meta.type", "outbox.headers-field", "$h")));

        List<String> keys = error.problems().stream().map(ConfigProblem::key).toList();
        String prefix = "connector.collections[0].";
        assertEquals(List.of(prefix + "format", prefix + "encoding", prefix + "cloudevents", prefix + "fields.exclude",
                prefix + "fields.exclude", prefix + "fields.exclude", prefix + "outbox.type-field",
                prefix + "outbox.headers-field"), keys);
        assertTrue(error.getMessage().contains("[change-event, full-document, outbox]"), error.getMessage());
        assertTrue(error.getMessage().contains("[json, json-canonical, bson]"), error.getMessage());
        assertTrue(error.getMessage().contains("'_id' would remove a field the connector reads"), error.getMessage());
        assertFalse(error.getMessage().contains("fullDocument.ssn'"), error.getMessage());
    }
}
