package io.mongonats.connector.health;

import io.mongonats.connector.app.Supervisor;
import io.mongonats.connector.lease.LeaseKeeper;
import io.mongonats.connector.status.WorkerStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Alive unless wedged: the lease loop stopped making rounds, or a streaming worker stopped going round its loop
 * (stuck in a call that never returns). Does no I/O: an unreachable MongoDB or NATS is readiness' business.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    private final Supervisor supervisor;

    public LivenessCheck(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("progress")
                .withData("phase", supervisor.phase().name().toLowerCase());
        LeaseKeeper keeper = supervisor.leaseKeeper().orElse(null);
        if (keeper == null || supervisor.phase() == Supervisor.Phase.STOPPED) {
            return builder.status(supervisor.phase() != Supervisor.Phase.FAILED).build();
        }
        long now = System.currentTimeMillis();
        long stallMillis = supervisor.stallTimeout().toMillis();
        long leaseSilence = now - keeper.lastTickMillis();
        boolean alive = leaseSilence < Math.max(stallMillis, supervisor.renewInterval().toMillis() * 10);
        builder.withData("leaseLoopLastRoundMillisAgo", leaseSilence);
        for (LeaseKeeper.LeaseView view : keeper.views().values()) {
            WorkerStatus status = view.worker() == null ? null : view.worker().status();
            if (status != null && status.state() == WorkerStatus.State.STREAMING && status.lastProgressMillis() > 0
                    && now - status.lastProgressMillis() > stallMillis) {
                builder.withData(view.spec().namespace(), "stalled for " + (now - status.lastProgressMillis()) + " ms");
                alive = false;
            }
        }
        return builder.status(alive).build();
    }
}
