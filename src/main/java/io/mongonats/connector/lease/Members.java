package io.mongonats.connector.lease;

import java.io.IOException;

/** Live replicas announce themselves with heartbeats that expire; the count decides each one's fair share. */
public interface Members {

    void heartbeat(String replicaId) throws IOException;

    int liveCount() throws IOException;

    void leave(String replicaId) throws IOException;
}
