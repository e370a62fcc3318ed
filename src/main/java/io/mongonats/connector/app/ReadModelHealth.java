package io.mongonats.connector.app;

import io.mongonats.connector.readmodel.SinkStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness details of each read-model sink. Always up: a sink waiting for MongoDB or NATS shows it here and in
 * the readiness of those dependencies, and restarting the replica would not help a sink stopped by its setup.
 */
@Readiness
@ApplicationScoped
public class ReadModelHealth implements HealthCheck {

    private final ReadModelSinks sinks;

    public ReadModelHealth(ReadModelSinks sinks) {
        this.sinks = sinks;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("read-models");
        for (SinkStatus status : sinks.statuses()) {
            builder.withData(status.name(), status.describe());
        }
        return builder.up().build();
    }
}
