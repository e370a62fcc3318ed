package io.mongonats.connector.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** CPU time and memory high-water mark of a Linux process, read from /proc. */
final class ProcStats {

    /** USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on every Linux we run on). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** User plus system CPU seconds the process has used so far. */
    static double cpuSeconds(long pid) {
        String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds per group of threads: each thread's name with its digits and collection suffix folded, so that
     * {@code cdc-worker-bench_c0} and {@code cdc-worker-bench_c1} count together.
     */
    static Map<String, Double> cpuSecondsByThread(long pid) {
        Map<String, Double> groups = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    groups.merge(group(name), seconds, Double::sum);
                } catch (IOException ended) {
                    // The thread ended while we looked: its time is in the process total.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the threads of " + pid, e);
        }
        return groups;
    }

    /** What each group of threads used between two readings, largest first, as "name 1.23 s". */
    static String describeDelta(Map<String, Double> before, Map<String, Double> after) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.05)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("none");
    }

    /** The JIT compilers' share of a reading of {@link #cpuSecondsByThread}. */
    static double compilerSeconds(Map<String, Double> byThread) {
        return byThread.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static String group(String threadName) {
        String name = threadName.startsWith("cdc-worker-") ? "cdc-worker-*" : threadName;
        return name.replaceAll("[0-9]+", "#");
    }

    /** Peak resident set size (VmHWM) in MB. */
    static double peakRssMb(long pid) {
        return statusKb(pid, "VmHWM:") / 1024.0;
    }

    /** A kB field of /proc/PID/status, e.g. {@code VmRSS:} or {@code RssAnon:}. */
    static long statusKb(long pid, String field) {
        for (String line : read(Path.of("/proc", String.valueOf(pid), "status")).split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + path, e);
        }
    }
}
