package io.mongonats.connector.status;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The servers this replica depends on, each able to say whether it answers within a timeout. */
public final class Dependencies {

    /** One server: answers a cheap request within the timeout, or not; an exception counts as not. */
    @FunctionalInterface
    public interface Probe {
        boolean answers(Duration timeout) throws Exception;
    }

    private final Map<String, Probe> probes = new ConcurrentHashMap<>();

    public Dependencies(String... names) {
        for (String name : names) {
            probes.put(name, timeout -> false);
        }
    }

    /** Replaces a server's probe once its client exists; until then it counts as down. */
    public void set(String name, Probe probe) {
        probes.put(name, probe);
    }

    public void clear(String name) {
        probes.put(name, timeout -> false);
    }

    /** Each server's answer, by name. */
    public Map<String, Boolean> check(Duration timeout) {
        Map<String, Boolean> answers = new java.util.TreeMap<>();
        probes.forEach((name, probe) -> answers.put(name, answers(probe, timeout)));
        return answers;
    }

    private static boolean answers(Probe probe, Duration timeout) {
        try {
            return probe.answers(timeout);
        } catch (Exception e) {
            return false;
        }
    }
}
