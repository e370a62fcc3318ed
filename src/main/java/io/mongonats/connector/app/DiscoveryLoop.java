package io.mongonats.connector.app;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.config.DatabaseSpec;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Discovers the collections of {@code connector.databases} on its own thread, {@code cdc-discovery}: each round
 * (at once, then every discovery interval) lists each database's collections, prepares the new ones (stream,
 * gauges) and hands the listed and discovered collections to the lease keeper, which runs a collection's worker
 * while it holds its lease, and releases the lease of a collection that is gone (its stream stays). A database that
 * cannot be listed keeps what was found before; a collection that cannot be prepared is tried again next round.
 */
final class DiscoveryLoop {

    private static final Logger LOG = Logger.getLogger(DiscoveryLoop.class);
    /** Bounds the wait for a round that does not end when interrupted. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Lists the names of a database's watchable collections. */
    interface Catalog {
        List<String> collections(String database) throws Exception;
    }

    /** Makes a discovered collection ready to be leased: its stream exists and its gauges are registered. */
    interface Preparation {
        void prepare(CollectionSpec spec) throws Exception;
    }

    private enum State { NEW, RUNNING, CLOSED }

    private final List<CollectionSpec> listed;
    private final List<DatabaseSpec> databases;
    private final Duration interval;
    private final Catalog catalog;
    private final Preparation preparation;
    private final Consumer<CollectionSpec> retire;
    private final Consumer<List<CollectionSpec>> watch;
    private final ScheduledExecutorService executor;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    // Read and written on the discovery thread only (or by a test driving rounds).
    private final Map<String, List<CollectionSpec>> found = new HashMap<>();
    private final Map<String, String> reported = new HashMap<>();
    private List<CollectionSpec> watched;

    /**
     * @param watch  receives every collection to compete for (the listed ones first) whenever that changes
     * @param retire called for a discovered collection that is gone, after it is no longer handed to {@code watch}
     */
    DiscoveryLoop(ConnectorSettings.Discovery discovery, List<CollectionSpec> listed, Catalog catalog,
                  Preparation preparation, Consumer<CollectionSpec> retire, Consumer<List<CollectionSpec>> watch) {
        this.listed = List.copyOf(listed);
        this.databases = discovery.databases();
        this.interval = discovery.interval();
        this.catalog = catalog;
        this.preparation = preparation;
        this.retire = retire;
        this.watch = watch;
        this.watched = this.listed;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("cdc-discovery").daemon(true).factory());
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = scheduler;
    }

    /** Runs the first round at once and the next ones every interval; runs once. */
    void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("discovery already started or closed");
        }
        LOG.infof("Discovering the collections of %d database(s) every %s: %s", databases.size(), interval,
                databases.stream().map(DatabaseSpec::describe).toList());
        schedule(0);
    }

    /** Interrupts a round in progress and ends the loop. Idempotent. */
    void close() throws InterruptedException {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        executor.shutdownNow();
        if (!executor.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
            LOG.warnf("Discovery round still running %s after it was interrupted; leaving it", CLOSE_TIMEOUT);
        }
    }

    private void schedule(long delayNanos) {
        try {
            executor.schedule(this::loopRound, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Discovery closed; no more rounds");
        }
    }

    private void loopRound() {
        try {
            runRound();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("Discovery interrupted; no more rounds");
            return;
        } catch (RuntimeException e) {
            LOG.warnf("Discovery round failed: %s; trying again in %s", e, interval);
        }
        if (state.get() == State.RUNNING && !Thread.currentThread().isInterrupted()) {
            schedule(interval.toNanos());
        }
    }

    /** One round on the calling thread. Tests drive rounds with it. */
    void runRound() throws InterruptedException {
        Set<String> streams = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        listed.forEach(spec -> {
            streams.add(spec.stream());
            prefixes.add(spec.subjectPrefix());
        });
        List<CollectionSpec> all = new ArrayList<>(listed);
        for (DatabaseSpec database : databases) {
            List<CollectionSpec> before = found.getOrDefault(database.name(), List.of());
            List<String> names = list(database, before.size());
            List<CollectionSpec> now = names == null ? before : reconcile(database, names, before, streams, prefixes);
            found.put(database.name(), now);
            all.addAll(now);
        }
        if (!all.equals(watched)) {
            watched = List.copyOf(all);
            watch.accept(watched);
        }
    }

    /** The database's collection names, or null when they cannot be listed now. */
    private List<String> list(DatabaseSpec database, int knownBefore) throws InterruptedException {
        try {
            List<String> names = catalog.collections(database.name());
            reported.remove(database.name());
            return names;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            reportOnce(database.name(), "cannot list the collections of database " + database.name() + " (" + e
                    + "); keeping the " + knownBefore + " found before, trying again every " + interval);
            return null;
        }
    }

    /** The covered collections now, in name order: the ones known before, and the new ones that could be prepared. */
    private List<CollectionSpec> reconcile(DatabaseSpec database, List<String> names, List<CollectionSpec> before,
                                           Set<String> streams, Set<String> prefixes) throws InterruptedException {
        Map<String, CollectionSpec> gone = new LinkedHashMap<>();
        before.forEach(spec -> gone.put(spec.collection(), spec));
        List<CollectionSpec> now = new ArrayList<>();
        for (String name : names.stream().filter(database::covers).sorted().distinct().toList()) {
            CollectionSpec known = gone.remove(name);
            CollectionSpec spec = known != null ? known : database.specFor(name);
            if (known != null || prepared(spec, streams, prefixes)) {
                now.add(spec);
            }
        }
        for (CollectionSpec spec : gone.values()) {
            LOG.infof("Discovery: %s is gone; releasing its lease %s, keeping its stream", spec.namespace(), spec.key());
            reported.remove(spec.namespace());
            retire.accept(spec);
        }
        return now;
    }

    private boolean prepared(CollectionSpec spec, Set<String> streams, Set<String> prefixes) throws InterruptedException {
        String namespace = spec.namespace();
        if (streams.contains(spec.stream()) || prefixes.contains(spec.subjectPrefix())) {
            reportOnce(namespace, "not watching " + namespace + ": its stream " + spec.stream() + " or subject prefix "
                    + spec.subjectPrefix() + " is a listed collection's; set that collection's stream and "
                    + "subject-prefix to other names, or exclude this one from its database");
            return false;
        }
        try {
            preparation.prepare(spec);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            reportOnce(namespace, "cannot watch " + namespace + " yet (" + e.getMessage() + "); trying again every "
                    + interval);
            return false;
        }
        reported.remove(namespace);
        LOG.infof("Discovery: watching %s: stream %s, subjects %s.>", namespace, spec.stream(), spec.subjectPrefix());
        return true;
    }

    /** Logs a problem when it is new or has changed, so that a lasting one is not repeated every round. */
    private void reportOnce(String about, String problem) {
        if (!problem.equals(reported.put(about, problem))) {
            LOG.warn("Discovery: " + problem);
        }
    }
}
