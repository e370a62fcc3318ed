package io.mongonats.connector.it;

import io.mongonats.connector.testing.ConnectorProcess;

import java.util.LinkedHashMap;
import java.util.Map;

/** The configuration of one connector process watching some collections of the stand-in. */
final class ConnectorFixture {

    private final Map<String, String> config = new LinkedHashMap<>();
    private int collections;

    ConnectorFixture(String mongoUri, String natsUrls, String replicaId) {
        config.put("connector.mongo.uri", mongoUri);
        config.put("connector.nats.servers", natsUrls);
        config.put("connector.replica-id", replicaId);
        config.put("connector.checkpoint.interval", "200ms");
    }

    ConnectorFixture watch(String database, String collection) {
        config.put("connector.collections[" + collections + "].database", database);
        config.put("connector.collections[" + collections + "].collection", collection);
        collections++;
        return this;
    }

    /** Sets a key of the collection added last, e.g. {@code on-oversized}. */
    ConnectorFixture with(String collectionKey, String value) {
        config.put("connector.collections[" + (collections - 1) + "]." + collectionKey, value);
        return this;
    }

    ConnectorFixture set(String key, String value) {
        config.put(key, value);
        return this;
    }

    ConnectorProcess start(String name) {
        return ConnectorProcess.start(name, config, java.util.List.of("-Xmx256m"));
    }
}
