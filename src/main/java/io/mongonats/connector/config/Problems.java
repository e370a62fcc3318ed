package io.mongonats.connector.config;

import io.quarkus.runtime.configuration.DurationConverter;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Collects what is wrong with the configuration, and converts its text values. A conversion that fails records
 * a problem naming the key and the expected form, and returns a placeholder (null, or 0 for a number):
 * {@link ConfigValidator} throws before any settings built from such a value leave it.
 */
final class Problems {

    static final String DURATION = "a duration such as 5s, 500ms, 2m or PT5S";

    private final List<ConfigProblem> found = new ArrayList<>();

    void add(String key, String message) {
        found.add(new ConfigProblem(key, message));
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            throw new ConfigValidationException(found);
        }
    }

    /** The value without surrounding blanks, or null when it is missing or empty. */
    String required(String key, Optional<String> value, String expected) {
        String text = value.map(String::strip).orElse("");
        if (text.isEmpty()) {
            add(key, "is missing or empty; expected " + expected);
            return null;
        }
        return text;
    }

    Duration duration(String key, Optional<String> value) {
        String text = required(key, value, DURATION);
        if (text == null) {
            return null;
        }
        try {
            return DurationConverter.parseDuration(text);
        } catch (IllegalArgumentException e) {
            add(key, "'" + text + "' is not " + DURATION);
            return null;
        }
    }

    Duration positiveDuration(String key, Optional<String> value) {
        Duration duration = duration(key, value);
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            add(key, "must be a positive duration such as 5s or 500ms, got " + value.orElseThrow().strip());
            return null;
        }
        return duration;
    }

    /** A whole number from {@code min} (at least 1) to {@code max} ({@link Integer#MAX_VALUE} for no upper bound). */
    int whole(String key, Optional<String> value, int min, int max) {
        String form = max == Integer.MAX_VALUE ? "a whole number of at least " + min
                : "a whole number from " + min + " to " + max;
        String text = required(key, value, form);
        if (text == null) {
            return 0;
        }
        try {
            int number = Integer.parseInt(text);
            if (number >= min && number <= max) {
                return number;
            }
            add(key, "must be " + form + ", got " + number);
        } catch (NumberFormatException e) {
            add(key, "'" + text + "' is not " + form);
        }
        return 0;
    }

    /** One of {@code type}'s constants, written in kebab-case, camelCase or snake_case, in any letter case. */
    <E extends Enum<E>> E choice(String key, Optional<String> value, Class<E> type) {
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        String text = required(key, value, "one of " + allowed);
        if (text == null) {
            return null;
        }
        String wanted = comparable(text);
        for (E constant : type.getEnumConstants()) {
            if (comparable(constant.name()).equals(wanted)) {
                return constant;
            }
        }
        add(key, "'" + text + "' is not one of " + allowed);
        return null;
    }

    private static String comparable(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    void readable(String key, String path) {
        try {
            if (Files.isReadable(Path.of(path))) {
                return;
            }
        } catch (InvalidPathException e) {
            // reported below like any other file that cannot be read
        }
        add(key, "file '" + path + "' does not exist or cannot be read");
    }
}
