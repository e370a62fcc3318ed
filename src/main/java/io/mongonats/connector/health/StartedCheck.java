package io.mongonats.connector.health;

import io.mongonats.connector.app.Supervisor;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import jakarta.enterprise.context.ApplicationScoped;

/** Started once connected and the lease loop runs. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    private final Supervisor supervisor;

    public StartedCheck(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("connector-started")
                .withData("phase", supervisor.phase().name().toLowerCase())
                .status(supervisor.phase() == Supervisor.Phase.RUNNING)
                .build();
    }
}
