package io.mongonats.connector.message;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.MessageFormat.Encoding;
import io.mongonats.connector.config.MessageFormat.Kind;
import io.mongonats.connector.pipeline.AckedPosition;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.pipeline.OversizedEventException;
import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The steps every format shares: CloudEvents headers and the size check with its dead-letter record. */
class SharedStepsTest {

    private static final String OUTBOX_DOCUMENT = "{\"_id\": \"evt 1\", \"type\": \"order.created\", "
            + "\"payload\": {\"n\": 1}}";

    @Test
    void cloudEventsHeadersOfAChange() {
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.FULL_DOCUMENT, Encoding.BSON, true)),
                Events.insert("82DD01", "{\"_id\": 1}"));

        assertEquals("1.0", message.headers().get(HeaderNames.CE_SPECVERSION));
        assertEquals("82DD01", message.headers().get(HeaderNames.CE_ID));
        assertEquals("mongodb/shop/orders", message.headers().get(HeaderNames.CE_SOURCE));
        assertEquals("mongodb.insert", message.headers().get(HeaderNames.CE_TYPE));
        assertEquals("2026-11-03T10:15:30.123Z", message.headers().get(HeaderNames.CE_TIME), "from wallTime");
        assertEquals("application/bson", message.headers().get(HeaderNames.CONTENT_TYPE));
    }

    @Test
    void cloudEventsOfAnOutboxEventAreTheEventsOwnAndPercentEncoded() {
        OutboundMessage message = Events.map(Events.mapper(Events.outbox(Encoding.JSON, true)),
                Events.insert("82DD02", OUTBOX_DOCUMENT));

        assertEquals("evt%201", message.headers().get(HeaderNames.CE_ID), "the Msg-Id, percent-encoded");
        assertEquals("evt 1", message.messageId());
        assertEquals("order.created", message.headers().get(HeaderNames.CE_TYPE));
        assertEquals("application/json", message.headers().get(HeaderNames.CONTENT_TYPE));
    }

    @Test
    void theTimeComesFromTheClusterTimeWithoutWallTimeAndAnEmptyPayloadHasNoContentType() {
        ChangeEvent delete = new ChangeEvent(org.bson.RawBsonDocument.parse("{\"_id\": {\"_data\": \"82DD03\"}, "
                + "\"operationType\": \"delete\", \"clusterTime\": " + Events.CLUSTER_TIME + ", \"documentKey\": {\"_id\": 1}}"));
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.FULL_DOCUMENT, Encoding.JSON, true)), delete);

        assertEquals(java.time.Instant.ofEpochSecond(1793700000).toString(), message.headers().get(HeaderNames.CE_TIME));
        assertNull(message.headers().get(HeaderNames.CONTENT_TYPE));
        assertEquals("mongodb.delete", message.headers().get(HeaderNames.CE_TYPE));
    }

    @Test
    void theSourceOfACollectionWithUnusualNamesIsPercentEncoded() {
        assertEquals("mongodb/my%20db/caf%C3%A9", new CloudEventHeaders("my db", "café").sourceForTests());
    }

    @Test
    void anOversizedEventCountsItsHeadersAndFenceAndIsDeadLetteredOrStops() throws Exception {
        MessageFormat format = Events.outbox(Encoding.JSON, true);
        ChangeEvent event = Events.insert("82DD04", OUTBOX_DOCUMENT);
        OutboundMessage fits = Events.map(Events.mapper(format), event);
        int exact = fits.payload().length + fits.headers().serializedLength() + HeaderNames.fenceLength(fits.messageId(), "shop_orders");
        AckedPosition after = new AckedPosition("82DD04", false, 8, null);

        assertEquals(fits.subject(), Events.mapper(format).map(event, after, exact).subject(), "exactly the limit fits");
        OutboundMessage record = Events.mapper(format).map(event, after, exact - 1);
        assertTrue(record.deadLettered());
        assertEquals("shop.orders.dead-letter", record.subject());
        assertEquals("evt 1", record.messageId());
        assertEquals("oversized", record.headers().get(HeaderNames.DEAD_LETTER_REASON));
        assertNull(record.headers().get(HeaderNames.CE_TYPE), "a dead-letter record is not the event");
        assertEquals("82DD04", record.headers().get(HeaderNames.RESUME_TOKEN));
        assertEquals(exact, BsonDocument.parse(Events.text(record)).getInt32("size").getValue());

        FormattedMapper stopping = FormattedMapper.forCollection(Events.spec(format, CollectionSpec.OversizedPolicy.STOP), "replica-1", 42);
        assertThrows(OversizedEventException.class, () -> stopping.map(event, after, exact - 1));
    }
}
