package io.mongonats.connector.readmodel;

import org.bson.BsonValue;

/** One guarded write: apply {@code change} to document {@code key} unless it already reflects {@code sequence} or later. */
public record PlannedWrite(BsonValue key, long sequence, DocumentChange change) {
}
