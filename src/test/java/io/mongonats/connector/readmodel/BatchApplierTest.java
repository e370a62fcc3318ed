package io.mongonats.connector.readmodel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.mongonats.connector.readmodel.Messages.insert;
import static io.mongonats.connector.readmodel.Messages.patch;
import static io.mongonats.connector.readmodel.Messages.redelivered;
import static io.mongonats.connector.readmodel.Messages.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchApplierTest {

    private static final int MAX_DELIVER = 3;
    private static final RetryDelays DELAYS = new RetryDelays(Duration.ofSeconds(1), Duration.ofSeconds(5));

    private final ScriptedTarget target = new ScriptedTarget();
    private final BatchApplier applier = new BatchApplier(target, MAX_DELIVER, DELAYS);

    private Map<Long, Verdict> verdicts(InboundMessage... batch) throws Exception {
        return applier.apply(BatchPlan.of(List.of(batch), new ChangeDecoder())).stream()
                .collect(Collectors.toMap(decision -> decision.message().sequence(), Decision::verdict));
    }

    @Test
    void aWrittenChangeIsAcknowledgedWithTheChangesItSuperseded() throws Exception {
        target.results.put(2L, WriteResult.STALE);

        Map<Long, Verdict> verdicts = verdicts(insert(1, 1, "\"v\": 1"), update(3, 1, "\"v\": 2"), insert(2, 2, "\"v\": 1"));

        assertEquals(Map.of(1L, new Verdict.Ack(Outcome.SUPERSEDED), 3L, new Verdict.Ack(Outcome.APPLIED),
                2L, new Verdict.Ack(Outcome.STALE)), verdicts);
        assertEquals(1, target.calls.size(), "one bulk write for the batch");
    }

    @Test
    void aRejectedWriteIsRetriedWithBackoffAndDeadLetteredOnItsMaxDeliverthDelivery() throws Exception {
        target.results.put(5L, WriteResult.rejected("error 121: Document failed validation"));
        InboundMessage change = insert(5, 1, "\"v\": 1");

        assertEquals(new Verdict.Nak(Duration.ofSeconds(1)), verdicts(change).get(5L));
        assertEquals(new Verdict.Nak(Duration.ofSeconds(2)), verdicts(redelivered(change, 2)).get(5L));
        Verdict last = verdicts(redelivered(change, MAX_DELIVER)).get(5L);

        assertTrue(assertInstanceOf(Verdict.DeadLetter.class, last).reason().contains("Document failed validation"),
                last.toString());
    }

    @Test
    void aPoisonMessageIsDeadLetteredAtOnceAndTheRestOfTheBatchApplied() throws Exception {
        Map<Long, Verdict> verdicts = verdicts(insert(1, 1, "\"v\": 1"), Messages.garbage(2, 1), insert(3, 2, "\"v\": 1"));

        assertInstanceOf(Verdict.DeadLetter.class, verdicts.get(2L));
        assertEquals(new Verdict.Ack(Outcome.APPLIED), verdicts.get(1L));
        assertEquals(new Verdict.Ack(Outcome.APPLIED), verdicts.get(3L));
    }

    @Test
    void olderChangesSupersededByARejectedOneAreRetriedNeverDeadLettered() throws Exception {
        target.results.put(8L, WriteResult.rejected("error 121"));

        Map<Long, Verdict> verdicts = verdicts(redelivered(insert(7, 1, "\"v\": 1"), MAX_DELIVER),
                redelivered(update(8, 1, "\"v\": 2"), MAX_DELIVER));

        assertInstanceOf(Verdict.DeadLetter.class, verdicts.get(8L));
        assertInstanceOf(Verdict.Nak.class, verdicts.get(7L), "applied on its own once the bad change is gone");
    }

    @Test
    void aFailedWriteHoldsBackTheLaterPatchesOfItsDocument() throws Exception {
        target.results.put(10L, WriteResult.rejected("error 2"));

        Map<Long, Verdict> verdicts = verdicts(insert(10, 1, "\"v\": 1"), patch(11, 1, "{\"v\": 2}", "[]"),
                patch(12, 2, "{\"v\": 2}", "[]"));

        assertInstanceOf(Verdict.Nak.class, verdicts.get(11L));
        assertEquals(new Verdict.Ack(Outcome.APPLIED), verdicts.get(12L));
        assertEquals(List.of(List.of(10L, 12L)), target.calls.stream()
                .map(call -> call.stream().map(PlannedWrite::sequence).toList()).toList(),
                "the second pass, with only the held-back patch, is not written");
    }

    @Test
    void aPatchWithNoDocumentToUpdateWaitsThenIsDeadLettered() throws Exception {
        target.results.put(4L, WriteResult.waiting("no live document older than sequence 4 to update"));
        InboundMessage change = patch(4, 1, "{\"v\": 2}", "[]");

        assertInstanceOf(Verdict.Nak.class, verdicts(change).get(4L));
        assertInstanceOf(Verdict.DeadLetter.class, verdicts(redelivered(change, MAX_DELIVER)).get(4L));
    }

    @Test
    void retryDelaysDoubleWithEachDeliveryUpToTheMaximum() {
        assertEquals(Duration.ofSeconds(1), DELAYS.afterDelivery(1));
        assertEquals(Duration.ofSeconds(4), DELAYS.afterDelivery(3));
        assertEquals(Duration.ofSeconds(5), DELAYS.afterDelivery(4));
        assertEquals(Duration.ofSeconds(5), DELAYS.afterDelivery(1_000));
    }
}
