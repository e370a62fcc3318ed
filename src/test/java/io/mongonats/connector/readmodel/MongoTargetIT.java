package io.mongonats.connector.readmodel;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.mongonats.connector.readmodel.DocumentChange.Delete;
import io.mongonats.connector.readmodel.DocumentChange.Patch;
import io.mongonats.connector.readmodel.DocumentChange.Upsert;
import io.mongonats.connector.testing.MongoStandIn;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guarded writes against the MongoDB stand-in through the real driver: order and redelivery cannot break them. */
class MongoTargetIT {

    private static MongoStandIn standIn;
    private static MongoClient client;
    private MongoDatabase database;
    private MongoCollection<BsonDocument> view;
    private MongoTarget target;

    @BeforeAll
    static void startStandIn() {
        standIn = new MongoStandIn().start();
        client = MongoClients.create(standIn.uri());
    }

    @AfterAll
    static void stopStandIn() {
        client.close();
        standIn.close();
    }

    @BeforeEach
    void freshCollection() throws Exception {
        database = client.getDatabase("rm");
        database.getCollection("view").drop();
        view = database.getCollection("view", BsonDocument.class);
        target = target(true);
        target.prepare();
    }

    private MongoTarget target(boolean tombstones) {
        return new MongoTarget(database, "view", new WriteModels("_cdc", tombstones, Clock.systemUTC()), "_cdc",
                tombstones, Duration.ofHours(1));
    }

    private static PlannedWrite upsert(int id, long sequence, int value) {
        return new PlannedWrite(new BsonInt32(id), sequence, new Upsert(new BsonDocument("_id", new BsonInt32(id))
                .append("v", new BsonInt32(value))));
    }

    private static PlannedWrite delete(int id, long sequence) {
        return new PlannedWrite(new BsonInt32(id), sequence, new Delete());
    }

    private static PlannedWrite patch(int id, long sequence, String set) {
        return new PlannedWrite(new BsonInt32(id), sequence, new Patch(BsonDocument.parse(set), List.of(), List.of()));
    }

    private BsonDocument stored(int id) {
        return view.find(Filters.eq("_id", id)).first();
    }

    private List<WriteResult.Kind> apply(PlannedWrite... writes) throws Exception {
        return target.apply(List.of(writes)).stream().map(WriteResult::kind).toList();
    }

    @Test
    void aRedeliveredBatchChangesNothing() throws Exception {
        PlannedWrite[] batch = {upsert(1, 10, 1), upsert(2, 11, 1), delete(3, 12)};
        assertEquals(List.of(WriteResult.Kind.APPLIED, WriteResult.Kind.APPLIED, WriteResult.Kind.APPLIED), apply(batch));
        List<BsonDocument> before = view.find().into(new ArrayList<>());

        assertEquals(List.of(WriteResult.Kind.STALE, WriteResult.Kind.STALE, WriteResult.Kind.STALE), apply(batch));

        assertEquals(before, view.find().into(new ArrayList<>()));
    }

    @Test
    void outOfOrderDeliveryOfTwoChangesToOneDocumentKeepsTheNewer() throws Exception {
        assertEquals(List.of(WriteResult.Kind.APPLIED), apply(upsert(1, 20, 20)));

        assertEquals(List.of(WriteResult.Kind.STALE), apply(upsert(1, 19, 19)));

        assertEquals(20, stored(1).getInt32("v").getValue());
        assertEquals(20, stored(1).getDocument("_cdc").getInt64("seq").getValue());
    }

    @Test
    void aDeleteFollowedByALateOlderUpdateStaysDeleted() throws Exception {
        apply(upsert(1, 30, 1));
        assertEquals(List.of(WriteResult.Kind.APPLIED), apply(delete(1, 32)));

        assertEquals(List.of(WriteResult.Kind.STALE, WriteResult.Kind.WAITING), apply(upsert(1, 31, 2), patch(1, 33, "{\"v\": 3}")));

        BsonDocument tombstone = stored(1);
        assertTrue(tombstone.getDocument("_cdc").getBoolean("deleted").getValue(), tombstone.toJson());
        assertNull(tombstone.get("v"));
        assertTrue(tombstone.getDocument("_cdc").get("deletedAt").isDateTime());
    }

    @Test
    void aPatchUpdatesALiveOlderDocumentWaitsForAMissingOneAndIsStaleOnANewerOne() throws Exception {
        apply(upsert(1, 40, 1), upsert(2, 45, 1));

        assertEquals(List.of(WriteResult.Kind.APPLIED, WriteResult.Kind.STALE, WriteResult.Kind.WAITING),
                apply(patch(1, 41, "{\"w\": 2}"), patch(2, 44, "{\"w\": 2}"), patch(3, 46, "{\"w\": 2}")));

        assertEquals(BsonDocument.parse("{\"_id\": 1, \"v\": 1, \"_cdc\": {\"seq\": {\"$numberLong\": \"41\"}}, \"w\": 2}"), stored(1));
        assertNull(stored(2).get("w"));
        assertNull(stored(3));
    }

    @Test
    void aKeyOfAnotherNumericTypeIsTheSameDocument() throws Exception {
        apply(upsert(7, 50, 1));

        List<WriteResult> results = target.apply(List.of(new PlannedWrite(new BsonInt64(7), 49,
                new Upsert(new BsonDocument("v", new BsonInt32(0))))));

        assertEquals(WriteResult.Kind.STALE, results.get(0).kind());
        assertEquals(1, view.countDocuments());
    }

    @Test
    void withoutTombstonesADeleteRemovesTheDocumentUnlessItIsNewer() throws Exception {
        MongoTarget plain = target(false);
        plain.apply(List.of(upsert(1, 60, 1), upsert(2, 62, 1)));

        List<WriteResult.Kind> results = plain.apply(List.of(delete(1, 61), delete(2, 61))).stream().map(WriteResult::kind).toList();

        assertEquals(List.of(WriteResult.Kind.APPLIED, WriteResult.Kind.STALE), results);
        assertNull(stored(1));
        assertEquals(1, stored(2).getInt32("v").getValue());
    }

    @Test
    void concurrentAppliersOfTheSameDocumentsEndWithTheNewestOfEach() throws Exception {
        // Two replicas writing the same fresh documents at once; the stand-in may serialize them, real MongoDB races
        // the upserts, and the loser's duplicate key is settled by reading the stored version.
        int documents = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<List<WriteResult>>> appliers = new ArrayList<>();
            for (int offset = 0; offset < 2; offset++) {
                int older = offset;
                appliers.add(() -> {
                    List<WriteResult> all = new ArrayList<>();
                    for (int first = 0; first < documents; first += 100) {
                        List<PlannedWrite> batch = new ArrayList<>();
                        for (int id = first; id < first + 100; id++) {
                            batch.add(upsert(id, 2L * id + older, older));
                        }
                        all.addAll(target.apply(batch));
                    }
                    return all;
                });
            }
            List<WriteResult> results = new ArrayList<>();
            for (Future<List<WriteResult>> future : pool.invokeAll(appliers)) {
                results.addAll(future.get());
            }
            assertTrue(results.stream().allMatch(WriteResult::done), "no write failed");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(documents, view.countDocuments(Filters.eq("v", 1)), "every document holds the newer change");
    }

    @Test
    void prepareCreatesTheTombstonesTtlIndex() {
        Document index = view.listIndexes(Document.class).into(new ArrayList<>()).stream()
                .filter(candidate -> MongoTarget.TTL_INDEX.equals(candidate.getString("name"))).findFirst().orElseThrow();

        assertEquals(new Document("_cdc.deletedAt", 1), index.get("key"));
        assertEquals(3600L, ((Number) index.get("expireAfterSeconds")).longValue());
    }
}
