package io.mongonats.connector.source;

import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.config.CollectionSpec;
import org.bson.RawBsonDocument;

/** Snapshot records as the snapshot reader builds them, for tests of other packages. */
public final class SnapshotRecordsForTests {

    private SnapshotRecordsForTests() {
    }

    public static ChangeEvent document(CollectionSpec spec, String snapshotId, RawBsonDocument document) {
        return SnapshotRecords.document(spec, snapshotId, SnapshotKeys.of(document), document);
    }

    public static ChangeEvent started(CollectionSpec spec, String snapshotId, long total) {
        return SnapshotRecords.marker(spec, snapshotId, "snapshot-started", SnapshotProgress.start(snapshotId, total));
    }
}
