package io.mongonats.connector.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.FreePorts;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

/**
 * The servers of one scenario, all fresh: a nats-server, the MongoDB stand-in in its own JVM (a fresh one keeps
 * the oplog, which every getMore scans, small), this JVM's clients, and the connector processes started on them.
 * {@link #close()} stops everything it started.
 */
final class Rig implements AutoCloseable {

    static final String DATABASE = "bench";

    private final NatsServer nats;
    private final Process standIn;
    private final String mongoUri;
    private final MongoClient mongo;
    private final Connection connection;
    private final List<ConnectorProcess> connectors = new ArrayList<>();
    private final List<Double> startToReadySeconds;

    Rig(Path workDir, List<Double> startToReadySeconds) throws Exception {
        this.startToReadySeconds = startToReadySeconds;
        this.nats = NatsServer.launch();
        int port = FreePorts.allocate();
        Files.createDirectories(workDir);
        this.standIn = MongoStandIn.spawn(port, null, workDir.resolve("standin-" + port + ".log"), Duration.ofSeconds(60));
        this.mongoUri = "mongodb://127.0.0.1:" + port + "/?directConnection=true";
        this.mongo = MongoClients.create(mongoUri);
        // A quiet listener: the default one logs every flow-control message of the ordered consumers.
        this.connection = Nats.connect(Options.builder().server(nats.url()).maxReconnects(-1)
                .errorListener(new ErrorListener() { }).build());
    }

    MongoCollection<Document> collection(String name) {
        return mongo.getDatabase(DATABASE).getCollection(name);
    }

    Connection nats() {
        return connection;
    }

    String mongoUri() {
        return mongoUri;
    }

    String natsUrl() {
        return nats.url();
    }

    /** A connector watching {@code collections} of database {@link #DATABASE}, with production defaults. */
    ConnectorFixture connector(String replicaId, List<String> collections) {
        return new ConnectorFixture(mongoUri, nats.url(), replicaId).snapshots("never").watch(DATABASE, collections);
    }

    /** Starts a connector, waits for /q/health/ready, and records the start-to-ready time. */
    ConnectorProcess startConnector(String name, ConnectorFixture fixture) {
        long started = System.nanoTime();
        ConnectorProcess connector = fixture.start(name);
        connectors.add(connector);
        connector.awaitReady(Duration.ofSeconds(120));
        startToReadySeconds.add((System.nanoTime() - started) / 1e9);
        return connector;
    }

    /**
     * Waits until a freshly started connector publishes what is written now: its change stream opens at the
     * current time, so documents written before that are never published. Writes one document per probe.
     */
    static void awaitStreaming(DocWriter writer, EventConsumer consumer) {
        Await.until(Duration.ofSeconds(120), "the connector publishes a new document", () -> {
            writer.writeOne();
            return consumer.count() > 0;
        });
    }

    /** Waits until the consumer has seen every document the writer wrote. */
    static void awaitCaughtUp(DocWriter writer, EventConsumer consumer, Duration timeout) {
        long last = writer.nextN() - 1;
        Await.until(timeout, "the consumer receives document n=" + last, () -> consumer.maxN() >= last);
    }

    @Override
    public void close() throws Exception {
        for (ConnectorProcess connector : connectors) {
            connector.close();
        }
        connection.close();
        mongo.close();
        standIn.destroy();
        if (!standIn.waitFor(30, TimeUnit.SECONDS)) {
            standIn.destroyForcibly();
        }
        nats.close();
    }
}
