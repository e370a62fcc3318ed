package io.mongonats.connector.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The printed result: Markdown tables, one per section, in the order sections were first used. */
final class Report {

    private final Map<String, List<String>> sections = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /** Declares a section and its column headers (once). */
    synchronized void table(String section, String... columns) {
        if (sections.containsKey(section)) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("| " + String.join(" | ", columns) + " |");
        lines.add("|" + "---|".repeat(columns.length));
        sections.put(section, lines);
    }

    /** The section declared last. */
    synchronized String lastTable() {
        String last = null;
        for (String section : sections.keySet()) {
            last = section;
        }
        return last;
    }

    synchronized void row(String section, Object... cells) {
        List<String> values = new ArrayList<>();
        for (Object cell : cells) {
            values.add(String.valueOf(cell));
        }
        sections.get(section).add("| " + String.join(" | ", values) + " |");
        System.out.println("BENCH " + section + ": " + String.join(" | ", values));
    }

    synchronized void note(String text) {
        notes.add(text);
        System.out.println("BENCH note: " + text);
    }

    synchronized String render() {
        StringBuilder out = new StringBuilder();
        sections.forEach((section, lines) -> {
            out.append("\n### ").append(section).append("\n\n");
            lines.forEach(line -> out.append(line).append('\n'));
        });
        if (!notes.isEmpty()) {
            out.append("\nNotes:\n");
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
        }
        return out.toString();
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** The value rounded, or "n/a" where a build does not measure it (NaN). */
    static String fixed(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
