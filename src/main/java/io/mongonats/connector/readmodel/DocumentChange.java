package io.mongonats.connector.readmodel;

import org.bson.BsonDocument;

import java.util.List;

/** What a change does to one target document, whatever the message format it came in. */
public sealed interface DocumentChange {

    /** The document's whole new state (insert, replace, snapshot, or an update with its full document). */
    record Upsert(BsonDocument document) implements DocumentChange {
    }

    /** An update without its full document: the fields it sets, removes and the arrays it truncates. */
    record Patch(BsonDocument set, List<String> unset, List<Truncation> truncations) implements DocumentChange {
    }

    record Delete() implements DocumentChange {
    }

    /** An array shortened to {@code newSize} elements. */
    record Truncation(String field, int newSize) {
    }
}
