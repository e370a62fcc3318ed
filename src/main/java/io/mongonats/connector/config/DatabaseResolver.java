package io.mongonats.connector.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Resolves {@code connector.databases[i]} and {@code connector.discovery} into {@link ConnectorSettings.Discovery}:
 * each database's name and patterns, its options (read by {@link CollectionResolver#options}, like a listed
 * collection's), and the rule that no collection is covered twice: by two entries, or by a listed collection and a
 * database.
 */
final class DatabaseResolver {

    private final Problems problems;
    private final CollectionResolver options;

    DatabaseResolver(Problems problems, CollectionResolver options) {
        this.problems = problems;
        this.options = options;
    }

    ConnectorSettings.Discovery resolve(List<ConnectorConfig.Database> databases,
                                        List<ConnectorConfig.Collection> collections,
                                        ConnectorConfig.Discovery discovery) {
        Duration interval = problems.positiveDuration("connector.discovery.interval", discovery.interval());
        List<DatabaseSpec> specs = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < databases.size(); i++) {
            String key = "connector.databases[" + i + "]";
            spec(key, databases.get(i)).ifPresent(spec -> {
                String first = names.putIfAbsent(spec.name(), key);
                if (first != null) {
                    problems.add(key + ".name", "database " + spec.name() + " is already configured by " + first
                            + "; configure each database once and choose its collections with include and exclude");
                } else {
                    specs.add(spec);
                }
            });
        }
        for (int i = 0; i < collections.size(); i++) {
            coveredTwice("connector.collections[" + i + "]", collections.get(i), specs, names);
        }
        return new ConnectorSettings.Discovery(interval, specs);
    }

    /** Empty when the name is missing: the options are still checked, the patterns too. */
    private Optional<DatabaseSpec> spec(String key, ConnectorConfig.Database database) {
        String name = problems.required(key + ".name", database.name(), "a MongoDB database name such as shop");
        if (name != null && !CollectionResolver.DATABASE_NAME.matcher(name).matches()) {
            problems.add(key + ".name", "'" + name + "' is not a valid MongoDB database name");
        }
        Pattern include = pattern(key + ".include", database.include()).orElse(Pattern.compile(".*", Pattern.DOTALL));
        Optional<Pattern> exclude = pattern(key + ".exclude", database.exclude());
        CollectionSpec defaults = options.options(key, database, name, null, CollectionResolver.Names.NONE);
        return name == null ? Optional.empty() : Optional.of(new DatabaseSpec(name, include, exclude, defaults));
    }

    private Optional<Pattern> pattern(String key, Optional<String> value) {
        Optional<String> regex = value.map(String::strip).filter(text -> !text.isEmpty());
        try {
            return regex.map(Pattern::compile);
        } catch (PatternSyntaxException e) {
            problems.add(key, "'" + regex.orElseThrow() + "' is not a Java regular expression (" + e.getDescription()
                    + " at index " + e.getIndex() + "); it must match whole collection names, e.g. orders|customers "
                    + "or archive-.*");
            return Optional.empty();
        }
    }

    private void coveredTwice(String key, ConnectorConfig.Collection listed, List<DatabaseSpec> databases,
                              Map<String, String> keys) {
        Optional<String> database = listed.database().map(String::strip);
        Optional<String> collection = listed.collection().map(String::strip);
        if (database.isEmpty() || collection.isEmpty()) {
            return;
        }
        for (DatabaseSpec spec : databases) {
            if (spec.name().equals(database.get()) && spec.covers(collection.get())) {
                String databaseKey = keys.get(spec.name());
                problems.add(key, "collection " + database.get() + "." + collection.get() + " is also covered by "
                        + databaseKey + ", database " + spec.describe() + "; list each collection once: remove " + key
                        + ", or leave the collection out of the database with " + databaseKey + ".exclude");
            }
        }
    }
}
