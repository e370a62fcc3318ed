package io.mongonats.connector.lease;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Live replicas announce themselves with heartbeats that expire: their number decides each one's fair share, and a
 * holder whose heartbeats stop is taken over without waiting for its leases to expire.
 */
public interface Members {

    void heartbeat(String replicaId) throws IOException;

    /** The replicas whose heartbeats have not expired, this one included once it has announced itself. */
    Set<String> liveMembers() throws IOException;

    /**
     * Asks to be told of every heartbeat as it arrives, this replica's own included, starting with those already
     * stored. Called on the client's thread: must not block.
     */
    void onHeartbeat(Consumer<String> replicaId) throws IOException;

    void leave(String replicaId) throws IOException;
}
