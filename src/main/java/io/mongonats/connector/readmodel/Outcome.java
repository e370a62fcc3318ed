package io.mongonats.connector.readmodel;

import java.util.Locale;

/** What a sink did with one message: the {@code outcome} tag of cdc_sink_applied_total. */
public enum Outcome {
    /** Written to the target. */
    APPLIED,
    /** The target already reflected it or a later change (a redelivery, or out of order). */
    STALE,
    /** A later change to the same document in the same batch was written instead. */
    SUPERSEDED,
    /** Nothing to apply (drop, rename, invalidate, an update without a document). */
    IGNORED,
    /** Negatively acknowledged: delivered again after a pause. */
    RETRIED,
    DEAD_LETTERED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
