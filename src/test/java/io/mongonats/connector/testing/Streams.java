package io.mongonats.connector.testing;

import io.mongonats.connector.testing.StreamReader.Received;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on what a collection's stream holds. */
public final class Streams {

    private Streams() {
    }

    public static List<Received> inserts(List<Received> messages) {
        return messages.stream().filter(message -> message.subject().endsWith(".insert")).toList();
    }

    /**
     * The {@link SampleWriter} documents 0..count-1 inserted exactly once and in order, no message id twice, and
     * nothing but those inserts in {@code stream}.
     */
    public static void assertExactlyOnceInOrder(String stream, List<Received> messages, long count) {
        Set<String> ids = new HashSet<>();
        for (Received message : messages) {
            assertTrue(ids.add(message.headers().get("Nats-Msg-Id").get(0)),
                    stream + ": message id published twice, again at sequence " + message.sequence());
        }
        List<Long> ns = SampleWriter.fullDocumentNs(inserts(messages));
        if (!ns.equals(LongStream.range(0, count).boxed().toList())) {
            Set<Long> distinct = new HashSet<>();
            List<Long> duplicates = ns.stream().filter(n -> !distinct.add(n)).limit(10).toList();
            List<Long> missing = LongStream.range(0, count).filter(n -> !distinct.contains(n)).limit(10).boxed().toList();
            assertEquals(count, ns.size(), stream + ": inserts published: duplicates " + duplicates + ", missing " + missing);
            int firstWrong = 0;
            while (ns.get(firstWrong) == firstWrong) {
                firstWrong++;
            }
            throw new AssertionError(stream + ": inserts out of order from position " + firstWrong + ": "
                    + ns.subList(firstWrong, Math.min(ns.size(), firstWrong + 10)));
        }
        assertEquals(count, messages.size(), stream + ": messages other than the inserts");
    }
}
