package io.mongonats.connector.message;

import io.mongonats.connector.source.ChangeEvent;

import java.util.HashMap;
import java.util.Map;

/** {@code <prefix>.<operationType>} per operation, built once each; and the rendering that publishes there. */
final class OperationSubjects {

    private final String prefix;
    private final Map<String, String> subjects = new HashMap<>();

    OperationSubjects(String prefix) {
        this.prefix = prefix;
    }

    String of(String operationType) {
        return subjects.computeIfAbsent(operationType, operation -> Subjects.forOperation(prefix, operation));
    }

    /** The event on its operation's subject, identified as the change stream identifies it. */
    Rendering.Publish publish(ChangeEvent event, byte[] payload, String contentType) {
        return new Rendering.Publish(of(event.operationType()), event.messageId(), payload,
                "mongodb." + event.operationType(), contentType, null);
    }
}
