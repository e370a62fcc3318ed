package io.mongonats.connector.it;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.nats.client.Connection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A nats-server and a MongoDB stand-in shared by the tests of one class, with a client of each: register it as
 * a static {@code @RegisterExtension} field; it starts before the first test and stops after the last.
 */
final class Servers implements BeforeAllCallback, AfterAllCallback {

    NatsServer nats;
    MongoStandIn mongo;
    MongoClient client;
    Connection connection;

    @Override
    public void beforeAll(ExtensionContext context) {
        nats = NatsServer.launch();
        mongo = new MongoStandIn().start();
        client = MongoClients.create(mongo.uri());
        connection = nats.connect();
    }

    /** A connector of its own replica id watching {@code database.collection}. */
    ConnectorFixture connector(String database, String collection) {
        return new ConnectorFixture(mongo.uri(), nats.url(), "r-" + collection).watch(database, collection);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        connection.close();
        client.close();
        mongo.close();
        nats.close();
    }
}
