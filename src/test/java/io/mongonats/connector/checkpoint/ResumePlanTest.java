package io.mongonats.connector.checkpoint;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResumePlanTest {

    private static Optional<Checkpoint> checkpoint(String token, long sequence) {
        return Optional.of(new Checkpoint(token, sequence, Instant.EPOCH, "r1"));
    }

    @Test
    void firstStartBeginsNow() {
        ResumePlan plan = ResumePlan.decide(Optional.empty(), 0, Optional.empty());
        assertEquals(Optional.empty(), plan.token());
        assertEquals(0, plan.streamSequence());
    }

    @Test
    void messagesPublishedAfterTheCheckpointAreSkippedByResumingAfterTheTail() {
        ResumePlan plan = ResumePlan.decide(checkpoint("t5", 5), 9, Optional.of("t9"));
        assertEquals(Optional.of("t9"), plan.token());
        assertEquals(9, plan.streamSequence());
    }

    @Test
    void anIdleCheckpointAtTheTailWinsBecauseItsTokenIsNewer() {
        ResumePlan plan = ResumePlan.decide(checkpoint("post-batch", 9), 9, Optional.of("t9"));
        assertEquals(Optional.of("post-batch"), plan.token());
    }

    @Test
    void withoutACheckpointTheTailDecides() {
        assertEquals(Optional.of("t3"), ResumePlan.decide(Optional.empty(), 3, Optional.of("t3")).token());
    }

    @Test
    void aVanishedTailFallsBackToTheCheckpoint() {
        ResumePlan plan = ResumePlan.decide(checkpoint("t5", 5), 9, Optional.empty());
        assertEquals(Optional.of("t5"), plan.token());
        assertEquals(9, plan.streamSequence());
    }

    @Test
    void aPurgedStreamKeepsTheCheckpointAndExpectsTheStreamsRealSequence() {
        ResumePlan plan = ResumePlan.decide(checkpoint("t5", 5), 0, Optional.empty());
        assertEquals(Optional.of("t5"), plan.token());
        assertEquals(0, plan.streamSequence());
    }

    @Test
    void checkpointSurvivesItsEncoding() {
        Checkpoint original = new Checkpoint("8263abc", 42, Instant.parse("2026-11-23T10:15:30Z"), "pod-1");
        assertEquals(original, Checkpoint.fromBytes(original.toBytes()));
    }
}
