package io.mongonats.connector.app;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.config.Secrets;
import io.mongonats.connector.config.SinkSpec;
import io.mongonats.connector.readmodel.JetStreamDeadLetters;
import io.mongonats.connector.readmodel.JetStreamFeed;
import io.mongonats.connector.readmodel.MongoTarget;
import io.mongonats.connector.readmodel.ReadModelSink;
import io.mongonats.connector.readmodel.RetryDelays;
import io.mongonats.connector.readmodel.SinkMetrics;
import io.mongonats.connector.readmodel.SinkPorts;
import io.mongonats.connector.status.StatusBoard;
import io.mongonats.connector.readmodel.WriteModels;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-model sinks of this replica ({@code connector.sinks}), started on the replica's NATS connection once it
 * is up. A sink whose {@code mongo-uri} differs from {@code connector.mongo.uri} gets a MongoDB client of its own,
 * closed with the sinks.
 */
@ApplicationScoped
public class ReadModelSinks {

    private static final Logger LOG = Logger.getLogger(ReadModelSinks.class);

    private final ConnectorSettings config;
    private final SinkMetrics metrics;
    private final StatusBoard board;
    private final Clock clock = Clock.systemUTC();
    private final List<ReadModelSink> sinks = new ArrayList<>();
    private final Map<String, MongoClient> ownClients = new HashMap<>();

    public ReadModelSinks(ConnectorSettings config, MeterRegistry registry, StatusBoard board) {
        this.config = config;
        this.board = board;
        this.metrics = new SinkMetrics(registry);
    }

    /** Starts every configured sink; returns at once, each sink sets itself up on its own thread. */
    public synchronized void start(Connection nats, MongoClient defaultMongo, String replicaId) {
        List<SinkSpec> specs = config.sinks();
        JetStreamOptions requests = JetStreamOptions.builder().requestTimeout(config.nats().requestTimeout()).build();
        for (SinkSpec spec : specs) {
            MongoClient mongo = spec.mongoUri().equals(config.mongo().uri()) ? defaultMongo
                    : ownClients.computeIfAbsent(spec.mongoUri(), uri -> client(uri, replicaId));
            SinkPorts ports = new SinkPorts(
                    new JetStreamFeed(nats, requests, spec),
                    new MongoTarget(mongo.getDatabase(spec.database()), spec.collection(),
                            new WriteModels(spec.versionField(), spec.tombstones(), clock), spec.versionField(),
                            spec.tombstones(), spec.tombstoneTtl()),
                    new JetStreamDeadLetters(nats, requests, spec, config.stream()));
            ReadModelSink sink = new ReadModelSink(spec, ports, RetryDelays.DEFAULT, metrics, board.sinks());
            sinks.add(sink);
            LOG.infof("Read model %s", spec);
            sink.start();
        }
    }

    /** Lets each sink finish the batch in hand within {@code timeout}, then closes the clients it opened. */
    public synchronized void close(Duration timeout) {
        try {
            for (ReadModelSink sink : sinks) {
                sink.close(timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sinks.clear();
            ownClients.values().forEach(MongoClient::close);
            ownClients.clear();
        }
    }

    private static MongoClient client(String uri, String replicaId) {
        LOG.infof("Read models: connecting to %s", Secrets.maskUri(uri));
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applicationName("mongo-nats-connector/" + replicaId)
                .build());
    }
}
