package io.mongonats.connector.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.impl.Headers;

/**
 * Runs {@link FloorLoop} in a JVM of its own on changes already in the oplog, and measures its CPU from /proc
 * between {@code GO} and {@code DONE}, as the connector's is measured.
 */
final class Floor {

    /** The floor process's flags: the connector's collector; heap room for the payloads loaded beforehand. */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx512m");

    /** Measured over the changes after the warm-up. */
    /** {@code jitMicrosPerChange}: the part of {@code cpuMicrosPerChange} spent by the JIT compilers' threads. */
    record Result(long changes, double rate, double cpuMicrosPerChange, double jitMicrosPerChange) {
    }

    private Floor() {
    }

    /** The resume token the last message of the stream capturing {@code subjectPrefix.>} carries. */
    static String lastToken(Connection nats, String subjectPrefix) throws Exception {
        JetStreamManagement management = nats.jetStreamManagement();
        String stream = management.getStreamNames(subjectPrefix + ".>").get(0);
        long last = management.getStreamInfo(stream).getStreamState().getLastSequence();
        Headers headers = management.getMessage(stream, last).getHeaders();
        String token = headers.getFirst("Cdc-Resume-Token");
        return token != null ? token : headers.getFirst("Nats-Msg-Id"); // builds before issue 12: the id is the token
    }

    /**
     * The floor on the {@code count} changes of {@code collection} after {@code token}, in {@code encoding}: CPU is
     * measured over those after the first {@code warmUp}, with nothing in flight in between.
     */
    static Result run(Rig rig, String collection, String token, long count, long warmUp, String encoding, Path workDir)
            throws Exception {
        Path prepared = workDir.resolve("floor-" + encoding + ".bin");
        FloorPayloads.prepare(rig.collection(collection), token, count, encoding, prepared);
        String stream = "floor_" + encoding + "_" + collection;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FloorLoop.class.getName(),
                rig.mongoUri(), rig.natsUrl(), Rig.DATABASE, collection, token, prepared.toString(), stream,
                "floor_" + encoding + "." + collection, String.valueOf(warmUp)));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("floor-" + encoding + ".log").toFile()))
                .start();
        try (BufferedReader out = process.inputReader(); Writer in = process.outputWriter()) {
            expect(out, "READY");
            in.write("GO\n");
            in.flush();
            expect(out, "WARM");
            double cpuBefore = ProcStats.cpuSeconds(process.pid());
            double jitBefore = ProcStats.compilerSeconds(ProcStats.cpuSecondsByThread(process.pid()));
            in.write("GO\n");
            in.flush();
            String[] done = expect(out, "DONE").split(" ");
            double cpu = ProcStats.cpuSeconds(process.pid()) - cpuBefore;
            double jit = ProcStats.compilerSeconds(ProcStats.cpuSecondsByThread(process.pid())) - jitBefore;
            long changes = Long.parseLong(done[1]);
            return new Result(changes, changes / (Long.parseLong(done[2]) / 1e9), cpu / changes * 1e6, jit / changes * 1e6);
        } finally {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(prepared);
        }
    }

    private static String expect(BufferedReader out, String prefix) throws IOException {
        String line = out.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IllegalStateException("floor process: expected " + prefix + ", got " + line + " (see floor-*.log)");
        }
        return line;
    }
}
