package io.mongonats.connector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

/**
 * A single {@code nats-server -js} process on 127.0.0.1 with a temporary store directory. The port
 * and store survive {@link #stop()}/{@link #kill()} and {@link #start()}, so a restart keeps
 * JetStream data. {@link #close()} stops the server and deletes the directory.
 */
public final class NatsServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path dir;
    private final Path logFile;
    private final NatsProcess process;
    private final UnaryOperator<Options.Builder> clientAuth;
    private boolean closed;

    /** Allocates a port and a directory; does not start the server. */
    public NatsServer() {
        this(null);
    }

    /** A server that requires {@code token} from its clients (null: no authentication). */
    public NatsServer(String token) {
        this(token == null ? List.of() : List.of("--auth", token),
                options -> token == null ? options : options.token(token.toCharArray()));
    }

    /**
     * A server started with {@code extraArgs} (for example {@code -c auth.conf}); this harness's own clients
     * authenticate with {@code clientAuth}.
     */
    public NatsServer(List<String> extraArgs, UnaryOperator<Options.Builder> clientAuth) {
        this.port = FreePorts.allocate();
        this.dir = TestFiles.createTempDir("nats-server-");
        this.logFile = dir.resolve("nats-server.log");
        this.clientAuth = clientAuth;
        List<String> args = new java.util.ArrayList<>(extraArgs);
        args.addAll(List.of("-js", "-a", "127.0.0.1", "-p", String.valueOf(port),
                "-sd", dir.resolve("store").toString(), "-n", "standalone-" + port));
        this.process = new NatsProcess("nats-server :" + port, args, logFile, port);
    }

    /** A directory deleted with this server, for configuration files. */
    public Path dir() {
        return dir;
    }

    /** Creates and starts a server; cleans up if it does not come up. */
    public static NatsServer launch() {
        NatsServer server = new NatsServer();
        try {
            return server.start();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /** Starts (or restarts) the process and waits until JetStream answers. */
    public synchronized NatsServer start() {
        if (closed) {
            throw new IllegalStateException("NatsServer on port " + port + " is closed");
        }
        process.start();
        Await.until(READY_TIMEOUT, "JetStream ready on " + url(), () -> {
            process.failIfExited(process.process());
            try (Connection connection = Nats.connect(clientAuth.apply(probeOptions(url())).build())) {
                connection.jetStreamManagement().getAccountStatistics();
                return true;
            }
        });
        return this;
    }

    /** SIGTERM; waits for the process to exit. */
    public synchronized void stop() {
        process.stop();
    }

    /** SIGKILL; waits for the process to exit. */
    public synchronized void kill() {
        process.kill();
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** JetStream store directory (the {@code -sd} argument). */
    public Path storeDir() {
        return dir.resolve("store");
    }

    public Path logFile() {
        return logFile;
    }

    public String logTail(int lines) {
        return TestFiles.tail(logFile, lines);
    }

    /** A new client connection that reconnects forever; the caller closes it. */
    public Connection connect() {
        return connect(clientAuth.apply(reconnectingOptions(url())), url());
    }

    /** A new client connection to {@code urls} (comma-separated) that reconnects forever. */
    static Connection connect(String urls) {
        return connect(reconnectingOptions(urls), urls);
    }

    /** A connection for probes: fails instead of reconnecting, and logs nothing. */
    static Connection connectOnce(String urls) throws IOException, InterruptedException {
        return Nats.connect(probeOptions(urls).build());
    }

    private static Options.Builder reconnectingOptions(String urls) {
        return Options.builder().server(urls).connectionTimeout(Duration.ofSeconds(2))
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(100));
    }

    private static Options.Builder probeOptions(String urls) {
        return Options.builder().server(urls).connectionTimeout(Duration.ofSeconds(1))
                .noReconnect().errorListener(new ErrorListener() { });
    }

    private static Connection connect(Options.Builder options, String urls) {
        try {
            return Nats.connect(options.build());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not connect to " + urls, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting to " + urls, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.stop();
        TestFiles.deleteTree(dir);
    }

    @Override
    public String toString() {
        return "NatsServer[" + url() + ", " + dir + "]";
    }
}
