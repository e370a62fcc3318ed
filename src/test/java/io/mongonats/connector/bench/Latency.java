package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mongonats.connector.testing.ConnectorProcess;

/**
 * End-to-end latency at a fixed write rate: from just before the insert command (nanoTime carried in the
 * document as {@code wt}) to the consumer's receipt of the published change, both in this JVM.
 * Also CPU per event and the peak RSS of the connector at that rate, for the JVM flags given.
 */
final class Latency {

    /** {@code ownShare}: the connector's read-to-acknowledgement timer over the measured changes. */
    record Result(double rate, double achievedRate, Percentiles millis, double cpuPer100k, double peakRssMb,
                  AckHistogram ownShare) {
    }

    private final Path workDir;
    private final List<Double> startToReady;

    Latency(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    Result run(String label, double rate, Duration warmUp, Duration measured, int documentBytes, List<String> jvmArgs)
            throws Exception {
        String name = label;
        try (Rig rig = new Rig(workDir, startToReady)) {
            DocWriter writer = new DocWriter(rig.collection(name), documentBytes);
            ConnectorProcess connector = rig.startConnector(label,
                    rig.connector("bench-" + label, List.of(name)).jvmFlags(jvmArgs));
            // The connector creates the stream before it reports ready.
            try (EventConsumer consumer = new EventConsumer(rig.nats(), Rig.DATABASE + "." + name)) {
                return measure(connector, writer, consumer, rate, warmUp, measured);
            }
        }
    }

    private static Result measure(ConnectorProcess connector, DocWriter writer, EventConsumer consumer, double rate,
                                  Duration warmUp, Duration measured) {
        Rig.awaitStreaming(writer, consumer);
        writer.writeAtRate(rate, warmUp.toNanos(), () -> false);
        Rig.awaitCaughtUp(writer, consumer, Duration.ofMinutes(2));
        consumer.recordLatenciesFrom(writer.nextN());
        AckHistogram acksBefore = AckHistogram.scrape(connector);
        double cpuBefore = ProcStats.cpuSeconds(connector.pid());
        long start = System.nanoTime();
        long written = writer.writeAtRate(rate, measured.toNanos(), () -> false);
        double achieved = written / ((System.nanoTime() - start) / 1e9);
        Rig.awaitCaughtUp(writer, consumer, Duration.ofMinutes(2));
        double cpu = ProcStats.cpuSeconds(connector.pid()) - cpuBefore;
        return new Result(rate, achieved, Percentiles.of(consumer.latenciesMillis()), cpu / written * 100_000,
                ProcStats.peakRssMb(connector.pid()), AckHistogram.scrape(connector).since(acksBefore));
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }
}
