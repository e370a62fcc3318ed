package io.mongonats.connector.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged connector (system property {@code connector.app.jar}, set by failsafe to
 * target/quarkus-app/quarkus-run.jar) running in its own JVM. Config is passed as {@code -Dkey=value};
 * stdout and stderr go to {@link #logFile()}, which is kept after {@link #close()} for post-mortems.
 */
public final class ConnectorProcess implements AutoCloseable {

    /** Status and body of an HTTP response. */
    public record HttpResult(int status, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final int httpPort;
    private final Path logFile;
    private final Process process;

    private ConnectorProcess(String name, int httpPort, Path logFile, Process process) {
        this.name = name;
        this.httpPort = httpPort;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Launches the application. {@code name} labels the log directory and messages. HTTP binds
     * 127.0.0.1 on a free port unless {@code config} sets {@code quarkus.http.host}/{@code port}.
     * A connector's configuration is built with {@link ConnectorFixture}; this takes any keys.
     */
    public static ConnectorProcess start(String name, Map<String, String> config, List<String> jvmArgs) {
        return start(name, config, jvmArgs, Map.of());
    }

    /** As {@link #start(String, Map, List)}, with {@code env} added to the inherited environment (e.g. {@code MALLOC_ARENA_MAX}). */
    public static ConnectorProcess start(String name, Map<String, String> config, List<String> jvmArgs,
                                         Map<String, String> env) {
        Path jar = Path.of(System.getProperty("connector.app.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Application jar " + jar.toAbsolutePath()
                    + " not found; run ./mvnw package (or verify) so that failsafe sets connector.app.jar");
        }
        int port = config.containsKey("quarkus.http.port")
                ? Integer.parseInt(config.get("quarkus.http.port")) : FreePorts.allocate();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + port);
        if (!config.containsKey("quarkus.http.host")) {
            command.add("-Dquarkus.http.host=127.0.0.1");
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        Path logFile = TestFiles.createTempDir("connector-" + name + "-").resolve(name + ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            return new ConnectorProcess(name, port, logFile, process);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public int httpPort() {
        return httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void sigterm() {
        signal("TERM");
    }

    public void sigkill() {
        signal("KILL");
    }

    /** Freezes the JVM (SIGSTOP), e.g. to simulate a long GC pause or a hung node. */
    public void sigstop() {
        signal("STOP");
    }

    public void sigcont() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            int code = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).inheritIO().start().waitFor();
            if (code != 0 && process.isAlive()) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " exited with " + code);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + signal, e);
        }
    }

    /** Waits for the process to end and returns its exit code (Quarkus exits with 143 after SIGTERM). */
    public int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "; log tail:\n" + logTail(40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for " + name + " to exit", e);
        }
    }

    /**
     * Waits until a line of the log (from its start) contains {@code substring} and returns that
     * line. Fails at once if the process has exited without logging it.
     */
    public String awaitLog(String substring, Duration timeout) {
        long[] scanned = {0};
        return Await.untilValue(timeout, name + " logs '" + substring + "'", () -> {
            boolean exited = !process.isAlive();
            String found = scan(scanned, substring, exited);
            if (found == null && exited) {
                throw new AssertionError(name + " exited (code " + process.exitValue() + ") without logging '"
                        + substring + "'; log tail:\n" + logTail(40));
            }
            return found;
        });
    }

    /** Reads complete lines after {@code scanned[0]}; returns the first containing {@code substring}. */
    private String scan(long[] scanned, String substring, boolean includePartialLine) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            if (length <= scanned[0]) {
                return null;
            }
            byte[] bytes = new byte[(int) (length - scanned[0])];
            file.seek(scanned[0]);
            file.readFully(bytes);
            int lineStart = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n' || (includePartialLine && i == bytes.length - 1)) {
                    String line = new String(bytes, lineStart, i + 1 - lineStart, StandardCharsets.UTF_8).strip();
                    lineStart = i + 1;
                    if (line.contains(substring)) {
                        return line;
                    }
                }
            }
            scanned[0] += lineStart;
            return null;
        }
    }

    /** GET {@code path} on 127.0.0.1:{@link #httpPort()}. */
    public HttpResult httpGet(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new HttpResult(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on " + name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during GET " + path, e);
        }
    }

    /** Waits until /q/health/ready answers 200; fails at once if the process exits. */
    public void awaitReady(Duration timeout) {
        HttpResult[] last = {null};
        try {
            Await.until(timeout, name + " /q/health/ready returns 200", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited with code " + process.exitValue());
                }
                last[0] = httpGet("/q/health/ready");
                return last[0].status() == 200;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last response: " + last[0] + "; log tail:\n" + logTail(40), e);
        }
    }

    public String logText() {
        return TestFiles.readText(logFile);
    }

    public String logTail(int lines) {
        return TestFiles.tail(logFile, lines);
    }

    /** Prints the last {@code lines} log lines to stderr (for failing tests) and returns them. */
    public String dumpLogTail(int lines) {
        String tail = logTail(lines);
        System.err.println("----- last " + lines + " lines of " + name + " (pid " + pid() + ", " + logFile + ") -----");
        System.err.println(tail);
        System.err.println("----- end of " + name + " log -----");
        return tail;
    }

    /** SIGKILLs the process if it is still alive (also when it is stopped by SIGSTOP). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "ConnectorProcess[" + name + ", pid " + pid() + ", http " + httpPort + ", " + logFile + "]";
    }
}
