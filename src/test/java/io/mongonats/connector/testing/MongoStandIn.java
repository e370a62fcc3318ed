package io.mongonats.connector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * In-process MongoDB stand-in (de.bwaldvogel mongo-java-server) with the oplog enabled, so
 * {@code collection.watch()} works. Binds 127.0.0.1 on a port fixed at construction, so it can be
 * stopped and started again at the same address. The memory backend loses everything on
 * {@link #stop()}; the H2 backend keeps documents and oplog (resume tokens stay valid).
 * See /work/shared/ENVIRONMENT.md for how it differs from a real mongod.
 */
public final class MongoStandIn implements AutoCloseable {

    /** Printed by {@link #main} once the server listens. */
    public static final String READY_LINE = "MONGO_STANDIN_READY";

    private final int port;
    private final Path h2File;
    private final Path ownedDir;
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
        this(port, h2File, null);
    }

    private MongoStandIn(int port, Path h2File, Path ownedDir) {
        this.port = port;
        this.h2File = h2File;
        this.ownedDir = ownedDir;
    }

    /** H2 backend in a temporary directory of its own, deleted by {@link #close()}, on a free port; not started. */
    public static MongoStandIn h2() {
        Path dir = TestFiles.createTempDir("mongo-h2-");
        return new MongoStandIn(FreePorts.allocate(), dir.resolve("mongo.h2"), dir);
    }

    /** H2 backend persisted in {@code file}, on a free port; not started. */
    public static MongoStandIn h2(Path file) {
        return new MongoStandIn(FreePorts.allocate(), file);
    }

    /** H2 backend persisted in {@code file}, on {@code port}; not started. */
    public static MongoStandIn h2(Path file, int port) {
        return new MongoStandIn(port, file);
    }

    /** Starts listening (again) on the same port with a fresh backend instance. */
    public synchronized MongoStandIn start() {
        if (server != null) {
            throw new IllegalStateException("MongoStandIn on port " + port + " is already running");
        }
        MongoBackend backend = h2File == null ? new MemoryBackend() : new H2Backend(h2File.toString());
        MongoServer started = new MongoServer(backend);
        started.enableOplog();
        started.bind("127.0.0.1", port);
        server = started;
        return this;
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
}
