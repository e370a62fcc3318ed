package io.mongonats.connector.sink;

import io.mongonats.connector.config.ConnectorSettings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;

/** Builds the NATS connection from the configuration: servers, one way to authenticate, TLS. */
public final class NatsConnections {

    private static final Logger LOG = Logger.getLogger(NatsConnections.class);

    private NatsConnections() {
    }

    public static Connection connect(ConnectorSettings.Nats nats, String connectionName, ConnectionListener listener)
            throws IOException, InterruptedException {
        Options.Builder builder = Options.builder()
                .servers(nats.servers().stream().map(String::strip).toArray(String[]::new))
                .connectionName(connectionName)
                .connectionTimeout(nats.connectTimeout())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionListener(listener)
                .errorListener(new ErrorLogger());
        nats.credentialsFile().ifPresent(builder::credentialPath);
        nats.nkeySeedFile().ifPresent(seed -> builder.authHandler(Nats.credentials(null, seed)));
        nats.token().ifPresent(token -> builder.token(token.toCharArray()));
        if (nats.user().isPresent() && nats.password().isPresent()) {
            builder.userInfo(nats.user().get().toCharArray(), nats.password().get().toCharArray());
        }
        ConnectorSettings.Tls tls = nats.tls();
        tls.truststorePath().ifPresent(builder::truststorePath);
        tls.truststorePassword().ifPresent(password -> builder.truststorePassword(password.toCharArray()));
        tls.keystorePath().ifPresent(builder::keystorePath);
        tls.keystorePassword().ifPresent(password -> builder.keystorePassword(password.toCharArray()));
        return Nats.connect(builder.build());
    }

    /** Reports errors from the NATS client without the noise of each reconnect attempt. */
    private static final class ErrorLogger implements ErrorListener {
        private volatile String lastError;

        @Override
        public void errorOccurred(Connection connection, String error) {
            if (!error.equals(lastError)) {
                LOG.warnf("NATS error: %s", error);
                lastError = error;
            }
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            String message = String.valueOf(exception.getMessage());
            if (!message.equals(lastError)) {
                LOG.debugf("NATS client exception: %s", message);
                lastError = message;
            }
        }
    }
}
