package io.mongonats.connector.message;

import io.mongonats.connector.source.ChangeEvent;

/** The change event itself, as the server sent it, on {@code <prefix>.<operationType>}. */
final class ChangeEventFormat implements Format {

    private final OperationSubjects subjects;
    private final PayloadEncoder encoder;

    ChangeEventFormat(String subjectPrefix, PayloadEncoder encoder) {
        this.subjects = new OperationSubjects(subjectPrefix);
        this.encoder = encoder;
    }

    @Override
    public Rendering render(ChangeEvent event) {
        return subjects.publish(event, encoder.encode(event.raw()), encoder.contentType());
    }

    @Override
    public String headerValue() {
        return null;
    }
}
