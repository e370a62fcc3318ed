package io.mongonats.connector.pipeline;

import java.util.Arrays;

/** An ordered list of header names and values, our own so that mapping stays free of client types. */
public final class MessageHeaders {

    /** {@code NATS/1.0\r\n} before the headers and {@code \r\n} after them. */
    private static final int ENVELOPE = 12;

    private String[] pairs = new String[16];
    private int size;

    public MessageHeaders add(String name, String value) {
        if (size * 2 == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[size * 2] = name;
        pairs[size * 2 + 1] = value;
        size++;
        return this;
    }

    public int size() {
        return size;
    }

    public String name(int index) {
        return pairs[index * 2];
    }

    public String value(int index) {
        return pairs[index * 2 + 1];
    }

    /** The first value of a header, or null. */
    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (pairs[i * 2].equals(name)) {
                return pairs[i * 2 + 1];
            }
        }
        return null;
    }

    /**
     * Bytes on the wire, as NATS counts them against the max payload: {@code name:value\r\n} per header. NATS
     * accepts printable ASCII only in headers, so a character is a byte.
     */
    public int serializedLength() {
        int length = ENVELOPE;
        for (int i = 0; i < size; i++) {
            length += pairs[i * 2].length() + pairs[i * 2 + 1].length() + 3;
        }
        return length;
    }
}
