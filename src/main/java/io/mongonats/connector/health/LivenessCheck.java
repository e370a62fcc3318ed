package io.mongonats.connector.health;

import io.mongonats.connector.app.Supervisor;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import jakarta.enterprise.context.ApplicationScoped;

/** Alive unless the lease loop stopped making rounds. Does no I/O. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    private final Supervisor supervisor;

    public LivenessCheck(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public HealthCheckResponse call() {
        long staleAfter = Math.max(30_000, supervisor.renewInterval().toMillis() * 10);
        return supervisor.leaseKeeper()
                .map(keeper -> {
                    long silent = System.currentTimeMillis() - keeper.lastTickMillis();
                    return HealthCheckResponse.named("lease-loop")
                            .withData("lastRoundMillisAgo", silent)
                            .status(silent < staleAfter || supervisor.phase() == Supervisor.Phase.STOPPED)
                            .build();
                })
                .orElseGet(() -> HealthCheckResponse.named("lease-loop")
                        .withData("phase", supervisor.phase().name().toLowerCase())
                        .status(supervisor.phase() != Supervisor.Phase.FAILED)
                        .build());
    }
}
