package io.mongonats.connector.it;

import io.mongonats.connector.testing.SampleWriter;
import io.mongonats.connector.testing.StreamReader.Received;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on what a collection's stream holds. */
final class Streams {

    private Streams() {
    }

    static List<Received> inserts(List<Received> messages) {
        return messages.stream().filter(message -> message.subject().endsWith(".insert")).toList();
    }

    /** Every document 0..count-1 inserted exactly once and in order, and no message id twice. */
    static void assertExactlyOnceInOrder(List<Received> messages, long count) {
        List<Long> ns = SampleWriter.fullDocumentNs(inserts(messages));
        Set<String> ids = new HashSet<>();
        for (Received message : messages) {
            assertTrue(ids.add(message.headers().get("Nats-Msg-Id").get(0)),
                    "message id published twice at sequence " + message.sequence());
        }
        if (!ns.equals(LongStream.range(0, count).boxed().toList())) {
            Set<Long> seen = new HashSet<>();
            List<Long> duplicates = ns.stream().filter(n -> !seen.add(n)).limit(10).toList();
            List<Long> missing = LongStream.range(0, count).filter(n -> !seen.contains(n)).limit(10).boxed().toList();
            assertEquals(count, ns.size(), "inserts published: duplicates " + duplicates + ", missing " + missing);
            throw new AssertionError("inserts out of order; first positions: " + ns.subList(0, Math.min(20, ns.size())));
        }
    }
}
