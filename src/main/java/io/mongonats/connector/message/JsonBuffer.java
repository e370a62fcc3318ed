package io.mongonats.connector.message;

import java.util.Arrays;

/** A growable byte buffer that UTF-8 JSON is written into, reused for every document. Not thread-safe. */
final class JsonBuffer {

    private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int INITIAL_CAPACITY = 1024;

    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private int size;

    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }

    int capacity() {
        return bytes.length;
    }

    /** Drops the characters written since {@code mark} (a former {@link #size()}). */
    void truncate(int mark) {
        size = mark;
    }

    /** Forgets a large array so that one huge document does not pin memory for the rest of the stream. */
    void release() {
        bytes = new byte[INITIAL_CAPACITY];
        size = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }

    void append(byte b) {
        ensure(1);
        bytes[size++] = b;
    }

    /** Appends a String whose characters are all ASCII (JSON punctuation, numbers, keys of our own). */
    void ascii(CharSequence text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
    }

    void append(byte[] source, int from, int to) {
        ensure(to - from);
        System.arraycopy(source, from, bytes, size, to - from);
        size += to - from;
    }

    /** The decimal digits of {@code value}, as {@link Long#toString(long)} writes them. */
    void decimal(long value) {
        if (value == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        ensure(20);
        if (value < 0) {
            bytes[size++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        for (int i = size + digits - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += digits;
    }

    /** A {@code \}{@code uXXXX} escape with lower-case hex digits. */
    void unicodeEscape(char c) {
        ensure(6);
        bytes[size++] = '\\';
        bytes[size++] = 'u';
        bytes[size++] = HEX_LOWER[c >> 12 & 0xf];
        bytes[size++] = HEX_LOWER[c >> 8 & 0xf];
        bytes[size++] = HEX_LOWER[c >> 4 & 0xf];
        bytes[size++] = HEX_LOWER[c & 0xf];
    }

    /** Two upper-case hex digits. */
    void upperHex(byte value) {
        ensure(2);
        bytes[size++] = (byte) Character.toUpperCase(HEX_LOWER[value >> 4 & 0xf]);
        bytes[size++] = (byte) Character.toUpperCase(HEX_LOWER[value & 0xf]);
    }

    /** Lower-case hex of {@code source[from, to)}. */
    void hex(byte[] source, int from, int to) {
        ensure(2 * (to - from));
        for (int i = from; i < to; i++) {
            bytes[size++] = HEX_LOWER[source[i] >> 4 & 0xf];
            bytes[size++] = HEX_LOWER[source[i] & 0xf];
        }
    }

    /** Standard padded Base64 (RFC 4648, the alphabet of {@link java.util.Base64#getEncoder()}) of {@code source[from, to)}. */
    void base64(byte[] source, int from, int to) {
        ensure((to - from + 2) / 3 * 4);
        int i = from;
        for (; i + 2 < to; i += 3) {
            int bits = (source[i] & 0xff) << 16 | (source[i + 1] & 0xff) << 8 | source[i + 2] & 0xff;
            bytes[size++] = BASE64[bits >> 18];
            bytes[size++] = BASE64[bits >> 12 & 0x3f];
            bytes[size++] = BASE64[bits >> 6 & 0x3f];
            bytes[size++] = BASE64[bits & 0x3f];
        }
        if (i < to) {
            int bits = (source[i] & 0xff) << 16 | (i + 1 < to ? (source[i + 1] & 0xff) << 8 : 0);
            bytes[size++] = BASE64[bits >> 18];
            bytes[size++] = BASE64[bits >> 12 & 0x3f];
            bytes[size++] = i + 1 < to ? BASE64[bits >> 6 & 0x3f] : (byte) '=';
            bytes[size++] = '=';
        }
    }
}
