package io.mongonats.connector.it;

import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.Streams;
import io.nats.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Mutual TLS to NATS with the configuration's truststore and keystore, certificates made by the JDK's keytool. */
class NatsTlsIT {

    private static final String PASSWORD = "store-pass-9431";

    @Test
    void connectsWithATruststoreAndAClientCertificate(@TempDir Path dir) throws Exception {
        makeCertificates(dir);
        Files.writeString(dir.resolve("tls.conf"), "tls {\n  cert_file: \"" + dir.resolve("server.pem")
                + "\"\n  key_file: \"" + dir.resolve("server.key") + "\"\n  ca_file: \"" + dir.resolve("ca.pem")
                + "\"\n  verify: true\n}\n");
        SSLContext harnessTls = sslContext(dir.resolve("client.p12"), dir.resolve("trust.p12"));
        try (NatsServer nats = new NatsServer(List.of("-c", dir.resolve("tls.conf").toString()),
                options -> options.sslContext(harnessTls)).start();
             MongoStandIn mongo = new MongoStandIn().start();
             SampleWriter writer = SampleWriter.open(mongo.uri(), "tls", "orders", 100);
             Connection connection = nats.connect();
             ConnectorProcess connector = ConnectorFixture.forTests(mongo.uri(), nats.url(), "tls-1").watch("tls", "orders")
                     .set("connector.nats.tls.truststore-path", dir.resolve("trust.p12").toString())
                     .set("connector.nats.tls.truststore-password", PASSWORD)
                     .set("connector.nats.tls.keystore-path", dir.resolve("client.p12").toString())
                     .set("connector.nats.tls.keystore-password", PASSWORD)
                     .start("tls")) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            writer.insertMany(5);
            Streams.assertExactlyOnceInOrder("tls_orders",
                    StreamReader.awaitCount(connection, "tls_orders", 5, Duration.ofSeconds(30)), 5);
            assertEquals(200, connector.httpGet("/q/health/ready").status());
            assertFalse(connector.logText().contains(PASSWORD), "a keystore password leaked");
        }
    }

    /** A CA, and a server and a client certificate it signed, with the server's key as PEM for nats-server. */
    private static void makeCertificates(Path dir) throws Exception {
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=test-ca", "-ext", "bc:c",
                "-validity", "2", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-rfc", "-file", "ca.pem");
        for (String name : List.of("server", "client")) {
            keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "2",
                    "-keystore", name + ".p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool(dir, "-certreq", "-alias", name, "-keystore", name + ".p12", "-storepass", PASSWORD, "-file", name + ".csr");
            keytool(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", name + ".csr",
                    "-outfile", name + ".pem", "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
                    "-ext", "eku=" + (name.equals("server") ? "serverAuth" : "clientAuth"));
            keytool(dir, "-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", name + ".p12", "-storepass", PASSWORD, "-noprompt");
            keytool(dir, "-importcert", "-alias", name, "-file", name + ".pem", "-keystore", name + ".p12", "-storepass", PASSWORD, "-noprompt");
        }
        keytool(dir, "-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12", "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-noprompt");
        KeyStore server = load(dir.resolve("server.p12"));
        PrivateKey key = (PrivateKey) server.getKey("server", PASSWORD.toCharArray());
        Files.writeString(dir.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    }

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + output);
        }
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static SSLContext sslContext(Path keystore, Path truststore) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keystore), PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(truststore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
