package io.mongonats.connector.pipeline;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MessageHeadersTest {

    @Test
    void countsBytesAsTheNatsClientSerializesThem() {
        MessageHeaders ours = new MessageHeaders();
        Headers theirs = new Headers();
        for (int i = 0; i < 20; i++) {
            ours.add("Name-" + i, "value " + i);
            theirs.add("Name-" + i, "value " + i);
        }
        assertEquals(theirs.serializedLength(), ours.serializedLength());
        assertEquals("value 3", ours.get("Name-3"));
        assertNull(ours.get("Missing"));
    }
}
