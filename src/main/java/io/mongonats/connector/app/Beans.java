package io.mongonats.connector.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.mongonats.connector.config.ConfigValidator;
import io.mongonats.connector.config.ConnectorConfig;
import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.metrics.ConnectorMetrics;
import io.mongonats.connector.status.Dependencies;
import io.mongonats.connector.status.StatusBoard;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.net.InetAddress;

/** The shared objects that the lifecycle writes and health checks and metrics read. */
public class Beans {

    public static final String MONGODB = "mongodb";
    public static final String NATS = "nats";

    /** Checked before anything else is made: a bad configuration stops the start with the list of its problems. */
    @Produces
    @Singleton
    ConnectorSettings settings(ConnectorConfig config) {
        return ConfigValidator.validate(config);
    }

    @Produces
    @Singleton
    StatusBoard statusBoard(ConnectorSettings settings) {
        return new StatusBoard(settings.replicaId().orElseGet(Beans::hostName).replaceAll("[^-_=.a-zA-Z0-9]", "_"));
    }

    @Produces
    @Singleton
    Dependencies dependencies() {
        return new Dependencies(MONGODB, NATS);
    }

    @Produces
    @Singleton
    ConnectorMetrics metrics(MeterRegistry registry) {
        return new ConnectorMetrics(registry);
    }

    /** The pod name in a StatefulSet. */
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
}
