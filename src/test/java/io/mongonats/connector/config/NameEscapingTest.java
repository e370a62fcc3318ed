package io.mongonats.connector.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameEscapingTest {

    /** Valid in a stream name, a subject token and a KV key alike. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_=-]+");

    private static final List<String> TRICKY = List.of("orders", "orders.archive 2024", "orders_archive_2024",
            "orders=2Earchive=202024", "orders archive", "café", "cafe\u0301", "日本語", "emoji😀", "a_b", "a=5Fb",
            "a-b", "a$b", "a*b", "a>b", "a/b", "a\\b", "_", "=", "-", " lead", "trail ", "%", "A", "a", "x.y.z",
            "system_x", "a\tb", "5F", "2E");

    @Test
    void keepsTheNamesOfAListedCollectionWhenNothingNeedsEscaping() {
        assertEquals("shop_orders", NameEscaping.streamName("shop", "orders"));
        assertEquals("shop.orders", NameEscaping.subjectPrefix("shop", "orders"));
        assertEquals("shop_order_items", NameEscaping.streamName("shop", "order_items"));
        assertEquals("shop.order_items", NameEscaping.subjectPrefix("shop", "order_items"));
        assertEquals("shop-eu_order-lines", NameEscaping.streamName("shop-eu", "order-lines"));
    }

    @Test
    void escapesEveryOtherByteAsEqualsAndTwoHexDigits() {
        assertEquals("shop_orders=2Earchive=202024", NameEscaping.streamName("shop", "orders.archive 2024"));
        assertEquals("shop.orders=2Earchive=202024", NameEscaping.subjectPrefix("shop", "orders.archive 2024"));
        assertEquals("caf=C3=A9", NameEscaping.token("café"));
        assertEquals("a=3Db", NameEscaping.token("a=b"));
        assertEquals("a=24b", NameEscaping.token("a$b"));
        assertEquals("emoji=F0=9F=98=80", NameEscaping.token("emoji😀"));
        // In a stream name the first _ separates the database from the collection, so the database's _ is escaped.
        assertEquals("my=5Fshop_order_items", NameEscaping.streamName("my_shop", "order_items"));
        assertEquals("my_shop.order_items", NameEscaping.subjectPrefix("my_shop", "order_items"));
    }

    @Test
    void everyTokenIsValidEverywhereAndReversible() {
        for (String name : TRICKY) {
            String token = NameEscaping.token(name);
            assertTrue(TOKEN.matcher(token).matches(), token);
            assertEquals(name, NameEscaping.name(token));
        }
    }

    @Test
    void streamNamesAndSubjectPrefixesAreReversibleAndCollisionFree() {
        Map<String, String> streams = new HashMap<>();
        Map<String, String> prefixes = new HashMap<>();
        for (String database : List.of("shop", "my_shop", "my", "a", "a_b", "café", "x=5F")) {
            for (String collection : TRICKY) {
                String namespace = database + " / " + collection;
                String stream = NameEscaping.streamName(database, collection);
                String prefix = NameEscaping.subjectPrefix(database, collection);
                assertTrue(TOKEN.matcher(stream).matches(), stream);
                assertEquals(2, prefix.split("\\.", -1).length, prefix);
                assertEquals(new NameEscaping.Namespace(database, collection), NameEscaping.namesOfStream(stream));
                assertEquals(null, streams.put(stream, namespace), "two namespaces share the stream " + stream);
                assertEquals(null, prefixes.put(prefix, namespace), "two namespaces share the prefix " + prefix);
            }
        }
        // A single _ between database and collection would give both of these "my_shop_orders".
        assertTrue(!NameEscaping.streamName("my", "shop_orders").equals(NameEscaping.streamName("my_shop", "orders")));
    }

    @Test
    void randomNamesRoundTrip() {
        Random random = new Random(15);
        int[] alphabet = {'a', 'Z', '0', '_', '-', '=', '.', ' ', '$', '%', 'é', 0x65E5, 0x1F600, '\t'};
        for (int i = 0; i < 2_000; i++) {
            StringBuilder name = new StringBuilder();
            for (int length = 1 + random.nextInt(8); length > 0; length--) {
                name.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = name.toString();
            assertEquals(text, NameEscaping.name(NameEscaping.token(text)));
            assertEquals(text, NameEscaping.nameOfHeaderValue(NameEscaping.headerValue(text)));
        }
    }

    @Test
    void refusesWhatNoNameEscapesTo() {
        List<String> refused = new ArrayList<>(List.of("a=2", "a=", "a=zz", "a=2e", "a.b", "a b", "a=41", "=C3", "é"));
        for (String token : refused) {
            assertThrows(IllegalArgumentException.class, () -> NameEscaping.name(token), token);
        }
        assertThrows(IllegalArgumentException.class, () -> NameEscaping.namesOfStream("shoporders"));
        assertThrows(IllegalArgumentException.class, () -> NameEscaping.namesOfStream("my_shop_orders=5F"));
    }

    @Test
    void headerValuesArePrintableAsciiAndKeepOrdinaryNames() {
        assertEquals("orders.archive 2024", NameEscaping.headerValue("orders.archive 2024"));
        assertEquals("orders", NameEscaping.headerValue("orders"));
        assertEquals("caf%C3%A9", NameEscaping.headerValue("café"));
        assertEquals("100%25", NameEscaping.headerValue("100%"));
        // jnats trims header values on receipt: a space at either end is encoded.
        assertEquals("%20lead and trail%20", NameEscaping.headerValue(" lead and trail "));
        assertEquals("a%09b", NameEscaping.headerValue("a\tb"));
        for (String name : TRICKY) {
            String value = NameEscaping.headerValue(name);
            assertTrue(value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), value);
            assertTrue(!value.startsWith(" ") && !value.endsWith(" "), value);
            assertEquals(name, NameEscaping.nameOfHeaderValue(value));
        }
    }
}
