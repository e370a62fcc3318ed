package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

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

    private static final String COLLECTION = "failover";

    private final Path workDir;
    private final List<Double> startToReady;

    Failover(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    List<Result> run(int trials, double writeRate, List<String> jvmArgs) throws Exception {
        Map<String, ConnectorProcess> replicas = new LinkedHashMap<>();
        AtomicBoolean stopWriting = new AtomicBoolean();
        try (Rig rig = new Rig(workDir, startToReady)) {
            int[] nextId = {1};
            Runnable addReplica = () -> {
                String id = "replica-" + nextId[0]++;
                replicas.put(id, rig.startConnector(id, rig.connector(id, List.of(COLLECTION)).jvmFlags(jvmArgs)));
            };
            for (int i = 0; i < 3; i++) {
                addReplica.run();
            }
            DocWriter writer = new DocWriter(rig.collection(COLLECTION), 300);
            Thread writing = new Thread(() -> writer.writeAtRate(writeRate, Long.MAX_VALUE, stopWriting::get),
                    "bench-failover-writer");
            writing.setDaemon(true);
            writing.start();
            try (EventConsumer consumer = new EventConsumer(rig.nats(), Rig.DATABASE + "." + COLLECTION)) {
                Await.until(Duration.ofSeconds(60), "a replica publishes", () -> consumer.currentReplica() != null);
                List<Result> results = new ArrayList<>();
                for (boolean crash : new boolean[] {false, true}) {
                    double[] millis = new double[trials];
                    for (int trial = 0; trial < trials; trial++) {
                        String holder = consumer.currentReplica();
                        ConnectorProcess process = replicas.remove(holder);
                        long stopAt = System.nanoTime();
                        if (crash) {
                            process.sigkill();
                        } else {
                            process.sigterm();
                        }
                        EventConsumer.ReplicaChange change = Await.untilValue(Duration.ofSeconds(60),
                                "another replica than " + holder + " publishes", () -> consumer.takeoverAfter(holder, stopAt));
                        millis[trial] = (change.nanos() - stopAt) / 1e6;
                        System.out.printf("BENCH failover %s trial %d: %s -> %s in %.0f ms%n", crash ? "crash" : "graceful",
                                trial + 1, holder, change.replica(), millis[trial]);
                        process.waitForExit(Duration.ofSeconds(60));
                        addReplica.run();
                    }
                    results.add(new Result(crash ? "crash (SIGKILL)" : "graceful (SIGTERM)", millis));
                }
                return results;
            } finally {
                stopWriting.set(true);
                writing.join(10_000);
            }
        }
    }
}
