package io.mongonats.connector.source;

import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.FullDocument;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.SnapshotMode;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.MongoStandIn;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server-side stages and the snapshot projection run by the MongoDB stand-in through the real driver: excluded
 * fields never reach the client. The snapshot reader's own query needs sessions, which the stand-in lacks, so its
 * projection is run here with a plain find; RealMongoReplicaSetIT runs a snapshot end to end.
 */
class ExcludedFieldsIT {

    private static final CollectionSpec SPEC = new CollectionSpec("pii", "people", "pii_people", "pii.people",
            CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, List.of(),
            CollectionSpec.OversizedPolicy.STOP, "pii.people.dead-letter", CollectionSpec.LostPositionPolicy.STOP,
            SnapshotMode.NEVER, new MessageFormat(MessageFormat.Kind.CHANGE_EVENT, MessageFormat.Encoding.JSON, false,
            List.of("fullDocument.ssn", "fullDocument.card.number"), MessageFormat.OutboxFields.DEFAULT));

    private static Document person(int id) {
        return new Document("_id", id).append("name", "p" + id).append("ssn", "078-05-1120")
                .append("card", new Document("number", "4111111111111111").append("expires", "12/30"));
    }

    @Test
    void changesAndSnapshotReadsLeaveTheServerWithoutTheExcludedFields() {
        try (MongoStandIn mongo = new MongoStandIn().start(); MongoClient client = MongoClients.create(mongo.uri())) {
            MongoCollection<Document> people = client.getDatabase("pii").getCollection("people");
            people.insertOne(person(1));
            List<RawBsonDocument> events = new ArrayList<>();
            try (MongoCursor<RawBsonDocument> cursor = people.watch(List.copyOf(ServerPipeline.changeStreamStages(SPEC)))
                    .fullDocument(FullDocument.UPDATE_LOOKUP).withDocumentClass(RawBsonDocument.class).cursor()) {
                cursor.tryNext();
                people.insertOne(person(2));
                // The stand-in's update event carries the update spec as its documentKey (real MongoDB: the key), so
                // setting an excluded field would show there; RealMongoReplicaSetIT updates the excluded field itself.
                people.updateOne(new Document("_id", 1), new Document("$set", new Document("name", "one")));
                people.deleteOne(new Document("_id", 2));
                Await.until(Duration.ofSeconds(30), "three change events", () -> {
                    RawBsonDocument event = cursor.tryNext();
                    if (event != null) {
                        events.add(event);
                    }
                    return events.size() == 3;
                });
            }
            for (RawBsonDocument event : events) {
                String json = event.toJson();
                assertFalse(json.contains("078-05-1120") || json.contains("4111"), json);
                assertNotNull(new ChangeEvent(event).token(), "the resume token is untouched");
            }
            assertEquals("12/30", events.get(0).getDocument("fullDocument").getDocument("card").getString("expires").getValue());

            List<RawBsonDocument> snapshot = client.getDatabase("pii").getCollection("people", RawBsonDocument.class)
                    .find().projection(ServerPipeline.snapshotProjection(SPEC)).into(new ArrayList<>());
            assertEquals(1, snapshot.size());
            assertFalse(snapshot.get(0).containsKey("ssn"));
            assertTrue(snapshot.get(0).getDocument("card").containsKey("expires"));
            assertFalse(snapshot.get(0).getDocument("card").containsKey("number"));
        }
    }
}
