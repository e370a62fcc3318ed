package io.mongonats.connector.source;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which listCollections entries are watched, as real MongoDB describes them (the stand-in has no views). */
class CollectionDiscoveryTest {

    private static Document entry(String name, String type) {
        return new Document("name", name).append("type", type);
    }

    @Test
    void watchesPlainCollectionsOnly() {
        assertTrue(CollectionDiscovery.watchable(entry("orders", "collection")));
        assertTrue(CollectionDiscovery.watchable(entry("orders.archive 2024", "collection")));
        assertFalse(CollectionDiscovery.watchable(entry("open_orders", "view")));
        assertFalse(CollectionDiscovery.watchable(entry("readings", "timeseries")));
        assertFalse(CollectionDiscovery.watchable(entry("system.views", "collection")));
        assertFalse(CollectionDiscovery.watchable(entry("system.buckets.readings", "collection")));
        assertFalse(CollectionDiscovery.watchable(new Document("name", "untyped")));
    }
}
