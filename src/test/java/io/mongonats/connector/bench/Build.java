package io.mongonats.connector.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A packaged connector that the scenarios run: this build ("after"), and, given {@code -Dbench.before.jar=<its
 * quarkus-run.jar>}, an earlier one ("before") that the same run measures beside it, case by case. The earlier
 * build gets {@code bench.before.flags} (default: the manifest's flags of that time) and ignores the configuration
 * keys it does not know yet, which name features it lacks. {@code -Dbench.after.also-flags="..."} adds this build
 * once more with other JVM flags, e.g. an earlier build's, to tell a change of code from a change of flags (in the
 * sustained scenario only).
 */
record Build(String name, Path jar, List<String> flags, boolean earlier, boolean otherFlags) {

    private static final String EARLIER_FLAGS = "-XX:+UseSerialGC -Xmx128m -XX:+ExitOnOutOfMemoryError";
    private static final String IGNORE_NEWER_KEYS = "-Dsmallrye.config.mapping.validate-unknown=false";

    /** The builds to compare: the earlier one first if given, then this one. */
    static List<Build> fromProperties(List<String> productionFlags) {
        List<Build> builds = new ArrayList<>();
        String before = System.getProperty("bench.before.jar", "");
        if (!before.isBlank()) {
            Path jar = Path.of(before).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("bench.before.jar: " + jar + " is not a file; give the quarkus-run.jar"
                        + " of an earlier build (git worktree add ../before <commit> && ./mvnw -o package -DskipTests there)");
            }
            List<String> flags = Arrays.asList(System.getProperty("bench.before.flags", EARLIER_FLAGS).trim().split("\\s+"));
            builds.add(new Build(System.getProperty("bench.before.label", "before"), jar, List.copyOf(flags), true, false));
        }
        Path jar = Path.of(System.getProperty("connector.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        String otherFlags = System.getProperty("bench.after.also-flags", "");
        if (!otherFlags.isBlank()) {
            builds.add(new Build("after, other flags", jar, List.of(otherFlags.trim().split("\\s+")), false, true));
        }
        builds.add(new Build("after", jar, productionFlags, false, false));
        return builds;
    }

    /** The flags the connector JVM gets. */
    List<String> jvmFlags() {
        if (!earlier) {
            return flags;
        }
        List<String> all = new ArrayList<>(flags);
        all.add(IGNORE_NEWER_KEYS);
        return all;
    }

    /** Runs {@code scenario} with this build as the connector that ConnectorProcess starts. */
    <T> T run(Callable<T> scenario) throws Exception {
        String previous = System.getProperty("connector.app.jar");
        System.setProperty("connector.app.jar", jar.toString());
        try {
            return scenario.call();
        } finally {
            if (previous == null) {
                System.clearProperty("connector.app.jar");
            } else {
                System.setProperty("connector.app.jar", previous);
            }
        }
    }
}
