package io.mongonats.connector.readmodel;

import io.mongonats.connector.readmodel.DocumentChange.Delete;
import io.mongonats.connector.readmodel.DocumentChange.Patch;
import io.mongonats.connector.readmodel.DocumentChange.Truncation;
import io.mongonats.connector.readmodel.DocumentChange.Upsert;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.mongonats.connector.readmodel.Messages.event;
import static io.mongonats.connector.readmodel.Messages.fullDocument;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChangeDecoderTest {

    private final ChangeDecoder decoder = new ChangeDecoder();

    private Decoded.Change change(InboundMessage message) {
        return assertInstanceOf(Decoded.Change.class, decoder.decode(message));
    }

    @Test
    void anInsertEventUpsertsItsFullDocumentUnderTheDocumentKey() {
        Decoded.Change change = change(Messages.insert(7, 42, "\"item\": \"book\", \"qty\": 2"));

        assertEquals(new BsonInt32(42), change.key());
        assertEquals(BsonDocument.parse("{\"_id\": 42, \"item\": \"book\", \"qty\": 2}"),
                assertInstanceOf(Upsert.class, change.change()).document());
    }

    @Test
    void aChangeEventWithTheKeyHeaderEveryMessageCarriesAndABsonPayloadIsStillAChangeEvent() {
        BsonDocument event = BsonDocument.parse("{\"operationType\": \"insert\", \"documentKey\": {\"_id\": 5}, "
                + "\"fullDocument\": {\"_id\": 5, \"a\": 1}}");
        org.bson.ByteBuf buffer = new org.bson.RawBsonDocument(event, new org.bson.codecs.BsonDocumentCodec()).getByteBuffer();
        byte[] bson = new byte[buffer.remaining()];
        buffer.get(bson);
        Decoded.Change change = change(new InboundMessage("shop.orders.insert", 9, 1,
                java.util.Map.of("Cdc-Document-Key", "{\"_id\": 5}", "Cdc-Operation", "insert"), bson));
        assertEquals(new BsonInt32(5), change.key());
        assertEquals(event.getDocument("fullDocument"), assertInstanceOf(Upsert.class, change.change()).document());
    }

    @Test
    void anUpdateWithItsFullDocumentUpsertsTheDocumentAndAReplaceOrSnapshotToo() {
        assertInstanceOf(Upsert.class, change(Messages.update(3, 1, "\"a\": 1")).change());
        for (String operation : List.of("replace", "snapshot")) {
            Decoded.Change change = change(event(4, "{\"operationType\": \"" + operation + "\", \"documentKey\": {\"_id\": \"k\"}, "
                    + "\"fullDocument\": {\"_id\": \"k\", \"a\": 1}}"));
            assertEquals(new BsonString("k"), change.key());
            assertInstanceOf(Upsert.class, change.change());
        }
    }

    @Test
    void anUpdateWithoutFullDocumentIsAPatchOfItsUpdateDescription() {
        Decoded.Change change = change(event(5, "{\"operationType\": \"update\", \"documentKey\": {\"_id\": 1}, "
                + "\"fullDocument\": null, \"updateDescription\": {\"updatedFields\": {\"a.b\": 2, \"c\": \"x\"}, "
                + "\"removedFields\": [\"d\"], \"truncatedArrays\": [{\"field\": \"arr\", \"newSize\": 3}]}}"));

        Patch patch = assertInstanceOf(Patch.class, change.change());
        assertEquals(BsonDocument.parse("{\"a.b\": 2, \"c\": \"x\"}"), patch.set());
        assertEquals(List.of("d"), patch.unset());
        assertEquals(List.of(new Truncation("arr", 3)), patch.truncations());
    }

    @Test
    void aDeleteDeletesByDocumentKey() {
        Decoded.Change change = change(Messages.delete(9, 5));

        assertEquals(new BsonInt32(5), change.key());
        assertInstanceOf(Delete.class, change.change());
    }

    @Test
    void collectionLevelEventsAndUpdatesWithNothingToApplyAreIgnored() {
        for (String operation : List.of("drop", "rename", "dropDatabase", "invalidate")) {
            assertEquals(new Decoded.Ignored(operation), decoder.decode(event(1, "{\"operationType\": \"" + operation + "\"}")));
        }
        assertInstanceOf(Decoded.Ignored.class, decoder.decode(event(2,
                "{\"operationType\": \"update\", \"documentKey\": {\"_id\": 1}, \"fullDocument\": null}")));
    }

    @Test
    void garbageAndEventsThatNameNoDocumentCannotBeDecoded() {
        assertTrue(assertInstanceOf(Decoded.Undecodable.class, decoder.decode(Messages.garbage(1, 1))).reason()
                .startsWith("unparsable"));
        // The stand-in's update events look like this (the update spec as documentKey); real MongoDB's never do.
        assertInstanceOf(Decoded.Undecodable.class, decoder.decode(event(2, "{\"operationType\": \"update\", "
                + "\"documentKey\": {\"$set\": {\"a\": 1}}, \"fullDocument\": {\"a\": 1}}")));
        assertInstanceOf(Decoded.Undecodable.class, decoder.decode(event(3, "{\"operationType\": \"insert\", "
                + "\"documentKey\": {\"_id\": 1}}")));
    }

    @Test
    void aSourceDeadLetterRecordIsPassedOnAsUndecodable() {
        InboundMessage record = new InboundMessage("shop.orders.dead-letter", 4, 1,
                Map.of("Cdc-Dead-Letter-Reason", "oversized"), "{\"reason\": \"oversized\"}".getBytes(StandardCharsets.UTF_8));

        assertTrue(assertInstanceOf(Decoded.Undecodable.class, decoder.decode(record)).reason().contains("oversized"));
    }

    @Test
    void theFullDocumentFormatTakesTheKeyFromItsHeaderInEitherShape() {
        Decoded.Change plain = change(fullDocument(1, "insert", "{\"$numberLong\": \"7\"}", "{\"_id\": 7, \"a\": 1}"));
        assertEquals(new BsonInt64(7), plain.key());
        assertEquals(BsonDocument.parse("{\"_id\": 7, \"a\": 1}"), assertInstanceOf(Upsert.class, plain.change()).document());

        Decoded.Change asDocumentKey = change(fullDocument(2, "snapshot", "{\"_id\": {\"$oid\": \"64b7f0c2a1b2c3d4e5f60718\"}}",
                "{\"a\": 1}"));
        assertTrue(asDocumentKey.key().isObjectId());

        Decoded.Change delete = change(fullDocument(3, "delete", "\"k\"", ""));
        assertEquals(new BsonString("k"), delete.key());
        assertInstanceOf(Delete.class, delete.change());
    }

    @Test
    void theFullDocumentFormatWithoutADocumentIsIgnoredForAnUpdateAndUndecodableForAnInsert() {
        assertInstanceOf(Decoded.Ignored.class, decoder.decode(fullDocument(1, "update", "1", "")));
        assertInstanceOf(Decoded.Undecodable.class, decoder.decode(fullDocument(2, "insert", "1", "")));
        assertInstanceOf(Decoded.Undecodable.class, decoder.decode(fullDocument(3, "insert", "{not json", "{}")));
    }

    @Test
    void relaxedJsonTurnsSmallInt64ValuesIntoInt32AndKeepsLargeOnes() {
        // What the connector's relaxed Extended JSON does to NumberLong(5) and NumberLong(2^40): documented in the README.
        Decoded.Change change = change(event(1, "{\"operationType\": \"insert\", \"documentKey\": {\"_id\": 5}, "
                + "\"fullDocument\": {\"_id\": 5, \"small\": 5, \"large\": 1099511627776, \"real\": 1.0}}"));

        BsonDocument document = assertInstanceOf(Upsert.class, change.change()).document();
        assertTrue(document.get("small").isInt32());
        assertTrue(document.get("large").isInt64());
        assertTrue(document.get("real").isDouble());
    }
}
