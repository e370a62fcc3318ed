package io.mongonats.connector.checkpoint;

import io.mongonats.connector.message.Positions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether the stream's last message was published under a later lease than the one a worker holds. */
class LeaseStampTest {

    @Test
    void aLargerEpochSupersedesWhicheverReplicaHoldsTheOlderLease() {
        assertTrue(new LeaseStamp("r2", 12).supersedes("r1", 11));
        assertTrue(new LeaseStamp("r1", 12).supersedes("r1", 11), "the same replica's later acquisition too");
    }

    @Test
    void theSameEpochSupersedesOnlyAnotherReplica() {
        assertFalse(new LeaseStamp("r1", 11).supersedes("r1", 11), "a worker's own messages");
        assertTrue(new LeaseStamp("r2", 11).supersedes("r1", 11));
    }

    @Test
    void aSmallerEpochIsAFormerHoldersAndSupersedesNothing() {
        assertFalse(new LeaseStamp("r2", 10).supersedes("r1", 11), "the new holder resumes after the former holder's");
        assertFalse(new LeaseStamp("r1", 3).supersedes("r1", 11));
    }

    @Test
    void theTailSaysWhoPublishedItsLastMessage() {
        Map<String, String> headers = Map.of("Cdc-Operation", "insert", "Nats-Msg-Id", "t9", "Cdc-Replica", "r2",
                "Cdc-Lease-Epoch", "40");
        StreamTail tail = Positions.read(9, headers::get);
        assertEquals(Optional.of(new LeaseStamp("r2", 40)), tail.writer());
        assertEquals(Optional.of(new LeaseStamp("r2", 40)), tail.supersedes("r1", 39));
        assertEquals(Optional.empty(), tail.supersedes("r2", 40));
    }

    @Test
    void aTailWithoutOrWithABadStampNamesNoWriterAndSupersedesNothing() {
        StreamTail unstamped = Positions.read(3, Map.of("Cdc-Operation", "insert", "Nats-Msg-Id", "t3")::get);
        assertEquals(Optional.empty(), unstamped.writer());
        assertEquals(Optional.empty(), unstamped.supersedes("r1", 1));
        StreamTail garbled = Positions.read(3, Map.of("Cdc-Replica", "r2", "Cdc-Lease-Epoch", "forty")::get);
        assertEquals(Optional.empty(), garbled.writer());
        assertEquals(Optional.empty(), StreamTail.empty().supersedes("r1", 1));
    }
}
