package io.mongonats.connector.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A database whose collections are discovered while the connector runs, with every default resolved.
 *
 * @param include  the whole collection name must match it
 * @param exclude  a collection whose whole name matches it is left out
 * @param options  the options of every collection discovered here, as a spec without collection names
 */
public record DatabaseSpec(String name, Pattern include, Optional<Pattern> exclude, CollectionSpec options) {

    /** True for a collection discovery watches: included, not excluded, and not one of MongoDB's system collections. */
    public boolean covers(String collection) {
        return !collection.startsWith("system.")
                && include.matcher(collection).matches()
                && exclude.map(pattern -> !pattern.matcher(collection).matches()).orElse(true);
    }

    /** A discovered collection: the database's options, and names from {@link NameEscaping}. */
    public CollectionSpec specFor(String collection) {
        String prefix = NameEscaping.subjectPrefix(name, collection);
        return options.forCollection(collection, NameEscaping.streamName(name, collection), prefix,
                prefix + ".dead-letter");
    }

    /** For log lines and problems: {@code shop (include .*, exclude none)}. */
    public String describe() {
        return name + " (include " + include.pattern() + ", exclude " + exclude.map(Pattern::pattern).orElse("none") + ")";
    }
}
