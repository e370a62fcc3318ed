package io.mongonats.connector.it;

import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.Streams;
import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.NKey;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NATS authentication methods of the configuration, against servers that require them. */
class NatsAuthIT {

    private static final String PASSWORD = "pw-0815-secret";

    @Test
    void userAndPasswordAuthenticateAndAWrongPasswordIsReportedWithoutIt() throws Exception {
        try (NatsServer nats = new NatsServer(List.of("--user", "cdc", "--pass", PASSWORD),
                options -> options.userInfo("cdc", PASSWORD)).start();
             MongoStandIn mongo = new MongoStandIn().start()) {
            ConnectorFixture fixture = ConnectorFixture.forTests(mongo.uri(), nats.url(), "auth-user").watch("auth", "user")
                    .set("connector.nats.user", "cdc");
            assertCapturesChanges(fixture.set("connector.nats.password", PASSWORD), nats, mongo, "auth_user");

            try (ConnectorProcess wrong = fixture.set("connector.nats.password", "not-" + PASSWORD).start("auth-wrong")) {
                String line = wrong.awaitLog("Cannot start streaming yet", Duration.ofSeconds(60));
                assertTrue(line.toLowerCase().contains("authorization"), line);
                String health = wrong.httpGet("/q/health/ready").body();
                assertTrue(health.contains("\"problem\"") && health.toLowerCase().contains("authorization"), health);
                assertFalse((wrong.logText() + health).contains(PASSWORD), "the password leaked");
            }
        }
    }

    @Test
    void anNKeySeedFileAuthenticates() throws Exception {
        NKey user = NKey.createUser(null);
        String publicKey = new String(user.getPublicKey());
        AuthHandler harnessAuth = new AuthHandler() {
            @Override
            public byte[] sign(byte[] nonce) {
                try {
                    return user.sign(nonce);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public char[] getID() {
                return publicKey.toCharArray();
            }

            @Override
            public char[] getJWT() {
                return null;
            }
        };
        Path config = Files.createTempFile("nats-nkey", ".conf");
        Files.writeString(config, "authorization { users = [ { nkey: \"" + publicKey + "\" } ] }\n");
        Path seed = Files.createTempFile("nats-nkey", ".seed");
        Files.writeString(seed, new String(user.getSeed()) + "\n");
        try (NatsServer nats = new NatsServer(List.of("-c", config.toString()), options -> options.authHandler(harnessAuth)).start();
             MongoStandIn mongo = new MongoStandIn().start()) {
            assertCapturesChanges(ConnectorFixture.forTests(mongo.uri(), nats.url(), "auth-nkey").watch("auth", "nkey")
                    .set("connector.nats.nkey-seed-file", seed.toString()), nats, mongo, "auth_nkey");
        } finally {
            Files.deleteIfExists(config);
            Files.deleteIfExists(seed);
        }
    }

    private static void assertCapturesChanges(ConnectorFixture fixture, NatsServer nats, MongoStandIn mongo, String stream)
            throws Exception {
        String[] names = stream.split("_");
        try (ConnectorProcess connector = fixture.start(stream);
             SampleWriter writer = SampleWriter.open(mongo.uri(), names[0], names[1], 100);
             Connection connection = nats.connect()) {
            connector.awaitLog("change stream open", Duration.ofSeconds(60));
            writer.insertMany(10);
            Streams.assertExactlyOnceInOrder(stream, StreamReader.awaitCount(connection, stream, 10, Duration.ofSeconds(30)), 10);
            assertFalse(connector.logText().contains(PASSWORD));
        }
    }
}
