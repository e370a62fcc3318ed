package io.mongonats.connector.ha;

import io.mongonats.connector.testing.Await;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Watches every message published under one database's subjects as it crosses NATS (a core subscription, so it
 * also sees publishes that JetStream then refuses to store) and records when each arrived, with the replica and
 * lease epoch in its headers. One connection per node, so that stopping any one node leaves a witness.
 * For measuring takeovers only: what was stored is checked by reading the streams.
 */
final class Wire implements AutoCloseable {

    /** One message as first seen: arrival time (System.nanoTime), holder and epoch. */
    record Arrival(long nanos, String replica, long epoch) {
    }

    private final List<Connection> connections = new ArrayList<>();
    private final Map<String, List<Arrival>> byCollection = new HashMap<>();
    private final Set<String> seen = new HashSet<>();

    Wire(List<String> nodeUrls, String database) {
        try {
            for (String url : nodeUrls) {
                Connection connection = Nats.connect(Options.builder().server(url).maxReconnects(-1)
                        .reconnectWait(Duration.ofMillis(100)).connectionTimeout(Duration.ofSeconds(2))
                        .errorListener(new ErrorListener() { }).build());
                connections.add(connection);
                connection.createDispatcher(this::record).subscribe(database + ".>");
                connection.flush(Duration.ofSeconds(5));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Could not subscribe to " + database + ".>", e);
        }
    }

    private void record(Message message) {
        long now = System.nanoTime();
        Headers headers = message.getHeaders();
        if (headers == null || headers.getFirst("Cdc-Lease-Epoch") == null) {
            return;
        }
        String collection = message.getSubject().split("\\.")[1];
        String replica = headers.getFirst("Cdc-Replica");
        long epoch = Long.parseLong(headers.getFirst("Cdc-Lease-Epoch"));
        synchronized (this) {
            if (seen.add(headers.getFirst("Nats-Msg-Id") + "|" + replica + "|" + epoch)) {
                byCollection.computeIfAbsent(collection, c -> new ArrayList<>()).add(new Arrival(now, replica, epoch));
            }
        }
    }

    synchronized List<Arrival> arrivals(String collection) {
        return List.copyOf(byCollection.getOrDefault(collection, List.of()));
    }

    /** The epoch of the latest message seen for {@code collection}, or -1. */
    synchronized long lastEpoch(String collection) {
        List<Arrival> list = byCollection.get(collection);
        return list == null || list.isEmpty() ? -1 : list.get(list.size() - 1).epoch();
    }

    /**
     * Waits until each collection has a message with an epoch above the one it had, arrived after {@code since};
     * returns per collection how long after {@code since} the first one arrived.
     */
    Map<String, Duration> awaitTakeover(Map<String, Long> epochsBefore, long since, Duration timeout) {
        return Await.untilValue(timeout, "messages with a new lease epoch for " + epochsBefore.keySet(), () -> {
            Map<String, Duration> takeovers = new TreeMap<>();
            for (Map.Entry<String, Long> entry : epochsBefore.entrySet()) {
                Arrival first = arrivals(entry.getKey()).stream()
                        .filter(a -> a.nanos() > since && a.epoch() > entry.getValue()).findFirst().orElse(null);
                if (first == null) {
                    return null;
                }
                takeovers.put(entry.getKey(), Duration.ofNanos(first.nanos() - since));
            }
            return takeovers;
        });
    }

    /** Waits until every collection has had {@code count} messages arrive after {@code since}. */
    void awaitFlowing(List<String> collections, long since, int count, Duration timeout) {
        Await.until(timeout, count + " messages after the fault for each of " + collections, () -> collections.stream()
                .allMatch(c -> arrivals(c).stream().filter(a -> a.nanos() > since).count() >= count));
    }

    /** The longest time without a message for {@code collection} between {@code from} and {@code to}. */
    Duration longestPause(String collection, long from, long to) {
        long previous = from;
        long longest = 0;
        for (Arrival arrival : arrivals(collection)) {
            if (arrival.nanos() > from && arrival.nanos() <= to) {
                longest = Math.max(longest, arrival.nanos() - previous);
                previous = arrival.nanos();
            }
        }
        return Duration.ofNanos(Math.max(longest, to - previous));
    }

    /** Messages of {@code replica} at {@code epoch} that arrived after {@code since}. */
    long countFrom(String collection, String replica, long epoch, long since) {
        return arrivals(collection).stream()
                .filter(a -> a.nanos() > since && a.replica().equals(replica) && a.epoch() == epoch).count();
    }

    /** When the first message with an epoch above {@code epoch} arrived, or -1. */
    long firstArrivalAbove(String collection, long epoch) {
        return arrivals(collection).stream().filter(a -> a.epoch() > epoch).mapToLong(Arrival::nanos)
                .findFirst().orElse(-1);
    }

    @Override
    public void close() {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
