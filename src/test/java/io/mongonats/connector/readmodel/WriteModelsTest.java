package io.mongonats.connector.readmodel;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import io.mongonats.connector.readmodel.DocumentChange.Delete;
import io.mongonats.connector.readmodel.DocumentChange.Patch;
import io.mongonats.connector.readmodel.DocumentChange.Truncation;
import io.mongonats.connector.readmodel.DocumentChange.Upsert;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteModelsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    private static final String GUARD = "{\"_id\": 1, \"_cdc.seq\": {\"$not\": {\"$gte\": {\"$numberLong\": \"9\"}}}}";

    private final WriteModels models = new WriteModels("_cdc", true, CLOCK);

    private static BsonDocument bson(Object filterOrUpdate) {
        return (BsonDocument) filterOrUpdate;
    }

    @Test
    void anUpsertReplacesOnlyAnOlderDocumentAndRecordsTheSequence() {
        ReplaceOneModel<BsonDocument> model = assertInstanceOf(ReplaceOneModel.class, models.of(new PlannedWrite(
                new BsonInt32(1), 9, new Upsert(BsonDocument.parse("{\"_id\": 1, \"a\": 1, \"_cdc\": \"theirs\"}")))));

        assertEquals(BsonDocument.parse(GUARD), bson(model.getFilter()));
        assertEquals(BsonDocument.parse("{\"_id\": 1, \"a\": 1, \"_cdc\": {\"seq\": {\"$numberLong\": \"9\"}}}"),
                model.getReplacement(), "the sink owns the version field");
        assertTrue(model.getReplaceOptions().isUpsert());
    }

    @Test
    void aDeleteLeavesATombstoneThatTheTtlIndexExpires() {
        ReplaceOneModel<BsonDocument> model = assertInstanceOf(ReplaceOneModel.class,
                models.of(new PlannedWrite(new BsonInt32(1), 9, new Delete())));

        assertEquals(BsonDocument.parse(GUARD), bson(model.getFilter()));
        assertEquals(BsonDocument.parse("{\"_id\": 1, \"_cdc\": {\"seq\": {\"$numberLong\": \"9\"}, \"deleted\": true, "
                + "\"deletedAt\": {\"$date\": 1700000000000}}}"), model.getReplacement());
        assertEquals("_cdc.deletedAt", models.deletedAtPath());
    }

    @Test
    void withoutTombstonesADeleteRemovesAnOlderDocument() {
        WriteModels plain = new WriteModels("_cdc", false, CLOCK);

        DeleteOneModel<BsonDocument> model = assertInstanceOf(DeleteOneModel.class,
                plain.of(new PlannedWrite(new BsonInt32(1), 9, new Delete())));

        assertEquals(BsonDocument.parse(GUARD), bson(model.getFilter()));
    }

    @Test
    void aPatchUpdatesOnlyALiveOlderDocumentAndLeavesIdAndVersionAlone() {
        Patch patch = new Patch(BsonDocument.parse("{\"a.b\": 2, \"_id\": 5, \"_cdc.seq\": 1}"), List.of("c", "_cdc"),
                List.of(new Truncation("arr", 2)));

        UpdateOneModel<BsonDocument> model = assertInstanceOf(UpdateOneModel.class,
                models.of(new PlannedWrite(new BsonInt32(1), 9, patch)));

        BsonDocument filter = BsonDocument.parse(GUARD).append("_cdc.deleted", BsonDocument.parse("{\"$ne\": true}"));
        assertEquals(filter, bson(model.getFilter()));
        assertEquals(BsonDocument.parse("{\"$set\": {\"a.b\": 2, \"_cdc.seq\": {\"$numberLong\": \"9\"}}, "
                + "\"$unset\": {\"c\": \"\"}, \"$push\": {\"arr\": {\"$each\": [], \"$slice\": 2}}}"), bson(model.getUpdate()));
        assertTrue(model.getOptions() == null || !model.getOptions().isUpsert(), "an update never creates a document");
    }
}
