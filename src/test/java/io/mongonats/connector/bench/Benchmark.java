package io.mongonats.connector.bench;

import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark of issue 6, run by {@code ./mvnw -Pbench verify}: nats-server, the MongoDB stand-in in its own
 * JVM and the packaged connector in its own JVM, all on loopback; a writer and a consumer in this JVM. Each
 * scenario is bounded in count or time; it reports and asserts nothing. The table is printed at the end and
 * written to {@code target/benchmark-results.md}.
 *
 * <p>System properties: {@code bench.scenarios} (comma-separated, default
 * {@code sustained,json,catchup,latency,memory,failover,pauses}; {@code tuning} compares JVM flags for latency; {@code formats} compares the json and bson encodings,
 * {@code json} the JSON encoder against the library's JsonWriter path in this JVM (no servers),
 * {@code snapshot} the snapshot rate beside a raw find(), {@code pauses} the cost of a frozen holder, {@code memory}
 * peak RSS and an NMT breakdown per JVM flag set at 5,000 events/s (see {@link Memory}), {@code profile} adds a JFR
 * recording of the sustained
 * scenario), {@code bench.dir} (scratch directory, default {@code target/bench}), {@code bench.scale}
 * (multiplies event counts, durations and trials; default 1, for a quick smoke run use 0.1), {@code bench.before.jar}
 * (an earlier build's quarkus-run.jar: sustained, catchup, latency and failover then measure it beside this one, case
 * by case; see {@link Build}), {@code bench.sustained.cases} (e.g. {@code 300x1,4096x4}: only these sustained cases).
 */
public final class Benchmark {

    /**
     * The JVM flags of the Kubernetes manifest (issue 14): SerialGC, a 96 MB heap (the least that carried four busy
     * collections of 4 KB documents), and JIT compilations that give up past 16 MB of scratch memory instead of
     * raising the peak RSS.
     */
    static final List<String> PRODUCTION_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx96m", "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=MemLimit,*.*,16m", "-XX:+ExitOnOutOfMemoryError");

    /** The manifest's environment for the JVM: two malloc arenas; only the {@code memory} scenario sets it. */
    static final Map<String, String> PRODUCTION_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    /** Candidate flag sets for "peak RSS under 128 MB at 5,000 events/s". */
    static final List<List<String>> TUNING_VARIANTS = List.of(
            List.of(),
            List.of("-XX:+UseSerialGC", "-Xmx64m", "-Xss256k", "-XX:ReservedCodeCacheSize=32m",
                    "-XX:MaxDirectMemorySize=32m"),
            List.of("-XX:+UseSerialGC", "-Xmx48m", "-Xss256k", "-XX:ReservedCodeCacheSize=16m",
                    "-XX:MaxDirectMemorySize=16m", "-XX:TieredStopAtLevel=1"));

    private Benchmark() {
    }

    /**
     * Records a JDK AOT cache the way the container image does: the packaged application runs with unreachable
     * backends until it has started, then stops on SIGTERM and writes the cache. Null if that fails.
     */
    static Path recordAotCache(Path workDir) {
        return recordAotCache(workDir.resolve("app.aot"), List.of("-XX:+UseSerialGC", "-Xmx128m"));
    }

    /** As above, into {@code cache}, with the JVM flags the cache will be used with. */
    static Path recordAotCache(Path cache, List<String> jvmFlags) {
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.add("-XX:AOTCacheOutput=" + cache);
        ConnectorFixture unreachable = new ConnectorFixture("mongodb://127.0.0.1:1/?directConnection=true",
                "nats://127.0.0.1:1", "aot-training").watch("t", "t").jvmFlags(flags);
        try (ConnectorProcess training = unreachable.start("aot-training")) {
            training.awaitLog("started in", Duration.ofSeconds(60));
            training.awaitLog("Cannot start streaming yet", Duration.ofSeconds(30));
            training.sigterm();
            training.waitForExit(Duration.ofSeconds(60));
            return java.nio.file.Files.size(cache) > 0 ? cache : null;
        } catch (Exception | AssertionError e) {
            System.out.println("BENCH note: no AOT cache recorded: " + e.getMessage());
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        String mavenClassPath = System.getProperty("java.class.path");
        System.setProperty("java.class.path", testClassPath(mavenClassPath));
        try {
            run();
        } finally {
            System.setProperty("java.class.path", mavenClassPath);
        }
    }

    /**
     * exec:java runs this class inside Maven's JVM, whose {@code java.class.path} is Maven's own launcher;
     * MongoStandIn.spawn starts the stand-in with {@code java.class.path}, so point it at the project's test
     * class path, which exec:java put into the context class loader.
     */
    private static String testClassPath(String fallback) {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("Unexpected class path entry " + url, e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return fallback;
    }

    private static void run() throws Exception {
        long started = System.nanoTime();
        Set<String> scenarios = new LinkedHashSet<>(Arrays.asList(System.getProperty("bench.scenarios",
                "sustained,json,catchup,latency,memory,failover,pauses").split(",")));
        double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
        Path workDir = Path.of(System.getProperty("bench.dir", "target/bench")).toAbsolutePath();
        Files.createDirectories(workDir);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        Report report = new Report();
        List<Double> startToReady = new ArrayList<>();
        Throughput.Result small = null;
        List<Build> allBuilds = Build.fromProperties(PRODUCTION_FLAGS);
        List<Build> builds = allBuilds.stream().filter(build -> !build.otherFlags()).toList();
        for (Build build : allBuilds) {
            report.note("build " + build.name() + ": " + build.jar() + ", connector flags " + String.join(" ", build.flags()));
        }

        if (scenarios.contains("sustained")) {
            report.table("Sustained throughput with a concurrent writer (connector flags in the build table)",
                    "build", "documents", "collections", "events", "writer alone writes/s", "raw change-stream read/s",
                    "raw JetStream publish/s", "connector events/s", "ratio to the smaller baseline",
                    "connector CPU s / 100k events", "of which JIT compilers", "connector peak RSS MB");
            Throughput throughput = new Throughput(workDir, startToReady);
            Set<String> sustainedCases = new LinkedHashSet<>(Arrays.asList(System.getProperty("bench.sustained.cases", "")
                    .split(",")));
            sustainedCases.remove("");
            for (int bytes : new int[] {300, 4096}) {
                for (int collections : new int[] {1, 4}) {
                    if (!sustainedCases.isEmpty() && !sustainedCases.contains(bytes + "x" + collections)) {
                        continue;
                    }
                    long warmUp = (long) ((bytes == 300 ? 25_000 : 10_000) * scale);
                    long count = (long) ((bytes == 300 ? 60_000 : 20_000) * scale);
                    for (Build build : allBuilds) {
                        Throughput.Result result = build.run(() -> throughput.run("s" + bytes + "x" + collections,
                                bytes, collections, warmUp, count, build.jvmFlags()));
                        if (bytes == 300 && collections == 1 && !build.earlier()) {
                            small = result;
                        }
                        report.row(report.lastTable(), build.name(), bytes == 300 ? "300 B" : "4 KB", collections, count,
                                Report.rate(result.writerRate()), Report.rate(result.rawRead()), Report.rate(result.rawPublish()),
                                Report.rate(result.connector()),
                                Report.fixed(result.connector() / Math.min(result.rawRead(), result.rawPublish()), 2),
                                Report.fixed(result.cpuPer100k(), 1), Report.fixed(result.jitPer100k(), 1),
                                Report.fixed(result.peakRssMb(), 0));
                    }
                }
            }
        }
        if (scenarios.contains("json")) {
            JsonTranscode.addTo(report, scale);
        }
        if (scenarios.contains("formats")) {
            new Formats(workDir, startToReady).report(report, scale, PRODUCTION_FLAGS);
        }
        if (scenarios.contains("catchup")) {
            List<Map.Entry<Build, CatchUp.Result>> results = new ArrayList<>();
            for (String encoding : List.of("json", "bson")) {
                for (Build build : builds) {
                    if (build.earlier() && !encoding.equals("json")) {
                        continue; // the earlier build publishes JSON only
                    }
                    results.add(Map.entry(build, build.run(() -> new CatchUp(workDir, startToReady)
                            .run((long) (100_000 * scale), 300, build.jvmFlags(), encoding))));
                }
            }
            report.table("Catch-up of a backlog (300 B documents, written while no connector ran)",
                    "build", "encoding", "backlog events", "writer wrote/s", "raw change-stream read/s", "raw JetStream publish/s",
                    "connector events/s", "ratio to the smaller baseline", "process start to caught up s",
                    "connector CPU s / 100k events", "connector peak RSS MB");
            double publish = small == null ? Double.NaN : small.rawPublish();
            for (Map.Entry<Build, CatchUp.Result> run : results) {
                CatchUp.Result result = run.getValue();
                report.row(report.lastTable(), run.getKey().name(), result.encoding(), result.backlog(), Report.rate(result.writerRate()),
                        Report.rate(result.rawRead()), small == null ? "n/a (run sustained)" : Report.rate(publish),
                        Report.rate(result.connector()),
                        Report.fixed(result.connector() / (small == null ? result.rawRead() : Math.min(result.rawRead(), publish)), 2),
                        Report.fixed(result.startToCaughtUpSeconds(), 1), Report.fixed(result.cpuPer100k(), 1),
                        Report.fixed(result.peakRssMb(), 0));
            }
            report.table("The floor: the same backlog read and published by the client libraries alone (FloorLoop, own JVM: "
                            + String.join(" ", Floor.JVM_FLAGS) + "); CPU from /proc after the first quarter of the backlog;"
                            + " \"without JIT\" leaves out the JIT compilers' threads, still busy after that quarter",
                    "build", "encoding", "changes measured", "floor changes/s", "floor CPU us / change (JIT)",
                    "connector CPU us / change (JIT)", "connector / floor CPU", "without JIT", "target ratio");
            for (Map.Entry<Build, CatchUp.Result> run : results) {
                CatchUp.Result result = run.getValue();
                Floor.Result floor = result.floor();
                double connector = result.warmCpuMicros();
                double floorCpu = floor.cpuMicrosPerChange();
                report.row(report.lastTable(), run.getKey().name(), result.encoding(), floor.changes(), Report.rate(floor.rate()),
                        Report.fixed(floorCpu, 1) + " (" + Report.fixed(floor.jitMicrosPerChange(), 1) + ")",
                        Report.fixed(connector, 1) + " (" + Report.fixed(result.warmJitMicros(), 1) + ")",
                        Report.fixed(connector / floorCpu, 2),
                        Report.fixed((connector - result.warmJitMicros()) / (floorCpu - floor.jitMicrosPerChange()), 2),
                        result.encoding().equals("json") ? "1.3" : "1.15");
            }
        }
        if (scenarios.contains("latency")) {
            report.table("End-to-end latency, write to consumer receipt (300 B documents, one collection)",
                    "build", "target events/s", "achieved writes/s", "samples", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                    "connector's share: read to ack p50 ms", "p99 ms (bucket bound)", "connector CPU s / 100k events", "connector peak RSS MB", "connector JVM flags");
            Latency latency = new Latency(workDir, startToReady);
            for (double rate : new double[] {1000, 5000}) {
                for (Build build : builds) {
                    Latency.Result result = build.run(() -> latency.run("lat" + (int) rate, rate, Duration.ofSeconds(3),
                            Latency.seconds((rate == 1000 ? 15 : 12) * scale), 300, build.jvmFlags()));
                    latencyRow(report, build.name(), result, build.flags());
                }
            }
        }
        if (scenarios.contains("tuning")) {
            report.table("JVM flags at 5,000 events/s (300 B, one collection, 10 s measured)",
                    "build", "target events/s", "achieved writes/s", "samples", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                    "connector's share: read to ack p50 ms", "p99 ms (bucket bound)", "connector CPU s / 100k events", "connector peak RSS MB", "connector JVM flags");
            Latency latency = new Latency(workDir, startToReady);
            int variant = 0;
            List<List<String>> variants = new ArrayList<>(TUNING_VARIANTS);
            Path aotCache = recordAotCache(workDir);
            if (aotCache != null) {
                String useCache = "-XX:AOTCache=" + aotCache;
                List<String> production = new ArrayList<>(PRODUCTION_FLAGS);
                production.add(useCache);
                variants.add(production);
                List<String> smallHeap = new ArrayList<>(TUNING_VARIANTS.get(1));
                smallHeap.add(useCache);
                variants.add(smallHeap);
            }
            for (List<String> flags : variants) {
                try {
                    Latency.Result result = latency.run("tune" + variant++, 5000, Duration.ofSeconds(3),
                            Latency.seconds(10 * scale), 300, flags);
                    latencyRow(report, "after", result, flags);
                } catch (Exception | AssertionError e) {
                    report.row(report.lastTable(), "after", "5,000", "failed: " + e.getMessage().lines().findFirst().orElse(""),
                            "", "", "", "", "", "", "", "", "", String.join(" ", flags));
                }
            }
        }
        if (scenarios.contains("memory")) {
            new Memory(workDir, startToReady).report(report, scale);
        }
        if (scenarios.contains("failover")) {
            report.table("Failover, 3 replicas of one collection, lease ttl 10 s and takeover-after 1 s (defaults), writer at 400 events/s",
                    "build", "stop", "trials", "median takeover ms", "max takeover ms", "all trials ms");
            for (Build build : builds) {
                Failover.Run failover = build.run(() -> new Failover(workDir, startToReady)
                        .run(Math.max(1, (int) Math.round(10 * scale)), 400, build.jvmFlags()));
                for (Failover.Result result : failover.results()) {
                    double[] ms = result.takeoverMillis();
                    report.row(report.lastTable(), build.name(), result.kind(), ms.length, Report.fixed(Percentiles.median(ms), 0),
                            Report.fixed(Percentiles.of(ms).max(), 0), Arrays.stream(ms).mapToObj(v -> Report.fixed(v, 0)).toList());
                }
                report.note("failover (" + build.name() + "): " + failover.check());
            }
        }
        if (scenarios.contains("pauses")) {
            TakeoverCost.addTo(report, workDir, startToReady, scale, PRODUCTION_FLAGS);
        }
        if (scenarios.contains("snapshot")) {
            new SnapshotRate(workDir, startToReady).report(report, scale, PRODUCTION_FLAGS);
        }
        if (scenarios.contains("sink")) {
            SinkApply.addTo(report, workDir, startToReady, scale, PRODUCTION_FLAGS);
        }
        if (scenarios.contains("profile")) {
            Path jfr = workDir.resolve("connector-sustained.jfr");
            List<String> flags = new ArrayList<>(PRODUCTION_FLAGS);
            flags.addAll(List.of("-XX:+FlightRecorder",
                    "-XX:StartFlightRecording=name=bench,duration=30s,settings=profile,filename=" + jfr));
            Throughput.Result result = new Throughput(workDir, new ArrayList<>()).run("prof", 300, Integer.getInteger("bench.profile.collections", 1),
                    (long) (10_000 * scale), (long) (60_000 * scale), flags, connector -> dumpRecording(connector, jfr));
            report.note("profile: sustained 300 B x 1 under JFR (settings=profile): " + Report.rate(result.connector())
                    + " events/s; recording " + jfr);
        }
        if (!startToReady.isEmpty()) {
            double[] seconds = startToReady.stream().mapToDouble(Double::doubleValue).toArray();
            Percentiles p = Percentiles.of(seconds);
            report.table("Start to ready (process start to /q/health/ready 200), every connector start of this run",
                    "starts", "median s", "min s", "max s");
            report.row(report.lastTable(), p.count(), Report.fixed(p.p50(), 2),
                    Report.fixed(Arrays.stream(seconds).min().orElseThrow(), 2), Report.fixed(p.max(), 2));
        }
        report.note("run " + ZonedDateTime.now() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "; load average before "
                + loadBefore + ", after " + Files.readString(Path.of("/proc/loadavg")).strip() + "; total "
                + Report.fixed((System.nanoTime() - started) / 1e9, 0) + " s");
        String rendered = report.render();
        Files.writeString(workDir.resolve("benchmark-results.md"), rendered);
        System.out.println("\n===== mongo-nats-connector benchmark =====" + rendered);
    }

    /** Writes the recording now unless its 30 s are already over (then JFR has written it). */
    private static void dumpRecording(io.mongonats.connector.testing.ConnectorProcess connector, Path jfr) {
        try {
            if (Files.size(jfr) > 0) { // JFR creates the file at start and fills it when the 30 s are over
                return;
            }
        } catch (IOException e) {
            // not there yet: dump now
        }
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(connector.pid()), "JFR.dump", "name=bench", "filename=" + jfr)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("jcmd JFR.dump failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void latencyRow(Report report, String build, Latency.Result result, List<String> flags) {
        Percentiles p = result.millis();
        report.row(report.lastTable(), build, Report.rate(result.rate()), Report.rate(result.achievedRate()), p.count(),
                Report.fixed(p.p50(), 1), Report.fixed(p.p99(), 1), Report.fixed(p.p999(), 1), Report.fixed(p.max(), 1),
                Report.fixed(result.ownShare().quantileMillis(0.5), 2), Report.fixed(result.ownShare().quantileMillis(0.99), 2),
                Report.fixed(result.cpuPer100k(), 1), Report.fixed(result.peakRssMb(), 0),
                flags.isEmpty() ? "(JVM defaults)" : String.join(" ", flags));
    }
}
