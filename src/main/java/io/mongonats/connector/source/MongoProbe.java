package io.mongonats.connector.source;

import com.mongodb.client.MongoClient;
import io.mongonats.connector.status.Dependencies;
import org.bson.Document;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** MongoDB answers a ping within the timeout. */
public record MongoProbe(MongoClient client) implements Dependencies.Probe {

    @Override
    public boolean answers(Duration timeout) {
        client.getDatabase("admin").withTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).runCommand(new Document("ping", 1));
        return true;
    }
}
