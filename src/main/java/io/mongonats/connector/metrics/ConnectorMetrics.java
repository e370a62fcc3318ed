package io.mongonats.connector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.mongonats.connector.lease.LeaseObserver;
import io.mongonats.connector.pipeline.WorkerObserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Owns every meter name. Tags are the collection key and an outcome (operation, error kind), never ids. */
public final class ConnectorMetrics implements WorkerObserver, LeaseObserver {

    private final MeterRegistry registry;
    private final Map<String, CollectionMeters> byCollection = new ConcurrentHashMap<>();

    public ConnectorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void eventRead(String collection, String operation) {
        meters(collection).read.computeIfAbsent(operation,
                op -> counter(MeterNames.EVENTS_READ, collection, "operation", op)).increment();
    }

    @Override
    public void eventPublished(String collection, String operation, long readToAckNanos,
                               long eventTimeMillis) {
        CollectionMeters meters = meters(collection);
        meters.published.computeIfAbsent(operation,
                op -> counter(MeterNames.EVENTS_PUBLISHED, collection, "operation", op)).increment();
        meters.readToAck.record(readToAckNanos, TimeUnit.NANOSECONDS);
        if (eventTimeMillis > 0) {
            meters.lagMillis.set(Math.max(0, System.currentTimeMillis() - eventTimeMillis));
        }
    }

    @Override
    public void deadLettered(String collection) {
        counter(MeterNames.DEAD_LETTERS, collection, null, null).increment();
    }

    @Override
    public void gapRecorded(String collection) {
        counter(MeterNames.GAPS, collection, null, null).increment();
    }

    @Override
    public void error(String collection, String kind) {
        counter(MeterNames.ERRORS, collection, "kind", kind).increment();
    }

    @Override
    public void snapshotDocuments(String collection, long published) {
        counter(MeterNames.SNAPSHOT_DOCUMENTS, collection, null, null).increment(published);
    }

    @Override
    public void acquired(String collection) {
        counter(MeterNames.LEASE_ACQUISITIONS, collection, null, null).increment();
    }

    @Override
    public void renewFailed(String collection) {
        counter(MeterNames.LEASE_RENEW_FAILURES, collection, null, null).increment();
    }

    @Override
    public void lost(String collection) {
        counter(MeterNames.LEASE_LOSSES, collection, null, null).increment();
    }

    @Override
    public void released(String collection) {
        counter(MeterNames.LEASE_RELEASES, collection, null, null).increment();
    }

    @Override
    public void handedOver(String collection) {
        counter(MeterNames.LEASE_HANDOVERS, collection, null, null).increment();
    }

    /** Registers a gauge per collection read from state that the pipeline or lease loop exposes. */
    public <T> void gauge(String name, String description, String collection, T source, Function<T, Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, source, s -> value.apply(s).doubleValue())
                .description(description)
                .tags("collection", collection)
                .strongReference(true)
                .register(registry);
    }

    /** Removes a collection's gauges of these names: a collection nobody watches any more is not reported unheld. */
    public void removeGauges(String collection, List<String> names) {
        for (String name : names) {
            registry.find(name).tag("collection", collection).gauges().forEach(registry::remove);
        }
    }

    /** Seconds between the last published change happening in MongoDB and its acknowledgement. */
    public double lagSeconds(String collection) {
        return meters(collection).lagMillis.get() / 1000.0;
    }

    private CollectionMeters meters(String collection) {
        CollectionMeters meters = byCollection.get(collection);
        return meters != null ? meters : byCollection.computeIfAbsent(collection, key -> new CollectionMeters(
                Timer.builder(MeterNames.READ_TO_ACK)
                        .description("Time from reading a change from MongoDB to its JetStream acknowledgement: "
                                + "the connector's own share of the latency")
                        .tags("collection", key)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(100_000))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry)));
    }

    /** The meters of one collection, looked up once per event without building keys. */
    private static final class CollectionMeters {
        final Map<String, Counter> read = new ConcurrentHashMap<>();
        final Map<String, Counter> published = new ConcurrentHashMap<>();
        final AtomicLong lagMillis = new AtomicLong();
        final Timer readToAck;

        CollectionMeters(Timer readToAck) {
            this.readToAck = readToAck;
        }
    }

    /** The registry returns the counter already registered under these tags, so rare events need no cache. */
    private Counter counter(String name, String collection, String tag, String value) {
        Tags tags = tag == null ? Tags.of("collection", collection) : Tags.of("collection", collection, tag, value);
        return Counter.builder(name).tags(tags).register(registry);
    }
}
