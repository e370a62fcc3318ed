package io.mongonats.connector.message;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubjectsTest {

    @Test
    void namesSubjectsByOperation() {
        assertEquals("shop.orders.insert", Subjects.forOperation("shop.orders", "insert"));
        assertEquals("shop.orders.>", Subjects.all("shop.orders"));
    }

    @Test
    void decidesWhetherAStreamFilterCapturesThePrefix() {
        assertTrue(Subjects.covers("shop.orders.>", "shop.orders.>"));
        assertTrue(Subjects.covers("shop.>", "shop.orders.>"));
        assertTrue(Subjects.covers(">", "shop.orders.>"));
        assertTrue(Subjects.covers("shop.*.>", "shop.orders.>"));
        assertFalse(Subjects.covers("shop.orders.*", "shop.orders.>"));
        assertFalse(Subjects.covers("shop.orders.insert", "shop.orders.>"));
        assertFalse(Subjects.covers("shop.items.>", "shop.orders.>"));
        assertFalse(Subjects.covers("shop.orders", "shop.orders.>"));
    }
}
