package io.mongonats.connector.lease;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FairShareTest {

    @Test
    void isTheCeilingOfCollectionsPerLiveReplica() {
        assertEquals(4, FairShare.of(4, 1));
        assertEquals(2, FairShare.of(4, 3));
        assertEquals(1, FairShare.of(4, 4));
        assertEquals(1, FairShare.of(4, 5));
        assertEquals(3, FairShare.of(3, 0));
    }

    @Test
    void leaseRecordSurvivesItsEncoding() {
        LeaseRecord record = new LeaseRecord("pod-0", Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:02Z"));
        assertEquals(record, LeaseRecord.fromBytes(record.toBytes()));
    }
}
