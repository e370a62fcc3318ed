package io.mongonats.connector.status;

import java.util.Locale;

/**
 * A snapshot's progress as health and metrics show it.
 *
 * @param total        the collection's estimated size when the snapshot started
 * @param docsPerSecond the rate since this replica started or resumed it
 */
public record SnapshotStatus(String id, long count, long total, long docsPerSecond, boolean completed) {

    /** For example {@code 45% (450,000 of ~1,000,000, 12,000 docs/s, about 46 s left)}. */
    public String describe() {
        if (completed) {
            return String.format(Locale.ROOT, "completed (%,d documents)", count);
        }
        long percent = total <= 0 ? 0 : Math.min(99, count * 100 / total);
        String left = docsPerSecond <= 0 || total <= count ? "" : ", about " + (total - count) / docsPerSecond + " s left";
        return String.format(Locale.ROOT, "%d%% (%,d of ~%,d, %,d docs/s%s)", percent, count, total, docsPerSecond, left);
    }
}
