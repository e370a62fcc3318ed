package io.mongonats.connector.pipeline;

import io.mongonats.connector.checkpoint.SnapshotProgress;
import io.mongonats.connector.status.SnapshotStatus;
import org.jboss.logging.Logger;

/** Shows a snapshot's progress: on the status board at each step, in metrics, and in the log every 10 seconds. */
final class SnapshotReport {

    private static final Logger LOG = Logger.getLogger(SnapshotReport.class);
    private static final long LOG_EVERY_MILLIS = 10_000;

    private final String namespace;
    private final String key;
    private final WorkerState state;
    private final WorkerObserver observer;
    private final long startedMillis;
    private final long startCount;
    private long reportedCount;
    private long nextLogMillis;

    SnapshotReport(String namespace, String key, WorkerState state, WorkerObserver observer, SnapshotProgress start,
                   long nowMillis) {
        this.namespace = namespace;
        this.key = key;
        this.state = state;
        this.observer = observer;
        this.startedMillis = nowMillis;
        this.startCount = start.count();
        this.reportedCount = start.count();
        this.nextLogMillis = nowMillis + LOG_EVERY_MILLIS;
        state.snapshot(status(start, nowMillis));
    }

    void progress(SnapshotProgress progress, long nowMillis) {
        if (progress.count() > reportedCount) {
            observer.snapshotDocuments(key, progress.count() - reportedCount);
            reportedCount = progress.count();
        }
        SnapshotStatus status = status(progress, nowMillis);
        state.snapshot(status);
        if (progress.completed()) {
            LOG.infof("%s: snapshot %s completed: %d documents in %d s", namespace, progress.id(), progress.count(),
                    (nowMillis - startedMillis) / 1000);
        } else if (nowMillis >= nextLogMillis) {
            nextLogMillis = nowMillis + LOG_EVERY_MILLIS;
            LOG.infof("%s: snapshot %s: %s", namespace, progress.id(), status.describe());
        }
    }

    private SnapshotStatus status(SnapshotProgress progress, long nowMillis) {
        long elapsed = Math.max(1, nowMillis - startedMillis);
        long rate = (progress.count() - startCount) * 1000 / elapsed;
        return new SnapshotStatus(progress.id(), progress.count(), progress.total(), rate, progress.completed());
    }
}
