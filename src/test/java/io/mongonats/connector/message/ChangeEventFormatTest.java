package io.mongonats.connector.message;

import io.mongonats.connector.checkpoint.StreamTail;
import io.mongonats.connector.config.MessageFormat.Encoding;
import io.mongonats.connector.config.MessageFormat.Kind;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The change-event format in each encoding: the event as the server sent it, with the collection's headers. */
class ChangeEventFormatTest {

    private static final String DOCUMENT = "{\"_id\": {\"$numberLong\": \"5\"}, \"name\": \"Zoë\", "
            + "\"total\": {\"$numberDecimal\": \"12.50\"}}";

    @Test
    void relaxedJsonOfTheWholeEventOnTheOperationSubjectIdentifiedByItsToken() {
        ChangeEvent event = Events.insert("82AA01", DOCUMENT);
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.CHANGE_EVENT, Encoding.JSON, false)), event);

        assertEquals("shop.orders.insert", message.subject());
        assertEquals("82AA01", message.messageId());
        assertFalse(message.deadLettered());
        BsonDocument payload = BsonDocument.parse(Events.text(message));
        assertEquals(event.raw().get("fullDocument").asDocument().getString("name"), payload.getDocument("fullDocument").getString("name"));
        assertTrue(Events.text(message).contains("\"_id\": 5"), "relaxed JSON writes a NumberLong as a plain number");
        assertEquals("shop", message.headers().get(HeaderNames.DATABASE));
        assertEquals("orders", message.headers().get(HeaderNames.COLLECTION));
        assertEquals("insert", message.headers().get(HeaderNames.OPERATION));
        assertEquals("replica-1", message.headers().get(HeaderNames.REPLICA));
        assertEquals("42", message.headers().get(HeaderNames.LEASE_EPOCH));
        assertEquals("1793700000.7", message.headers().get(HeaderNames.CLUSTER_TIME));
        assertEquals("82AA01", message.headers().get(HeaderNames.RESUME_TOKEN));
        assertNull(message.headers().get(HeaderNames.FORMAT), "the default format goes without a Cdc-Format header");
        assertNull(message.headers().get(HeaderNames.CE_SPECVERSION), "no CloudEvents headers unless enabled");
    }

    @Test
    void theDocumentKeyHeaderIsCanonicalExtendedJsonInAscii() {
        ChangeEvent event = Events.event("82AA02", "delete", "{\"_id\": \"Zoë-日本\"}", "");
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.CHANGE_EVENT, Encoding.JSON, false)), event);

        String key = message.headers().get(HeaderNames.DOCUMENT_KEY);
        assertEquals("{\"_id\": \"Zo\\u00EB-\\u65E5\\u672C\"}", key);
        assertTrue(HeaderValues.printable(key));
        assertEquals("Zoë-日本", BsonDocument.parse(key).getString("_id").getValue(), "a JSON parser reads the key back");

        OutboundMessage typed = Events.map(Events.mapper(Events.format(Kind.CHANGE_EVENT, Encoding.JSON, false)),
                Events.insert("82AA03", DOCUMENT));
        assertEquals("{\"_id\": {\"$numberLong\": \"5\"}}", typed.headers().get(HeaderNames.DOCUMENT_KEY));
    }

    @Test
    void aCompoundKeyIsTheLibrarysCanonicalJson() {
        String keyJson = "{\"_id\": {\"tenant\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"at\": {\"$date\": \"2026-12-05T10:00:00Z\"},"
                + " \"n\": 1.5, \"parts\": [1, \"two\", null]}}";
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.CHANGE_EVENT, Encoding.JSON, false)),
                Events.event("82AA04", "delete", keyJson, ""));

        assertEquals(BsonDocument.parse(keyJson).toJson(org.bson.json.JsonWriterSettings.builder()
                .outputMode(org.bson.json.JsonMode.EXTENDED).build()), message.headers().get(HeaderNames.DOCUMENT_KEY));
    }

    @Test
    void canonicalJsonKeepsTheTypes() {
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.CHANGE_EVENT, Encoding.JSON_CANONICAL, false)),
                Events.insert("82AA04", DOCUMENT));

        String json = Events.text(message);
        assertTrue(json.contains("{\"$numberLong\": \"5\"}"), json);
        assertTrue(json.contains("{\"$numberDecimal\": \"12.50\"}"), json);
        assertEquals(BsonDocument.parse(DOCUMENT), BsonDocument.parse(json).getDocument("fullDocument"));
    }

    @Test
    void bsonIsTheEventsOwnBytes() {
        ChangeEvent event = Events.insert("82AA05", DOCUMENT);
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.CHANGE_EVENT, Encoding.BSON, false)), event);

        ByteBuffer raw = event.raw().getByteBuffer().asNIO();
        byte[] expected = new byte[raw.remaining()];
        raw.get(expected);
        assertArrayEquals(expected, message.payload());
        assertEquals(event.raw(), new RawBsonDocument(message.payload()));
    }

    @Test
    void theStreamsLastMessageSaysWhereToResume() {
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.CHANGE_EVENT, Encoding.BSON, false)),
                Events.insert("82AA06", DOCUMENT));

        StreamTail tail = Positions.read(8, message.headers()::get);
        assertEquals("82AA06", tail.lastToken().orElseThrow());
    }
}
