package io.mongonats.connector.checkpoint;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResumePlanTest {

    private static Optional<Checkpoint> checkpoint(String token, long sequence) {
        return Optional.of(new Checkpoint(token, false, sequence, Instant.EPOCH, "r1"));
    }

    @Test
    void firstStartBeginsNow() {
        ResumePlan plan = ResumePlan.decide(Optional.empty(), new StreamTail(0, Optional.empty(), false, Optional.empty()));
        assertEquals(Optional.empty(), plan.token());
        assertEquals(0, plan.streamSequence());
    }

    @Test
    void messagesPublishedAfterTheCheckpointAreSkippedByResumingAfterTheTail() {
        ResumePlan plan = ResumePlan.decide(checkpoint("t5", 5), new StreamTail(9, Optional.of("t9"), false, Optional.empty()));
        assertEquals(Optional.of("t9"), plan.token());
        assertEquals(9, plan.streamSequence());
    }

    @Test
    void anIdleCheckpointAtTheTailWinsBecauseItsTokenIsNewer() {
        ResumePlan plan = ResumePlan.decide(checkpoint("post-batch", 9), new StreamTail(9, Optional.of("t9"), false, Optional.empty()));
        assertEquals(Optional.of("post-batch"), plan.token());
    }

    @Test
    void withoutACheckpointTheTailDecides() {
        assertEquals(Optional.of("t3"), ResumePlan.decide(Optional.empty(), new StreamTail(3, Optional.of("t3"), false, Optional.empty())).token());
    }

    @Test
    void aVanishedTailFallsBackToTheCheckpoint() {
        ResumePlan plan = ResumePlan.decide(checkpoint("t5", 5), new StreamTail(9, Optional.empty(), false, Optional.empty()));
        assertEquals(Optional.of("t5"), plan.token());
        assertEquals(9, plan.streamSequence());
    }

    @Test
    void aPurgedStreamKeepsTheCheckpointAndExpectsTheStreamsRealSequence() {
        ResumePlan plan = ResumePlan.decide(checkpoint("t5", 5), new StreamTail(0, Optional.empty(), false, Optional.empty()));
        assertEquals(Optional.of("t5"), plan.token());
        assertEquals(0, plan.streamSequence());
    }

    @Test
    void anInvalidateAtTheTailOrInTheCheckpointIsResumedWithStartAfter() {
        assertEquals(true, ResumePlan.decide(Optional.empty(), new StreamTail(7, Optional.of("t7"), true, Optional.empty())).afterInvalidate());
        Optional<Checkpoint> afterInvalidate = Optional.of(new Checkpoint("t7", true, 7, Instant.EPOCH, "r1"));
        assertEquals(true, ResumePlan.decide(afterInvalidate, new StreamTail(7, Optional.of("t7"), true, Optional.empty())).afterInvalidate());
        assertEquals(false, ResumePlan.decide(checkpoint("t5", 5), new StreamTail(9, Optional.of("t9"), false, Optional.empty())).afterInvalidate());
    }

    @Test
    void aCheckpointWrittenBeforeTheInvalidateFlagExistedStillReads() {
        Checkpoint old = Checkpoint.fromBytes("{\"token\": \"t1\", \"streamSequence\": 3, \"writtenAt\": \"2026-11-23T10:00:00Z\", \"replica\": \"r\"}".getBytes());
        assertEquals(false, old.afterInvalidate());
        assertEquals(3, old.streamSequence());
    }

    @Test
    void checkpointSurvivesItsEncoding() {
        Checkpoint original = new Checkpoint("8263abc", true, 42, Instant.parse("2026-11-23T10:15:30Z"), "pod-1");
        assertEquals(original, Checkpoint.fromBytes(original.toBytes()));
    }
}
