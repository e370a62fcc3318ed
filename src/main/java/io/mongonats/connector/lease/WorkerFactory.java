package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;

/** Makes the worker that streams a collection under a lease just acquired. */
@FunctionalInterface
public interface WorkerFactory {

    LeasedWorker create(CollectionSpec spec, LeaseGrant grant);
}
