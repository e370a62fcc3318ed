package io.mongonats.connector.pipeline;

import java.util.Optional;

/** Where a change stream opens: after a token, after an invalidate event, or at the current time. */
public record StartAt(Kind kind, Optional<String> token) {

    public enum Kind { NOW, RESUME_AFTER, START_AFTER }

    public static StartAt now() {
        return new StartAt(Kind.NOW, Optional.empty());
    }

    public static StartAt resumeAfter(String token) {
        return new StartAt(Kind.RESUME_AFTER, Optional.of(token));
    }

    public static StartAt startAfter(String token) {
        return new StartAt(Kind.START_AFTER, Optional.of(token));
    }
}
