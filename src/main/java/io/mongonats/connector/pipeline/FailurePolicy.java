package io.mongonats.connector.pipeline;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.SnapshotMode;

/** What a worker does after a failure: the collection's policies applied to the kind of failure. Pure. */
final class FailurePolicy {

    /** A refused position is asked for again this many times, with backoff, before the policy applies. */
    static final int REJECTIONS_BEFORE_POLICY = 3;

    enum Action { RETRY, STOP, RESTART_FROM_NOW, RESNAPSHOT }

    /**
     * @param errorKind the metric's tag for the failure
     * @param message   for the log and the health details
     */
    record Decision(Action action, String errorKind, String message) {
    }

    private final CollectionSpec spec;

    FailurePolicy(CollectionSpec spec) {
        this.spec = spec;
    }

    /** @param rejections how many times in a row the stored position has now been refused, this one included */
    Decision decide(Exception failure, int rejections) {
        return switch (failure) {
            case PositionRejectedException e -> rejected(e, rejections);
            case OversizedEventException e -> new Decision(Action.STOP, "oversized", "stopped: " + e.getMessage()
                    + ". Set connector.collections[].on-oversized=dead-letter to publish a dead-letter record instead, "
                    + "or raise the server's max_payload");
            case OutOfStepException e -> new Decision(Action.RETRY, "out-of-step", e.getMessage() + "; re-reading the stream's tail");
            case SourceException e -> new Decision(Action.RETRY, "mongodb", e.getMessage());
            case SinkException e -> new Decision(Action.RETRY, "nats", e.getMessage());
            default -> new Decision(Action.RETRY, "unexpected", describe(failure));
        };
    }

    private Decision rejected(PositionRejectedException e, int rejections) {
        if (rejections < REJECTIONS_BEFORE_POLICY) {
            return new Decision(Action.RETRY, "position-rejected", e.getMessage());
        }
        if (spec.snapshot() == SnapshotMode.WHEN_NEEDED) {
            return new Decision(Action.RESNAPSHOT, "position-rejected", e.getMessage()
                    + "; taking a new snapshot from now as configured (snapshot=when-needed)");
        }
        if (spec.onLostPosition() == CollectionSpec.LostPositionPolicy.RESTART_FROM_NOW) {
            return new Decision(Action.RESTART_FROM_NOW, "position-rejected", e.getMessage()
                    + "; restarting from now as configured (on-lost-position=restart-from-now)");
        }
        return new Decision(Action.STOP, "position-rejected", "stopped: " + e.getMessage() + ". Choose one: restore the "
                + "oplog history, set connector.collections[].on-lost-position=restart-from-now to skip ahead and record "
                + "the gap, set connector.collections[].snapshot=when-needed to take a new snapshot, or delete the checkpoint key " + spec.key() + " and purge the stream to start over");
    }

    /** The root cause's message, prefixed with the outer type when they differ. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getClass().getSimpleName() + ": " + message;
    }
}
