package io.mongonats.connector.config;

import io.quarkus.runtime.configuration.ConfigurationException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every problem found in the configuration, reported at once before any connection is opened. A Quarkus
 * {@link ConfigurationException}: thrown during startup, Quarkus prints its message alone (no stack trace)
 * and exits non-zero, as it does for its own configuration errors.
 */
public final class ConfigValidationException extends ConfigurationException {

    private final List<ConfigProblem> problems;

    public ConfigValidationException(List<ConfigProblem> problems) {
        super(describe(problems), keys(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static Set<String> keys(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::key).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String describe(List<ConfigProblem> problems) {
        return problems.stream()
                .map(problem -> "  - " + problem)
                .collect(Collectors.joining("\n",
                        "Invalid configuration, " + problems.size() + " problem(s); fix them and start again:\n", ""));
    }
}
