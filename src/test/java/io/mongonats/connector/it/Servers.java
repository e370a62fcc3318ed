package io.mongonats.connector.it;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.nats.client.Connection;

/** A nats-server and a MongoDB stand-in shared by the tests of one class, with a client of each. */
final class Servers implements AutoCloseable {

    final NatsServer nats = NatsServer.launch();
    final MongoStandIn mongo = new MongoStandIn().start();
    final MongoClient client = MongoClients.create(mongo.uri());
    final Connection connection = nats.connect();

    /** A connector of its own replica id watching {@code database.collection}. */
    ConnectorFixture connector(String database, String collection) {
        return new ConnectorFixture(mongo.uri(), nats.url(), "r-" + collection).watch(database, collection);
    }

    @Override
    public void close() throws Exception {
        connection.close();
        client.close();
        mongo.close();
        nats.close();
    }
}
