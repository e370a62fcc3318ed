package io.mongonats.connector.config;

import io.mongonats.connector.config.MessageFormat.Encoding;
import io.mongonats.connector.config.MessageFormat.Kind;
import io.mongonats.connector.config.MessageFormat.OutboxFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the message options of a collection ({@code format}, {@code encoding}, {@code cloudevents}, ...) into a {@link MessageFormat}. */
final class MessageFormatResolver {

    private static final Pattern FIELD_PATH = Pattern.compile("[^.$\\s][^.\\s]*(\\.[^.$\\s][^.\\s]*)*");
    private static final Pattern FIELD_NAME = Pattern.compile("[^.$\\s][^.\\s]*");
    /** What the connector itself reads from every event: the resume token, the operation, the key, the time. */
    private static final Set<String> REQUIRED_FIELDS = Set.of("_id", "operationType", "clusterTime", "documentKey",
            "fullDocument", "fullDocument._id");

    private MessageFormatResolver() {
    }

    static MessageFormat resolve(Problems problems, String key, MessageOptions options) {
        Kind kind = problems.choice(key + ".format", options.format(), Kind.class);
        Encoding encoding = problems.choice(key + ".encoding", options.encoding(), Encoding.class);
        boolean cloudEvents = flag(problems, key + ".cloudevents", options.cloudevents());
        List<String> excluded = excludedFields(problems, key + ".fields.exclude", options.fields().exclude());
        MessageOptions.Outbox outbox = options.outbox();
        OutboxFields fields = new OutboxFields(
                fieldName(problems, key + ".outbox.type-field", outbox.typeField()),
                fieldName(problems, key + ".outbox.payload-field", outbox.payloadField()),
                fieldName(problems, key + ".outbox.id-field", outbox.idField()),
                outbox.headersField().map(String::strip).filter(name -> !name.isEmpty())
                        .map(name -> fieldName(problems, key + ".outbox.headers-field", Optional.of(name))));
        return new MessageFormat(kind, encoding, cloudEvents, excluded, fields);
    }

    private static boolean flag(Problems problems, String key, Optional<String> value) {
        String text = problems.required(key, value, "true or false");
        if (text == null || text.equalsIgnoreCase("false")) {
            return false;
        }
        if (!text.equalsIgnoreCase("true")) {
            problems.add(key, "'" + text + "' is not true or false");
        }
        return text.equalsIgnoreCase("true");
    }

    private static String fieldName(Problems problems, String key, Optional<String> value) {
        String name = problems.required(key, value, "the name of a top-level field of the outbox documents");
        if (name != null && !FIELD_NAME.matcher(name).matches()) {
            problems.add(key, "'" + name + "' is not a top-level field name; expected a name without dots, "
                    + "spaces or a leading $, such as type");
        }
        return name;
    }

    private static List<String> excludedFields(Problems problems, String key, Optional<String> value) {
        List<String> paths = new ArrayList<>();
        for (String path : value.orElse("").split(",")) {
            String stripped = path.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            if (!FIELD_PATH.matcher(stripped).matches()) {
                problems.add(key, "'" + stripped + "' is not a dotted field path of the change event; expected "
                        + "comma-separated paths such as fullDocument.ssn,fullDocument.card.number");
            } else if (REQUIRED_FIELDS.stream().anyMatch(required -> covers(stripped, required))) {
                problems.add(key, "'" + stripped + "' would remove a field the connector reads ("
                        + String.join(", ", REQUIRED_FIELDS.stream().sorted().toList()) + "); exclude fields inside "
                        + "the document instead, such as fullDocument.ssn");
            } else {
                paths.add(stripped);
            }
        }
        return paths;
    }

    /** True when removing {@code path} removes {@code field} or something inside it. */
    private static boolean covers(String path, String field) {
        return path.equals(field) || field.startsWith(path + ".")
                || (path.startsWith(field + ".") && !field.equals("fullDocument"));
    }
}
