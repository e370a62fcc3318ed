package io.mongonats.connector.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** Peak resident set size (VmHWM) in MB. */
    static double peakRssMb(long pid) {
        return statusKb(pid, "VmHWM:") / 1024.0;
    }

    private static long statusKb(long pid, String field) {
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
