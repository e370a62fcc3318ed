package io.mongonats.connector.health;

import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.status.CollectionStatus;
import io.mongonats.connector.status.ReplicaStatus;
import io.mongonats.connector.status.StatusBoard;
import io.mongonats.connector.status.WorkerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import java.time.Clock;
import java.util.Locale;

/**
 * Alive unless wedged: the lease loop stopped making rounds, or a streaming worker stopped going round its loop
 * (stuck in a call that never returns). Does no I/O: an unreachable MongoDB or NATS is readiness' business.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    private final StatusBoard board;
    private final long stallMillis;
    private final long leaseSilenceMillis;
    private final Clock clock = Clock.systemUTC();

    public LivenessCheck(StatusBoard board, ConnectorSettings config) {
        this.board = board;
        this.stallMillis = config.health().stallTimeout().toMillis();
        this.leaseSilenceMillis = Math.max(stallMillis, config.lease().renewInterval().toMillis() * 10);
    }

    @Override
    public HealthCheckResponse call() {
        ReplicaStatus replica = board.replica();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("progress")
                .withData("phase", replica.phase().name().toLowerCase(Locale.ROOT));
        if (replica.leaseLoopLastRoundMillis() < 0 || replica.phase() == ReplicaStatus.Phase.STOPPED) {
            return builder.status(replica.phase() != ReplicaStatus.Phase.FAILED).build();
        }
        long now = clock.millis();
        long leaseSilence = now - replica.leaseLoopLastRoundMillis();
        boolean alive = leaseSilence < leaseSilenceMillis;
        builder.withData("leaseLoopLastRoundMillisAgo", leaseSilence);
        for (CollectionStatus collection : board.collections()) {
            WorkerStatus status = collection.worker();
            if (collection.streaming() && status.lastProgressMillis() > 0 && now - status.lastProgressMillis() > stallMillis) {
                builder.withData(collection.namespace(), "stalled for " + (now - status.lastProgressMillis()) + " ms");
                alive = false;
            }
        }
        return builder.status(alive).build();
    }
}
