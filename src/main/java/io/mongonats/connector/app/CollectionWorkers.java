package io.mongonats.connector.app;

import com.mongodb.client.MongoClient;
import io.mongonats.connector.checkpoint.CheckpointStore;
import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseGrant;
import io.mongonats.connector.lease.LeasedWorker;
import io.mongonats.connector.lease.WorkerFactory;
import io.mongonats.connector.message.FormattedMapper;
import io.mongonats.connector.metrics.ConnectorMetrics;
import io.mongonats.connector.pipeline.CollectionWorker;
import io.mongonats.connector.pipeline.SinkAvailability;
import io.mongonats.connector.pipeline.WorkerPorts;
import io.mongonats.connector.pipeline.WorkerSettings;
import io.mongonats.connector.sink.JetStreamSink;
import io.mongonats.connector.source.ChangeEvent;
import io.mongonats.connector.source.ChangeStreamSource;
import io.mongonats.connector.source.CollectionSnapshots;
import io.mongonats.connector.status.StatusBoard;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;

import java.time.Clock;

/** Puts a collection's worker together from its adapters: the change stream, the collection's message format, its stream. */
record CollectionWorkers(MongoClient mongo, Connection nats, JetStream jetStream, JetStreamManagement management,
                         CheckpointStore checkpoints, SinkAvailability availability, WorkerSettings settings,
                         ConnectorMetrics metrics, StatusBoard board, Clock clock) implements WorkerFactory {

    @Override
    public LeasedWorker create(CollectionSpec spec, LeaseGrant grant) {
        WorkerPorts<ChangeEvent> ports = new WorkerPorts<>(
                ChangeStreamSource.opener(mongo, spec, settings.batchSize(), settings.maxAwaitTime()),
                new CollectionSnapshots(mongo, spec),
                FormattedMapper.forCollection(spec, grant.replicaId(), grant.epoch()),
                new JetStreamSink(nats, jetStream, management, spec.stream()),
                checkpoints, availability);
        return new CollectionWorker<>(spec, ports, settings, grant, metrics, board, clock);
    }
}
