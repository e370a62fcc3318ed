package io.mongonats.connector.readmodel;

import io.mongonats.connector.readmodel.BatchPlan.Step;
import io.mongonats.connector.readmodel.DocumentChange.Delete;
import io.mongonats.connector.readmodel.DocumentChange.Patch;
import io.mongonats.connector.readmodel.DocumentChange.Upsert;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.mongonats.connector.readmodel.Messages.delete;
import static io.mongonats.connector.readmodel.Messages.insert;
import static io.mongonats.connector.readmodel.Messages.patch;
import static io.mongonats.connector.readmodel.Messages.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPlanTest {

    private final ChangeDecoder decoder = new ChangeDecoder();

    @Test
    void severalChangesToOneDocumentCollapseToTheNewestWhichCoversTheOthers() {
        InboundMessage first = insert(10, 1, "\"v\": 1");
        InboundMessage second = update(11, 1, "\"v\": 2");
        InboundMessage third = update(12, 1, "\"v\": 3");
        InboundMessage other = insert(13, 2, "\"v\": 1");

        BatchPlan plan = BatchPlan.of(List.of(first, second, third, other), decoder);

        assertEquals(1, plan.passes().size(), "whole documents need one bulk write");
        assertEquals(2, plan.writes());
        Step step = plan.passes().get(0).get(0);
        assertEquals(12, step.write().sequence());
        assertEquals(new BsonInt32(3), assertInstanceOf(Upsert.class, step.write().change()).document().get("v"));
        assertEquals(List.of(first, second), step.superseded());
        assertTrue(plan.settled().isEmpty());
    }

    @Test
    void theNewestIsChosenByStreamSequenceWhateverTheOrderOfTheBatch() {
        List<InboundMessage> batch = new ArrayList<>(List.of(insert(20, 1, "\"v\": 1"), update(21, 1, "\"v\": 2"),
                delete(22, 1)));
        Collections.reverse(batch);

        Step step = BatchPlan.of(batch, decoder).passes().get(0).get(0);

        assertEquals(22, step.write().sequence());
        assertInstanceOf(Delete.class, step.write().change());
        assertEquals(List.of(20L, 21L), step.superseded().stream().map(InboundMessage::sequence).toList());
    }

    @Test
    void patchesAfterTheNewestWholeStateFollowInLaterPassesInOrder() {
        BatchPlan plan = BatchPlan.of(List.of(patch(33, 1, "{\"b\": 2}", "[]"), insert(30, 1, "\"v\": 1"),
                patch(29, 1, "{\"a\": 0}", "[]"), patch(31, 1, "{\"a\": 1}", "[]")), decoder);

        assertEquals(3, plan.passes().size());
        assertEquals(30, plan.passes().get(0).get(0).write().sequence());
        assertEquals(List.of(29L), plan.passes().get(0).get(0).superseded().stream().map(InboundMessage::sequence).toList());
        assertEquals(31, plan.passes().get(1).get(0).write().sequence());
        assertInstanceOf(Patch.class, plan.passes().get(1).get(0).write().change());
        assertEquals(33, plan.passes().get(2).get(0).write().sequence());
    }

    @Test
    void ignoredAndUndecodableMessagesAreSettledWithoutAWrite() {
        InboundMessage drop = Messages.event(1, "{\"operationType\": \"drop\"}");
        InboundMessage garbage = Messages.garbage(2, 1);

        BatchPlan plan = BatchPlan.of(List.of(drop, garbage, insert(3, 1, "\"v\": 1")), decoder);

        assertEquals(List.of(new Decision(drop, new Verdict.Ack(Outcome.IGNORED))), plan.settled().subList(0, 1));
        assertInstanceOf(Verdict.DeadLetter.class, plan.settled().get(1).verdict());
        assertEquals(garbage, plan.settled().get(1).message());
        assertEquals(1, plan.writes());
    }
}
