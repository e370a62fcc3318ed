package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.Checkpoint;
import io.mongonats.connector.checkpoint.CheckpointStore;
import io.mongonats.connector.checkpoint.Gap;
import io.mongonats.connector.checkpoint.ResumePlan;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Writes a collection's acknowledged position to the checkpoint store at most once per interval, and only when
 * it moved. A failed write is logged and retried at the next interval: the stream's tail still records the
 * position, so nothing is lost meanwhile.
 */
final class Checkpointer {

    private static final Logger LOG = Logger.getLogger(Checkpointer.class);

    private final String key;
    private final String namespace;
    private final CheckpointStore store;
    private final long intervalMillis;
    private final String replicaId;
    private final Clock clock;
    private final WorkerObserver observer;
    private final WorkerState state;
    private Checkpoint lastSaved;
    private long lastAttemptMillis = -1;

    Checkpointer(String key, String namespace, CheckpointStore store, Duration interval, String replicaId, Clock clock,
                 WorkerObserver observer, WorkerState state) {
        this.key = key;
        this.namespace = namespace;
        this.store = store;
        this.intervalMillis = interval.toMillis();
        this.replicaId = replicaId;
        this.clock = clock;
        this.observer = observer;
        this.state = state;
    }

    /** Saves when the interval has passed since the last attempt; true when it was due. */
    boolean maybeSave(AckedPosition position) {
        if (lastAttemptMillis >= 0 && clock.millis() - lastAttemptMillis < intervalMillis) {
            return false;
        }
        save(position, false);
        return true;
    }

    void save(AckedPosition position, boolean finalWrite) {
        lastAttemptMillis = clock.millis();
        if ((position.token() == null && position.snapshot() == null) || (lastSaved != null
                && Objects.equals(lastSaved.token(), position.token()) && lastSaved.streamSequence() == position.sequence()
                && Objects.equals(lastSaved.snapshot(), position.snapshot()))) {
            state.checkpointed(lastAttemptMillis);
            return;
        }
        Checkpoint next = new Checkpoint(position.token(), position.afterInvalidate(), position.sequence(),
                clock.instant(), replicaId, position.snapshot());
        try {
            store.save(key, next);
            lastSaved = next;
            state.checkpointed(lastAttemptMillis);
            if (finalWrite) {
                LOG.infof("%s: checkpoint written at stream sequence %d", namespace, next.streamSequence());
            }
        } catch (IOException | RuntimeException e) {
            observer.error(key, "checkpoint");
            LOG.warnf("%s: checkpoint not written (%s); the stream's tail still records the position",
                    namespace, FailurePolicy.describe(e));
        }
    }

    /**
     * A stream started at the current time has a position before its first change arrives (real MongoDB's initial
     * post-batch token). Storing it at once means a takeover before the first change resumes here, not later.
     */
    void saveStart(String initialToken, long sequence) throws IOException {
        if (initialToken == null) {
            LOG.warnf("%s: MongoDB gave no initial resume token; until the first change arrives, a takeover "
                    + "would start at its own current time", namespace);
            return;
        }
        Checkpoint start = new Checkpoint(initialToken, false, sequence, clock.instant(), replicaId);
        store.save(key, start);
        lastSaved = start;
    }

    void recordGap(ResumePlan plan, String restartToken) throws IOException {
        Gap gap = new Gap(namespace, plan.token().orElse(""), plan.streamSequence(), restartToken, clock.instant(),
                "the stored resume token was rejected by MongoDB");
        store.recordGap(key, gap);
        if (restartToken != null) {
            Checkpoint restart = new Checkpoint(restartToken, false, plan.streamSequence(), clock.instant(), replicaId);
            store.save(key, restart);
            lastSaved = restart;
        }
        observer.gapRecorded(key);
        LOG.warnf("%s: GAP recorded: changes after token %s (stream sequence %d) up to %s were not published; "
                + "see key gap.%s.* in the checkpoint bucket", namespace, gap.fromToken(), gap.fromSequence(),
                gap.restartedAt(), key);
    }
}
