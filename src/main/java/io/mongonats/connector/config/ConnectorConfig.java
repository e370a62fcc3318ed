package io.mongonats.connector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The operator's contract: every key under {@code connector.}; the README documents each one. */
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

    /** Read models: streams applied to MongoDB collections (see readmodel). */
    List<Sink> sinks();

    interface Mongo {
        /** May hold credentials: never logged unmasked. */
        String uri();

        @WithDefault("1000")
        int batchSize();

        @WithDefault("1s")
        Duration maxAwaitTime();
    }

    interface Nats {
        List<String> servers();

        Optional<String> credentialsFile();

        Optional<String> nkeySeedFile();

        Optional<String> token();

        Optional<String> user();

        Optional<String> password();

        Tls tls();

        @WithDefault("5s")
        Duration connectTimeout();

        /** Timeout of JetStream API calls: stream info, KV reads and writes. */
        @WithDefault("5s")
        Duration requestTimeout();
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
        String storage();

        @WithDefault("1")
        int replicas();

        @WithDefault("2m")
        Duration duplicateWindow();

        /** Only limits is accepted: the stream's last message must stay for exactly-once resumption. */
        @WithDefault("limits")
        String retention();

        /** 0 keeps messages until other limits remove them. */
        @WithDefault("0s")
        Duration maxAge();
    }

    interface Publish {
        /** Published but not yet acknowledged events per collection: the backpressure window. */
        @WithDefault("1024")
        int maxInFlight();

        @WithDefault("5s")
        Duration ackTimeout();

        @WithDefault("200ms")
        Duration retryInitialBackoff();

        @WithDefault("10s")
        Duration retryMaxBackoff();
    }

    interface Checkpoint {
        @WithDefault("mongo-nats-checkpoints")
        String bucket();

        @WithDefault("1s")
        Duration interval();
    }

    interface Lease {
        @WithDefault("mongo-nats-leases")
        String bucket();

        /** Heartbeats of live replicas, used to share collections evenly. */
        @WithDefault("mongo-nats-replicas")
        String membersBucket();

        @WithDefault("10s")
        Duration ttl();

        @WithDefault("6s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration renewInterval();
    }

    interface Shutdown {
        /** How long SIGTERM may take to drain acknowledgements, checkpoint and release leases. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Health {
        /** Liveness fails when a streaming worker has made no progress for this long (a hung call). */
        @WithDefault("60s")
        Duration stallTimeout();
    }

    interface Collection {
        String database();

        String collection();

        Optional<String> stream();

        Optional<String> subjectPrefix();

        /** default, updateLookup, whenAvailable or required. */
        @WithDefault("updateLookup")
        String fullDocument();

        /** off, whenAvailable or required. */
        @WithDefault("off")
        String fullDocumentBeforeChange();

        /** A JSON array of $match stages, for example [{"$match": {"operationType": "insert"}}]. */
        Optional<String> pipeline();

        /** stop or dead-letter: what to do with an event larger than the server's max payload. */
        @WithDefault("stop")
        String onOversized();

        /** Where dead-letter records go; must lie under the subject prefix. */
        Optional<String> deadLetterSubject();

        /** stop or restart-from-now: what to do when the stored resume token cannot be used. */
        @WithDefault("stop")
        String onLostPosition();
    }

    interface Sink {
        /** The stream to apply; one this connector writes. */
        String stream();

        /** Only the subjects matching this filter; the whole stream by default. */
        Optional<String> filterSubject();

        /** Durable consumer shared by every replica; defaults to {@code <stream>_to_<database>_<collection>}. */
        Optional<String> consumer();

        /** Where the target collection lives; defaults to connector.mongo.uri. May hold credentials. */
        Optional<String> mongoUri();

        String database();

        String collection();

        @WithDefault("500")
        int batchSize();

        @WithDefault("5000")
        int maxAckPending();

        /** Deliveries of a message MongoDB rejects before it is dead-lettered. */
        @WithDefault("5")
        int maxDeliver();

        /** How long a fetched message stays with a replica before JetStream gives it to another. */
        @WithDefault("30s")
        Duration ackWait();

        /** The target documents' field holding the stream sequence they reflect. */
        @WithDefault("_cdc")
        String versionField();

        @WithDefault("24h")
        Duration tombstoneTtl();

        /** false deletes documents outright: only for one applier with max-ack-pending 1. */
        @WithDefault("true")
        boolean tombstones();

        /** Where messages that cannot be applied go; outside the source stream. */
        Optional<String> deadLetterSubject();
    }
}
