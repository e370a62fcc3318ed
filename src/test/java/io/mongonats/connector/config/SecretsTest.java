package io.mongonats.connector.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecretsTest {

    @Test
    void masksUserInfoOfUris() {
        assertEquals("mongodb://****@db1:27017,db2/?replicaSet=rs0",
                Secrets.maskUri("mongodb://app:p%40ss@db1:27017,db2/?replicaSet=rs0"));
        assertEquals("nats://127.0.0.1:4222", Secrets.maskUri("nats://127.0.0.1:4222"));
    }

    @Test
    void scrubsASecretQuotedInsideAMessage() {
        assertEquals("bad uri mongodb://****@h", Secrets.scrub("bad uri mongodb://u:pw@h", "mongodb://u:pw@h"));
        assertEquals("the token **** is wrong", Secrets.scrub("the token s3cr3t is wrong", "s3cr3t"));
    }
}
