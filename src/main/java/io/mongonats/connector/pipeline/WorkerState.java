package io.mongonats.connector.pipeline;

import io.mongonats.connector.status.SnapshotStatus;
import io.mongonats.connector.status.StatusBoard;
import io.mongonats.connector.status.WorkerStatus;
import io.mongonats.connector.status.WorkerStatus.State;
import org.jboss.logging.Logger;

/**
 * A worker's state and progress, written by the worker's thread alone. Each change of state is logged once and
 * published to the status board at once; progress is published at most every {@value #PUBLISH_EVERY_MILLIS} ms.
 */
final class WorkerState {

    private static final Logger LOG = Logger.getLogger(WorkerState.class);
    private static final long PUBLISH_EVERY_MILLIS = 200;

    private final String key;
    private final String namespace;
    private final StatusBoard board;
    private State state = State.STARTING;
    private String reason;
    private String loggedProblem;
    private long published;
    private long sequence;
    private int inFlight;
    private long lastEventMillis = -1;
    private long lastAckMillis = -1;
    private long lastCheckpointMillis = -1;
    private long lastProgressMillis = -1;
    private long nextPublishMillis;
    private SnapshotStatus snapshot;

    WorkerState(String key, String namespace, StatusBoard board) {
        this.key = key;
        this.namespace = namespace;
        this.board = board;
    }

    State state() {
        return state;
    }

    void streaming(long nowMillis) {
        if (loggedProblem != null) {
            LOG.infof("%s: streaming again", namespace);
            loggedProblem = null;
        }
        change(State.STREAMING, null, nowMillis);
    }

    void retrying(String problem, String maxBackoff, long nowMillis) {
        if (!problem.equals(loggedProblem)) {
            LOG.warnf("%s: %s; retrying with backoff up to %s", namespace, problem, maxBackoff);
            loggedProblem = problem;
        }
        change(State.RETRYING, problem, nowMillis);
    }

    void paused(String why, long nowMillis) {
        if (!why.equals(loggedProblem)) {
            LOG.warnf("%s: paused: %s", namespace, why);
            loggedProblem = why;
        }
        change(State.PAUSED, why, nowMillis);
    }

    void failed(String why, long nowMillis) {
        LOG.errorf("%s: %s", namespace, why);
        change(State.FAILED, why, nowMillis);
    }

    void draining(long nowMillis) {
        change(State.DRAINING, reason, nowMillis);
    }

    /** The last word: logged, and published whatever the throttle. */
    void stopped(String why, long nowMillis) {
        if (state != State.FAILED) {
            change(State.STOPPED, why, nowMillis);
        }
        LOG.infof("%s: worker stopped (%s)", namespace, reason);
    }

    void progress(long nowMillis) {
        lastProgressMillis = nowMillis;
        if (nowMillis >= nextPublishMillis) {
            publish(nowMillis);
        }
    }

    void acknowledged(long storedAt, long eventTimeMillis, long nowMillis) {
        published++;
        sequence = storedAt;
        lastAckMillis = nowMillis;
        if (eventTimeMillis > 0) {
            lastEventMillis = eventTimeMillis;
        }
    }

    void inFlight(int count) {
        inFlight = count;
    }

    void sequence(long lastSequence) {
        sequence = lastSequence;
    }

    void snapshot(SnapshotStatus status) {
        boolean ended = status.completed() && (snapshot == null || !snapshot.completed());
        snapshot = status;
        if (ended) {
            publish(lastProgressMillis);
        }
    }

    void checkpointed(long nowMillis) {
        lastCheckpointMillis = nowMillis;
    }

    private void change(State next, String why, long nowMillis) {
        state = next;
        reason = why;
        lastProgressMillis = nowMillis;
        publish(nowMillis);
    }

    private void publish(long nowMillis) {
        nextPublishMillis = nowMillis + PUBLISH_EVERY_MILLIS;
        board.worker(key, new WorkerStatus(state, reason, published, sequence, inFlight, lastEventMillis,
                lastAckMillis, lastCheckpointMillis, lastProgressMillis, snapshot));
    }
}
