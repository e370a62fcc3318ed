package io.mongonats.connector.ha;

import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsCluster;
import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader;
import io.mongonats.connector.testing.StreamReader.Received;
import io.mongonats.connector.testing.Streams;
import io.nats.client.Connection;
import org.bson.Document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One scenario's world: a fresh MongoDB stand-in (in this JVM, on 127.0.0.1, so every replica JVM reaches it),
 * four collections of database {@code database} under continuous writes, replicas of the packaged connector each
 * in its own JVM, and lease and member buckets of their own on the shared NATS cluster. Closing it kills the
 * replicas and removes the scenario's streams and buckets, so that scenarios do not see each other.
 */
final class Deployment implements AutoCloseable {

    static final List<String> COLLECTIONS = List.of("c0", "c1", "c2", "c3");
    static final Duration TTL = Duration.ofSeconds(4);
    static final double WRITES_PER_SECOND = 50;
    /** Each replica's publish window (connector.publish.max-in-flight), small so that the fencing check is tight. */
    static final int MAX_IN_FLIGHT = 64;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern HELD = Pattern.compile("held \\(epoch (\\d+)\\), (\\w+)");
    private static final List<String> JVM_FLAGS = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final NatsCluster cluster;
    private final Connection nats;
    private final String database;
    private final MongoStandIn mongo;
    private final Wire wire;
    private final Map<String, SampleWriter> writers = new LinkedHashMap<>();
    private final Map<String, ConnectorProcess> replicas = new LinkedHashMap<>();

    Deployment(NatsCluster cluster, Connection nats, String database) {
        this.cluster = cluster;
        this.nats = nats;
        this.database = database;
        this.mongo = new MongoStandIn().start();
        this.wire = new Wire(cluster.nodes().stream().map(NatsCluster.Node::url).toList(), database);
    }

    String leaseBucket() {
        return "leases-" + database;
    }

    Wire wire() {
        return wire;
    }

    String stream(String collection) {
        return database + "_" + collection;
    }

    ConnectorProcess replica(String id) {
        return replicas.get(id);
    }

    /** Starts a replica with id {@code <database>-<name>} connecting to {@code natsServers}; does not wait. */
    String startReplica(String name, String natsServers) {
        String id = database + "-" + name;
        ConnectorFixture replica = ConnectorFixture.forTests(mongo.uri(), natsServers, id)
                .watch(database, COLLECTIONS)
                .set("connector.stream.replicas", "3")
                .set("connector.lease.bucket", leaseBucket())
                .set("connector.lease.members-bucket", "replicas-" + database)
                .set("connector.lease.ttl", TTL.toMillis() + "ms")
                .set("connector.lease.renew-deadline", "2500ms")
                .set("connector.lease.renew-interval", "1s")
                .set("connector.shutdown.timeout", "5s")
                .set("connector.publish.max-in-flight", Integer.toString(MAX_IN_FLIGHT))
                .jvmFlags(JVM_FLAGS);
        replicas.put(id, replica.start(id));
        return id;
    }

    /** Starts replicas r1..r{count} on the whole cluster at once and waits until each is ready. */
    List<String> startReplicas(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(startReplica("r" + i, cluster.urls()));
        }
        ids.forEach(id -> replicas.get(id).awaitReady(READY_TIMEOUT));
        return ids;
    }

    /**
     * Waits until the first distribution of leases has settled (a replica that starts first takes every lease and
     * hands the surplus over as the others announce themselves), then starts writing. Writes start only then because
     * a collection handed over before its first change is resumed by its next holder "at the current time": the
     * worker persists no position until it has seen an event (the stand-in gives no post-batch resume token), so
     * the changes between the handover and the next holder's start would be lost. That is a separate bug, shown by
     * {@code FailoverIT.aCollectionHandedOverBeforeItsFirstChangeLosesNothing}; these scenarios test failover.
     */
    void settleThenStartWriters(List<String> live, Duration timeout) {
        awaitBalanced(live, 0, 2, timeout, false);
        startWriters();
    }

    void startWriters() {
        for (String collection : COLLECTIONS) {
            SampleWriter writer = SampleWriter.open(mongo.uri(), database, collection, 0);
            writers.put(collection, writer);
            writer.startContinuous(WRITES_PER_SECOND);
        }
    }

    /** Readiness details of a replica: for each namespace "standby" or "held (epoch N), state, ...". */
    Map<String, String> health(String id) {
        String body = replicas.get(id).httpGet("/q/health/ready").body();
        Document data = Document.parse(body).getList("checks", Document.class).stream()
                .filter(check -> "mongo-nats-connector".equals(check.getString("name")))
                .findFirst().orElseThrow().get("data", Document.class);
        Map<String, String> details = new TreeMap<>();
        data.forEach((key, value) -> details.put(key, String.valueOf(value)));
        return details;
    }

    /**
     * Waits until every collection is held and streaming by exactly one of {@code live}, each of them holds between
     * {@code min} and {@code max}, and the latest message of each collection carries its holder's epoch.
     * Returns replica id to (collection to epoch).
     */
    Map<String, Map<String, Long>> awaitBalanced(List<String> live, int min, int max, Duration timeout) {
        return awaitBalanced(live, min, max, timeout, true);
    }

    Map<String, Map<String, Long>> awaitBalanced(List<String> live, int min, int max, Duration timeout,
                                                 boolean flowing) {
        Object[] last = {null};
        try {
            return Await.untilValue(timeout, "each collection streaming at one of " + live + ", " + min + ".." + max
                    + " each", () -> {
                Map<String, Map<String, Long>> held = new TreeMap<>();
                Set<String> taken = new HashSet<>();
                for (String id : live) {
                    Map<String, Long> mine = new TreeMap<>();
                    Map<String, String> details = health(id);
                    last[0] = held + " / " + id + ": " + details;
                    for (String collection : COLLECTIONS) {
                        String state = details.getOrDefault(database + "." + collection, "missing");
                        Matcher matcher = HELD.matcher(state);
                        if (matcher.lookingAt()) {
                            if (!matcher.group(2).equals("streaming") || !taken.add(collection)) {
                                return null;
                            }
                            mine.put(collection, Long.parseLong(matcher.group(1)));
                        } else if (!state.equals("standby")) {
                            return null;
                        }
                    }
                    if (mine.size() < min || mine.size() > max) {
                        return null;
                    }
                    held.put(id, mine);
                }
                last[0] = held;
                boolean current = !flowing || held.values().stream().flatMap(m -> m.entrySet().stream())
                        .allMatch(e -> wire.lastEpoch(e.getKey()) == e.getValue());
                return taken.size() == COLLECTIONS.size() && current ? held : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + last[0], e);
        }
    }

    /** The replica holding the most collections. */
    static String mostLoaded(Map<String, Map<String, Long>> distribution) {
        return distribution.entrySet().stream().max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                .orElseThrow().getKey();
    }

    static String describe(Map<String, Map<String, Long>> distribution) {
        return distribution.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().size() + " " + e.getValue().keySet())
                .collect(Collectors.joining(", "));
    }

    /**
     * Stops the writers and checks each collection's stream: every written document exactly once and in order,
     * no message id twice, and the lease epoch never decreasing along the stream (no former holder's message stored
     * after a later holder's). Returns per collection who published how much.
     */
    Map<String, String> stopWritersAndVerify() {
        return stopWritersAndVerify(true);
    }

    /**
     * As {@link #stopWritersAndVerify()}; with {@code epochsMonotonic} false, a lower epoch after a higher one is
     * allowed when it comes from a new acquisition (the lease bucket's revisions went back), while a holder's run of
     * messages resuming after another holder's still fails.
     */
    Map<String, String> stopWritersAndVerify(boolean epochsMonotonic) {
        Map<String, Long> written = new LinkedHashMap<>();
        writers.forEach((collection, writer) -> {
            writer.stop();
            written.put(collection, writer.nextN());
        });
        Map<String, String> publishers = new LinkedHashMap<>();
        for (String collection : COLLECTIONS) {
            long count = written.get(collection);
            assertTrue(count > 0, "nothing was written to " + collection);
            List<Received> messages = StreamReader.awaitCount(nats, stream(collection), count, Duration.ofSeconds(60));
            Streams.assertExactlyOnceInOrder(stream(collection), messages, count);
            publishers.put(collection, assertNoFormerHolderAfterTakeover(stream(collection), messages, epochsMonotonic));
        }
        assertLiveCountsPlausible();
        return publishers;
    }

    /**
     * Fails if a holder's messages (one replica at one epoch) resume after another holder's were stored, beyond the
     * publishes it had in flight when it was taken over: once a later holder's message is stored, a former holder's
     * messages already sent may still be stored after it (the fence takes any message that expects the stream's last
     * sequence, whoever stored that), but each at most {@link #MAX_IN_FLIGHT} sequences after the last message of its
     * run, and it never starts publishing again. With {@code epochsMonotonic}, also fails if a message other than
     * such a late one carries a lower epoch than one stored before it. Returns the runs as "replica@epoch xcount",
     * with "+n late" for a former holder's late messages.
     */
    private static String assertNoFormerHolderAfterTakeover(String stream, List<Received> messages,
                                                            boolean epochsMonotonic) {
        List<String> runs = new ArrayList<>();
        Map<String, Long> endedAt = new HashMap<>();
        Map<String, Integer> late = new LinkedHashMap<>();
        long epoch = -1;
        String holder = null;
        long lastSequence = 0;
        int run = 0;
        for (Received message : messages) {
            long next = Long.parseLong(message.headers().get("Cdc-Lease-Epoch").get(0));
            String replica = message.headers().get("Cdc-Replica").get(0);
            Long ended = endedAt.get(replica + "@" + next);
            if (ended != null) {
                if (message.sequence() > ended + MAX_IN_FLIGHT) {
                    throw new AssertionError(stream + ": message at sequence " + message.sequence() + " from " + replica
                            + " with lease epoch " + next + " was stored after " + holder + "@" + epoch
                            + " had taken over, more than the " + MAX_IN_FLIGHT + " publishes it could have had in "
                            + "flight after its last message at sequence " + ended + ": a former holder published "
                            + "after the takeover");
                }
                late.merge(replica + "@" + next, 1, Integer::sum);
                continue;
            }
            if (epochsMonotonic && next < epoch) {
                throw new AssertionError(stream + ": message at sequence " + message.sequence() + " from " + replica
                        + " with lease epoch " + next + " was stored after one with epoch " + epoch + " from " + holder
                        + ": a former holder published after the takeover (if both logged ACQUIRED for this lease at"
                        + " the same moment: on nats-server < 2.9.21 concurrent compare-and-sets on an R3 bucket can"
                        + " both succeed, nats-io/nats-server#4320)");
            }
            if (next != epoch || !replica.equals(holder)) {
                if (holder != null) {
                    runs.add(holder + "@" + epoch + " x" + run);
                    endedAt.put(holder + "@" + epoch, lastSequence);
                }
                epoch = next;
                holder = replica;
                run = 0;
            }
            run++;
            lastSequence = message.sequence();
        }
        runs.add(holder + "@" + epoch + " x" + run);
        late.forEach((former, count) -> runs.add(former + " +" + count + " late"));
        return String.join(", ", runs);
    }

    /**
     * Fails if a replica ever counted more live replicas than were started in this scenario (its fair share, and
     * so the balance, would be wrong).
     */
    void assertLiveCountsPlausible() {
        Pattern live = Pattern.compile("(\\d+) live replicas");
        for (Map.Entry<String, ConnectorProcess> replica : replicas.entrySet()) {
            Matcher matcher = live.matcher(replica.getValue().logText());
            while (matcher.find()) {
                assertTrue(Integer.parseInt(matcher.group(1)) <= replicas.size(), replica.getKey() + " counted "
                        + matcher.group(1) + " live replicas, but only " + replicas.size() + " were ever started");
            }
        }
    }

    /** Waits until every replica of the lease bucket and of the scenario's streams is current again. */
    void awaitReplicasCurrent(Duration timeout) {
        List<String> streams = new ArrayList<>(List.of("KV_" + leaseBucket(), "KV_replicas-" + database));
        COLLECTIONS.forEach(c -> streams.add(stream(c)));
        Await.until(timeout, "all replicas of " + streams + " current", () -> {
            var management = nats.jetStreamManagement();
            for (String name : streams) {
                var info = management.getStreamInfo(name).getClusterInfo();
                if (info == null || info.getLeader() == null || info.getReplicas() == null
                        || info.getReplicas().size() != 2
                        || !info.getReplicas().stream().allMatch(r -> r.isCurrent() && !r.isOffline())) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Prints the last lines of every replica's log to stderr (for a failing scenario). */
    void dumpLogs(int lines) {
        replicas.values().forEach(replica -> replica.dumpLogTail(lines));
    }

    @Override
    public void close() {
        writers.values().forEach(SampleWriter::close);
        replicas.values().forEach(ConnectorProcess::close);
        wire.close();
        mongo.close();
        try {
            var management = nats.jetStreamManagement();
            for (String collection : COLLECTIONS) {
                management.deleteStream(stream(collection));
            }
            nats.keyValueManagement().delete(leaseBucket());
            nats.keyValueManagement().delete("replicas-" + database);
        } catch (Exception e) {
            System.err.println("cleanup of " + database + " incomplete: " + e);
        }
    }
}
