package io.mongonats.connector.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorProcess;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;

/**
 * Catch-up of a backlog: a connector streams, stops gracefully (its checkpoint written), a backlog is written,
 * then a new connector process resumes from the checkpoint. The raw read baseline reads the same backlog from
 * a cursor opened before it was written. The stand-in's oplog holds only the backlog and a few probes.
 */
final class CatchUp {

    /**
     * {@code cpuPer100k} covers the whole backlog from the connector's readiness; {@code warmCpuMicros} (connector)
     * and {@code floor} cover what follows the first quarter of the backlog, the JIT warm-up.
     */
    record Result(String encoding, long backlog, double writerRate, double rawRead, double connector,
                  double startToCaughtUpSeconds, double cpuPer100k, double peakRssMb, double warmCpuMicros,
                  double warmJitMicros, Floor.Result floor) {
    }

    private final Path workDir;
    private final List<Double> startToReady;

    CatchUp(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    /** The connector publishes in {@code encoding} (json or bson); the floor runs on the same backlog before it. */
    Result run(long backlog, int documentBytes, List<String> jvmArgs, String encoding) throws Exception {
        String name = "backlog";
        try (Rig rig = new Rig(workDir, startToReady);
             RawChangeReader reader = new RawChangeReader(rig.collection(name), 0)) {
            DocWriter writer = new DocWriter(rig.collection(name), documentBytes);
            ConnectorProcess first = rig.startConnector("catchup-first",
                    rig.connector("bench-catchup", List.of(name)).with("encoding", encoding).jvmFlags(jvmArgs));
            // The connector creates the stream before it reports ready.
            try (EventConsumer consumer = new EventConsumer(rig.nats(), Rig.DATABASE + "." + name)) {
                return measure(rig, first, writer, consumer, reader, backlog, jvmArgs, encoding);
            }
        }
    }

    private Result measure(Rig rig, ConnectorProcess first, DocWriter writer, EventConsumer consumer,
                           RawChangeReader reader, long backlog, List<String> jvmArgs, String encoding) throws Exception {
        String name = "backlog";
        Rig.awaitStreaming(writer, consumer);
        Rig.awaitCaughtUp(writer, consumer, Duration.ofSeconds(60));
        first.sigterm();
        first.waitForExit(Duration.ofSeconds(60));

        long writeStart = System.nanoTime();
        writer.writeBurst(backlog);
        double writerRate = backlog / ((System.nanoTime() - writeStart) / 1e9);

        // Raw baseline: every document written since the cursor opened (the probes, then the backlog).
        long expected = writer.nextN();
        long readStart = System.nanoTime();
        reader.start();
        Await.until(Duration.ofMinutes(3), "raw reader reads the backlog", () -> reader.count() >= expected);
        double rawRead = expected / ((reader.lastReadNanos() - readStart) / 1e9);
        reader.close();

        // The floor: the last probe's token is where the connector resumes; the backlog follows it.
        Floor.Result floor = Floor.run(rig, name, Floor.lastToken(rig.nats(), Rig.DATABASE + "." + name), backlog,
                backlog / 4, encoding, workDir);

        // CPU after the warm-up is counted against what the stream stored, not what the consumer received: the
        // consumer can lag behind a fast connector.
        JetStreamManagement management = rig.nats().jetStreamManagement();
        String stream = management.getStreamNames(Rig.DATABASE + "." + name + ".>").get(0);
        long storedBefore = lastSequence(management, stream);
        consumer.armFirstArrival();
        long processStart = System.nanoTime();
        ConnectorProcess second = rig.startConnector("catchup-second",
                rig.connector("bench-catchup", List.of(name)).with("encoding", encoding).jvmFlags(jvmArgs));
        double cpuAtReady = ProcStats.cpuSeconds(second.pid());
        Await.until(Duration.ofMinutes(3), "the connector stores a quarter of the backlog",
                () -> lastSequence(management, stream) >= storedBefore + backlog / 4);
        double cpuWarm = ProcStats.cpuSeconds(second.pid());
        double jitWarm = ProcStats.compilerSeconds(ProcStats.cpuSecondsByThread(second.pid()));
        long warmFrom = lastSequence(management, stream);
        Await.until(Duration.ofMinutes(3), "the connector stores the whole backlog",
                () -> lastSequence(management, stream) >= storedBefore + backlog);
        double cpuAtEnd = ProcStats.cpuSeconds(second.pid());
        double jitAtEnd = ProcStats.compilerSeconds(ProcStats.cpuSecondsByThread(second.pid()));
        Rig.awaitCaughtUp(writer, consumer, Duration.ofMinutes(3));
        double cpu = cpuAtEnd - cpuAtReady;
        double warmCpuMicros = (cpuAtEnd - cpuWarm) / (storedBefore + backlog - warmFrom) * 1e6;
        double warmJitMicros = (jitAtEnd - jitWarm) / (storedBefore + backlog - warmFrom) * 1e6;
        double seconds = (consumer.maxNArrivedNanos() - consumer.firstArrivedNanos()) / 1e9;
        return new Result(encoding, backlog, writerRate, rawRead, backlog / seconds,
                (consumer.maxNArrivedNanos() - processStart) / 1e9, cpu / backlog * 100_000,
                ProcStats.peakRssMb(second.pid()), warmCpuMicros, warmJitMicros, floor);
    }

    private static long lastSequence(JetStreamManagement management, String stream) {
        try {
            return management.getStreamInfo(stream).getStreamState().getLastSequence();
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("Could not read the state of stream " + stream, e);
        }
    }
}
