package io.mongonats.connector.source;

import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoServerException;

import java.util.Set;

/** Sorts MongoDB failures into kinds the worker acts on. */
public final class MongoErrors {

    /**
     * Server errors that say nothing about the token: authorisation, and the transient ones of elections,
     * shutdowns, unreachable hosts and stale routing (the codes a change stream resumes after).
     */
    private static final Set<Integer> NOT_ABOUT_THE_TOKEN = Set.of(
            13, 18,                                   // Unauthorized, AuthenticationFailed
            6, 7, 43, 89, 91, 133, 189, 262, 9001,    // HostUnreachable ... SocketException
            10107, 11600, 11602, 13435, 13436,        // NotWritablePrimary ... NotPrimaryOrSecondary
            63, 150, 13388, 234);                     // StaleShardVersion, StaleEpoch, StaleConfig, RetryChangeStream

    private MongoErrors() {
    }

    /**
     * True when the server itself answered the request to open a change stream at a token with an error that is
     * not a known transient one, such as ChangeStreamHistoryLost (286), InvalidResumeToken (260),
     * ChangeStreamFatalError (280) or a token it cannot parse. The worker still retries such an answer a few
     * times before it acts on it.
     */
    static boolean rejectsResumePosition(Throwable error) {
        if (!(error instanceof MongoServerException server)) {
            return false;
        }
        return !NOT_ABOUT_THE_TOKEN.contains(server.getCode())
                && !server.hasErrorLabel("ResumableChangeStreamError")
                && !server.hasErrorLabel("RetryableError")
                && !server.hasErrorLabel("TransientTransactionError");
    }

    public static boolean isInterrupt(Throwable error) {
        return error instanceof MongoInterruptedException || error instanceof InterruptedException;
    }
}
