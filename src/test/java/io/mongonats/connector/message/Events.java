package io.mongonats.connector.message;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.SnapshotMode;
import io.mongonats.connector.pipeline.AckedPosition;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.pipeline.OversizedEventException;
import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Hand-built change events and collection specs for the mapper tests, as the server and the resolver give them. */
final class Events {

    static final int MAX_PAYLOAD = 1024 * 1024;
    static final String WALL_TIME = "{\"$date\": \"2026-11-03T10:15:30.123Z\"}";
    static final String CLUSTER_TIME = "{\"$timestamp\": {\"t\": 1793700000, \"i\": 7}}";

    private Events() {
    }

    static MessageFormat format(MessageFormat.Kind kind, MessageFormat.Encoding encoding, boolean cloudEvents) {
        return new MessageFormat(kind, encoding, cloudEvents, List.of(), MessageFormat.OutboxFields.DEFAULT);
    }

    static MessageFormat outbox(MessageFormat.Encoding encoding, boolean cloudEvents) {
        return new MessageFormat(MessageFormat.Kind.OUTBOX, encoding, cloudEvents, List.of(),
                new MessageFormat.OutboxFields("type", "payload", "_id", Optional.of("headers")));
    }

    static CollectionSpec spec(MessageFormat format, CollectionSpec.OversizedPolicy onOversized) {
        return new CollectionSpec("shop", "orders", "shop_orders", "shop.orders",
                CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, List.of(),
                onOversized, "shop.orders.dead-letter", CollectionSpec.LostPositionPolicy.STOP, SnapshotMode.NEVER, format);
    }

    static FormattedMapper mapper(MessageFormat format) {
        return FormattedMapper.forCollection(spec(format, CollectionSpec.OversizedPolicy.DEAD_LETTER), "replica-1", 42);
    }

    /** A change event with the given token, operation and key, plus {@code more} top-level fields (JSON, may be empty). */
    static ChangeEvent event(String token, String operation, String keyJson, String more) {
        String json = "{\"_id\": {\"_data\": \"" + token + "\"}, \"operationType\": \"" + operation + "\", "
                + "\"clusterTime\": " + CLUSTER_TIME + ", \"wallTime\": " + WALL_TIME + ", "
                + "\"ns\": {\"db\": \"shop\", \"coll\": \"orders\"}"
                + (keyJson == null ? "" : ", \"documentKey\": " + keyJson)
                + (more.isEmpty() ? "" : ", " + more) + "}";
        return new ChangeEvent(RawBsonDocument.parse(json));
    }

    static ChangeEvent insert(String token, String documentJson) {
        BsonDocument document = BsonDocument.parse(documentJson);
        String key = new BsonDocument("_id", document.get("_id"))
                .toJson(org.bson.json.JsonWriterSettings.builder().outputMode(org.bson.json.JsonMode.EXTENDED).build());
        return event(token, "insert", key, "\"fullDocument\": " + documentJson);
    }

    static OutboundMessage map(FormattedMapper mapper, ChangeEvent event) {
        try {
            return mapper.map(event, new AckedPosition(event.token(), false, 8, null), MAX_PAYLOAD);
        } catch (OversizedEventException e) {
            throw new AssertionError(e);
        }
    }

    static String text(OutboundMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
