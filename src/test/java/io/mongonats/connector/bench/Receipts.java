package io.mongonats.connector.bench;

import java.util.Arrays;

/**
 * How many times each document (by its {@code n}) arrived, in the order it arrived: how many came a second time
 * and how many came after a higher one. Written by one thread, read by any.
 */
final class Receipts {

    private int[] counts = new int[1024];
    private long lowest = -1;
    private long highest = -1;
    private long duplicates;
    private long outOfOrder;

    synchronized void record(long n) {
        if (n < 0 || n >= Integer.MAX_VALUE - 8) {
            return;
        }
        if (n >= counts.length) {
            counts = Arrays.copyOf(counts, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(n + 1, 2L * counts.length)));
        }
        if (counts[(int) n]++ > 0) {
            duplicates++;
            return;
        }
        if (n < highest) {
            outOfOrder++;
        }
        highest = Math.max(highest, n);
        lowest = lowest < 0 ? n : Math.min(lowest, n);
    }

    /** The lowest {@code n} received, -1 before any: documents written before the first holder streamed are not published. */
    synchronized long lowest() {
        return lowest;
    }

    /** Extra copies received, over all documents. */
    synchronized long duplicates() {
        return duplicates;
    }

    /** Documents received after one with a higher {@code n}. */
    synchronized long outOfOrder() {
        return outOfOrder;
    }

    /** Documents with {@code from <= n < to} never received. */
    synchronized long missing(long from, long to) {
        long missing = 0;
        for (long n = from; n < to; n++) {
            missing += n >= counts.length || counts[(int) n] == 0 ? 1 : 0;
        }
        return missing;
    }

    /** Arrivals of documents with {@code from <= n < to}, copies included. */
    synchronized long arrivals(long from, long to) {
        long arrivals = 0;
        for (long n = from; n < Math.min(to, counts.length); n++) {
            arrivals += counts[(int) n];
        }
        return arrivals;
    }
}
