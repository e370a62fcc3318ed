package io.mongonats.connector.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code jcmd <pid> VM.native_memory summary} of a JVM started with {@code -XX:NativeMemoryTracking=summary},
 * with the process's resident memory from /proc read at the same moment: committed KB per NMT category, in the
 * JDK's order ({@code Java Heap}, {@code Class}, {@code Thread}, {@code Code}, ... {@code Other} holds direct
 * ByteBuffers), the peak of all the JVM's mallocs and of its arenas (the JIT compilers' scratch memory), the thread count, the heap's used KB ({@code GC.heap_info}: young plus old generation), and VmRSS
 * split into anonymous and file-backed pages. {@link #take} keeps jcmd's output in a file for a closer look.
 */
record NmtSummary(Map<String, Long> committedKb, long totalCommittedKb, long mallocPeakKb, long arenaPeakKb,
                  int threads, long heapUsedKb, long rssKb, long rssAnonKb, long rssFileKb) {

    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern MALLOC_PEAK = Pattern.compile("^\\s+malloc: (\\d+)KB #\\d+(?:, peak=(\\d+)KB)?");
    private static final Pattern ARENA_PEAK = Pattern.compile("\\(malloc=(\\d+)KB tag=Arena Chunk #\\d+\\) \\((?:peak=(\\d+)KB|at peak)");
    private static final Pattern THREADS = Pattern.compile("\\(threads #(\\d+)\\)");
    /** A generation's line of GC.heap_info, e.g. {@code DefNew total 19648K, used 7360K} (SerialGC). */
    private static final Pattern GENERATION = Pattern.compile("^\\s*\\w+\\s+total \\d+K, used (\\d+)K");

    static NmtSummary take(long pid, Path keep) {
        String output = jcmd(pid, "VM.native_memory", "summary", "scale=KB");
        String heapInfo = jcmd(pid, "GC.heap_info");
        // The JIT's largest compilations, when -XX:CompileCommand=MemLimit or MemStat has it count them.
        String compilations = jcmd(pid, "Compiler.memory");
        write(keep, output + "\n" + heapInfo + "\n" + compilations + "\n/proc/" + pid + "/smaps:\n" + smaps(pid));
        Map<String, Long> committed = new LinkedHashMap<>();
        long total = -1;
        long mallocPeak = -1;
        long arenaPeak = -1;
        int threads = -1;
        for (String line : output.split("\n")) {
            Matcher category = CATEGORY.matcher(line);
            Matcher totalLine = TOTAL.matcher(line);
            Matcher threadCount = THREADS.matcher(line);
            Matcher malloc = MALLOC_PEAK.matcher(line);
            Matcher arena = ARENA_PEAK.matcher(line);
            if (malloc.find()) {
                mallocPeak = peak(malloc);
            } else if (arena.find()) {
                arenaPeak = peak(arena);
            } else if (category.find()) {
                committed.put(category.group(1).strip(), Long.parseLong(category.group(2)));
            } else if (totalLine.find()) {
                total = Long.parseLong(totalLine.group(1));
            } else if (threadCount.find()) {
                threads = Integer.parseInt(threadCount.group(1));
            }
        }
        if (total < 0 || committed.isEmpty()) {
            throw new IllegalStateException("no NMT summary from jcmd " + pid + " (was it started with "
                    + "-XX:NativeMemoryTracking=summary?):\n" + output);
        }
        long heapUsed = heapInfo.lines().map(GENERATION::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1))).sum();
        return new NmtSummary(committed, total, mallocPeak, arenaPeak, threads, heapUsed, ProcStats.statusKb(pid, "VmRSS:"),
                ProcStats.statusKb(pid, "RssAnon:"), ProcStats.statusKb(pid, "RssFile:"));
    }

    /** Group 2 of a malloc line, or group 1 when the current value is the peak ({@code at peak}). */
    private static long peak(Matcher line) {
        return Long.parseLong(line.group(line.group(2) != null ? 2 : 1));
    }

    /** Committed KB of {@code category}, 0 if the summary has no such line. */
    long kb(String category) {
        return committedKb.getOrDefault(category, 0L);
    }

    private static String smaps(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "smaps"));
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    private static String jcmd(long pid, String... command) {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        line.addAll(List.of(command));
        try {
            Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
            byte[] output = jcmd.getInputStream().readAllBytes();
            if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                throw new IllegalStateException(line + " did not finish in 60 s");
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(line + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }
}
