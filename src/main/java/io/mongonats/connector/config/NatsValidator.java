package io.mongonats.connector.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks {@code connector.nats.*}: server URLs, at most one way to authenticate, readable files, timeouts. */
final class NatsValidator {

    private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss");
    private static final String SERVERS = "comma-separated URLs such as nats://127.0.0.1:4222";

    private final Problems problems;

    NatsValidator(Problems problems) {
        this.problems = problems;
    }

    ConnectorSettings.Nats validate(ConnectorConfig.Nats nats) {
        List<String> servers = servers(nats.servers());
        authentication(nats);
        ConnectorSettings.Tls tls = tls(nats.tls());
        return new ConnectorSettings.Nats(servers, nats.credentialsFile(), nats.nkeySeedFile(), nats.token(),
                nats.user(), nats.password(), tls,
                problems.positiveDuration("connector.nats.connect-timeout", nats.connectTimeout()),
                problems.positiveDuration("connector.nats.request-timeout", nats.requestTimeout()));
    }

    private List<String> servers(Optional<List<String>> configured) {
        List<String> servers = configured.orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (servers.isEmpty()) {
            problems.add("connector.nats.servers", "is missing or empty; expected " + SERVERS);
        }
        servers.forEach(this::checkUrl);
        return servers;
    }

    private void checkUrl(String server) {
        try {
            URI uri = new URI(server);
            if (uri.getScheme() != null && SCHEMES.contains(uri.getScheme()) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below with the form expected
        }
        problems.add("connector.nats.servers", "'" + Secrets.maskUri(server)
                + "' is not a NATS URL; expected nats://host:port (or tls://, ws://, wss://)");
    }

    private void authentication(ConnectorConfig.Nats nats) {
        int methods = 0;
        if (nats.credentialsFile().isPresent()) {
            methods++;
            problems.readable("connector.nats.credentials-file", nats.credentialsFile().get());
        }
        if (nats.nkeySeedFile().isPresent()) {
            methods++;
            problems.readable("connector.nats.nkey-seed-file", nats.nkeySeedFile().get());
        }
        if (nats.token().isPresent()) {
            methods++;
        }
        if (nats.user().isPresent() || nats.password().isPresent()) {
            methods++;
            if (nats.user().isEmpty() || nats.password().isEmpty()) {
                problems.add("connector.nats.user", "connector.nats.user and connector.nats.password must be set together");
            }
        }
        if (methods > 1) {
            problems.add("connector.nats", "sets more than one way to authenticate; choose one of credentials-file, "
                    + "nkey-seed-file, token, or user with password");
        }
    }

    private ConnectorSettings.Tls tls(ConnectorConfig.Tls tls) {
        tls.truststorePath().ifPresent(path -> problems.readable("connector.nats.tls.truststore-path", path));
        tls.keystorePath().ifPresent(path -> problems.readable("connector.nats.tls.keystore-path", path));
        if (tls.keystorePassword().isPresent() && tls.keystorePath().isEmpty()) {
            problems.add("connector.nats.tls.keystore-password", "is set without connector.nats.tls.keystore-path");
        }
        if (tls.truststorePassword().isPresent() && tls.truststorePath().isEmpty()) {
            problems.add("connector.nats.tls.truststore-password", "is set without connector.nats.tls.truststore-path");
        }
        return new ConnectorSettings.Tls(tls.truststorePath(), tls.truststorePassword(), tls.keystorePath(),
                tls.keystorePassword());
    }
}
