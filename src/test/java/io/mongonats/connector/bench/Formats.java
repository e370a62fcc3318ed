package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Issue 12's comparison: connector CPU per 100k events for the {@code json} and {@code bson} encodings, side by
 * side, on the same 300-byte documents (change-event format, one collection, a connector phase on fresh servers for
 * each). The consumer reads {@code n} from either payload without parsing it.
 */
final class Formats {

    private static final List<String> ENCODINGS = List.of("json", "bson");

    private final Throughput throughput;

    Formats(Path workDir, List<Double> startToReady) {
        this.throughput = new Throughput(workDir, startToReady);
    }

    void report(Report report, double scale, List<String> jvmFlags) throws Exception {
        report.table("Encodings: connector CPU per 100k events (300 B documents, one collection, change-event format)",
                "encoding", "events", "connector events/s", "connector CPU s / 100k events", "of which JIT compilers",
                "connector peak RSS MB");
        long warmUp = (long) (25_000 * scale);
        long count = (long) (60_000 * scale);
        for (String encoding : ENCODINGS) {
            Throughput.Measured result = throughput.connector("enc-" + encoding, 300, List.of("enc_" + encoding),
                    warmUp, count, fixture -> fixture.with("encoding", encoding).jvmFlags(jvmFlags), connector -> { });
            report.row(report.lastTable(), encoding, count, Report.rate(result.rate()),
                    Report.fixed(result.cpuPer100k(), 1), Report.fixed(result.jitPer100k(), 1),
                    Report.fixed(result.peakRssMb(), 0));
        }
    }
}
