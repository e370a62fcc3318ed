package io.mongonats.connector.sink;

import io.mongonats.connector.status.Dependencies;
import io.nats.client.Connection;

import java.time.Duration;

/** NATS is connected and answers a round trip within the timeout. */
public record NatsProbe(Connection connection) implements Dependencies.Probe {

    @Override
    public boolean answers(Duration timeout) throws Exception {
        return connection.getStatus() == Connection.Status.CONNECTED && connection.RTT().compareTo(timeout) < 0;
    }
}
