package io.mongonats.connector.source;

import com.mongodb.client.MongoClient;
import io.mongonats.connector.status.Dependencies;
import org.bson.Document;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** MongoDB answers a ping within the timeout. */
public final class MongoProbe implements Dependencies.Probe {

    private final MongoClient client;

    public MongoProbe(MongoClient client) {
        this.client = client;
    }

    @Override
    public boolean answers(Duration timeout) {
        try {
            client.getDatabase("admin").withTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .runCommand(new Document("ping", 1));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
