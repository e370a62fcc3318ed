package io.mongonats.connector.health;

import com.mongodb.client.MongoClient;
import io.mongonats.connector.app.Supervisor;
import io.nats.client.Connection;
import org.bson.Document;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Ready when MongoDB and NATS each answer within a short timeout and the lease loop runs. A standby that
 * holds no lease is ready: it can take over. A collection stopped by policy shows in the details and in
 * liveness-independent metrics, not here, so that a replica is not restarted in a loop for bad data.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Supervisor supervisor;

    public ReadinessCheck(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("mongo-nats-connector")
                .withData("replica", String.valueOf(supervisor.replicaId()))
                .withData("phase", supervisor.phase().name().toLowerCase());
        supervisor.problem().ifPresent(problem -> builder.withData("problem", problem));
        boolean mongoUp = supervisor.mongo().map(ReadinessCheck::pingMongo).orElse(false);
        boolean natsUp = supervisor.nats().map(ReadinessCheck::pingNats).orElse(false);
        builder.withData("mongodb", mongoUp ? "up" : "down").withData("nats", natsUp ? "up" : "down");
        supervisor.leaseKeeper().ifPresent(keeper -> CollectionDetails.add(builder, keeper, System.currentTimeMillis()));
        return builder.status(mongoUp && natsUp && supervisor.phase() == Supervisor.Phase.RUNNING).build();
    }

    private static boolean pingMongo(MongoClient client) {
        try {
            client.getDatabase("admin").withTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .runCommand(new Document("ping", 1));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean pingNats(Connection connection) {
        try {
            return connection.getStatus() == Connection.Status.CONNECTED && connection.RTT().compareTo(TIMEOUT) < 0;
        } catch (Exception e) {
            return false;
        }
    }
}
