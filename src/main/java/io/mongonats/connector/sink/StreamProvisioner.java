package io.mongonats.connector.sink;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.message.Subjects;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;

/** Creates a collection's stream when it is missing, and checks that an existing one captures its subjects. */
public final class StreamProvisioner {

    private static final Logger LOG = Logger.getLogger(StreamProvisioner.class);

    private final JetStreamManagement management;
    private final ConnectorSettings.Stream settings;

    public StreamProvisioner(JetStreamManagement management, ConnectorSettings.Stream settings) {
        this.management = management;
        this.settings = settings;
    }

    public void ensure(CollectionSpec spec) throws IOException, JetStreamApiException {
        try {
            verify(spec, management.getStreamInfo(spec.stream()));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrors.STREAM_NOT_FOUND) {
                throw e;
            }
            create(spec);
        }
    }

    private void create(CollectionSpec spec) throws IOException, JetStreamApiException {
        StreamConfiguration config = StreamConfiguration.builder()
                .name(spec.stream())
                .description("Changes of MongoDB " + spec.namespace() + ", published by mongo-nats-connector")
                .subjects(Subjects.all(spec.subjectPrefix()))
                .storageType(storageType(settings.storage()))
                .retentionPolicy(switch (settings.retention()) {
                    case LIMITS -> RetentionPolicy.Limits;
                })
                .replicas(settings.replicas())
                .duplicateWindow(settings.duplicateWindow())
                .maxAge(settings.maxAge())
                .build();
        try {
            management.addStream(config);
            LOG.infof("Created stream %s for %s capturing %s", spec.stream(), spec.namespace(), Subjects.all(spec.subjectPrefix()));
        } catch (JetStreamApiException e) {
            // Another replica may have created it at the same moment: check what is there now.
            verify(spec, management.getStreamInfo(spec.stream()));
        }
    }

    private static void verify(CollectionSpec spec, StreamInfo info) {
        List<String> subjects = info.getConfiguration().getSubjects();
        String wanted = Subjects.all(spec.subjectPrefix());
        if (subjects.stream().noneMatch(subject -> Subjects.covers(subject, wanted))) {
            throw new ProvisioningConflictException("Stream " + spec.stream() + " exists but captures " + subjects + ", not "
                    + wanted + " that " + spec.namespace() + " publishes to. Add the subject to the stream, or set "
                    + "connector.collections[].stream or .subject-prefix so that they agree.");
        }
    }

    /** Streams and the connector's KV buckets are stored alike. */
    static StorageType storageType(ConnectorSettings.Storage storage) {
        return switch (storage) {
            case FILE -> StorageType.File;
            case MEMORY -> StorageType.Memory;
        };
    }
}
