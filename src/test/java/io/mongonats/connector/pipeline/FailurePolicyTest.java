package io.mongonats.connector.pipeline;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.SnapshotMode;
import io.mongonats.connector.pipeline.FailurePolicy.Action;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailurePolicyTest {

    private final FailurePolicy stopping = new FailurePolicy(FakePorts.SPEC);
    private final PositionRejectedException rejected = new PositionRejectedException("shop.orders", "t1",
            new RuntimeException("ChangeStreamHistoryLost"));

    @Test
    void aRefusedPositionIsRetriedBeforeThePolicyApplies() {
        for (int i = 1; i < FailurePolicy.REJECTIONS_BEFORE_POLICY; i++) {
            assertEquals(Action.RETRY, stopping.decide(rejected, i).action());
        }
        FailurePolicy.Decision last = stopping.decide(rejected, FailurePolicy.REJECTIONS_BEFORE_POLICY);
        assertEquals(Action.STOP, last.action());
        assertEquals("position-rejected", last.errorKind());
        assertTrue(last.message().contains("delete the checkpoint key shop_orders"), last.message());
    }

    @Test
    void restartFromNowIsChosenWhenConfigured() {
        FailurePolicy skipping = new FailurePolicy(FakePorts.spec(SnapshotMode.NEVER, CollectionSpec.LostPositionPolicy.RESTART_FROM_NOW));
        assertEquals(Action.RESTART_FROM_NOW, skipping.decide(rejected, FailurePolicy.REJECTIONS_BEFORE_POLICY).action());
        FailurePolicy resnapshotting = new FailurePolicy(FakePorts.spec(SnapshotMode.WHEN_NEEDED, CollectionSpec.LostPositionPolicy.STOP));
        assertEquals(Action.RESNAPSHOT, resnapshotting.decide(rejected, FailurePolicy.REJECTIONS_BEFORE_POLICY).action());
    }

    @Test
    void eachKindOfFailureHasItsActionAndMetricTag() {
        assertEquals(new FailurePolicy.Decision(Action.RETRY, "mongodb", "gone"),
                stopping.decide(new SourceException("gone", null), 0));
        assertEquals(new FailurePolicy.Decision(Action.RETRY, "nats", "no responders"),
                stopping.decide(new SinkException("no responders", null), 0));
        assertEquals("out-of-step", stopping.decide(new OutOfStepException("x"), 0).errorKind());
        assertEquals(Action.STOP, stopping.decide(new OversizedEventException("shop.orders", "{}", 2, 1), 0).action());
        FailurePolicy.Decision unexpected = stopping.decide(new IllegalStateException("boom", new RuntimeException("root")), 0);
        assertEquals(Action.RETRY, unexpected.action());
        assertEquals("IllegalStateException: root", unexpected.message());
    }
}
