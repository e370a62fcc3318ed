package io.mongonats.connector.readmodel;

import org.bson.BsonValue;

/** What a message means to a sink: a change to one document, nothing to apply, or something that cannot be applied. */
public sealed interface Decoded {

    /** A change to the document whose {@code _id} is {@code key}. */
    record Change(BsonValue key, DocumentChange change) implements Decoded {
    }

    /** Nothing to apply, for example a {@code drop} or {@code invalidate} event. */
    record Ignored(String operation) implements Decoded {
    }

    /** Cannot be applied on any delivery: goes to the dead-letter subject at once. */
    record Undecodable(String reason) implements Decoded {
    }
}
