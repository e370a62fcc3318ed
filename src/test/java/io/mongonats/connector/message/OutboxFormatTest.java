package io.mongonats.connector.message;

import io.mongonats.connector.checkpoint.StreamTail;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.MessageFormat.Encoding;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.source.SnapshotRecordsForTests;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox router: an inserted outbox document is the event, routed by its type and identified by its id. */
class OutboxFormatTest {

    private static final MessageFormat OUTBOX = Events.outbox(Encoding.JSON, false);
    private static final String ID = "6548f0c2a1b2c3d4e5f60718";

    private static String outboxDocument(String typeJson, String payloadJson, String headersJson) {
        return "{\"_id\": {\"$oid\": \"" + ID + "\"}" + (typeJson == null ? "" : ", \"type\": " + typeJson)
                + (payloadJson == null ? "" : ", \"payload\": " + payloadJson)
                + (headersJson == null ? "" : ", \"headers\": " + headersJson) + "}";
    }

    private static OutboundMessage route(String typeJson, String payloadJson, String headersJson) {
        return Events.map(Events.mapper(OUTBOX), Events.insert("82CC01", outboxDocument(typeJson, payloadJson, headersJson)));
    }

    @Test
    void anInsertIsPublishedAsTheEventItself() {
        OutboundMessage message = route("\"order.created\"", "{\"orderId\": 17, \"total\": 9.5}",
                "{\"traceparent\": \"00-abc-def-01\", \"attempt\": 2}");

        assertEquals("shop.orders.order.created", message.subject(), "dots in the type make a subject hierarchy");
        assertEquals(ID, message.messageId(), "the outbox id is the Msg-Id");
        assertFalse(message.deadLettered());
        assertEquals(BsonDocument.parse("{\"orderId\": 17, \"total\": 9.5}"), BsonDocument.parse(Events.text(message)));
        assertEquals("00-abc-def-01", message.headers().get("traceparent"));
        assertEquals("2", message.headers().get("attempt"));
        assertEquals("outbox", message.headers().get(HeaderNames.FORMAT));
        assertEquals("{\"_id\": {\"$oid\": \"" + ID + "\"}}", message.headers().get(HeaderNames.DOCUMENT_KEY));
        StreamTail tail = Positions.read(8, message.headers()::get);
        assertEquals("82CC01", tail.lastToken().orElseThrow(), "resumption reads the token, not the outbox id");
    }

    @Test
    void aStringOrBinaryPayloadIsPublishedAsItsBytes() {
        assertEquals("héllo", Events.text(route("\"greeting\"", "\"héllo\"", null)));
        OutboundMessage binary = route("\"blob\"", "{\"$binary\": {\"base64\": \"AAEC/w==\", \"subType\": \"00\"}}", null);
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xFF}, binary.payload());
    }

    @Test
    void aBsonPayloadIsTheSubDocumentsBytes() {
        OutboundMessage message = Events.map(Events.mapper(Events.outbox(Encoding.BSON, false)),
                Events.insert("82CC02", outboxDocument("\"t\"", "{\"a\": {\"$numberLong\": \"1\"}}", null)));
        assertEquals(RawBsonDocument.parse("{\"a\": {\"$numberLong\": \"1\"}}"), new RawBsonDocument(message.payload()));
    }

    @Test
    void updatesDeletesCollectionEventsAndSnapshotRecordsPublishNothing() throws Exception {
        FormattedMapper mapper = Events.mapper(OUTBOX);
        String key = "{\"_id\": {\"$oid\": \"" + ID + "\"}}";
        assertNull(Events.map(mapper, Events.event("82CC03", "update", key,
                "\"updateDescription\": {\"updatedFields\": {\"sent\": true}}")));
        assertNull(Events.map(mapper, Events.event("82CC04", "replace", key, "\"fullDocument\": " + outboxDocument("\"t\"", "{}", null))));
        assertNull(Events.map(mapper, Events.event("82CC05", "delete", key, "")));
        assertNull(Events.map(mapper, Events.event("82CC06", "drop", null, "")));
        assertNull(Events.map(mapper, Events.event("82CC07", "invalidate", null, "")));
        CollectionSpec spec = Events.spec(OUTBOX, CollectionSpec.OversizedPolicy.STOP);
        assertNull(Events.map(mapper, SnapshotRecordsForTests.document(spec, "s1",
                RawBsonDocument.parse(outboxDocument("\"t\"", "{}", null)))));
        assertNull(Events.map(mapper, SnapshotRecordsForTests.started(spec, "s1", 1)));
    }

    @Test
    void aTypeThatCannotFormSubjectTokensIsDeadLetteredWithTheReason() {
        for (String type : new String[] {"\"\"", "\"order created\"", "\"order.*\"", "\"a.>\"", "\"a..b\"", "\".a\"",
                "\"naïve\"", "42"}) {
            OutboundMessage message = route(type, "{\"x\": 1}", null);
            assertTrue(message.deadLettered(), type);
            assertEquals("shop.orders.dead-letter", message.subject(), type);
            assertEquals(ID, message.messageId(), "the outbox id stays the Msg-Id of the record");
            assertEquals(OutboxFormat.INVALID_TYPE, message.headers().get(HeaderNames.DEAD_LETTER_REASON), type);
            BsonDocument record = BsonDocument.parse(Events.text(message));
            assertEquals(OutboxFormat.INVALID_TYPE, record.getString("reason").getValue());
            assertTrue(record.getString("detail").getValue().startsWith("type field 'type'"), record.toJson());
            assertEquals("82CC01", message.headers().get(HeaderNames.RESUME_TOKEN), "a dead letter moves the position too");
        }
        assertTrue(route(null, "{}", null).deadLettered(), "a missing type");
    }

    @Test
    void aMissingPayloadAnUnusableIdOrUnusableHeadersAreDeadLettered() {
        OutboundMessage noPayload = route("\"t\"", null, null);
        assertEquals(OutboxFormat.INVALID_PAYLOAD, noPayload.headers().get(HeaderNames.DEAD_LETTER_REASON));
        assertTrue(BsonDocument.parse(Events.text(noPayload)).getString("detail").getValue().contains("missing"));
        assertEquals(OutboxFormat.INVALID_PAYLOAD, route("\"t\"", "[1, 2]", null).headers().get(HeaderNames.DEAD_LETTER_REASON));
        assertEquals(OutboxFormat.INVALID_HEADERS, route("\"t\"", "{}", "{\"Nats-Msg-Id\": \"x\"}").headers()
                .get(HeaderNames.DEAD_LETTER_REASON), "an event may not set the connector's headers");
        assertEquals(OutboxFormat.INVALID_HEADERS, route("\"t\"", "{}", "{\"user\": \"Zoë\"}").headers()
                .get(HeaderNames.DEAD_LETTER_REASON));
        assertEquals(OutboxFormat.INVALID_HEADERS, route("\"t\"", "{}", "\"not a document\"").headers()
                .get(HeaderNames.DEAD_LETTER_REASON));

        OutboundMessage badId = Events.map(Events.mapper(OUTBOX), Events.insert("82CC08",
                "{\"_id\": {\"a\": 1}, \"type\": \"t\", \"payload\": {}}"));
        assertEquals(OutboxFormat.INVALID_ID, badId.headers().get(HeaderNames.DEAD_LETTER_REASON));
        assertEquals("82CC08", badId.messageId(), "without a usable id the record is identified by its token");
    }

    @Test
    void idsOfOtherTypesAsText() {
        assertEquals("evt-17", Events.map(Events.mapper(OUTBOX), Events.insert("82CC09",
                "{\"_id\": \"evt-17\", \"type\": \"t\", \"payload\": {}}")).messageId());
        assertEquals("17", Events.map(Events.mapper(OUTBOX), Events.insert("82CC0A",
                "{\"_id\": {\"$numberLong\": \"17\"}, \"type\": \"t\", \"payload\": {}}")).messageId());
        assertEquals("0b6ffc51-3f0f-4a5c-9a4c-2c7b3c3a1d10", Events.map(Events.mapper(OUTBOX), Events.insert("82CC0B",
                "{\"_id\": {\"$uuid\": \"0b6ffc51-3f0f-4a5c-9a4c-2c7b3c3a1d10\"}, \"type\": \"t\", \"payload\": {}}")).messageId());
    }

    @Test
    void configuredFieldNamesAreRead() {
        MessageFormat custom = new MessageFormat(MessageFormat.Kind.OUTBOX, Encoding.JSON, false, java.util.List.of(),
                new MessageFormat.OutboxFields("eventType", "body", "eventId", java.util.Optional.empty()));
        OutboundMessage message = Events.map(Events.mapper(custom), Events.insert("82CC0C",
                "{\"_id\": 1, \"eventId\": \"e-1\", \"eventType\": \"invoice.paid\", \"body\": \"paid\", \"headers\": {\"x\": \"y\"}}"));
        assertEquals("shop.orders.invoice.paid", message.subject());
        assertEquals("e-1", message.messageId());
        assertEquals("paid", new String(message.payload(), StandardCharsets.UTF_8));
        assertNull(message.headers().get("x"), "no headers field is configured");
    }
}
