package io.mongonats.connector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One nats-server OS process: spawn with fixed arguments, wait for the client port, stop or kill. */
final class NatsProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String label;
    private final List<String> args;
    private final Path logFile;
    private final int clientPort;
    private Process process;

    NatsProcess(String label, List<String> args, Path logFile, int clientPort) {
        this.label = label;
        this.args = List.copyOf(args);
        this.logFile = logFile;
        this.clientPort = clientPort;
    }

    /** Spawns the server and waits until its client port accepts connections. */
    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(label + " is already running");
        }
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(args);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command, e);
        }
        Process started = process;
        Await.until(START_TIMEOUT, label + " accepts connections on 127.0.0.1:" + clientPort, () -> {
            failIfExited(started);
            return portOpen(clientPort);
        });
    }

    /** Throws an AssertionError carrying the log tail if the process has exited. */
    void failIfExited(Process p) {
        if (!p.isAlive()) {
            throw new AssertionError(label + " exited with code " + p.exitValue() + "; log tail:\n"
                    + TestFiles.tail(logFile, 30));
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized Process process() {
        return process;
    }

    /** SIGTERM and wait for exit (SIGKILL if it does not exit within 30 s). */
    synchronized void stop() {
        if (isRunning()) {
            process.destroy();
            waitFor(STOP_TIMEOUT);
        }
    }

    /** SIGKILL and wait for exit. */
    synchronized void kill() {
        if (isRunning()) {
            process.destroyForcibly();
            waitFor(STOP_TIMEOUT);
        }
    }

    private void waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The nats-server binary: PATH first, then the usual system directories. */
    static Path executable() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            Stream.of(path.split(java.io.File.pathSeparator)).filter(s -> !s.isBlank())
                    .forEach(dir -> candidates.add(Path.of(dir, "nats-server")));
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin")) {
            candidates.add(Path.of(dir, "nats-server"));
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "nats-server not found on PATH or in /usr/sbin, /usr/bin, /usr/local/bin;"
                        + " install it with: apt-get install -y nats-server"));
    }
}
