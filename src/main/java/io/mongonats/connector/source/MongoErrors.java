package io.mongonats.connector.source;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoServerException;

import java.util.Set;

/** Sorts MongoDB failures into kinds the worker acts on. */
public final class MongoErrors {

    /** Unauthorized and AuthenticationFailed: the token is not at fault. */
    private static final Set<Integer> NOT_ABOUT_THE_TOKEN = Set.of(13, 18);

    private MongoErrors() {
    }

    /**
     * True when the server itself answered the request to open a change stream at a token with an error,
     * such as ChangeStreamHistoryLost (286), InvalidResumeToken (260) or ChangeStreamFatalError (280),
     * rather than a transport failure or a transient, resumable error.
     */
    static boolean rejectsResumePosition(Throwable error) {
        if (!(error instanceof MongoServerException server)) {
            return false;
        }
        if (NOT_ABOUT_THE_TOKEN.contains(server.getCode()) || server.hasErrorLabel("ResumableChangeStreamError")
                || server.hasErrorLabel("RetryableError")) {
            return false;
        }
        return server instanceof MongoCommandException || server.getCode() != 0;
    }

    public static boolean isInterrupt(Throwable error) {
        return error instanceof MongoInterruptedException || error instanceof InterruptedException;
    }

    public static boolean isMongo(Throwable error) {
        return error instanceof MongoException;
    }
}
