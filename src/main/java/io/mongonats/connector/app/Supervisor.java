package io.mongonats.connector.app;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongonats.connector.checkpoint.KvCheckpointStore;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.config.Secrets;
import io.mongonats.connector.lease.KvLeaseStore;
import io.mongonats.connector.lease.LeaseKeeper;
import io.mongonats.connector.metrics.ConnectorGauges;
import io.mongonats.connector.metrics.ConnectorMetrics;
import io.mongonats.connector.pipeline.Backoff;
import io.mongonats.connector.pipeline.WorkerSettings;
import io.mongonats.connector.sink.Buckets;
import io.mongonats.connector.sink.NatsAvailability;
import io.mongonats.connector.sink.NatsConnections;
import io.mongonats.connector.sink.NatsProbe;
import io.mongonats.connector.sink.ProvisioningConflictException;
import io.mongonats.connector.sink.StreamProvisioner;
import io.mongonats.connector.source.CollectionDiscovery;
import io.mongonats.connector.source.MongoProbe;
import io.mongonats.connector.status.Dependencies;
import io.mongonats.connector.status.ReplicaStatus;
import io.mongonats.connector.status.ReplicaStatus.Phase;
import io.mongonats.connector.status.StatusBoard;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The connector's lifecycle: validate the configuration, connect to MongoDB and NATS (retrying), provision
 * streams and buckets, run the lease loop; on shutdown, hand every lease over within the shutdown timeout.
 * Connecting runs on {@code cdc-supervisor}, which this class owns; its phase is on the status board.
 */
@ApplicationScoped
public class Supervisor {

    private static final Logger LOG = Logger.getLogger(Supervisor.class);

    private final ConnectorSettings settings;
    private final ConnectorMetrics metrics;
    private final StatusBoard board;
    private final Dependencies dependencies;
    private final ReadModelSinks sinks;
    private final NatsAvailability availability = new NatsAvailability();
    private final Clock clock = Clock.systemUTC();

    private ExecutorService executor;
    private Future<?> connecting;
    private volatile MongoClient mongo;
    private volatile Connection nats;
    private volatile LeaseKeeper leaseKeeper;
    private volatile DiscoveryLoop discovery;

    public Supervisor(ConnectorSettings settings, ConnectorMetrics metrics, StatusBoard board, Dependencies dependencies,
                      ReadModelSinks sinks) {
        this.settings = settings;
        this.sinks = sinks;
        this.metrics = metrics;
        this.board = board;
        this.dependencies = dependencies;
    }

    void onStart(@Observes StartupEvent event) {
        LOG.infof("Replica %s watching %d collection(s) and %d whole database(s) of %s, publishing to %s", replicaId(),
                specs().size(), settings.discovery().databases().size(), Secrets.maskUri(settings.mongo().uri()),
                settings.nats().servers().stream().map(Secrets::maskUri).toList());
        executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cdc-supervisor").daemon(true).factory());
        connecting = executor.submit(this::connectAndRun);
    }

    void onStop(@Observes ShutdownEvent event) {
        phase(Phase.STOPPED, null);
        if (executor != null) {
            connecting.cancel(true);
            executor.shutdown();
            try {
                // Whatever the starter was doing (connecting, provisioning, starting the lease loop) ends first.
                executor.awaitTermination(settings.nats().connectTimeout().plus(settings.nats().requestTimeout()).toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        DiscoveryLoop discovering = discovery;
        if (discovering != null) {
            try {
                discovering.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LeaseKeeper keeper = leaseKeeper;
        if (keeper != null) {
            LOG.infof("Replica %s shutting down: draining and releasing leases (at most %s)", replicaId(),
                    settings.shutdown().timeout());
            try {
                keeper.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sinks.close(settings.shutdown().timeout());
        closeNats();
        if (mongo != null) {
            dependencies.clear(Beans.MONGODB);
            mongo.close();
        }
    }

    private void connectAndRun() {
        phase(Phase.CONNECTING, null);
        mongo = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(settings.mongo().uri()))
                .applicationName("mongo-nats-connector/" + replicaId())
                .build());
        dependencies.set(Beans.MONGODB, new MongoProbe(mongo));
        Backoff backoff = new Backoff(settings.publish().retryInitialBackoff(), settings.publish().retryMaxBackoff());
        String problem = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                nats = NatsConnections.connect(settings.nats(), "mongo-nats-connector/" + replicaId(), availability);
                dependencies.set(Beans.NATS, new NatsProbe(nats));
                startLeaseKeeper();
                sinks.start(nats, mongo, replicaId());
                phase(Phase.RUNNING, null);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ProvisioningConflictException e) {
                fail(e.getMessage());
                return;
            } catch (Exception e) {
                closeNats();
                String message = Secrets.scrub(String.valueOf(e.getMessage()), settings.nats().password().orElse(null));
                if (!message.equals(problem)) {
                    LOG.warnf("Cannot start streaming yet: %s; retrying with backoff up to %s", message,
                            settings.publish().retryMaxBackoff());
                    problem = message;
                }
                phase(Phase.CONNECTING, message);
                try {
                    Thread.sleep(backoff.next().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void startLeaseKeeper() throws Exception {
        Buckets buckets = new Buckets(nats, settings.stream(), settings.nats().requestTimeout());
        JetStreamOptions requests = JetStreamOptions.builder().requestTimeout(settings.nats().requestTimeout()).build();
        KeyValue leases = buckets.ensure(settings.lease().bucket(), settings.lease().ttl(), "mongo-nats-connector leases");
        KeyValue members = buckets.ensure(settings.lease().membersBucket(), settings.lease().ttl(),
                "mongo-nats-connector live replicas");
        KeyValue checkpointBucket = buckets.ensure(settings.checkpoint().bucket(), Duration.ZERO,
                "mongo-nats-connector resume positions and recorded gaps");
        JetStreamManagement management = nats.jetStreamManagement(requests);
        StreamProvisioner streams = new StreamProvisioner(management, settings.stream());
        for (CollectionSpec spec : specs()) {
            streams.ensure(spec);
        }
        KvLeaseStore leaseStore = new KvLeaseStore(leases, members);
        CollectionWorkers workers = new CollectionWorkers(mongo, nats, nats.jetStream(requests), management,
                new KvCheckpointStore(checkpointBucket), availability, WorkerSettings.from(settings), metrics, board, clock);
        LeaseKeeper keeper = new LeaseKeeper(replicaId(), specs(), leaseStore, leaseStore,
                new LeaseKeeper.Timings(settings.lease().ttl(), settings.lease().renewDeadline(),
                        settings.lease().renewInterval(), settings.lease().takeoverAfter(), settings.shutdown().timeout()),
                workers, metrics, board, clock);
        ConnectorGauges.register(metrics, specs(), board, clock);
        leaseKeeper = keeper;
        keeper.start();
        if (!settings.discovery().databases().isEmpty()) {
            discovery = new DiscoveryLoop(settings.discovery(), specs(), new CollectionDiscovery(mongo)::collections,
                    spec -> {
                        streams.ensure(spec);
                        ConnectorGauges.register(metrics, List.of(spec), board, clock);
                    },
                    spec -> ConnectorGauges.unregister(metrics, spec.key()), keeper::updateCollections);
            discovery.start();
        }
        LOG.infof("Replica %s ready: competing for %d lease(s) in bucket %s", replicaId(), specs().size(),
                settings.lease().bucket());
    }

    private void fail(String why) {
        phase(Phase.FAILED, why);
        LOG.error(why);
        Quarkus.asyncExit(2);
    }

    private void phase(Phase phase, String problem) {
        board.replica(r -> r.phase() == Phase.STOPPED ? r
                : new ReplicaStatus(r.replicaId(), phase, problem, r.leaseLoopLastRoundMillis()));
    }

    private void closeNats() {
        Connection connection = nats;
        if (connection != null) {
            dependencies.clear(Beans.NATS);
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            nats = null;
        }
    }

    private List<CollectionSpec> specs() {
        return settings.collections();
    }

    private String replicaId() {
        return board.replica().replicaId();
    }
}
