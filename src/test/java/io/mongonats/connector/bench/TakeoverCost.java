package io.mongonats.connector.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.mongonats.connector.testing.ConnectorProcess;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

/**
 * The cost of freezing the holder (issue 14): three replicas of one collection, a writer at 400 events/s, and the
 * holder frozen with SIGSTOP, either for whole seconds (a long GC pause, a hung node) or in a duty cycle (a
 * CPU-starved node). Per case it counts lease moves (changes of {@code Cdc-Replica} in the stream), takeovers,
 * out-of-step publishes and halted workers (from the replicas' logs), publishes the fence refused (messages that
 * crossed NATS, seen by a core subscription, minus messages stored, both for the case's documents), and whether
 * every document written during the case was received exactly once and in order. It asserts nothing: a lost or
 * duplicated change is reported.
 */
final class TakeoverCost {

    /** The figures of one case; counts of log lines are summed over the replicas. */
    record Case(String name, String pauses, int moves, int takeovers, int outOfStep, long refused, int halts,
                long written, long lost, long duplicated, long outOfOrder) {
    }

    private static final String COLLECTION = "pauses";
    private static final double WRITE_RATE = 400;
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final Duration APART = Duration.ofSeconds(3);

    /** Log lines, as the connector writes them (Takeovers, FailurePolicy via WorkerState, CollectionWorker). */
    private static final String TAKEN_OVER = ": TAKEN OVER by ";
    private static final String OUT_OF_STEP_RETRIED = "re-reading the stream's tail";
    private static final String OUT_OF_STEP_HALTED = "not confirmed after an out-of-step publish";
    private static final String HALTED = "worker stopped (lease ";

    private final Path workDir;
    private final List<Double> startToReady;

    TakeoverCost(Path workDir, List<Double> startToReady) {
        this.workDir = workDir;
        this.startToReady = startToReady;
    }

    static void addTo(Report report, Path workDir, List<Double> startToReady, double scale, List<String> jvmArgs)
            throws Exception {
        report.table("The cost of a frozen holder: 3 replicas of one collection, lease ttl 10 s and takeover-after 1 s "
                        + "(defaults), writer at 400 events/s; counts per case",
                "case", "SIGSTOPs (actual frozen ms)", "lease moves (Cdc-Replica changes)", "takeovers logged",
                "out-of-step publishes logged", "publishes refused by the fence (sent - stored)", "workers halted",
                "documents written", "lost", "duplicated", "out of order");
        List<Case> cases = new ArrayList<>();
        new TakeoverCost(workDir, startToReady).run(scale, jvmArgs, cases);
        for (Case c : cases) {
            report.row(report.lastTable(), c.name(), c.pauses(), c.moves(), c.takeovers(), c.outOfStep(), c.refused(),
                    c.halts(), c.written(), loud(c.lost(), "LOST"), loud(c.duplicated(), "DUPLICATED"),
                    loud(c.outOfOrder(), "OUT OF ORDER"));
        }
    }

    private static String loud(long count, String what) {
        return count == 0 ? "0" : "**" + count + " " + what + "**";
    }

    /**
     * Runs the cases in order and adds their figures to {@code cases}, then a last one for the whole run, counted
     * after the writer stopped and the stream settled: there the documents written are checked against the
     * messages in the stream too.
     */
    void run(double scale, List<String> jvmArgs, List<Case> cases) throws Exception {
        int pauses = Math.max(1, (int) Math.round(10 * scale));
        Duration starved = Duration.ofSeconds(Math.max(4, Math.round(20 * scale)));
        try (ReplicatedCollection set = new ReplicatedCollection(workDir, startToReady, COLLECTION, 3, WRITE_RATE, jvmArgs);
             Signals signals = new Signals()) {
            Receipts sent = new Receipts();
            Dispatcher wire = set.rig().nats().createDispatcher((Message message) -> sent.record(documentN(message)));
            wire.subscribe(set.subjects());
            set.rig().nats().flush(Duration.ofSeconds(5));
            Meter meter = new Meter(set, sent, set.awaitCaughtUp(CATCH_UP));
            Faults faults = new Faults(set, signals);
            cases.add(meter.measure(pauses + " x SIGSTOP 1 s of the holder, " + APART.toSeconds() + " s apart",
                    () -> faults.pauses(pauses, Duration.ofSeconds(1))));
            cases.add(meter.measure(pauses + " x SIGSTOP 2 s of the holder, " + APART.toSeconds() + " s apart",
                    () -> faults.pauses(pauses, Duration.ofSeconds(2))));
            cases.add(meter.measure("CPU-starved holder: runs 20 ms of every 200 ms for " + starved.toSeconds() + " s",
                    () -> faults.starve(20, 200, starved)));
            cases.add(meter.measure("harsher: runs 10 ms of every 500 ms for " + starved.toSeconds() + " s",
                    () -> faults.starve(10, 500, starved)));
            cases.add(meter.measure(pauses + " x SIGSTOP 0.5 s of the holder (below takeover-after), " + APART.toSeconds()
                    + " s apart", () -> faults.pauses(pauses, Duration.ofMillis(500))));
            Case total = meter.total();
            ReplicatedCollection.Check check = set.stopAndCheck(CATCH_UP);
            set.rig().nats().closeDispatcher(wire);
            cases.add(new Case("whole run, n=" + check.first() + ".." + (check.first() + check.written() - 1) + ": "
                    + check.written() + " documents written, " + check.stored() + " messages in the stream",
                    total.pauses(), total.moves(), total.takeovers(), total.outOfStep(), meter.refused(check.written()
                    + check.first()), total.halts(), check.written(), check.lost(), check.duplicated(), check.outOfOrder()));
        }
    }

    private static long documentN(Message message) {
        byte[] data = message.getData();
        return data.length > 0 && data[0] == '{' ? EventConsumer.readLong(data, "\"n\": ".getBytes())
                : EventConsumer.readBsonLong(data, new byte[] {0x12, 'n', 0});
    }

    /** The faults: the holder frozen with SIGSTOP and woken with SIGCONT. */
    private static final class Faults {

        private final ReplicatedCollection set;
        private final Signals signals;

        Faults(ReplicatedCollection set, Signals signals) {
            this.set = set;
            this.signals = signals;
        }

        /** Freezes the current holder {@code count} times for {@code pause}, waiting for the stream to catch up in between. */
        Stops pauses(int count, Duration pause) throws InterruptedException {
            double[] frozen = new double[count];
            for (int i = 0; i < count; i++) {
                String holder = set.holder();
                long pid = set.replica(holder).pid();
                signals.stop(pid);
                long stoppedAt = System.nanoTime();
                try {
                    sleepUntil(stoppedAt + pause.toNanos()); // the pause is the fault being measured
                } finally {
                    signals.resume(pid);
                }
                frozen[i] = (System.nanoTime() - stoppedAt) / 1e6;
                set.awaitCaughtUp(CATCH_UP);
                System.out.printf("BENCH pauses: %s frozen %.0f ms; the latest document came from %s%n", holder,
                        frozen[i], set.holder());
                Thread.sleep(APART.toMillis()); // the schedule of the faults: the next one starts from a settled set
            }
            Percentiles p = Percentiles.of(frozen);
            return new Stops(count, Report.fixed(java.util.Arrays.stream(frozen).min().orElseThrow(), 0) + "-"
                    + Report.fixed(p.max(), 0));
        }

        /**
         * Starves the holder of the case's start for {@code length}: in every {@code periodMillis} it is stopped for
         * all but {@code runMillis}, whether or not it still holds the lease.
         */
        Stops starve(long runMillis, long periodMillis, Duration length) throws InterruptedException {
            String holder = set.holder();
            ConnectorProcess process = set.replica(holder);
            long start = System.nanoTime();
            long period = Duration.ofMillis(periodMillis).toNanos();
            long frozenFor = period - Duration.ofMillis(runMillis).toNanos();
            long cycles = length.toNanos() / period;
            double frozen = 0;
            try {
                for (long cycle = 0; cycle < cycles; cycle++) {
                    long cycleStart = start + cycle * period;
                    sleepUntil(cycleStart);
                    signals.stop(process.pid());
                    long stoppedAt = System.nanoTime();
                    sleepUntil(cycleStart + frozenFor);
                    signals.resume(process.pid());
                    frozen += System.nanoTime() - stoppedAt;
                }
            } finally {
                signals.resume(process.pid());
            }
            set.awaitCaughtUp(CATCH_UP);
            System.out.printf("BENCH pauses: starved %s for %.1f s; the latest document came from %s%n", holder,
                    (System.nanoTime() - start) / 1e9, set.holder());
            Thread.sleep(APART.toMillis()); // the schedule of the faults: the next one starts from a settled set
            return new Stops((int) cycles, "mean " + Report.fixed(frozen / cycles / 1e6, 0));
        }

        private static void sleepUntil(long nanoTime) throws InterruptedException {
            long left = nanoTime - System.nanoTime();
            if (left > 0) {
                Thread.sleep(Duration.ofNanos(left));
            }
        }
    }

    /** The SIGSTOPs a fault sent, and how long they froze the holder (ms). */
    private record Stops(int count, String frozenMillis) {

        @Override
        public String toString() {
            return count + " (" + frozenMillis + ")";
        }
    }

    @FunctionalInterface
    private interface Fault {
        /** Injects the fault and says what it sent. */
        Stops inject() throws Exception;
    }

    /** The replicas' log lines that tell a takeover, an out-of-step publish and a halt, counted in one read of each log. */
    private record LogCounts(int takeovers, int outOfStep, int halts) {

        static LogCounts of(Collection<ConnectorProcess> replicas) {
            int takeovers = 0;
            int outOfStep = 0;
            int halts = 0;
            for (ConnectorProcess replica : replicas) {
                for (String line : replica.logText().split("\n")) {
                    takeovers += line.contains(TAKEN_OVER) ? 1 : 0;
                    outOfStep += line.contains(OUT_OF_STEP_RETRIED) || line.contains(OUT_OF_STEP_HALTED) ? 1 : 0;
                    halts += line.contains(HALTED) ? 1 : 0;
                }
            }
            return new LogCounts(takeovers, outOfStep, halts);
        }

        LogCounts since(LogCounts earlier) {
            return new LogCounts(takeovers - earlier.takeovers, outOfStep - earlier.outOfStep, halts - earlier.halts);
        }
    }

    /** Counters at the start of a case, so that a case reports its own share. */
    private static final class Meter {

        private final ReplicatedCollection set;
        private final Receipts sent;
        private final long first;
        private long mark;
        private int stops;

        /** @param caughtUp documents below this have arrived: the cases count from here */
        Meter(ReplicatedCollection set, Receipts sent, long caughtUp) {
            this.set = set;
            this.sent = sent;
            this.first = caughtUp;
            this.mark = caughtUp;
        }

        Case measure(String name, Fault fault) throws Exception {
            Receipts receipts = set.consumer().receipts();
            int moves = set.consumer().replicaChanges();
            LogCounts logged = LogCounts.of(set.replicas().values());
            long duplicates = receipts.duplicates();
            long outOfOrder = receipts.outOfOrder();
            long from = mark;
            Stops injected = fault.inject();
            stops += injected.count();
            mark = set.awaitCaughtUp(CATCH_UP);
            LogCounts during = LogCounts.of(set.replicas().values()).since(logged);
            Case result = new Case(name, injected.toString(), set.consumer().replicaChanges() - moves, during.takeovers(),
                    during.outOfStep(), sent.arrivals(from, mark) - receipts.arrivals(from, mark), during.halts(),
                    mark - from, receipts.missing(from, mark), receipts.duplicates() - duplicates,
                    receipts.outOfOrder() - outOfOrder);
            System.out.println("BENCH pauses case: " + result + "; publishers in stream order: "
                    + String.join(" -> ", set.consumer().replicasSince(moves - 1)));
            return result;
        }

        /** Publishes of documents {@code n < to} seen on the wire since the cases began, less those stored. */
        long refused(long to) {
            return sent.arrivals(first, to) - set.consumer().receipts().arrivals(first, to);
        }

        /** Since the scenario began: every lease move and log line, and the SIGSTOPs of the cases. */
        Case total() {
            LogCounts logged = LogCounts.of(set.replicas().values());
            return new Case("total", String.valueOf(stops), set.consumer().replicaChanges() - 1, logged.takeovers(),
                    logged.outOfStep(), 0, logged.halts(), 0, 0, 0, 0);
        }
    }
}
