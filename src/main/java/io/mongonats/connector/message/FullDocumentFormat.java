package io.mongonats.connector.message;

import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.util.Set;

/**
 * The document alone on {@code <prefix>.<operationType>}: an insert, update, replace or snapshot record carries
 * {@code fullDocument} (empty when the server sent none, as for an update without updateLookup); a delete carries
 * nothing. The operation, key and cluster time travel in headers. Events about the collection rather than a
 * document (drop, rename, dropDatabase, invalidate) and the snapshot markers carry the event itself.
 */
record FullDocumentFormat(OperationSubjects subjects, PayloadEncoder encoder) implements Format {

    private static final Set<String> DOCUMENT_CHANGES = Set.of("insert", "update", "replace", "snapshot");
    private static final byte[] EMPTY = new byte[0];

    @Override
    public Rendering render(ChangeEvent event) {
        String operation = event.operationType();
        if (operation.equals("delete")) {
            return subjects.publish(event, EMPTY, null);
        }
        if (!DOCUMENT_CHANGES.contains(operation)) {
            return subjects.publish(event, encoder.encode(event.raw()), encoder.contentType());
        }
        BsonValue document = event.raw().get("fullDocument");
        return document instanceof RawBsonDocument full
                ? subjects.publish(event, encoder.encode(full), encoder.contentType())
                : subjects.publish(event, EMPTY, null);
    }

    @Override
    public String headerValue() {
        return "full-document";
    }
}
