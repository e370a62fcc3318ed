package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorProcess;

/**
 * Takeover time with three replicas of one collection and a writer at a steady rate: from just before the
 * holder is sent SIGTERM (graceful) or SIGKILL (crash) to the consumer's receipt of the first event whose
 * {@code Cdc-Replica} header names another replica. The stopped replica is replaced by a new one (new id)
 * before the next trial, so every trial starts with three live replicas.
 */
final class Failover {

    record Result(String kind, double[] takeoverMillis) {
    }

    /** The trials of both kinds, and the check of every document written meanwhile. */
    record Run(List<Result> results, ReplicatedCollection.Check check) {
    }

    private static final String COLLECTION = "failover";

    private final Path workDir;
    private final List<Double> startToReady;

    Failover(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    Run run(int trials, double writeRate, List<String> jvmArgs) throws Exception {
        try (ReplicatedCollection set = new ReplicatedCollection(workDir, startToReady, COLLECTION, 3, writeRate, jvmArgs)) {
            List<Result> results = new ArrayList<>();
            for (boolean crash : new boolean[] {false, true}) {
                double[] millis = new double[trials];
                for (int trial = 0; trial < trials; trial++) {
                    String holder = set.holder();
                    ConnectorProcess process = set.remove(holder);
                    long stopAt = System.nanoTime();
                    if (crash) {
                        process.sigkill();
                    } else {
                        process.sigterm();
                    }
                    EventConsumer.ReplicaChange change = Await.untilValue(Duration.ofSeconds(60),
                            "another replica than " + holder + " publishes", () -> set.consumer().takeoverAfter(holder, stopAt));
                    millis[trial] = (change.nanos() - stopAt) / 1e6;
                    System.out.printf("BENCH failover %s trial %d: %s -> %s in %.0f ms%n", crash ? "crash" : "graceful",
                            trial + 1, holder, change.replica(), millis[trial]);
                    process.waitForExit(Duration.ofSeconds(60));
                    set.addReplica();
                }
                results.add(new Result(crash ? "crash (SIGKILL)" : "graceful (SIGTERM)", millis));
            }
            return new Run(results, set.stopAndCheck(Duration.ofSeconds(60)));
        }
    }
}
