package io.mongonats.connector.app;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.config.DatabaseSpec;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.config.SnapshotMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The discovery loop against fakes of its own ports; rounds are driven one by one. */
class DiscoveryLoopTest {

    private static final CollectionSpec OPTIONS = new CollectionSpec("shop", null, null, null,
            CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, List.of(),
            CollectionSpec.OversizedPolicy.STOP, null, CollectionSpec.LostPositionPolicy.STOP, SnapshotMode.INITIAL, MessageFormat.DEFAULT);
    private static final DatabaseSpec SHOP = new DatabaseSpec("shop", Pattern.compile(".*"),
            Optional.of(Pattern.compile("tmp_.*")), OPTIONS);
    private static final CollectionSpec LISTED = new CollectionSpec("crm", "contacts", "crm_contacts", "crm.contacts",
            CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, List.of(),
            CollectionSpec.OversizedPolicy.STOP, "crm.contacts.dead-letter", CollectionSpec.LostPositionPolicy.STOP,
            SnapshotMode.NEVER, MessageFormat.DEFAULT);

    /** What MongoDB lists now, per database; a database mapped to an exception fails to list. */
    private final Map<String, Object> catalog = new HashMap<>();
    private final List<String> prepared = new ArrayList<>();
    private final Set<String> unpreparable = new HashSet<>();
    private final List<String> retired = new ArrayList<>();
    private final List<List<String>> handed = new ArrayList<>();

    private DiscoveryLoop loop(List<CollectionSpec> listed, DatabaseSpec... databases) {
        return new DiscoveryLoop(new ConnectorSettings.Discovery(Duration.ofSeconds(30), List.of(databases)), listed,
                database -> {
                    Object listing = catalog.getOrDefault(database, List.of());
                    if (listing instanceof Exception e) {
                        throw e;
                    }
                    @SuppressWarnings("unchecked")
                    List<String> names = (List<String>) listing;
                    return names;
                },
                spec -> {
                    if (unpreparable.contains(spec.collection())) {
                        throw new IOException("stream " + spec.stream() + " cannot be created");
                    }
                    prepared.add(spec.stream());
                },
                spec -> retired.add(spec.stream()),
                specs -> handed.add(specs.stream().map(CollectionSpec::stream).toList()));
    }

    @Test
    void handsTheListedAndTheCoveredCollectionsToTheKeeperAfterPreparingTheNewOnes() throws Exception {
        DiscoveryLoop loop = loop(List.of(LISTED), SHOP);
        catalog.put("shop", List.of("orders", "orders.archive 2024", "tmp_import"));

        loop.runRound();

        assertEquals(List.of("shop_orders", "shop_orders=2Earchive=202024"), prepared);
        assertEquals(List.of(List.of("crm_contacts", "shop_orders", "shop_orders=2Earchive=202024")), handed);
    }

    @Test
    void aCollectionCreatedLaterJoinsAndADroppedOneIsRetired() throws Exception {
        DiscoveryLoop loop = loop(List.of(), SHOP);
        catalog.put("shop", List.of("orders"));
        loop.runRound();
        catalog.put("shop", List.of("orders", "customers"));
        loop.runRound();
        catalog.put("shop", List.of("customers"));
        loop.runRound();

        assertEquals(List.of("shop_orders", "shop_customers"), prepared, "each collection is prepared once");
        assertEquals(List.of("shop_orders"), retired);
        assertEquals(List.of(List.of("shop_orders"), List.of("shop_customers", "shop_orders"), List.of("shop_customers")),
                handed);
    }

    @Test
    void nothingIsHandedOverWhenNothingChanged() throws Exception {
        DiscoveryLoop loop = loop(List.of(LISTED), SHOP);
        catalog.put("shop", List.of("orders"));
        loop.runRound();
        loop.runRound();

        assertEquals(1, handed.size());
    }

    @Test
    void aDatabaseThatCannotBeListedKeepsWhatWasFoundBefore() throws Exception {
        DatabaseSpec crm = new DatabaseSpec("crm", Pattern.compile(".*"), Optional.empty(), OPTIONS);
        DiscoveryLoop loop = loop(List.of(), SHOP, crm);
        catalog.put("shop", List.of("orders"));
        catalog.put("crm", List.of("leads"));
        loop.runRound();
        catalog.put("shop", new IOException("MongoDB unreachable"));
        catalog.put("crm", List.of("leads", "deals"));
        loop.runRound();

        assertTrue(retired.isEmpty(), retired::toString);
        assertEquals(List.of("shop_orders", "crm_deals", "crm_leads"), handed.get(handed.size() - 1));
    }

    @Test
    void aCollectionThatCannotBePreparedIsTriedAgainNextRound() throws Exception {
        DiscoveryLoop loop = loop(List.of(), SHOP);
        catalog.put("shop", List.of("orders", "customers"));
        unpreparable.add("customers");
        loop.runRound();
        assertEquals(List.of(List.of("shop_orders")), handed);

        unpreparable.clear();
        loop.runRound();
        assertEquals(List.of("shop_customers", "shop_orders"), handed.get(1));
    }

    @Test
    void aDiscoveredCollectionNeverTakesTheNamesOfAListedOne() throws Exception {
        // A listed collection may name its stream and prefix by hand: here the names my.shop_orders would get.
        CollectionSpec listed = new CollectionSpec("other", "orders", "my_shop_orders", "my.shop_orders",
                CollectionSpec.FullDocumentMode.UPDATE_LOOKUP, CollectionSpec.BeforeChangeMode.OFF, List.of(),
                CollectionSpec.OversizedPolicy.STOP, "my.shop_orders.dead-letter", CollectionSpec.LostPositionPolicy.STOP,
                SnapshotMode.NEVER, MessageFormat.DEFAULT);
        DatabaseSpec my = new DatabaseSpec("my", Pattern.compile(".*"), Optional.empty(), OPTIONS);
        DiscoveryLoop loop = loop(List.of(listed), my);
        catalog.put("my", List.of("shop_orders", "items"));
        loop.runRound();

        assertEquals(List.of("my_items"), prepared);
        assertEquals(List.of(List.of("my_shop_orders", "my_items")), handed);
    }

    @Test
    void startRunsTheFirstRoundAtOnceOnItsOwnThreadAndCloseEndsIt() throws Exception {
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        catalog.put("shop", List.of("orders"));
        DiscoveryLoop loop = new DiscoveryLoop(new ConnectorSettings.Discovery(Duration.ofHours(1), List.of(SHOP)),
                List.of(), database -> List.of("orders"), spec -> { }, spec -> { },
                specs -> threads.add(Thread.currentThread().getName()));
        loop.start();

        String thread = threads.poll(10, TimeUnit.SECONDS);
        assertNotNull(thread, "the first round did not run");
        assertEquals("cdc-discovery", thread);
        assertThrows(IllegalStateException.class, loop::start);
        loop.close();
        loop.close();
        assertThrows(IllegalStateException.class, loop::start);
    }
}
