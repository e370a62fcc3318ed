package io.mongonats.connector.lease;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.status.CollectionStatus;
import io.mongonats.connector.status.StatusBoard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/**
 * Replicas of one test sharing an in-memory store and a fake time. The test drives them: {@link #round()} lets
 * every live replica heartbeat and run one lease round, on the test's thread, so every outcome is deterministic.
 */
final class LeaseCluster {

    static final LeaseKeeper.Timings TIMINGS = new LeaseKeeper.Timings(Duration.ofSeconds(10), Duration.ofSeconds(6),
            Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5));

    final FakeTime time = new FakeTime();
    final InMemoryLeaseStore store = new InMemoryLeaseStore(time, TIMINGS.ttl());
    private final List<Replica> live = new ArrayList<>();

    static List<CollectionSpec> collections(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> spec("c" + i)).toList();
    }

    static CollectionSpec spec(String collection) {
        return new CollectionSpec("shop", collection, "S-" + collection, "cdc.shop." + collection,
                CollectionSpec.FullDocumentMode.DEFAULT, CollectionSpec.BeforeChangeMode.OFF, List.of(),
                CollectionSpec.OversizedPolicy.STOP, null, CollectionSpec.LostPositionPolicy.STOP,
                io.mongonats.connector.config.SnapshotMode.NEVER, io.mongonats.connector.config.MessageFormat.DEFAULT);
    }

    /** A replica that takes part in the rounds from now on; it hears heartbeats and heartbeats at once, as on start. */
    Replica join(String id, List<CollectionSpec> specs) {
        Replica replica = new Replica(id, specs, TIMINGS, time);
        replica.keeper.listen();
        replica.keeper.announce();
        live.add(replica);
        return replica;
    }

    /** A replica on its own threads, as in production, for lifecycle tests; the test starts and closes it. */
    Replica create(String id, List<CollectionSpec> specs, LeaseKeeper.Timings timings) {
        return new Replica(id, specs, timings, time);
    }

    /**
     * A replica on its own threads whose deadlines run on the system's monotonic clock, so that heartbeats fall
     * silent by themselves; the store's keys still expire only when the test moves the fake time.
     */
    Replica createOnSystemTime(String id, List<CollectionSpec> specs, LeaseKeeper.Timings timings) {
        return new Replica(id, specs, timings, Ticker.SYSTEM);
    }

    /** The replica stops taking part, releasing nothing, as a killed (or paused) process would. */
    void crash(Replica replica) {
        live.remove(replica);
    }

    /** A paused replica takes part again, as after SIGCONT. */
    void resume(Replica replica) {
        live.add(replica);
    }

    /** Every live replica heartbeats, then each runs one lease round, in the order they joined. */
    void round() {
        live.forEach(replica -> replica.keeper.announce());
        live.forEach(replica -> replica.keeper.runRound());
    }

    /** Time passes in heartbeat intervals, every live replica heartbeating after each, as their membership threads do. */
    void beat(Duration span) {
        Duration interval = new Silence("any", TIMINGS.takeoverAfter()).heartbeatInterval();
        for (Duration passed = Duration.ZERO; passed.compareTo(span) < 0; passed = passed.plus(interval)) {
            time.advance(interval);
            live.forEach(replica -> replica.keeper.announce());
        }
    }

    /** Rounds a renew interval apart. */
    void rounds(int count) {
        for (int i = 0; i < count; i++) {
            round();
            time.advance(TIMINGS.renewInterval());
        }
    }

    final class Replica {
        final String id;
        final StatusBoard board;
        final FakeWorkers workers = new FakeWorkers();
        final InMemoryLeaseStore.Client client = store.client();
        final List<String> events = new CopyOnWriteArrayList<>();
        final LeaseKeeper keeper;

        private Replica(String id, List<CollectionSpec> specs, LeaseKeeper.Timings timings, Ticker ticker) {
            this.id = id;
            this.board = new StatusBoard(id);
            this.keeper = new LeaseKeeper(id, specs, client, client, timings, workers, recorder(), board,
                    time.clock(), ticker);
        }

        /** The keys this replica holds, as its status board shows them. */
        Set<String> held() {
            Set<String> held = new TreeSet<>();
            board.collections().stream().filter(CollectionStatus::held).forEach(status -> held.add(status.key()));
            return held;
        }

        private LeaseObserver recorder() {
            return new LeaseObserver() {
                @Override
                public void acquired(String key) {
                    events.add("acquired " + key);
                }

                @Override
                public void renewFailed(String key) {
                    events.add("renew failed " + key);
                }

                @Override
                public void lost(String key) {
                    events.add("lost " + key);
                }

                @Override
                public void released(String key) {
                    events.add("released " + key);
                }

                @Override
                public void handedOver(String key) {
                    events.add("handed over " + key);
                }
            };
        }
    }
}
