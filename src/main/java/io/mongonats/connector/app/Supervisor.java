package io.mongonats.connector.app;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.mongonats.connector.checkpoint.KvCheckpointStore;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.ConfigValidator;
import io.mongonats.connector.config.ConnectorConfig;
import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.config.Secrets;
import io.mongonats.connector.lease.KvLeaseStore;
import io.mongonats.connector.lease.LeaseKeeper;
import io.mongonats.connector.metrics.ConnectorGauges;
import io.mongonats.connector.metrics.ConnectorMetrics;
import io.mongonats.connector.pipeline.CollectionWorker;
import io.mongonats.connector.pipeline.PublishWindow;
import io.mongonats.connector.pipeline.WorkerSettings;
import io.mongonats.connector.sink.Buckets;
import io.mongonats.connector.sink.NatsConnections;
import io.mongonats.connector.sink.ProvisioningConflictException;
import io.mongonats.connector.sink.StreamProvisioner;
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

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The connector's lifecycle: validate the configuration, connect to MongoDB and NATS (retrying), provision
 * streams and buckets, run the lease loop; on shutdown, hand every lease over within the shutdown timeout.
 */
@ApplicationScoped
public class Supervisor {

    private static final Logger LOG = Logger.getLogger(Supervisor.class);

    public enum Phase { STARTING, CONNECTING, RUNNING, FAILED, STOPPED }

    private final ConnectorConfig config;
    private final ConnectorMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    private volatile Phase phase = Phase.STARTING;
    private volatile String problem;
    private volatile ConnectorSettings settings;
    private volatile List<CollectionSpec> specs = List.of();
    private volatile MongoClient mongo;
    private volatile Connection nats;
    private volatile LeaseKeeper leaseKeeper;
    private String replicaId;
    private Thread starter;

    public Supervisor(ConnectorConfig config, MeterRegistry registry) {
        this.config = config;
        this.metrics = new ConnectorMetrics(registry);
    }

    void onStart(@Observes StartupEvent event) {
        // A bad configuration throws a ConfigurationException: Quarkus prints the list of problems and exits non-zero.
        settings = ConfigValidator.validate(config);
        specs = settings.collections();
        replicaId = settings.replicaId().orElseGet(Supervisor::hostName).replaceAll("[^-_=.a-zA-Z0-9]", "_");
        LOG.infof("Replica %s watching %d collection(s) of %s, publishing to %s", replicaId, specs.size(),
                Secrets.maskUri(settings.mongo().uri()), settings.nats().servers().stream().map(Secrets::maskUri).toList());
        starter = new Thread(this::connectAndRun, "cdc-supervisor");
        starter.setDaemon(true);
        starter.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        phase = Phase.STOPPED;
        if (starter != null) {
            starter.interrupt();
            try {
                // Whatever the starter was doing (connecting, provisioning, starting the lease loop) ends first.
                starter.join(settings.nats().connectTimeout().plus(settings.nats().requestTimeout()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LeaseKeeper keeper = leaseKeeper;
        if (keeper != null) {
            LOG.infof("Replica %s shutting down: draining and releasing leases (at most %s)", replicaId,
                    settings.shutdown().timeout());
            try {
                keeper.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeNats();
        if (mongo != null) {
            mongo.close();
        }
    }

    private void connectAndRun() {
        phase = Phase.CONNECTING;
        mongo = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(settings.mongo().uri()))
                .applicationName("mongo-nats-connector/" + replicaId)
                .build());
        Duration backoff = settings.publish().retryInitialBackoff();
        while (phase == Phase.CONNECTING) {
            try {
                nats = NatsConnections.connect(settings.nats(), "mongo-nats-connector/" + replicaId);
                startLeaseKeeper();
                if (phase == Phase.CONNECTING) {
                    phase = Phase.RUNNING;
                }
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
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(settings.publish().retryMaxBackoff()) > 0
                        ? settings.publish().retryMaxBackoff() : backoff.multipliedBy(2);
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
        for (CollectionSpec spec : specs) {
            streams.ensure(spec);
        }
        KvCheckpointStore checkpoints = new KvCheckpointStore(checkpointBucket);
        KvLeaseStore leaseStore = new KvLeaseStore(leases, members);
        WorkerSettings workerSettings = WorkerSettings.from(settings);
        PublishWindow.Factory windows = new PublishWindow.Factory(nats.jetStream(requests),
                () -> (int) nats.getServerInfo().getMaxPayload());
        LeaseKeeper keeper = new LeaseKeeper(replicaId, specs, leaseStore, leaseStore,
                new LeaseKeeper.Timings(settings.lease().ttl(), settings.lease().renewDeadline(),
                        settings.lease().renewInterval(), settings.shutdown().timeout()),
                (spec, grant) -> new CollectionWorker(spec, mongo, management, checkpoints, workerSettings,
                        grant, metrics, clock, windows),
                metrics, clock);
        ConnectorGauges.register(metrics, specs, keeper, clock);
        leaseKeeper = keeper;
        problem = null;
        keeper.start();
        LOG.infof("Replica %s ready: competing for %d lease(s) in bucket %s", replicaId, specs.size(),
                settings.lease().bucket());
    }

    private void fail(String why) {
        phase = Phase.FAILED;
        problem = why;
        LOG.error(why);
        Quarkus.asyncExit(2);
    }

    private void closeNats() {
        if (nats != null) {
            try {
                nats.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            nats = null;
        }
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "replica-" + ProcessHandle.current().pid();
        }
    }

    public Phase phase() {
        return phase;
    }

    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    public Optional<LeaseKeeper> leaseKeeper() {
        return Optional.ofNullable(leaseKeeper);
    }

    public Optional<Connection> nats() {
        return Optional.ofNullable(nats);
    }

    public Optional<MongoClient> mongo() {
        return Optional.ofNullable(mongo);
    }

    public String replicaId() {
        return replicaId;
    }

    public Duration renewInterval() {
        return settings.lease().renewInterval();
    }

    public Duration stallTimeout() {
        return settings.health().stallTimeout();
    }
}
