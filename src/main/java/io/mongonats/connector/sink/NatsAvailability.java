package io.mongonats.connector.sink;

import io.mongonats.connector.config.Secrets;
import io.mongonats.connector.pipeline.SinkAvailability;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows the NATS connection's state: logs each change once, and lets workers wait for it to be up again
 * instead of retrying while it is down.
 */
public final class NatsAvailability implements ConnectionListener, SinkAvailability {

    private static final Logger LOG = Logger.getLogger(NatsAvailability.class);

    private final AtomicReference<CompletableFuture<Void>> up = new AtomicReference<>(new CompletableFuture<>());

    @Override
    public CompletableFuture<Void> up() {
        return up.get();
    }

    @Override
    public void connectionEvent(Connection connection, Events event) {
        switch (event) {
            case CONNECTED, RECONNECTED -> {
                LOG.infof("NATS %s (%s)", event == Events.CONNECTED ? "connected" : "connection restored",
                        Secrets.maskUri(connection.getConnectedUrl()));
                up.get().complete(null);
            }
            case DISCONNECTED, CLOSED -> {
                LOG.warn(event == Events.CLOSED ? "NATS connection closed" : "NATS connection lost; reconnecting");
                up.updateAndGet(current -> current.isDone() ? new CompletableFuture<>() : current);
            }
            default -> LOG.debugf("NATS connection event %s", event);
        }
    }
}
