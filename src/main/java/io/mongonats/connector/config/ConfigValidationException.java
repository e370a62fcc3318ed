package io.mongonats.connector.config;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in the configuration, reported at once before any connection is opened. */
public final class ConfigValidationException extends RuntimeException {

    private final List<ConfigProblem> problems;

    public ConfigValidationException(List<ConfigProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigProblem> problems) {
        return problems.stream()
                .map(problem -> "  - " + problem)
                .collect(Collectors.joining("\n",
                        "Invalid configuration, " + problems.size() + " problem(s); fix them and start again:\n", ""));
    }
}
