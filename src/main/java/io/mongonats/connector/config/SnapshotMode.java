package io.mongonats.connector.config;

/** Whether a collection's existing documents are published before its changes. */
public enum SnapshotMode {
    /** On a first start (no checkpoint, empty stream): every existing document, then the changes. */
    INITIAL,
    /** Only changes made after the first start. */
    NEVER,
    /** As initial, and again instead of stopping or skipping when MongoDB refuses the stored position. */
    WHEN_NEEDED
}
