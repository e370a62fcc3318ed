package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Issue 14's memory budget: the connector at 5,000 changes/s (300 B documents, one collection) once per JVM flag
 * set, each with {@code -XX:NativeMemoryTracking=summary} added. Reports peak RSS, what the JVM has committed per
 * NMT category near the end of the measured phase, and the rate and latency the run kept, so that a smaller
 * footprint that falls behind shows. System property {@code bench.memory.sets} (e.g. {@code A,C}) picks flag sets.
 */
final class Memory {

    /** JVM flags and environment; {@code aotCache}: run with a JDK AOT cache recorded with these flags, as the image does. */
    record FlagSet(String name, List<String> flags, Map<String, String> env, boolean aotCache) {

        String describe() {
            String env = this.env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + " ")
                    .reduce("", String::concat);
            return env + String.join(" ", flags) + (aotCache ? " -XX:AOTCache=(recorded with these flags)" : "");
        }
    }

    private static final Map<String, String> FEW_ARENAS = Map.of("MALLOC_ARENA_MAX", "2");
    private static final String COMPILER_MEMORY_QUIET = "-XX:CompileCommand=quiet";

    /** The production flags before issue 14: a 128 MB heap, half of the 256 MiB limit the manifest had. */
    private static final List<String> BEFORE = List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:+ExitOnOutOfMemoryError");

    /**
     * A: the benchmark's production flags before issue 14; B: the StatefulSet's (the same with the image's AOT
     * cache); D: {@link Benchmark#PRODUCTION_FLAGS} (a 96 MB heap); C, E, F, G: smaller heaps, which hold one
     * collection of 300 B documents but run out of heap with four busy collections of 4 KB documents.
     */
    static final List<FlagSet> FLAG_SETS = List.of(
            new FlagSet("A", BEFORE, Map.of(), false),
            new FlagSet("B", BEFORE, Map.of(), true),
            new FlagSet("C", List.of("-XX:+UseSerialGC", "-Xmx48m", "-XX:+ExitOnOutOfMemoryError"), FEW_ARENAS, true),
            new FlagSet("D", Benchmark.PRODUCTION_FLAGS, Benchmark.PRODUCTION_ENV, true),
            new FlagSet("E", List.of("-XX:+UseSerialGC", "-Xmx48m", COMPILER_MEMORY_QUIET, compilerMemoryLimit(12),
                    "-XX:+ExitOnOutOfMemoryError"), FEW_ARENAS, true),
            new FlagSet("F", List.of("-XX:+UseSerialGC", "-Xmx40m", COMPILER_MEMORY_QUIET, compilerMemoryLimit(16),
                    "-XX:+ExitOnOutOfMemoryError"), FEW_ARENAS, true),
            new FlagSet("G", List.of("-XX:+UseSerialGC", "-Xmx48m", COMPILER_MEMORY_QUIET, compilerMemoryLimit(16),
                    "-XX:+ExitOnOutOfMemoryError"), FEW_ARENAS, true));

    /** A JIT compilation that needs more scratch memory than this gives up (the method stays at a lower tier). */
    private static String compilerMemoryLimit(int megabytes) {
        return "-XX:CompileCommand=MemLimit,*.*," + megabytes + "m";
    }

    /** The NMT categories shown as columns, in this order; the others are summed into "rest". */
    private static final List<String> CATEGORIES = List.of("Java Heap", "Metaspace", "Class", "Shared class space", "Code", "Thread",
            "GC", "Compiler", "Symbol", "Internal", "Other", "Arena Chunk", "Native Memory Tracking");

    private final Path workDir;
    private final Latency latency;
    private final Map<List<String>, Path> aotCaches = new HashMap<>();

    Memory(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.latency = new Latency(workDir, startToReady);
    }

    void report(Report report, double scale) {
        List<FlagSet> sets = selected();
        String runs = "Memory at 5,000 changes/s per JVM flag set (300 B documents, one collection, 3 s warm-up, "
                + Report.fixed(10 * scale, 0) + " s measured; NMT summary on, its own overhead is the NMT column below)";
        report.table(runs, "flag set", "achieved writes/s", "changes received", "p50 ms", "p99 ms",
                "drain after last write ms", "CPU s / 100k", "peak RSS MB", "RSS at NMT snapshot MB", "of which anon MB",
                "file MB", "heap used MB", "NMT committed MB", "NMT malloc peak MB", "compiler arena peak MB", "threads");
        String breakdown = "Native memory tracking: committed MB per category at " + Math.round(Latency.NEAR_END * 100)
                + "% of the measured phase (Shared class space = the CDS archive or AOT cache; Other = direct ByteBuffers)";
        report.table(breakdown, Stream.concat(Stream.of("flag set"), Stream.concat(CATEGORIES.stream(), Stream.of("rest")))
                .toArray(String[]::new));
        int trials = Math.max(1, (int) Math.round(2 * scale));
        for (int trial = 1; trial <= trials; trial++) {
            for (FlagSet set : sets) {
                String label = set.name() + (trials > 1 ? " #" + trial : "");
                try {
                    measure(report, runs, breakdown, set, label, Latency.seconds(10 * scale));
                } catch (Exception | AssertionError e) {
                    report.row(runs, label, "failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                            "", "", "", "", "", "", "", "", "", "", "", "", "", "");
                }
            }
        }
        String legend = "Memory: the flag sets";
        report.table(legend, "flag set", "environment and JVM flags (plus -XX:NativeMemoryTracking=summary)");
        sets.forEach(set -> report.row(legend, set.name(), set.describe()));
    }

    private void measure(Report report, String runs, String breakdown, FlagSet set, String label, Duration measured)
            throws Exception {
        List<String> flags = new ArrayList<>(set.flags());
        if (set.aotCache()) {
            Path cache = aotCaches.computeIfAbsent(set.flags(), f -> Benchmark.recordAotCache(
                    workDir.resolve("memory-" + set.name() + ".aot"), f));
            if (cache == null) {
                throw new IllegalStateException("no AOT cache recorded");
            }
            flags.add("-XX:AOTCache=" + cache);
        }
        flags.add("-XX:NativeMemoryTracking=summary");
        AtomicReference<NmtSummary> snapshot = new AtomicReference<>();
        String name = "mem" + label.replaceAll("[^A-Za-z0-9]", "");
        Latency.Result result = latency.run(name, 5000, Duration.ofSeconds(3),
                measured, 300, flags, set.env(), 
                connector -> snapshot.set(NmtSummary.take(connector.pid(), workDir.resolve("memory-" + name + ".nmt.txt"))));
        NmtSummary nmt = snapshot.get();
        Percentiles p = result.millis();
        report.row(runs, label, Report.rate(result.achievedRate()), p.count(), Report.fixed(p.p50(), 1),
                Report.fixed(p.p99(), 1), Report.fixed(result.drainMillis(), 0), Report.fixed(result.cpuPer100k(), 1),
                Report.fixed(result.peakRssMb(), 0), mb(nmt.rssKb()), mb(nmt.rssAnonKb()), mb(nmt.rssFileKb()),
                mb(nmt.heapUsedKb()), mb(nmt.totalCommittedKb()), mb(nmt.mallocPeakKb()), mb(nmt.arenaPeakKb()),
                nmt.threads());
        List<Object> cells = new ArrayList<>(List.of(label));
        CATEGORIES.forEach(category -> cells.add(mb(nmt.kb(category))));
        long shown = CATEGORIES.stream().mapToLong(nmt::kb).sum();
        cells.add(mb(nmt.totalCommittedKb() - shown));
        report.row(breakdown, cells.toArray());
    }

    private static List<FlagSet> selected() {
        String names = System.getProperty("bench.memory.sets", "");
        if (names.isBlank()) {
            return FLAG_SETS;
        }
        List<String> wanted = Arrays.asList(names.split(","));
        return FLAG_SETS.stream().filter(set -> wanted.contains(set.name())).toList();
    }

    private static String mb(long kb) {
        return Report.fixed(kb / 1024.0, 1);
    }
}
