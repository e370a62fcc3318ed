package io.mongonats.connector.it;

import com.mongodb.client.MongoCollection;
import io.cloudevents.CloudEvent;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.StreamReader;
import io.nats.client.Message;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each format and encoding through the packaged connector and a real jnats consumer, read back with what a consumer
 * would use: org.bson for BSON and canonical JSON, the CloudEvents SDK for the ce- headers. One connector watches
 * three collections. The stand-in has no sessions, which snapshot reads need, so the snapshot side of
 * fields.exclude is shown by source/ExcludedFieldsIT on the stand-in and by RealMongoReplicaSetIT end to end.
 */
class MessageFormatsIT {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final String SSN = "078-05-1120";
    private static final String CARD = "4111111111111111";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static ConnectorProcess connector;

    @BeforeAll
    static void startConnector() {
        connector = servers.connector("fmt", "people")
                .with("encoding", "json-canonical").with("fields.exclude", "fullDocument.ssn")
                .watch("fmt", "docs").with("format", "full-document").with("encoding", "bson")
                .with("cloudevents", "true").with("fields.exclude", "fullDocument.ssn, fullDocument.card.number")
                .watch("fmt", "outbox").with("format", "outbox").with("cloudevents", "true")
                .with("outbox.headers-field", "headers")
                .start("formats");
        Await.until(WAIT, "the three collections streaming",
                () -> connector.logText().split("change stream open", -1).length == 4);
    }

    @AfterAll
    static void stopConnector() {
        connector.close();
    }

    private static Document person(int id) {
        return new Document("_id", id).append("name", "Zoë " + id).append("ssn", SSN)
                .append("card", new Document("number", CARD).append("expires", "12/30"))
                .append("visits", 1L << 40).append("balance", Decimal128.parse("12.50"));
    }

    @Test
    void canonicalJsonChangeEventsKeepTypesAndNeverCarryTheExcludedField() {
        MongoCollection<Document> people = servers.client.getDatabase("fmt").getCollection("people");
        people.insertOne(person(1));
        people.insertOne(person(2));
        // The stand-in sends an update's spec as its documentKey (real MongoDB sends the key), so an update that sets
        // an excluded field would show its value there; RealMongoReplicaSetIT updates the excluded field itself.
        people.updateOne(new Document("_id", 1), new Document("$set", new Document("name", "Zoë one")));
        people.deleteOne(new Document("_id", 2));

        List<Message> messages = await("fmt_people", 4);
        assertEquals(List.of("fmt.people.insert", "fmt.people.insert", "fmt.people.update", "fmt.people.delete"),
                subjects(messages));
        for (Message message : messages) {
            String json = text(message);
            assertFalse(json.contains(SSN) || json.contains("\"ssn\""),
                    "the excluded field left the database: " + json);
            BsonDocument.parse(json);
        }
        BsonDocument inserted = BsonDocument.parse(text(messages.get(0))).getDocument("fullDocument");
        assertEquals(new BsonInt64(1L << 40), inserted.get("visits"), "canonical JSON keeps a NumberLong a NumberLong");
        assertEquals(Decimal128.parse("12.50"), inserted.getDecimal128("balance").getValue());
        assertEquals("Zoë 1", inserted.getString("name").getValue());
        assertTrue(inserted.containsKey("card"));
        assertEquals("{\"_id\": {\"$numberInt\": \"2\"}}", header(messages.get(1), "Cdc-Document-Key"));
        assertNull(header(messages.get(1), "ce-specversion"), "CloudEvents headers only where enabled");
    }

    @Test
    void fullDocumentsInBsonWithCloudEventsHeaders() {
        MongoCollection<Document> docs = servers.client.getDatabase("fmt").getCollection("docs");
        docs.insertOne(person(1));
        docs.insertOne(person(2));
        docs.deleteOne(new Document("_id", 2));

        List<Message> messages = await("fmt_docs", 3);
        assertEquals(List.of("fmt.docs.insert", "fmt.docs.insert", "fmt.docs.delete"), subjects(messages));
        for (Message message : messages) {
            String bytes = new String(message.getData(), StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains(SSN) || bytes.contains(CARD), "an excluded field left the database");
        }
        RawBsonDocument first = new RawBsonDocument(messages.get(0).getData());
        assertEquals("Zoë 1", first.getString("name").getValue());
        assertEquals(new BsonDocument("expires", new org.bson.BsonString("12/30")), first.getDocument("card"),
                "only the excluded sub-field is gone");
        RawBsonDocument inserted = new RawBsonDocument(messages.get(1).getData());
        assertEquals(2, inserted.getInt32("_id").getValue());
        assertEquals(new BsonInt64(1L << 40), inserted.get("visits"));
        assertEquals("full-document", header(messages.get(1), "Cdc-Format"));

        CloudEvent event = NatsCloudEvents.read(messages.get(1));
        assertEquals(header(messages.get(1), "Nats-Msg-Id"), event.getId());
        assertEquals(URI.create("mongodb/fmt/docs"), event.getSource());
        assertEquals("mongodb.insert", event.getType());
        assertEquals("application/bson", event.getDataContentType());
        assertTrue(event.getTime() != null, "ce-time from the change's cluster time (the stand-in sends no wallTime)");
        assertArrayEquals(messages.get(1).getData(), event.getData().toBytes());

        Message delete = messages.get(2);
        assertEquals(0, delete.getData().length);
        assertEquals("delete", header(delete, "Cdc-Operation"));
        assertEquals("{\"_id\": {\"$numberInt\": \"2\"}}", header(delete, "Cdc-Document-Key"));
        CloudEvent deleted = NatsCloudEvents.read(delete);
        assertEquals("mongodb.delete", deleted.getType());
        assertNull(deleted.getData());
    }

    @Test
    void theOutboxRoutesEachInsertedEventAndDeadLettersABadOneWhileTheRestFlows() {
        MongoCollection<Document> outbox = servers.client.getDatabase("fmt").getCollection("outbox");
        ObjectId created = new ObjectId();
        ObjectId badType = new ObjectId();
        ObjectId noPayload = new ObjectId();
        ObjectId shipped = new ObjectId();
        outbox.insertOne(new Document("_id", created).append("type", "order.created")
                .append("payload", new Document("orderId", 17).append("total", 9.5))
                .append("headers", new Document("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
        outbox.insertOne(new Document("_id", badType).append("type", "order created").append("payload", new Document()));
        outbox.insertOne(new Document("_id", noPayload).append("type", "order.paid"));
        outbox.updateOne(new Document("_id", created), new Document("$set", new Document("sent", true)));
        outbox.deleteOne(new Document("_id", created));
        outbox.insertOne(new Document("_id", shipped).append("type", "order.shipped").append("payload", "parcel 7"));

        List<Message> messages = await("fmt_outbox", 4);
        assertEquals(List.of("fmt.outbox.order.created", "fmt.outbox.dead-letter", "fmt.outbox.dead-letter",
                "fmt.outbox.order.shipped"), subjects(messages), "the update and the delete publish nothing");
        assertEquals(List.of(created.toHexString(), badType.toHexString(), noPayload.toHexString(), shipped.toHexString()),
                messages.stream().map(message -> header(message, "Nats-Msg-Id")).toList());

        Message event = messages.get(0);
        assertEquals(BsonDocument.parse("{\"orderId\": 17, \"total\": 9.5}"), BsonDocument.parse(text(event)));
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", header(event, "traceparent"));
        assertTrue(header(event, "Cdc-Resume-Token") != null, "the position travels beside the outbox id");
        CloudEvent cloudEvent = NatsCloudEvents.read(event);
        assertEquals("order.created", cloudEvent.getType());
        assertEquals(created.toHexString(), cloudEvent.getId());
        assertEquals("application/json", cloudEvent.getDataContentType());

        assertEquals("invalid-outbox-type", header(messages.get(1), "Cdc-Dead-Letter-Reason"));
        assertTrue(text(messages.get(1)).contains("order created"), text(messages.get(1)));
        assertEquals("invalid-outbox-payload", header(messages.get(2), "Cdc-Dead-Letter-Reason"));
        assertEquals("parcel 7", text(messages.get(3)));
        assertEquals("text/plain; charset=utf-8", header(messages.get(3), "content-type"));
    }

    private static List<Message> await(String stream, int count) {
        StreamReader.awaitCount(servers.connection, stream, count, WAIT);
        return StreamReader.readMessages(servers.connection, stream);
    }

    private static List<String> subjects(List<Message> messages) {
        return messages.stream().map(Message::getSubject).toList();
    }

    private static String header(Message message, String name) {
        return message.getHeaders().getFirst(name);
    }

    private static String text(Message message) {
        return new String(message.getData(), StandardCharsets.UTF_8);
    }
}
