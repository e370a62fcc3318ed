package io.mongonats.connector.sink;

import io.mongonats.connector.status.Dependencies;
import io.nats.client.Connection;

import java.time.Duration;

/** NATS is connected and answers a round trip within the timeout. */
public final class NatsProbe implements Dependencies.Probe {

    private final Connection connection;

    public NatsProbe(Connection connection) {
        this.connection = connection;
    }

    @Override
    public boolean answers(Duration timeout) {
        try {
            return connection.getStatus() == Connection.Status.CONNECTED && connection.RTT().compareTo(timeout) < 0;
        } catch (Exception e) {
            return false;
        }
    }
}
