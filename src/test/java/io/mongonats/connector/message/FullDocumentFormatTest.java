package io.mongonats.connector.message;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.MessageFormat.Encoding;
import io.mongonats.connector.config.MessageFormat.Kind;
import io.mongonats.connector.pipeline.AckedPosition;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.source.ChangeEvent;
import io.mongonats.connector.source.SnapshotRecordsForTests;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The full-document format: the document alone; operation, key and time in headers. */
class FullDocumentFormatTest {

    private static final MessageFormat JSON = Events.format(Kind.FULL_DOCUMENT, Encoding.JSON, false);
    private static final String DOCUMENT = "{\"_id\": 7, \"sku\": \"A-1\", \"qty\": 3}";

    @Test
    void anInsertCarriesTheDocumentAloneAndItsKeyInAHeader() {
        OutboundMessage message = Events.map(Events.mapper(JSON), Events.insert("82BB01", DOCUMENT));

        assertEquals("shop.orders.insert", message.subject());
        assertEquals("82BB01", message.messageId());
        assertEquals(BsonDocument.parse(DOCUMENT), BsonDocument.parse(Events.text(message)));
        assertEquals("insert", message.headers().get(HeaderNames.OPERATION));
        assertEquals("{\"_id\": {\"$numberInt\": \"7\"}}", message.headers().get(HeaderNames.DOCUMENT_KEY));
        assertEquals("1793700000.7", message.headers().get(HeaderNames.CLUSTER_TIME));
        assertEquals("full-document", message.headers().get(HeaderNames.FORMAT));
        assertEquals("82BB01", message.headers().get(HeaderNames.RESUME_TOKEN));
    }

    @Test
    void aDeleteAndAnUpdateWithoutTheDocumentAreEmpty() {
        OutboundMessage delete = Events.map(Events.mapper(JSON), Events.event("82BB02", "delete", "{\"_id\": 7}", ""));
        assertEquals("shop.orders.delete", delete.subject());
        assertEquals(0, delete.payload().length);
        assertEquals("delete", delete.headers().get(HeaderNames.OPERATION));
        assertEquals("{\"_id\": {\"$numberInt\": \"7\"}}", delete.headers().get(HeaderNames.DOCUMENT_KEY));

        OutboundMessage update = Events.map(Events.mapper(JSON), Events.event("82BB03", "update", "{\"_id\": 7}",
                "\"updateDescription\": {\"updatedFields\": {\"qty\": 4}, \"removedFields\": []}, \"fullDocument\": null"));
        assertEquals(0, update.payload().length, "the document was gone when the update was looked up");
    }

    @Test
    void anUpdateWithTheLookedUpDocumentCarriesIt() {
        OutboundMessage update = Events.map(Events.mapper(JSON), Events.event("82BB04", "update", "{\"_id\": 7}",
                "\"updateDescription\": {\"updatedFields\": {\"qty\": 4}}, \"fullDocument\": " + DOCUMENT));
        assertEquals(BsonDocument.parse(DOCUMENT), BsonDocument.parse(Events.text(update)));
    }

    @Test
    void collectionEventsCarryTheEventItself() {
        ChangeEvent drop = Events.event("82BB05", "drop", null, "");
        OutboundMessage message = Events.map(Events.mapper(JSON), drop);

        assertEquals("shop.orders.drop", message.subject());
        assertEquals("drop", BsonDocument.parse(Events.text(message)).getString("operationType").getValue());
        assertNull(message.headers().get(HeaderNames.DOCUMENT_KEY), "a drop names no document");
    }

    @Test
    void aSnapshotRecordCarriesItsDocumentAndAMarkerItsSmallRecord() {
        CollectionSpec spec = Events.spec(JSON, CollectionSpec.OversizedPolicy.STOP);
        FormattedMapper mapper = Events.mapper(JSON);
        ChangeEvent record = SnapshotRecordsForTests.document(spec, "s1", RawBsonDocument.parse(DOCUMENT));
        OutboundMessage document = Events.map(mapper, record);

        assertEquals("shop.orders.snapshot", document.subject());
        assertEquals(BsonDocument.parse(DOCUMENT), BsonDocument.parse(Events.text(document)));
        assertEquals(record.messageId(), document.messageId());
        assertEquals("{\"_id\": {\"$numberInt\": \"7\"}}", document.headers().get(HeaderNames.DOCUMENT_KEY));

        OutboundMessage marker = Events.map(mapper, SnapshotRecordsForTests.started(spec, "s1", 10));
        assertEquals("shop.orders.snapshot-started", marker.subject());
        assertEquals(10, BsonDocument.parse(Events.text(marker)).getNumber("estimatedDocuments").longValue());
    }

    @Test
    void bsonIsTheDocumentsOwnBytes() {
        OutboundMessage message = Events.map(Events.mapper(Events.format(Kind.FULL_DOCUMENT, Encoding.BSON, false)),
                Events.insert("82BB06", DOCUMENT));
        assertEquals(RawBsonDocument.parse(DOCUMENT), new RawBsonDocument(message.payload()));
    }

    @Test
    void aSnapshotRecordCarriesTheSnapshotsProgressButNoResumeTokenBeforeTheFirstChange() throws Exception {
        CollectionSpec spec = Events.spec(JSON, CollectionSpec.OversizedPolicy.STOP);
        ChangeEvent record = SnapshotRecordsForTests.document(spec, "s1", RawBsonDocument.parse(DOCUMENT));
        OutboundMessage message = Events.mapper(JSON).map(record, new AckedPosition(null, false, 3,
                io.mongonats.connector.checkpoint.SnapshotProgress.start("s1", 10)), Events.MAX_PAYLOAD);

        assertNull(message.headers().get(HeaderNames.RESUME_TOKEN));
        assertEquals("s1", Positions.read(3, message.headers()::get).snapshot().orElseThrow().id());
    }
}
