package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.lease.LeaseCluster.Replica;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many replicas on one in-memory store, rounds driven on a fake clock, until the shares settle. */
class LeaseBalanceTest {

    /** Enough rounds for a hand-over: one to ask the worker to stop, one to release, one for a standby to take it. */
    private static final int SETTLE = 4;

    @Test
    void oneToFiveReplicasJoiningOneByOneShareOneToTwentyCollectionsFairly() {
        for (int replicas = 1; replicas <= 5; replicas++) {
            for (int collections = 1; collections <= 20; collections++) {
                LeaseCluster cluster = new LeaseCluster();
                List<CollectionSpec> specs = LeaseCluster.collections(collections);
                List<Replica> joined = new ArrayList<>();
                for (int i = 0; i < replicas; i++) {
                    joined.add(cluster.join("pod-" + i, specs));
                    cluster.rounds(SETTLE);
                }
                assertBalanced(cluster, joined, specs, replicas + " replicas, " + collections + " collections");
            }
        }
    }

    @Test
    void whenAReplicaDiesTheOthersTakeItsShareAndANewOneGetsAShareBack() {
        LeaseCluster cluster = new LeaseCluster();
        List<CollectionSpec> specs = LeaseCluster.collections(6);
        List<Replica> replicas = new ArrayList<>(List.of(cluster.join("pod-a", specs), cluster.join("pod-b", specs),
                cluster.join("pod-c", specs)));
        cluster.rounds(SETTLE);
        assertBalanced(cluster, replicas, specs, "three replicas");
        replicas.forEach(replica -> assertEquals(2, replica.held().size(), replica.id));

        Replica dead = replicas.remove(2);
        cluster.crash(dead);
        cluster.rounds(6);
        assertBalanced(cluster, replicas, specs, "after pod-c died");
        replicas.forEach(replica -> assertEquals(3, replica.held().size(), replica.id));
        dead.workers.created().forEach(worker -> assertFalse(worker.grant.isValid(),
                "the dead replica's leases have lapsed for it too by now"));

        replicas.add(cluster.join("pod-d", specs));
        cluster.rounds(SETTLE);
        assertBalanced(cluster, replicas, specs, "after pod-d joined");
        replicas.forEach(replica -> assertEquals(2, replica.held().size(), replica.id));
    }

    /** Every collection held by exactly one live replica, which streams it; none holds more than its share. */
    private static void assertBalanced(LeaseCluster cluster, List<Replica> replicas, List<CollectionSpec> specs,
                                       String scenario) {
        int share = FairShare.of(specs.size(), replicas.size());
        Map<String, String> heldBy = new TreeMap<>();
        Map<String, Integer> streaming = new HashMap<>();
        for (Replica replica : replicas) {
            assertTrue(replica.held().size() <= share, scenario + ": " + replica.id + " holds " + replica.held()
                    + ", more than its share of " + share);
            replica.held().forEach(key -> {
                String other = heldBy.put(key, replica.id);
                assertEquals(null, other, scenario + ": " + key + " held by " + replica.id + " and " + other);
            });
            replica.workers.running().forEach(worker -> streaming.merge(worker.key, 1, Integer::sum));
        }
        Set<String> keys = new TreeSet<>(specs.stream().map(CollectionSpec::key).toList());
        assertEquals(keys, heldBy.keySet(), scenario + ": every collection is held");
        assertEquals(heldBy, cluster.store.holders(), scenario + ": the store agrees with the status boards");
        keys.forEach(key -> assertEquals(1, streaming.get(key), scenario + ": one running worker for " + key));
    }
}
