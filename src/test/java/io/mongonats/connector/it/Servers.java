package io.mongonats.connector.it;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.nats.client.Connection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A nats-server and a MongoDB stand-in (memory backend), with a client of each, for a test class. Registered as a
 * static {@code @RegisterExtension} field they are shared: started before the first test, stopped after the last.
 * Registered as an instance field, each test gets fresh ones, for tests that restart a server or whose timing
 * should not depend on what the tests before them left behind. {@link NatsServer#stop()} and
 * {@link NatsServer#start()} restart {@link #nats} on the same port with its JetStream store.
 */
final class Servers implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    NatsServer nats;
    MongoStandIn mongo;
    MongoClient client;
    Connection connection;
    private boolean sharedByTheClass;
    private MongoStandIn durableMongo;

    @Override
    public void beforeAll(ExtensionContext context) {
        sharedByTheClass = true;
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!sharedByTheClass) {
            start();
        }
    }

    private void start() {
        nats = NatsServer.launch();
        mongo = new MongoStandIn().start();
        client = MongoClients.create(mongo.uri());
        connection = nats.connect();
    }

    /** A connector of its own replica id watching {@code database.collection}. */
    ConnectorFixture connector(String database, String collection) {
        return ConnectorFixture.forTests(mongo.uri(), nats.url(), "r-" + collection).watch(database, collection);
    }

    /**
     * A second stand-in, on the H2 backend, which keeps documents and oplog across {@link MongoStandIn#stop()} and
     * {@link MongoStandIn#start()} as a real replica set keeps its oplog (the memory backend loses both). It is
     * slow, so only for tests that restart MongoDB. Started on the first call, stopped with the other servers.
     */
    MongoStandIn durableMongo() {
        if (durableMongo == null) {
            durableMongo = MongoStandIn.h2().start();
        }
        return durableMongo;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!sharedByTheClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (sharedByTheClass) {
            stop();
        }
    }

    private void stop() throws Exception {
        connection.close();
        client.close();
        mongo.close();
        nats.close();
        if (durableMongo != null) {
            durableMongo.close();
            durableMongo = null;
        }
    }
}
