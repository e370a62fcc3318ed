package io.mongonats.connector.message;

import io.mongonats.connector.checkpoint.LeaseStamp;
import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.checkpoint.StreamTail;
import io.mongonats.connector.pipeline.AckedPosition;
import io.mongonats.connector.pipeline.Change;
import io.mongonats.connector.pipeline.MessageHeaders;

import java.util.Optional;
import java.util.function.Function;

/**
 * The position every message carries in its headers, and how the stream's last message is read back: the resume
 * token after it ({@code Cdc-Resume-Token}) and, while a snapshot runs, the snapshot's progress
 * ({@code Cdc-Snapshot}), and the lease it was published under ({@code Cdc-Replica}, {@code Cdc-Lease-Epoch}). Pure.
 */
public final class Positions {

    private Positions() {
    }

    public static void stamp(MessageHeaders headers, Change change, AckedPosition after) {
        if (after.token() != null) {
            headers.add(HeaderNames.RESUME_TOKEN, after.token());
        }
        SnapshotProgress snapshot = after.snapshot();
        if (snapshot != null && (!snapshot.completed() || change.operationType().startsWith("snapshot"))) {
            headers.add(HeaderNames.SNAPSHOT, snapshot.toHeader());
        }
    }

    /** Reads the position a stored message carries; {@code header} gives a header's first value, or null. */
    public static StreamTail read(long sequence, Function<String, String> header) {
        String operation = header.apply(HeaderNames.OPERATION);
        String token = header.apply(HeaderNames.RESUME_TOKEN);
        if (token == null && operation != null && !operation.startsWith("snapshot")) {
            token = header.apply(HeaderNames.MSG_ID);
        }
        String snapshot = header.apply(HeaderNames.SNAPSHOT);
        return new StreamTail(sequence, Optional.ofNullable(token), "invalidate".equals(operation),
                Optional.ofNullable(snapshot).map(SnapshotProgress::fromHeader),
                writer(header.apply(HeaderNames.REPLICA), header.apply(HeaderNames.LEASE_EPOCH)));
    }

    /** The lease a message was published under; empty when it does not say (another publisher's message). */
    private static Optional<LeaseStamp> writer(String replica, String epoch) {
        if (replica == null || epoch == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LeaseStamp(replica, Long.parseLong(epoch)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
