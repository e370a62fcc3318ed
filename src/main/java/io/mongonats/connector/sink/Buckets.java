package io.mongonats.connector.sink;

import io.mongonats.connector.config.ConnectorSettings;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;

/** Creates the connector's KV buckets when missing and checks that an existing lease bucket has the lease TTL. */
public final class Buckets {

    private static final Logger LOG = Logger.getLogger(Buckets.class);

    private final Connection connection;
    private final int replicas;
    private final StorageType storage;
    private final KeyValueOptions options;

    /** Buckets are stored like the streams: same storage and replicas. */
    public Buckets(Connection connection, ConnectorSettings.Stream stream, Duration requestTimeout) {
        this.connection = connection;
        this.replicas = stream.replicas();
        this.storage = StreamProvisioner.storageType(stream.storage());
        this.options = KeyValueOptions.builder().jsRequestTimeout(requestTimeout).build();
    }

    public KeyValue ensure(String name, Duration ttl, String description) throws IOException, JetStreamApiException {
        KeyValueManagement management = connection.keyValueManagement(options);
        try {
            Duration existing = management.getStatus(name).getTtl();
            if (!ttl.equals(existing == null ? Duration.ZERO : existing)) {
                throw new ProvisioningConflictException("KV bucket " + name + " exists with TTL " + existing + " but " + ttl
                        + " is configured; delete the bucket (nats kv rm " + name + ") or configure the same TTL");
            }
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrors.STREAM_NOT_FOUND) {
                throw e;
            }
            KeyValueConfiguration.Builder config = KeyValueConfiguration.builder()
                    .name(name)
                    .description(description)
                    .storageType(storage)
                    .replicas(replicas)
                    .maxHistoryPerKey(1);
            if (!ttl.isZero()) {
                config.ttl(ttl);
            }
            try {
                management.create(config.build());
                LOG.infof("Created KV bucket %s (ttl %s, replicas %d)", name, ttl.isZero() ? "none" : ttl, replicas);
            } catch (JetStreamApiException raced) {
                management.getStatus(name);
            }
        }
        return connection.keyValue(name, options);
    }
}
