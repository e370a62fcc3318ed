package io.mongonats.connector.message;

import org.bson.BsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.nio.charset.StandardCharsets;

/**
 * Header values NATS accepts: printable ASCII. JSON keeps its meaning with every other character written as a
 * {@code \}{@code uXXXX} escape; CloudEvents attributes are percent-encoded as its HTTP binding prescribes. Pure.
 */
final class HeaderValues {

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderValues() {
    }

    /** True when every character is printable ASCII (space included). */
    static boolean printable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** True when every byte is printable ASCII (space included). */
    static boolean printable(byte[] value) {
        for (byte b : value) {
            if (b < 0x20 || b > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** The document as canonical Extended JSON, every character outside printable ASCII escaped. */
    static String canonicalJson(BsonDocument document) {
        String json = document.toJson(CANONICAL);
        if (printable(json)) {
            return json;
        }
        StringBuilder ascii = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                ascii.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                        .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
            } else {
                ascii.append(c);
            }
        }
        return ascii.toString();
    }

    /** Percent-encodes the UTF-8 bytes of space, {@code "}, {@code %} and everything outside printable ASCII. */
    static String percentEncoded(String value) {
        if (printable(value) && value.indexOf(' ') < 0 && value.indexOf('"') < 0 && value.indexOf('%') < 0) {
            return value;
        }
        StringBuilder encoded = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F && c != '"' && c != '%') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }
}
