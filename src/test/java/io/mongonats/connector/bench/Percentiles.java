package io.mongonats.connector.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of samples. Pure. */
record Percentiles(int count, double p50, double p99, double p999, double max) {

    static Percentiles of(double[] samples) {
        if (samples.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), rank(sorted, 0.999),
                sorted[sorted.length - 1]);
    }

    static double median(double[] samples) {
        return of(samples).p50();
    }

    private static double rank(double[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
