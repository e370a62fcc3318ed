package io.mongonats.connector.health;

import io.mongonats.connector.status.ReplicaStatus;
import io.mongonats.connector.status.StatusBoard;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import java.util.Locale;

/** Started once connected and the lease loop runs. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    private final StatusBoard board;

    public StartedCheck(StatusBoard board) {
        this.board = board;
    }

    @Override
    public HealthCheckResponse call() {
        ReplicaStatus replica = board.replica();
        return HealthCheckResponse.named("connector-started")
                .withData("phase", replica.phase().name().toLowerCase(Locale.ROOT))
                .status(replica.phase() == ReplicaStatus.Phase.RUNNING)
                .build();
    }
}
