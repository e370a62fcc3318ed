package io.mongonats.connector.readmodel;

import io.mongonats.connector.readmodel.DocumentChange.Patch;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to write for a batch of messages. Several changes to one document collapse to the newest whole state (an
 * upsert or a delete), which covers the older ones; updates without a full document that follow it cannot be
 * collapsed and go in later passes, one per update, in stream order. Messages that need no write are settled at
 * once. Pure: the order of the batch does not matter, only the stream sequences.
 *
 * @param settled decisions that need no write: ignored and undecodable messages
 * @param passes  each pass is one unordered bulk write; a document has at most one step per pass
 */
public record BatchPlan(List<Decision> settled, List<List<Step>> passes) {

    /** One write and the messages it settles: its own and the older ones it supersedes. */
    public record Step(PlannedWrite write, InboundMessage message, List<InboundMessage> superseded) {
    }

    private record Entry(InboundMessage message, DocumentChange change) {
    }

    public static BatchPlan of(List<InboundMessage> batch, ChangeDecoder decoder) {
        List<Decision> settled = new ArrayList<>();
        Map<BsonValue, List<Entry>> byDocument = new LinkedHashMap<>();
        for (InboundMessage message : batch) {
            switch (decoder.decode(message)) {
                case Decoded.Change change -> byDocument.computeIfAbsent(change.key(), key -> new ArrayList<>())
                        .add(new Entry(message, change.change()));
                case Decoded.Ignored ignored -> settled.add(new Decision(message, new Verdict.Ack(Outcome.IGNORED)));
                case Decoded.Undecodable undecodable ->
                        settled.add(new Decision(message, new Verdict.DeadLetter(undecodable.reason())));
            }
        }
        List<List<Step>> passes = new ArrayList<>();
        byDocument.forEach((key, entries) -> {
            List<Step> chain = chain(key, entries);
            for (int i = 0; i < chain.size(); i++) {
                if (passes.size() <= i) {
                    passes.add(new ArrayList<>());
                }
                passes.get(i).add(chain.get(i));
            }
        });
        return new BatchPlan(List.copyOf(settled), passes.stream().map(List::copyOf).toList());
    }

    /** The steps for one document, in the order they must be applied. */
    private static List<Step> chain(BsonValue key, List<Entry> entries) {
        entries.sort(Comparator.comparingLong(entry -> entry.message().sequence()));
        int base = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i).change() instanceof Patch)) {
                base = i;
            }
        }
        List<Step> chain = new ArrayList<>();
        if (base >= 0) {
            List<InboundMessage> superseded = entries.subList(0, base).stream().map(Entry::message).toList();
            chain.add(step(key, entries.get(base), superseded));
        }
        for (int i = base + 1; i < entries.size(); i++) {
            chain.add(step(key, entries.get(i), List.of()));
        }
        return chain;
    }

    private static Step step(BsonValue key, Entry entry, List<InboundMessage> superseded) {
        return new Step(new PlannedWrite(key, entry.message().sequence(), entry.change()), entry.message(), superseded);
    }

    /** Every write of the plan. */
    public int writes() {
        return passes.stream().mapToInt(List::size).sum();
    }
}
