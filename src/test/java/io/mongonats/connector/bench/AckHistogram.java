package io.mongonats.connector.bench;

import java.util.Map;
import java.util.TreeMap;

import io.mongonats.connector.testing.ConnectorProcess;

/**
 * The connector's own share of the latency: its {@code cdc.read.to.ack} timer (from the change read from MongoDB
 * to the arrival of its acknowledgement from JetStream), read from /q/metrics as cumulative Prometheus buckets, summed over
 * collections. Two scrapes give the histogram of the changes in between; a quantile is the upper bound of its bucket.
 */
final class AckHistogram {

    private static final String BUCKET = "cdc_read_to_ack_seconds_bucket{";

    /** Upper bound in seconds to the cumulative count of acknowledgements at or under it. */
    private final TreeMap<Double, Double> cumulative;

    private AckHistogram(TreeMap<Double, Double> cumulative) {
        this.cumulative = cumulative;
    }

    static AckHistogram scrape(ConnectorProcess connector) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : connector.httpGet("/q/metrics").body().split("\n")) {
            if (!line.startsWith(BUCKET)) {
                continue;
            }
            int le = line.indexOf("le=\"") + 4;
            String bound = line.substring(le, line.indexOf('"', le));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            buckets.merge(upper, count, Double::sum);
        }
        return new AckHistogram(buckets);
    }

    /** The acknowledgements recorded since {@code earlier}. */
    AckHistogram since(AckHistogram earlier) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        cumulative.forEach((upper, count) -> delta.put(upper, count - earlier.cumulative.getOrDefault(upper, 0.0)));
        return new AckHistogram(delta);
    }

    long count() {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue().longValue();
    }

    /** The bucket bound in milliseconds under which the fraction {@code q} of acknowledgements falls; NaN if none. */
    double quantileMillis(double q) {
        double wanted = q * count();
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (count() > 0 && bucket.getValue() >= wanted) {
                return bucket.getKey() * 1000;
            }
        }
        return Double.NaN;
    }
}
