package io.mongonats.connector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * In-process MongoDB stand-in (de.bwaldvogel mongo-java-server) with the oplog enabled, so
 * {@code collection.watch()} works. Binds 127.0.0.1 on a port fixed at construction, so it can be
 * stopped and started again at the same address. The memory backend loses everything on
 * {@link #stop()}; the H2 backend keeps documents and oplog (resume tokens stay valid).
 * See /work/shared/ENVIRONMENT.md for how it differs from a real mongod.
 *
 * <p>The stand-in stamps an oplog entry Timestamp(wall-clock second, counter), and its counter starts again at 1
 * with every server instance (de.bwaldvogel {@code OplogClock}). Restarted on an H2 file within the second of its
 * newest entry, it would stamp new changes before changes it has already reported, and a change stream resumed
 * after one of those would skip them for good (how CrashRecoveryIT once lost 22 of 600). A real mongod never issues
 * an oplog time below one it has issued, so {@link #start()} runs the restarted server on a clock that reads no
 * earlier than the second after its newest oplog entry.
 */
public final class MongoStandIn implements AutoCloseable {

    /** Printed by {@link #main} once the server listens. */
    public static final String READY_LINE = "MONGO_STANDIN_READY";

    private final int port;
    private final Path h2File;
    private final Path ownedDir;
    private final Clock clock;
    private MongoServer server;

    /** Memory backend on a free port; not started. */
    public MongoStandIn() {
        this(FreePorts.allocate(), null);
    }

    /** Memory backend on {@code port}; not started. */
    public MongoStandIn(int port) {
        this(port, null);
    }

    private MongoStandIn(int port, Path h2File) {
        this(port, h2File, null, Clock.systemUTC());
    }

    private MongoStandIn(int port, Path h2File, Path ownedDir, Clock clock) {
        this.port = port;
        this.h2File = h2File;
        this.ownedDir = ownedDir;
        this.clock = clock;
    }

    /** H2 backend in a temporary directory of its own, deleted by {@link #close()}, on a free port; not started. */
    public static MongoStandIn h2() {
        Path dir = TestFiles.createTempDir("mongo-h2-");
        return new MongoStandIn(FreePorts.allocate(), dir.resolve("mongo.h2"), dir, Clock.systemUTC());
    }

    /** H2 backend persisted in {@code file}, on a free port; not started. */
    public static MongoStandIn h2(Path file) {
        return new MongoStandIn(FreePorts.allocate(), file);
    }

    /** H2 backend persisted in {@code file}, on {@code port}; not started. */
    public static MongoStandIn h2(Path file, int port) {
        return new MongoStandIn(port, file);
    }

    /** H2 backend persisted in {@code file}, on a free port, stamping the oplog from {@code clock}; not started. */
    public static MongoStandIn h2(Path file, Clock clock) {
        return new MongoStandIn(FreePorts.allocate(), file, null, clock);
    }

    /** Starts listening (again) on the same port with a fresh backend instance. */
    public synchronized MongoStandIn start() {
        if (server != null) {
            throw new IllegalStateException("MongoStandIn on port " + port + " is already running");
        }
        FloorClock backendClock = new FloorClock(clock);
        MongoBackend backend = h2File == null ? new SessionsMemoryBackend() : new H2Backend(h2File.toString(), backendClock);
        MongoServer started = new MongoServer(backend);
        started.enableOplog();
        backendClock.raiseTo(Instant.ofEpochSecond(newestOplogSecond(backend) + 1));
        started.bind("127.0.0.1", port);
        server = started;
        return this;
    }

    private static long newestOplogSecond(MongoBackend backend) {
        MongoCollection<?> oplog = backend.resolveDatabase("local").resolveCollection("oplog.rs", false);
        return oplog == null ? 0 : oplog.queryAllAsStream()
                .mapToLong(entry -> Integer.toUnsignedLong(((BsonTimestamp) entry.get("ts")).getTime()))
                .max().orElse(0);
    }

    /** Reads as {@code base}, but never earlier than a floor. */
    private static final class FloorClock extends Clock {

        private final Clock base;
        private volatile Instant floor = Instant.MIN;

        FloorClock(Clock base) {
            this.base = base;
        }

        void raiseTo(Instant instant) {
            floor = instant;
        }

        @Override
        public Instant instant() {
            Instant now = base.instant();
            return now.isBefore(floor) ? floor : now;
        }

        @Override
        public ZoneId getZone() {
            return base.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the stand-in's clock keeps its zone");
        }
    }

    /** Closes all client connections and the backend (H2 is flushed to its file). */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Connection string for mongodb-driver-sync 5.x (the stand-in is a standalone server). */
    public String uri() {
        return "mongodb://127.0.0.1:" + port + "/?directConnection=true";
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        stop();
        TestFiles.deleteTree(ownedDir);
    }

    /**
     * Runs the stand-in as its own process. Arguments: {@code --port N [--h2 FILE]}. Prints
     * {@link #READY_LINE} {@code port=N} when listening; exits on stdin EOF or SIGTERM.
     */
    public static void main(String[] args) throws IOException {
        Integer port = null;
        Path h2 = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--h2" -> h2 = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]
                        + "; expected --port N [--h2 FILE]");
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port N is required");
        }
        MongoStandIn standIn = new MongoStandIn(port, h2);
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "mongo-standin-shutdown"));
        standIn.start();
        System.out.println(READY_LINE + " port=" + port);
        System.out.flush();
        while (System.in.read() != -1) {
            // ignore input; EOF means the parent is gone
        }
        standIn.close();
        System.exit(0);
    }

    /**
     * Launches {@link #main} in a new JVM with this JVM's class path, output appended to
     * {@code logFile}, and waits for the ready line. Stdin stays a pipe from this JVM, so the child
     * also exits when this JVM dies. The caller owns the process.
     */
    public static Process spawn(int port, Path h2FileOrNull, Path logFile, Duration timeout) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                MongoStandIn.class.getName(), "--port", String.valueOf(port)));
        if (h2FileOrNull != null) {
            command.addAll(List.of("--h2", h2FileOrNull.toString()));
        }
        long logStart = TestFiles.size(logFile);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command, e);
        }
        String ready = READY_LINE + " port=" + port;
        try {
            Await.until(timeout, "stand-in process prints '" + ready + "'", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("stand-in process exited with " + process.exitValue() + ":\n"
                            + TestFiles.tail(logFile, 30));
                }
                return TestFiles.readText(logFile, logStart).contains(ready);
            });
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    /**
     * The memory backend announcing {@code logicalSessionTimeoutMinutes}, as every replica set member does, so that
     * the driver opens the sessions a snapshot reads in; the plain stand-in makes {@code startSession} fail with "a
     * server that doesn't support sessions".
     */
    private static final class SessionsMemoryBackend extends MemoryBackend {
        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(io.netty.channel.Channel channel, String database,
                                                              String command, de.bwaldvogel.mongo.bson.Document query) {
            de.bwaldvogel.mongo.bson.Document reply = super.handleCommand(channel, database, command, query);
            if (command.equalsIgnoreCase("ismaster") || command.equalsIgnoreCase("hello")) {
                reply.put("logicalSessionTimeoutMinutes", 30);
            }
            return reply;
        }
    }
}
