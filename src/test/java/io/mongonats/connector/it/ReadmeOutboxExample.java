package io.mongonats.connector.it;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.bson.types.ObjectId;

/** The README's Java example, as it is printed there: an order and its outbox event in one transaction. */
final class ReadmeOutboxExample {

    private ReadmeOutboxExample() {
    }

    /** Returns the id of the outbox event, which consumers see as its Nats-Msg-Id. */
    static ObjectId placeOrder(MongoClient client) {
        MongoDatabase shop = client.getDatabase("shop");
        MongoCollection<Document> orders = shop.getCollection("orders");
        MongoCollection<Document> outbox = shop.getCollection("outbox");
        try (ClientSession session = client.startSession()) {
            ObjectId eventId = session.withTransaction(() -> {
                ObjectId orderId = new ObjectId();
                orders.insertOne(session, new Document("_id", orderId).append("customer", "c-42").append("total", 99.5));
                ObjectId id = new ObjectId();
                outbox.insertOne(session, new Document("_id", id)
                        .append("type", "order.created")
                        .append("payload", new Document("orderId", orderId).append("total", 99.5))
                        .append("headers", new Document("producer", "java-example")));
                return id;
            });
            return eventId;
        }
    }
}
