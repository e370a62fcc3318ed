package io.mongonats.connector.readmodel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The sinks' meters; every name in one place. Tags: the sink (its consumer name) and an outcome, never ids. */
public final class SinkMetrics implements SinkObserver {

    /** cdc_sink_applied_total{sink, outcome}: messages settled, by {@link Outcome#tag()}. */
    public static final String APPLIED = "cdc.sink.applied";
    /** cdc_sink_pending_messages{sink}: the consumer's messages not yet delivered. */
    public static final String PENDING = "cdc.sink.pending.messages";
    /** cdc_sink_dead_letters_total{sink}. */
    public static final String DEAD_LETTERS = "cdc.sink.dead.letters";
    /** cdc_sink_apply_seconds{sink}: a batch from fetch to its last acknowledgement. */
    public static final String APPLY = "cdc.sink.apply";

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void settled(String sink, Outcome outcome, int count) {
        Counter.builder(APPLIED).description("Messages a sink settled, by outcome").tags("sink", sink, "outcome", outcome.tag())
                .register(registry).increment(count);
        if (outcome == Outcome.DEAD_LETTERED) {
            Counter.builder(DEAD_LETTERS).description("Messages a sink copied to its dead-letter subject").tags("sink", sink)
                    .register(registry).increment(count);
        }
    }

    @Override
    public void batchApplied(String sink, long nanos) {
        timers.computeIfAbsent(sink, name -> Timer.builder(APPLY)
                .description("A sink's batch from fetch to the last acknowledgement")
                .tags("sink", name)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void pending(String sink, long count) {
        pending.computeIfAbsent(sink, name -> {
            AtomicLong value = new AtomicLong(-1);
            Gauge.builder(PENDING, value, AtomicLong::get).description("Messages of a sink's consumer not yet delivered")
                    .tags("sink", name).strongReference(true).register(registry);
            return value;
        }).set(count);
    }
}
