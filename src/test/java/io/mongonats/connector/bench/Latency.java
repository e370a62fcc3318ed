package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.mongonats.connector.testing.ConnectorProcess;

/**
 * End-to-end latency at a fixed write rate: from just before the insert command (nanoTime carried in the
 * document as {@code wt}) to the consumer's receipt of the published change, both in this JVM.
 * Also CPU per event and the peak RSS of the connector at that rate, for the JVM flags given.
 */
final class Latency {

    /**
     * {@code ownShare}: the connector's read-to-acknowledgement timer over the measured changes; {@code drainMillis}:
     * from the writer's last insert until the consumer has received every change (small when the connector keeps up).
     */
    record Result(double rate, double achievedRate, Percentiles millis, double cpuPer100k, double peakRssMb,
                  AckHistogram ownShare, double drainMillis) {
    }

    /** The fraction of the measured phase after which the {@code nearEnd} probe runs. */
    static final double NEAR_END = 0.8;

    private final Path workDir;
    private final List<Double> startToReady;

    Latency(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    Result run(String label, double rate, Duration warmUp, Duration measured, int documentBytes, List<String> jvmArgs)
            throws Exception {
        return run(label, rate, warmUp, measured, documentBytes, jvmArgs, Map.of(), connector -> { });
    }

    /**
     * As above, with {@code env} added to the connector's environment, and {@code nearEnd} run on another thread
     * when {@link #NEAR_END} of the measured phase has passed (the writer keeps its pace meanwhile).
     */
    Result run(String label, double rate, Duration warmUp, Duration measured, int documentBytes, List<String> jvmArgs,
               Map<String, String> env, Consumer<ConnectorProcess> nearEnd) throws Exception {
        String name = label;
        try (Rig rig = new Rig(workDir, startToReady)) {
            DocWriter writer = new DocWriter(rig.collection(name), documentBytes);
            ConnectorProcess connector = rig.startConnector(label,
                    rig.connector("bench-" + label, List.of(name)).jvmFlags(jvmArgs).environment(env));
            // The connector creates the stream before it reports ready.
            try (EventConsumer consumer = new EventConsumer(rig.nats(), Rig.DATABASE + "." + name)) {
                return measure(connector, writer, consumer, rate, warmUp, measured, nearEnd);
            }
        }
    }

    private static Result measure(ConnectorProcess connector, DocWriter writer, EventConsumer consumer, double rate,
                                  Duration warmUp, Duration measured, Consumer<ConnectorProcess> nearEnd)
            throws Exception {
        Rig.awaitStreaming(writer, consumer);
        writer.writeAtRate(rate, warmUp.toNanos(), () -> false);
        Rig.awaitCaughtUp(writer, consumer, Duration.ofMinutes(2));
        consumer.recordLatenciesFrom(writer.nextN());
        AckHistogram acksBefore = AckHistogram.scrape(connector);
        double cpuBefore = ProcStats.cpuSeconds(connector.pid());
        long start = System.nanoTime();
        long written;
        long stop;
        try (ScheduledExecutorService side = Executors.newSingleThreadScheduledExecutor()) {
            Future<?> probe = side.schedule(() -> nearEnd.accept(connector),
                    (long) (measured.toNanos() * NEAR_END), TimeUnit.NANOSECONDS);
            written = writer.writeAtRate(rate, measured.toNanos(), () -> false);
            stop = System.nanoTime();
            probe.get();
        }
        double achieved = written / ((stop - start) / 1e9);
        Rig.awaitCaughtUp(writer, consumer, Duration.ofMinutes(2));
        double drainMillis = (System.nanoTime() - stop) / 1e6;
        double cpu = ProcStats.cpuSeconds(connector.pid()) - cpuBefore;
        return new Result(rate, achieved, Percentiles.of(consumer.latenciesMillis()), cpu / written * 100_000,
                ProcStats.peakRssMb(connector.pid()), AckHistogram.scrape(connector).since(acksBefore), drainMillis);
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }
}
