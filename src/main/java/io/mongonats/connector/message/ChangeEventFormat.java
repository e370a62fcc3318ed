package io.mongonats.connector.message;

import io.mongonats.connector.source.ChangeEvent;

/** The change event itself, as the server sent it, on {@code <prefix>.<operationType>}. */
record ChangeEventFormat(OperationSubjects subjects, PayloadEncoder encoder) implements Format {

    @Override
    public Rendering render(ChangeEvent event) {
        return subjects.publish(event, encoder.encode(event.raw()), encoder.contentType());
    }

    @Override
    public String headerValue() {
        return null;
    }
}
