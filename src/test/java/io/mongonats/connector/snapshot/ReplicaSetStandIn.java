package io.mongonats.connector.snapshot;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.mongonats.connector.testing.FreePorts;
import io.netty.channel.Channel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The MongoDB stand-in (memory backend, oplog on) with the two things a replica set member reports and a snapshot
 * relies on, which the plain stand-in lacks (see /work/shared/ENVIRONMENT.md):
 * <ul>
 *   <li>{@code logicalSessionTimeoutMinutes} in its handshake, so that the driver opens sessions (without it,
 *       {@code startSession} fails with "a server that doesn't support sessions", as it would against a
 *       pre-3.6 standalone; every replica set supports sessions);</li>
 *   <li>optionally, an {@code operationTime} on reads with a read concern: the time of the newest oplog entry
 *       once the read is done. A replica set member reports the time its majority read saw; this is an upper
 *       bound of it, the safe side for a watermark (a change judged "before the read" only drops the chunk's copy
 *       of its document). Without it, a snapshot's windows close only at empty change-stream reads.</li>
 * </ul>
 * Still a standalone in every other way: no elections, no majority, the stand-in's change events.
 */
public final class ReplicaSetStandIn implements AutoCloseable {

    /** Printed by {@link #main} once the server listens, and after {@code enable-oplog} on stdin. */
    public static final String READY_LINE = "REPLICA_SET_STANDIN_READY";
    public static final String OPLOG_LINE = "REPLICA_SET_STANDIN_OPLOG_ENABLED";

    private final boolean operationTimes;
    private final int port;
    private MongoServer server;
    private SessionBackend backend;

    private ReplicaSetStandIn(boolean operationTimes, int port) {
        this.operationTimes = operationTimes;
        this.port = port;
    }

    /** Sessions, and operation times on reads as a replica set reports them. */
    public static ReplicaSetStandIn withOperationTimes() {
        return new ReplicaSetStandIn(true, FreePorts.allocate());
    }

    /** Sessions, but no operation times: snapshot windows close at empty change-stream reads only. */
    public static ReplicaSetStandIn withoutOperationTimes() {
        return new ReplicaSetStandIn(false, FreePorts.allocate());
    }

    /** Starts with the oplog on: every write is a change. */
    public synchronized ReplicaSetStandIn start() {
        return start(true);
    }

    /**
     * Starts with the oplog off, for a bulk load before any change stream opens: each getMore on the stand-in scans
     * the whole oplog (a real server's does not), so documents loaded this way cost a stream nothing.
     * {@link #enableOplog()} ends the load.
     */
    public synchronized ReplicaSetStandIn startForBulkLoad() {
        return start(false);
    }

    private synchronized ReplicaSetStandIn start(boolean oplog) {
        if (server != null) {
            throw new IllegalStateException("stand-in on port " + port + " is already running");
        }
        backend = new SessionBackend(operationTimes);
        server = new MongoServer(backend);
        if (oplog) {
            server.enableOplog();
        }
        server.bind("127.0.0.1", port);
        return this;
    }

    /** Starts recording changes: writes made before have no change events (a bulk load that no stream must scan). */
    public synchronized void enableOplog() {
        backend.enableOplog();
    }

    public String uri() {
        return "mongodb://127.0.0.1:" + port + "/?directConnection=true";
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /**
     * Runs the stand-in as its own process, for the benchmark: {@code --port N}, started with the oplog off. A line
     * {@code enable-oplog} on stdin turns it on ({@link #OPLOG_LINE} is printed); stdin's end stops the process.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !args[0].equals("--port")) {
            throw new IllegalArgumentException("expected --port N");
        }
        ReplicaSetStandIn standIn = new ReplicaSetStandIn(true, Integer.parseInt(args[1]));
        standIn.start(false);
        System.out.println(READY_LINE + " port=" + args[1]);
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            if (line.strip().equals("enable-oplog")) {
                standIn.enableOplog();
                System.out.println(OPLOG_LINE);
                System.out.flush();
            }
        }
        standIn.close();
        System.exit(0);
    }

    private static final class SessionBackend extends MemoryBackend {

        private final boolean operationTimes;

        SessionBackend(boolean operationTimes) {
            this.operationTimes = operationTimes;
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Document reply = super.handleCommand(channel, database, command, query);
            if (command.equalsIgnoreCase("ismaster") || command.equalsIgnoreCase("hello")) {
                reply.put("logicalSessionTimeoutMinutes", 30);
            } else if (operationTimes && command.equals("find") && query.containsKey("readConcern")) {
                Object newest = newestOplogTime(channel);
                if (newest != null) {
                    reply.put("operationTime", newest);
                }
            }
            return reply;
        }

        private Object newestOplogTime(Channel channel) {
            Document newest = super.handleCommand(channel, "local", "find", new Document("find", "oplog.rs")
                    .append("sort", new Document("$natural", -1)).append("limit", 1)
                    .append("projection", new Document("ts", 1)));
            List<?> batch = (List<?>) ((Document) newest.get("cursor")).get("firstBatch");
            return batch.isEmpty() ? null : ((Document) batch.get(0)).get("ts");
        }
    }
}
