package io.mongonats.connector.discovery;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.mongonats.connector.testing.FreePorts;
import io.netty.channel.Channel;

/**
 * The MongoDB stand-in (memory backend, oplog on) announcing {@code logicalSessionTimeoutMinutes} in its handshake,
 * as every replica set member does, so that the driver opens the sessions a snapshot reads in (the plain stand-in
 * makes {@code startSession} fail with "a server that doesn't support sessions"). Otherwise the plain stand-in.
 * The snapshot tests have a fuller one (ReplicaSetStandIn, with operation times); this is the least discovery needs.
 */
final class SessionStandIn implements AutoCloseable {

    private final int port = FreePorts.allocate();
    private final MongoServer server;

    SessionStandIn() {
        server = new MongoServer(new MemoryBackend() {
            @Override
            public Document handleCommand(Channel channel, String database, String command, Document query) {
                Document reply = super.handleCommand(channel, database, command, query);
                if (command.equalsIgnoreCase("ismaster") || command.equalsIgnoreCase("hello")) {
                    reply.put("logicalSessionTimeoutMinutes", 30);
                }
                return reply;
            }
        });
        server.enableOplog();
        server.bind("127.0.0.1", port);
    }

    String uri() {
        return "mongodb://127.0.0.1:" + port + "/?directConnection=true";
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
