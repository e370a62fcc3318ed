package io.mongonats.connector.ha;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.NatsCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.nats.client.Connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * High availability with real processes (issue 4, item 7): replicas of the packaged connector, each in its own
 * JVM, against a 3-node NATS cluster on loopback (R3 streams and KV buckets) and the MongoDB stand-in, with four
 * collections under continuous writes. Every scenario ends with every written document stored exactly once and
 * in order in its collection's stream, and with the lease epoch never decreasing along each stream, and prints
 * the takeover time it saw: from the fault to the first message of a new lease epoch, as it crossed NATS. A killed
 * holder's collections must be taken over because it went silent (connector.lease.takeover-after, 1 s by default),
 * not after its leases expired: the fence, not the TTL, then keeps every change exactly once.
 *
 * <p>One cluster serves all scenarios; each scenario has its own stand-in, database (so its own streams), lease
 * and member buckets and replica ids, and removes them at the end. Lease timings: ttl 4s, renew deadline 2.5s,
 * renew interval 1s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

    private static final Duration STEADY = Duration.ofSeconds(60);
    private static final Duration TAKEOVER = Duration.ofSeconds(30);
    private static final Duration TTL = Deployment.TTL;

    private final List<String> summary = new ArrayList<>();
    private NatsCluster cluster;
    private Connection nats;

    @BeforeAll
    void startCluster() {
        cluster = NatsCluster.launch();
        nats = cluster.connect();
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        System.out.println("===== FailoverIT summary =====");
        summary.forEach(System.out::println);
        if (nats != null) {
            nats.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void sigkillOfAHolder() {
        scenario("kill", d -> crashTrials(d, "SIGKILL", 2, ConnectorProcess::sigkill, true));
    }

    @Test
    @Order(2)
    void sigstopOfAHolderForLongerThanTheTtlThenSigcont() {
        scenario("pause", d -> freezeThenWake(d, "SIGSTOP", "TTL " + TTL.toMillis() + " ms", (epochs, stoppedAt, takeover) -> {
            // Keep it frozen until the new holders have each published 50 changes, and for longer than the TTL:
            // it wakes up believing it holds its leases, possibly with publishes in flight.
            long since = stoppedAt + takeover.values().stream().mapToLong(Duration::toNanos).max().orElseThrow();
            d.wire().awaitFlowing(List.copyOf(epochs.keySet()), since, 50, TAKEOVER);
            Await.until(TAKEOVER, "SIGSTOP held longer than the TTL", () -> System.nanoTime() - stoppedAt > TTL.toNanos());
        }));
    }

    /**
     * The fence alone: the holder is frozen only until its collections are taken over because it went silent
     * (takeover-after) and is woken at once, well before its renew deadline, so it wakes believing it holds its
     * leases, with publishes in flight or due. Whatever it sends on its old epoch must be refused: every change is
     * still stored exactly once and in order. How long anything took is not asserted.
     */
    @Test
    @Order(8)
    void sigstopOfAHolderJustPastTakeoverAfterThenSigcont() {
        scenario("blip", d -> freezeThenWake(d, "SIGSTOP past takeover-after", "renew deadline 2500 ms",
                (epochs, stoppedAt, takeover) -> { }));
    }

    /** What a frozen-holder scenario waits for after its collections were taken over and before SIGCONT. */
    private interface WhileFrozen {
        void await(Map<String, Long> epochs, long stoppedAt, Map<String, Duration> takeover);
    }

    /**
     * Freezes the busiest of three replicas with SIGSTOP until its collections are taken over and {@code whileFrozen}
     * returns, wakes it, waits for it to log each lease LOST, and checks that every change is stored exactly once and
     * in order, whatever the woken holder published on its old epoch.
     */
    private void freezeThenWake(Deployment d, String label, String limit, WhileFrozen whileFrozen) {
        List<String> live = d.startReplicas(3);
        d.settleThenStartWriters(live, STEADY);
        Map<String, Map<String, Long>> before = d.awaitBalanced(live, 0, 2, STEADY);
        String victim = Deployment.mostLoaded(before);
        Map<String, Long> epochs = before.get(victim);
        long stoppedAt = System.nanoTime();
        d.replica(victim).sigstop();
        Map<String, Duration> takeover = d.wire().awaitTakeover(epochs, stoppedAt, TAKEOVER);
        whileFrozen.await(epochs, stoppedAt, takeover);
        long continuedAt = System.nanoTime();
        d.replica(victim).sigcont();
        for (String collection : epochs.keySet()) {
            d.replica(victim).awaitLog("Lease " + d.stream(collection) + ": LOST by " + victim, TAKEOVER);
        }
        long attempts = epochs.entrySet().stream()
                .mapToLong(e -> d.wire().countFrom(e.getKey(), victim, e.getValue(), continuedAt)).sum();
        Map<String, Map<String, Long>> after = d.awaitBalanced(live, 0, 2, STEADY);
        report(label, 1, victim, epochs, takeover, before, after);
        summary.add(String.format("%s: %s frozen %d ms (%s); after SIGCONT it logged LOST for %s and published %d "
                + "message(s) on its old epoch, none stored (checked below)", label, victim,
                (continuedAt - stoppedAt) / 1_000_000, limit, epochs.keySet(), attempts));
        verify(d, label);
    }

    @Test
    @Order(3)
    void sigtermOfAHolderHandsOverWithinAboutASecond() {
        scenario("term", d -> {
            List<Duration> takeovers = crashTrials(d, "SIGTERM", 3, ConnectorProcess::sigterm, false);
            for (Duration takeover : takeovers) {
                assertTrue(takeover.compareTo(TTL) < 0, "graceful takeover took " + takeover.toMillis()
                        + " ms, not less than the TTL: the lease keys were not deleted on SIGTERM");
            }
        });
    }

    @Test
    @Order(4)
    void stopOneNatsNodeThenTheKvLeader() {
        scenario("natsnode", d -> {
            List<String> live = d.startReplicas(3);
            d.settleThenStartWriters(live, STEADY);
            Map<String, Map<String, Long>> before = d.awaitBalanced(live, 0, 2, STEADY);
            d.awaitReplicasCurrent(Duration.ofSeconds(60));
            String kvStream = "KV_" + d.leaseBucket();
            NatsCluster.Node kvLeader = cluster.leaderNodeOf(kvStream);
            NatsCluster.Node follower = cluster.nodes().stream().filter(n -> n != kvLeader).findFirst().orElseThrow();
            Map<String, Map<String, Long>> afterFollower = natsNodeOutage(d, live, before, follower,
                    "a node (" + follower.name() + ", not the " + kvStream + " leader)");
            NatsCluster.Node leader = cluster.leaderNodeOf(kvStream);
            natsNodeOutage(d, live, afterFollower, leader, "the " + kvStream + " leader (" + leader.name() + ")");
            // The lease bucket's revisions (the epochs) went back once here on nats-server 2.9.10 (see the report):
            // allow a lower epoch from a new acquisition, but not a former holder's messages after a takeover.
            Map<String, String> publishers = d.stopWritersAndVerify(false);
            String line = "NATS node stops: every change exactly once, in order, no former holder after a takeover; "
                    + "publishers per stream: " + publishers;
            System.out.println(line);
            summary.add(line);
        });
    }

    @Test
    @Order(5)
    void aFourthReplicaJoinsAndTheLeasesRebalance() {
        scenario("join", d -> {
            List<String> live = d.startReplicas(3);
            d.settleThenStartWriters(live, STEADY);
            Map<String, Map<String, Long>> three = d.awaitBalanced(live, 0, 2, STEADY);
            summary.add("JOIN: 3 replicas: " + Deployment.describe(three));
            long startedAt = System.nanoTime();
            String fourth = d.startReplica("r4", cluster.urls());
            live.add(fourth);
            d.replica(fourth).awaitReady(STEADY);
            long readyAt = System.nanoTime();
            Map<String, Map<String, Long>> four = d.awaitBalanced(live, 1, 1, STEADY);
            long balancedAt = System.nanoTime();
            Map<String, Duration> pauses = new TreeMap<>();
            for (Map.Entry<String, Map<String, Long>> holder : four.entrySet()) {
                for (String collection : holder.getValue().keySet()) {
                    String before = three.entrySet().stream().filter(e -> e.getValue().containsKey(collection))
                            .map(Map.Entry::getKey).findFirst().orElseThrow();
                    if (!before.equals(holder.getKey())) {
                        pauses.put(collection, d.wire().longestPause(collection, readyAt, balancedAt));
                    }
                }
            }
            summary.add("JOIN: 4 replicas: " + Deployment.describe(four));
            summary.add(String.format("JOIN: %s ready %d ms after its JVM started; leases 1/1/1/1 %d ms after that;"
                    + " handed-over collections paused at most %s", fourth, (readyAt - startedAt) / 1_000_000,
                    (balancedAt - readyAt) / 1_000_000, millis(pauses)));
            four.values().forEach(held -> assertEquals(1, held.size(), "with 4 replicas each holds one: " + four));
            verify(d, "JOIN");
        });
    }

    /**
     * Cuts one replica off NATS while it keeps running and keeps reading MongoDB. Each replica reaches NATS only
     * through its own {@link FreezableProxy}; freezing the holder's proxy is a network partition: nothing moves,
     * nothing is closed, so its client notices only by timeouts. (Closing the socket instead would not cut it
     * off: jnats reconnects at once to the other nodes it learned from the cluster's INFO.) Healing delivers what
     * it sent meanwhile, late: its publishes from before it stopped itself must be refused by the fence.
     */
    @Test
    @Order(6)
    void cutOneReplicasNatsConnection() {
        List<FreezableProxy> proxies = new ArrayList<>();
        try {
            scenario("cut", d -> {
                List<String> live = new ArrayList<>();
                Map<String, FreezableProxy> proxyOf = new TreeMap<>();
                for (int i = 1; i <= 3; i++) {
                    FreezableProxy proxy = new FreezableProxy("r" + i, cluster.node(i).port());
                    proxies.add(proxy);
                    String id = d.startReplica("r" + i, proxy.url());
                    live.add(id);
                    proxyOf.put(id, proxy);
                }
                live.forEach(id -> d.replica(id).awaitReady(STEADY));
                d.settleThenStartWriters(live, STEADY);
                Map<String, Map<String, Long>> before = d.awaitBalanced(live, 0, 2, STEADY);
                String victim = Deployment.mostLoaded(before);
                Map<String, Long> epochs = before.get(victim);
                long cutAt = System.nanoTime();
                proxyOf.get(victim).freeze();
                Map<String, Duration> takeover = d.wire().awaitTakeover(epochs, cutAt, TAKEOVER);
                for (String collection : epochs.keySet()) {
                    d.replica(victim).awaitLog("Lease " + d.stream(collection) + ": LOST by " + victim, TAKEOVER);
                }
                long healedAt = System.nanoTime();
                proxyOf.get(victim).thaw();
                d.replica(victim).awaitReady(STEADY);
                long late = epochs.entrySet().stream().mapToLong(e -> d.wire().countFrom(e.getKey(), victim,
                        e.getValue(), d.wire().firstArrivalAbove(e.getKey(), e.getValue()))).sum();
                Map<String, Map<String, Long>> after = d.awaitBalanced(live, 0, 2, STEADY);
                report("NATS cut", 1, victim, epochs, takeover, before, after);
                summary.add(String.format("NATS cut: %s partitioned for %d ms; it logged LOST for %s; %d of its "
                        + "publishes reached NATS after the new holders' first message, none stored (checked below)",
                        victim, (healedAt - cutAt) / 1_000_000, epochs.keySet(), late));
                verify(d, "NATS cut");
            });
        } finally {
            proxies.forEach(FreezableProxy::close);
        }
    }

    /**
     * A collection handed over before its first change. The worker checkpoints the cursor's initial post-batch
     * resume token at once (CollectionWorker.saveStartPosition), which real MongoDB gives when a change stream
     * opens; the stand-in gives none, so here the next holder starts "at the current time" again and the changes
     * in between are lost. The scenario therefore only holds against real MongoDB, and is run on the stand-in only
     * to reproduce that limitation: -Dha.firstStartGap=true.
     */
    @Test
    @Order(7)
    @EnabledIfSystemProperty(named = "ha.firstStartGap", matches = "true")
    void aCollectionHandedOverBeforeItsFirstChangeLosesNothing() {
        scenario("first", d -> {
            String first = d.startReplica("r1", cluster.urls());
            d.replica(first).awaitReady(STEADY);
            d.awaitBalanced(List.of(first), 4, 4, STEADY, false);
            List<String> live = new ArrayList<>(List.of(first));
            live.add(d.startReplica("r2", cluster.urls()));
            live.add(d.startReplica("r3", cluster.urls()));
            d.replica(first).awaitLog("handing over by " + first, STEADY);
            d.startWriters();
            d.awaitBalanced(live, 0, 2, STEADY);
            verify(d, "first start");
        });
    }

    /**
     * Kills (or terminates) the most loaded replica {@code trials} times, starting a replacement in between. With
     * {@code silent}, the victim's collections must be taken over because it went silent (a standby logs TAKEN OVER),
     * not after its leases expired; that they lose or duplicate nothing is checked at the end, as for every fault.
     */
    private List<Duration> crashTrials(Deployment d, String label, int trials, Consumer<ConnectorProcess> fault,
                                       boolean silent) {
        List<String> live = d.startReplicas(3);
        d.settleThenStartWriters(live, STEADY);
        List<Duration> worst = new ArrayList<>();
        for (int trial = 1; trial <= trials; trial++) {
            Map<String, Map<String, Long>> before = d.awaitBalanced(live, 0, 2, STEADY);
            String victim = Deployment.mostLoaded(before);
            Map<String, Long> epochs = before.get(victim);
            long faultAt = System.nanoTime();
            fault.accept(d.replica(victim));
            Map<String, Duration> takeover = d.wire().awaitTakeover(epochs, faultAt, TAKEOVER);
            d.replica(victim).waitForExit(Duration.ofSeconds(30));
            live.remove(victim);
            if (silent) {
                awaitTakenOverFrom(d, victim, epochs.keySet(), live);
            }
            Map<String, Map<String, Long>> after = d.awaitBalanced(live, 0, 2, STEADY);
            report(label, trial, victim, epochs, takeover, before, after);
            worst.add(takeover.values().stream().max(Duration::compareTo).orElseThrow());
            if (trial < trials) {
                String replacement = d.startReplica("r" + (3 + trial), cluster.urls());
                d.replica(replacement).awaitReady(STEADY);
                live.add(replacement);
            }
        }
        verify(d, label);
        return worst;
    }

    /** Each collection's lease was taken from the silent {@code victim} by one of {@code live}, before it expired. */
    private static void awaitTakenOverFrom(Deployment d, String victim, Set<String> collections,
                                           List<String> live) {
        for (String collection : collections) {
            Await.until(TAKEOVER, d.stream(collection) + " taken over from the silent " + victim + " by one of " + live,
                    () -> live.stream().anyMatch(id -> d.replica(id).logText().contains(
                            "Lease " + d.stream(collection) + ": TAKEN OVER by " + id + " from " + victim + ",")));
        }
    }

    /** Stops {@code node}, waits until every collection streams again, starts it again; returns the leases after. */
    private Map<String, Map<String, Long>> natsNodeOutage(Deployment d, List<String> live,
                                                          Map<String, Map<String, Long>> before, NatsCluster.Node node,
                                                          String what) {
        long stoppedAt = System.nanoTime();
        node.stop();
        d.wire().awaitFlowing(Deployment.COLLECTIONS, stoppedAt, 100, Duration.ofSeconds(60));
        Map<String, Map<String, Long>> after = d.awaitBalanced(live, 0, 2, STEADY);
        long now = System.nanoTime();
        Map<String, Duration> pauses = new TreeMap<>();
        Deployment.COLLECTIONS.forEach(c -> pauses.put(c, d.wire().longestPause(c, stoppedAt, now)));
        Map<String, Long> epochsBefore = new TreeMap<>();
        before.values().forEach(epochsBefore::putAll);
        List<String> moved = new ArrayList<>();
        after.forEach((replica, held) -> held.forEach((collection, epoch) -> {
            if (!epoch.equals(epochsBefore.get(collection))) {
                moved.add(collection + "->" + replica + "@" + epoch);
            }
        }));
        String line = String.format("NATS: stopped %s: longest pause in publishing %s (max %d ms); leases re-acquired:"
                + " %s; after: %s", what, millis(pauses), pauses.values().stream().mapToLong(Duration::toMillis).max()
                .orElseThrow(), moved.isEmpty() ? "none" : moved, Deployment.describe(after));
        System.out.println(line);
        summary.add(line);
        cluster.start();
        d.awaitReplicasCurrent(Duration.ofSeconds(60));
        return after;
    }

    private void report(String label, int trial, String victim, Map<String, Long> epochs, Map<String, Duration> takeover,
                        Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after) {
        String line = String.format("TAKEOVER %s trial %d: %s held %s; first message of the new holder after %s "
                + "(max %d ms); before: %s; after: %s", label, trial, victim, epochs.keySet(), millis(takeover),
                takeover.values().stream().mapToLong(Duration::toMillis).max().orElseThrow(),
                Deployment.describe(before), Deployment.describe(after));
        System.out.println(line);
        summary.add(line);
    }

    private void verify(Deployment d, String label) {
        Map<String, String> publishers = d.stopWritersAndVerify();
        String line = label + ": every change exactly once, in order, epochs never decreasing; publishers per stream: "
                + publishers;
        System.out.println(line);
        summary.add(line);
    }

    private void scenario(String database, Consumer<Deployment> body) {
        long started = System.nanoTime();
        try (Deployment deployment = new Deployment(cluster, nats, database)) {
            try {
                body.accept(deployment);
            } catch (RuntimeException | Error e) {
                deployment.dumpLogs(80);
                throw e;
            }
        } finally {
            summary.add(String.format("(scenario %s took %.1f s)", database, (System.nanoTime() - started) / 1e9));
        }
    }

    private static String millis(Map<String, Duration> durations) {
        return durations.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().toMillis() + "ms")
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
