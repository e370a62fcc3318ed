package io.mongonats.connector.source;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.SnapshotMode;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stages MongoDB runs before a change leaves the server. The stand-in runs $match, $project and $addFields with
 * these expressions (its update events have no updateDescription, so the dotted-path filter is exercised only by
 * RealMongoReplicaSetIT); this test pins the stages themselves.
 */
class ServerPipelineTest {

    private static CollectionSpec spec(MessageFormat.Kind kind, List<String> excluded, List<String> matchStages) {
        return new CollectionSpec("shop", "customers", "shop_customers", "shop.customers",
                CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, matchStages,
                CollectionSpec.OversizedPolicy.STOP, "shop.customers.dead-letter", CollectionSpec.LostPositionPolicy.STOP,
                SnapshotMode.NEVER, new MessageFormat(kind, MessageFormat.Encoding.JSON, false, excluded,
                MessageFormat.OutboxFields.DEFAULT));
    }

    @Test
    void nothingToAddLeavesTheConfiguredStagesAlone() {
        String match = "{\"$match\": {\"operationType\": \"insert\"}}";
        assertEquals(List.of(BsonDocument.parse(match)),
                ServerPipeline.changeStreamStages(spec(MessageFormat.Kind.FULL_DOCUMENT, List.of(), List.of(match))));
        assertNull(ServerPipeline.snapshotProjection(spec(MessageFormat.Kind.CHANGE_EVENT, List.of(), List.of())));
    }

    @Test
    void anOutboxStreamLeavesUpdatesAndDeletesOnTheServer() {
        List<BsonDocument> stages = ServerPipeline.changeStreamStages(spec(MessageFormat.Kind.OUTBOX, List.of(), List.of()));
        assertEquals(List.of(BsonDocument.parse("{\"$match\": {\"operationType\": {\"$nin\": [\"update\", \"replace\", \"delete\"]}}}")),
                stages);
    }

    @Test
    void excludedDocumentFieldsLeaveTheDocumentThePreImageAndTheChangedFieldsButNeverTheToken() {
        List<BsonDocument> stages = ServerPipeline.changeStreamStages(spec(MessageFormat.Kind.CHANGE_EVENT,
                List.of("fullDocument.ssn", "fullDocument.card", "fullDocument.card.number", "wallTime"), List.of()));

        BsonDocument project = stages.get(0).getDocument("$project");
        assertEquals(List.of("fullDocument.ssn", "fullDocumentBeforeChange.ssn", "updateDescription.updatedFields.ssn",
                "fullDocument.card", "fullDocumentBeforeChange.card", "updateDescription.updatedFields.card", "wallTime"),
                List.copyOf(project.keySet()), "a path inside an excluded one is left out: MongoDB refuses the collision");
        assertTrue(project.values().stream().allMatch(value -> value.asInt32().getValue() == 0), "an exclusion projection");
        assertFalse(project.containsKey("_id"), "the resume token stays");
        String dotted = stages.get(1).toJson();
        assertTrue(dotted.startsWith("{\"$addFields\": {\"updateDescription\""), dotted);
        assertTrue(dotted.contains("\"$indexOfCP\": [\"$$this.k\", \"card.\"]"), dotted);
        assertTrue(dotted.contains("\"$ne\": [\"$$this.k\", \"ssn\"]"), dotted);
    }

    @Test
    void theSnapshotReadProjectsOutTheDocumentPaths() {
        assertEquals(BsonDocument.parse("{\"ssn\": 0, \"card\": 0}"), ServerPipeline.snapshotProjection(spec(
                MessageFormat.Kind.FULL_DOCUMENT, List.of("fullDocument.ssn", "fullDocument.card.number",
                        "fullDocument.card", "updateDescription"), List.of())));
    }
}
