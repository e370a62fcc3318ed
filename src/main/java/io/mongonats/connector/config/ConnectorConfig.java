package io.mongonats.connector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * The operator's contract: every key under {@code connector.}; the README documents each one.
 *
 * <p>Every value is read as text and is optional here, so that SmallRye never rejects one on its own (it treats an
 * empty value as missing and stops at the first conversion error in a separate message). {@link ConfigValidator}
 * converts and checks them all, reports every problem in one list, and returns the {@link ConnectorSettings} the
 * rest of the connector reads. A key with a default has it here; set to an empty value, it is reported as empty.
 */
@ConfigMapping(prefix = "connector")
public interface ConnectorConfig {

    /** Who holds a lease; defaults to the host name, which is the pod name in a StatefulSet. */
    Optional<String> replicaId();

    Mongo mongo();

    Nats nats();

    Stream stream();

    Publish publish();

    Checkpoint checkpoint();

    Lease lease();

    Shutdown shutdown();

    Health health();

    List<Collection> collections();

    /** Whole databases: their collections are discovered while the connector runs. */
    List<Database> databases();

    Discovery discovery();

    Snapshot snapshot();

    interface Snapshot {
        /** Documents read per chunk: memory holds at most one chunk per collection. */
        @WithDefault("2000")
        Optional<String> chunkSize();
    }

    /** Read models: streams applied to MongoDB collections (see readmodel). */
    List<SinkConfig> sinks();

    interface Mongo {
        /** Required. May hold credentials: never logged unmasked. */
        Optional<String> uri();

        @WithDefault("1000")
        Optional<String> batchSize();

        @WithDefault("1s")
        Optional<String> maxAwaitTime();
    }

    interface Nats {
        /** Required: comma-separated URLs. */
        Optional<List<String>> servers();

        Optional<String> credentialsFile();

        Optional<String> nkeySeedFile();

        Optional<String> token();

        Optional<String> user();

        Optional<String> password();

        Tls tls();

        @WithDefault("5s")
        Optional<String> connectTimeout();

        /** Timeout of JetStream API calls: stream info, KV reads and writes. */
        @WithDefault("5s")
        Optional<String> requestTimeout();
    }

    interface Tls {
        Optional<String> truststorePath();

        Optional<String> truststorePassword();

        Optional<String> keystorePath();

        Optional<String> keystorePassword();
    }

    interface Stream {
        /** file or memory. */
        @WithDefault("file")
        Optional<String> storage();

        @WithDefault("1")
        Optional<String> replicas();

        @WithDefault("2m")
        Optional<String> duplicateWindow();

        /** Only limits is accepted: the stream's last message must stay for exactly-once resumption. */
        @WithDefault("limits")
        Optional<String> retention();

        /** 0 keeps messages until other limits remove them. */
        @WithDefault("0s")
        Optional<String> maxAge();
    }

    interface Publish {
        /** Published but not yet acknowledged events per collection: the backpressure window. */
        @WithDefault("1024")
        Optional<String> maxInFlight();

        @WithDefault("5s")
        Optional<String> ackTimeout();

        @WithDefault("200ms")
        Optional<String> retryInitialBackoff();

        @WithDefault("10s")
        Optional<String> retryMaxBackoff();
    }

    interface Checkpoint {
        @WithDefault("mongo-nats-checkpoints")
        Optional<String> bucket();

        @WithDefault("1s")
        Optional<String> interval();
    }

    interface Lease {
        @WithDefault("mongo-nats-leases")
        Optional<String> bucket();

        /** Heartbeats of live replicas, used to share collections evenly. */
        @WithDefault("mongo-nats-replicas")
        Optional<String> membersBucket();

        @WithDefault("10s")
        Optional<String> ttl();

        @WithDefault("6s")
        Optional<String> renewDeadline();

        @WithDefault("2s")
        Optional<String> renewInterval();

        /** A holder whose heartbeats have not been heard for this long is taken over before its lease expires. */
        @WithDefault("1s")
        Optional<String> takeoverAfter();
    }

    interface Shutdown {
        /** How long SIGTERM may take to drain acknowledgements, checkpoint and release leases. */
        @WithDefault("10s")
        Optional<String> timeout();
    }

    interface Health {
        /** Liveness fails when a streaming worker has made no progress for this long (a hung call). */
        @WithDefault("60s")
        Optional<String> stallTimeout();
    }

    /** One watched collection: where it is, where its changes go, and its options. */
    interface Collection extends CollectionOptions {
        /** Required. */
        Optional<String> database();

        /** Required. */
        Optional<String> collection();

        Optional<String> stream();

        Optional<String> subjectPrefix();

        /** Where dead-letter records go; must lie under the subject prefix. */
        Optional<String> deadLetterSubject();
    }

    /**
     * A database whose collections are watched as they come and go, each with a stream, subject prefix and lease of
     * its own named by {@link NameEscaping}; its options are the defaults of every collection discovered in it.
     */
    interface Database extends CollectionOptions {
        /** Required. */
        Optional<String> name();

        /** A Java regular expression the whole collection name must match; all collections when missing. */
        Optional<String> include();

        /** A Java regular expression: collections whose whole name matches it are left out. */
        Optional<String> exclude();
    }

    interface Discovery {
        /** How often the collections of {@code connector.databases} are listed. */
        @WithDefault("30s")
        Optional<String> interval();
    }

    /**
     * How a collection is captured, apart from its names. A group of its own so that a later
     * {@code connector.databases[i]} can offer the same keys as defaults for its collections;
     * {@link CollectionResolver} reads them in one place.
     */
    interface CollectionOptions extends MessageOptions {
        /** default, updateLookup, whenAvailable or required. */
        @WithDefault("updateLookup")
        Optional<String> fullDocument();

        /** off, whenAvailable or required. */
        @WithDefault("off")
        Optional<String> fullDocumentBeforeChange();

        /** A JSON array of $match stages, for example [{"$match": {"operationType": "insert"}}]. */
        Optional<String> pipeline();

        /** stop or dead-letter: what to do with an event larger than the server's max payload. */
        @WithDefault("stop")
        Optional<String> onOversized();

        /** stop or restart-from-now: what to do when the stored resume token cannot be used. */
        @WithDefault("stop")
        Optional<String> onLostPosition();

        /** initial, never or when-needed: whether existing documents are published before the changes. */
        @WithDefault("initial")
        Optional<String> snapshot();
    }

}
