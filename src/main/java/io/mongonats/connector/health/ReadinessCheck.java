package io.mongonats.connector.health;

import io.mongonats.connector.status.CollectionStatus;
import io.mongonats.connector.status.Dependencies;
import io.mongonats.connector.status.ReplicaStatus;
import io.mongonats.connector.status.SinkStatus;
import io.mongonats.connector.status.StatusBoard;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Ready when MongoDB and NATS each answer within a short timeout and the lease loop runs. A standby that
 * holds no lease is ready: it can take over. A collection stopped by policy shows in the details and in
 * metrics, not here, so that a replica is not restarted in a loop for bad data; so does each read-model sink,
 * whose waiting for MongoDB or NATS shows in those dependencies.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final StatusBoard board;
    private final Dependencies dependencies;

    public ReadinessCheck(StatusBoard board, Dependencies dependencies) {
        this.board = board;
        this.dependencies = dependencies;
    }

    @Override
    public HealthCheckResponse call() {
        ReplicaStatus replica = board.replica();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("mongo-nats-connector")
                .withData("replica", replica.replicaId())
                .withData("phase", replica.phase().name().toLowerCase(Locale.ROOT));
        if (replica.problem() != null) {
            builder.withData("problem", replica.problem());
        }
        boolean up = replica.phase() == ReplicaStatus.Phase.RUNNING;
        for (Map.Entry<String, Boolean> answer : dependencies.check(TIMEOUT).entrySet()) {
            builder.withData(answer.getKey(), answer.getValue() ? "up" : "down");
            up &= answer.getValue();
        }
        for (CollectionStatus collection : board.collections()) {
            builder.withData(collection.namespace(), CollectionDetails.describe(collection));
        }
        for (SinkStatus sink : board.sinks().all()) {
            builder.withData(sink.name(), sink.describe());
        }
        return builder.status(up).build();
    }
}
