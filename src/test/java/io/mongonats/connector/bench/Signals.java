package io.mongonats.connector.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Sends signals through the builtin {@code kill} of one long-lived shell, so that a signal costs two pipe writes
 * instead of a fork: starting kill(1) per signal took up to a second on the loaded two-core machine, too coarse
 * for pauses of one second or a duty cycle of 20 ms. Each call returns once the signal was sent.
 */
final class Signals implements AutoCloseable {

    private final Process shell;
    private final Writer commands;
    private final BufferedReader replies;

    Signals() {
        try {
            shell = new ProcessBuilder("bash").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start bash", e);
        }
        commands = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.US_ASCII);
        replies = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
    }

    void stop(long pid) {
        send("STOP", pid);
    }

    void resume(long pid) {
        send("CONT", pid);
    }

    private synchronized void send(String signal, long pid) {
        try {
            commands.write("kill -" + signal + " " + pid + "; echo \"rc=$?\"\n");
            commands.flush();
            String reply = replies.readLine();
            if (!"rc=0".equals(reply)) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " answered " + reply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kill -" + signal + " " + pid + " failed", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            commands.close();
        } catch (IOException ignored) {
            // the shell is gone already
        }
        if (!shell.waitFor(5, TimeUnit.SECONDS)) {
            shell.destroyForcibly();
        }
    }
}
