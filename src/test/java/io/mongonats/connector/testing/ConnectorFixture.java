package io.mongonats.connector.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration of one packaged connector, as the {@code connector.*} keys it is started with, and its JVM
 * flags. The one way the ITs, the HA scenarios, the benchmark and the demo configure a connector. It stays
 * mutable after {@link #start}: each start launches a process with the configuration of that moment.
 */
public final class ConnectorFixture {

    private final Map<String, String> config = new LinkedHashMap<>();
    private List<String> jvmFlags = List.of();
    private Map<String, String> environment = Map.of();
    private int collections;
    private String snapshotMode;

    /** Production defaults for every key not set here, and no JVM flags. */
    public ConnectorFixture(String mongoUri, String natsServers, String replicaId) {
        config.put("connector.mongo.uri", mongoUri);
        natsServers(natsServers);
        replicaId(replicaId);
    }

    /**
     * As a test wants it: checkpoints every 200 ms, so that a restart finds a recent one, in a 256 MB heap, and no
     * initial snapshot (the streams hold the changes alone) unless a test asks for one with {@link #snapshots}.
     */
    public static ConnectorFixture forTests(String mongoUri, String natsServers, String replicaId) {
        return new ConnectorFixture(mongoUri, natsServers, replicaId)
                .set("connector.checkpoint.interval", "200ms")
                .snapshots("never")
                .jvmFlags(List.of("-Xmx256m"));
    }

    /** The snapshot mode of the collections watched from now on ({@code initial}, {@code never}, {@code when-needed}). */
    public ConnectorFixture snapshots(String mode) {
        snapshotMode = mode;
        return this;
    }

    public ConnectorFixture natsServers(String urls) {
        return set("connector.nats.servers", urls);
    }

    public ConnectorFixture replicaId(String id) {
        return set("connector.replica-id", id);
    }

    /** Adds {@code database.collection} to the watched collections. */
    public ConnectorFixture watch(String database, String collection) {
        config.put("connector.collections[" + collections + "].database", database);
        config.put("connector.collections[" + collections + "].collection", collection);
        if (snapshotMode != null) {
            config.put("connector.collections[" + collections + "].snapshot", snapshotMode);
        }
        collections++;
        return this;
    }

    public ConnectorFixture watch(String database, List<String> collections) {
        collections.forEach(collection -> watch(database, collection));
        return this;
    }

    /** Sets a key of the collection added last, e.g. {@code with("on-oversized", "dead-letter")}. */
    public ConnectorFixture with(String collectionKey, String value) {
        if (collections == 0) {
            throw new IllegalStateException("watch a collection before setting its " + collectionKey);
        }
        return set("connector.collections[" + (collections - 1) + "]." + collectionKey, value);
    }

    /** Sets any key, e.g. {@code connector.lease.ttl} or {@code quarkus.log.console.json.enabled}. */
    public ConnectorFixture set(String key, String value) {
        config.put(key, value);
        return this;
    }

    /** Replaces the JVM flags, e.g. {@code -Xmx128m}. */
    public ConnectorFixture jvmFlags(List<String> flags) {
        jvmFlags = List.copyOf(flags);
        return this;
    }

    /** Replaces the environment variables added to the inherited ones, e.g. {@code MALLOC_ARENA_MAX}. */
    public ConnectorFixture environment(Map<String, String> variables) {
        environment = Map.copyOf(variables);
        return this;
    }

    /** Launches the packaged connector with this configuration; {@code name} labels its log. Does not wait. */
    public ConnectorProcess start(String name) {
        return ConnectorProcess.start(name, config, jvmFlags, environment);
    }
}
