package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;

/**
 * Sustained throughput with a concurrent writer, and its two baselines on the same documents: the raw
 * change-stream read rate (while the same writer writes) and the raw JetStream publish rate of the same
 * payloads. Each phase gets fresh servers so that the stand-in's oplog holds only that phase's events.
 */
final class Throughput {

    /** What one sustained scenario measured. */
    record Result(double writerRate, double rawRead, double rawPublish, double connector, double cpuPer100k,
                  double jitPer100k, double peakRssMb, List<byte[]> payloads) {
    }

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(3);

    private final Path workDir;
    private final List<Double> startToReady;

    Throughput(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    /** {@code warmUp} and {@code count} documents in total, split evenly over {@code collections} collections. */
    Result run(String label, int documentBytes, int collections, long warmUp, long count, List<String> jvmArgs)
            throws Exception {
        return run(label, documentBytes, collections, warmUp, count, jvmArgs, connector -> { });
    }

    /** As above; {@code afterMeasuring} sees the connector process after the timed phase, while it still runs. */
    Result run(String label, int documentBytes, int collections, long warmUp, long count, List<String> jvmArgs,
               Consumer<ConnectorProcess> afterMeasuring) throws Exception {
        long perCollection = count / collections;
        long warmPerCollection = warmUp / collections;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < collections; i++) {
            names.add(label + "_c" + i);
        }
        double writerRate;
        double rawRead;
        double rawPublish;
        List<byte[]> payloads;
        try (Rig rig = new Rig(workDir, new ArrayList<>())) {
            List<DocWriter> writers = new ArrayList<>();
            List<RawChangeReader> readers = new ArrayList<>();
            try {
                for (String name : names) {
                    writers.add(new DocWriter(rig.collection(name), documentBytes));
                    readers.add(new RawChangeReader(rig.collection(name), 1000).start());
                }
                writeAll(writers, warmPerCollection);
                awaitRead(readers, warmPerCollection);
                long start = System.nanoTime();
                long writersDone = writeAll(writers, perCollection);
                awaitRead(readers, warmPerCollection + perCollection);
                long end = readers.stream().mapToLong(RawChangeReader::lastReadNanos).max().orElseThrow();
                writerRate = perCollection * collections / ((writersDone - start) / 1e9);
                rawRead = perCollection * collections / ((end - start) / 1e9);
                payloads = List.copyOf(readers.get(0).samplePayloads());
            } finally {
                readers.forEach(RawChangeReader::close);
            }
            List<String> streams = new ArrayList<>();
            for (int i = 0; i < collections; i++) {
                streams.add("raw_" + label + "_" + i);
                RawPublisher.createStream(rig.nats(), streams.get(i));
            }
            RawPublisher.run(rig.nats(), streams, payloads, Math.min(5000, perCollection), 0);
            rawPublish = RawPublisher.run(rig.nats(), streams, payloads, perCollection, 1_000_000_000L);
        }
        Measured measured = connector(label, documentBytes, names, warmPerCollection, perCollection,
                fixture -> fixture.jvmFlags(jvmArgs), afterMeasuring);
        return new Result(writerRate, rawRead, rawPublish, measured.rate(), measured.cpuPer100k(), measured.jitPer100k(),
                measured.peakRssMb(), payloads);
    }

    /**
     * What the connector phase measured: events per second, CPU seconds per 100k events, of which the JIT
     * compilers' threads used {@code jitPer100k}, and peak RSS.
     */
    record Measured(double rate, double cpuPer100k, double jitPer100k, double peakRssMb) {
    }

    /**
     * The connector phase alone, on fresh servers: a connector watching {@code names} (configured further by
     * {@code configure}), a warm-up, then {@code perCollection} documents per collection timed to their receipt.
     */
    Measured connector(String label, int documentBytes, List<String> names, long warmPerCollection, long perCollection,
                       UnaryOperator<ConnectorFixture> configure, Consumer<ConnectorProcess> afterMeasuring)
            throws Exception {
        int collections = names.size();
        try (Rig rig = new Rig(workDir, startToReady)) {
            List<DocWriter> writers = new ArrayList<>();
            List<EventConsumer> consumers = new ArrayList<>();
            try {
                ConnectorProcess connector = rig.startConnector(label, configure.apply(rig.connector("bench-" + label, names)));
                // The connector creates the streams before it reports ready.
                for (String name : names) {
                    writers.add(new DocWriter(rig.collection(name), documentBytes));
                    consumers.add(new EventConsumer(rig.nats(), Rig.DATABASE + "." + name));
                }
                for (int i = 0; i < collections; i++) {
                    Rig.awaitStreaming(writers.get(i), consumers.get(i));
                }
                writeAll(writers, warmPerCollection);
                awaitConsumed(writers, consumers);
                double cpuBefore = ProcStats.cpuSeconds(connector.pid());
                var threadsBefore = ProcStats.cpuSecondsByThread(connector.pid());
                long start = System.nanoTime();
                writeAll(writers, perCollection);
                awaitConsumed(writers, consumers);
                long end = consumers.stream().mapToLong(EventConsumer::maxNArrivedNanos).max().orElseThrow();
                double cpu = ProcStats.cpuSeconds(connector.pid()) - cpuBefore;
                var threadsAfter = ProcStats.cpuSecondsByThread(connector.pid());
                System.out.printf("[bench] %s: CPU by thread while measured (%.2f s in all): %s%n", label, cpu,
                        ProcStats.describeDelta(threadsBefore, threadsAfter));
                double jit = ProcStats.compilerSeconds(threadsAfter) - ProcStats.compilerSeconds(threadsBefore);
                double connectorRate = perCollection * collections / ((end - start) / 1e9);
                afterMeasuring.accept(connector);
                double per100k = 100_000.0 / (perCollection * collections);
                return new Measured(connectorRate, cpu * per100k, jit * per100k, ProcStats.peakRssMb(connector.pid()));
            } finally {
                consumers.forEach(EventConsumer::close);
            }
        }
    }

    /** Each writer writes {@code count} documents on its own thread; returns when the last finished. */
    static long writeAll(List<DocWriter> writers, long count) throws Exception {
        if (writers.size() == 1) {
            writers.get(0).writeBurst(count);
            return System.nanoTime();
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (DocWriter writer : writers) {
                Callable<Long> task = () -> {
                    writer.writeBurst(count);
                    return System.nanoTime();
                };
                done.add(pool.submit(task));
            }
            long last = 0;
            for (Future<Long> future : done) {
                last = Math.max(last, future.get(5, TimeUnit.MINUTES));
            }
            return last;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitRead(List<RawChangeReader> readers, long each) {
        Await.until(CATCH_UP_TIMEOUT, "raw readers read " + each + " events each",
                () -> readers.stream().allMatch(reader -> reader.count() >= each));
    }

    static void awaitConsumed(List<DocWriter> writers, List<EventConsumer> consumers) {
        for (int i = 0; i < writers.size(); i++) {
            Rig.awaitCaughtUp(writers.get(i), consumers.get(i), CATCH_UP_TIMEOUT);
        }
    }
}
