package io.mongonats.connector.config;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The names a discovered collection gets, derived from its database and collection names by a reversible,
 * collision-free escaping. Pure.
 *
 * <p>A name becomes a <em>token</em>: the letters {@code A-Z a-z}, the digits, {@code -} and {@code _} stay as they
 * are; every other byte of the name's UTF-8 encoding, {@code =} included, becomes {@code =XX} (two upper-case hex
 * digits, as in quoted-printable). A token is valid in a subject, a stream name and a KV key, and contains no
 * {@code .}, so the subject prefix {@code <database token>.<collection token>} splits at its only dot. In the stream
 * name {@code <database token>_<collection token>} the first {@code _} separates the two, so {@code _} in the
 * database's token is escaped too ({@code =5F}). Names of letters, digits, {@code -} and {@code _} (with no {@code _}
 * in the database) keep the defaults of a listed collection: {@code shop.orders} streams to {@code shop_orders}.
 */
public final class NameEscaping {

    private static final char ESCAPE = '=';
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private NameEscaping() {
    }

    /** A discovered collection's stream, e.g. {@code shop}, {@code orders.archive 2024} gives {@code shop_orders=2Earchive=202024}. */
    public static String streamName(String database, String collection) {
        return escape(database, true) + "_" + escape(collection, false);
    }

    /** A discovered collection's subject prefix, e.g. {@code shop.orders=2Earchive=202024}. */
    public static String subjectPrefix(String database, String collection) {
        return escape(database, false) + "." + escape(collection, false);
    }

    /** The token of a name: valid as a subject token, in a stream name and in a KV key. */
    public static String token(String name) {
        return escape(name, false);
    }

    /** The name a token stands for; the inverse of {@link #token}. */
    public static String name(String token) {
        String name = decode(token);
        if (!token(name).equals(token)) {
            throw notEscaped(token);
        }
        return name;
    }

    /** The database and collection a discovered collection's stream name stands for; the inverse of {@link #streamName}. */
    public static Namespace namesOfStream(String stream) {
        int separator = stream.indexOf('_');
        if (separator < 0) {
            throw notEscaped(stream);
        }
        Namespace names = new Namespace(decode(stream.substring(0, separator)), decode(stream.substring(separator + 1)));
        if (!streamName(names.database(), names.collection()).equals(stream)) {
            throw notEscaped(stream);
        }
        return names;
    }

    /**
     * A name as a NATS header value: header values must be printable ASCII and lose spaces at either end, so
     * {@code %}, every byte of the UTF-8 encoding outside {@code 0x20-0x7E}, and a space at the start or the end
     * become {@code %XX} (percent-encoding). Other names, {@code orders.archive 2024} among them, stay as they are.
     */
    public static String headerValue(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder value = new StringBuilder(utf8.length + 8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xFF;
            boolean edgeSpace = b == ' ' && (i == 0 || i == utf8.length - 1);
            if (b < 0x20 || b > 0x7E || b == '%' || edgeSpace) {
                value.append('%').append(HEX.toHexDigits((byte) b));
            } else {
                value.append((char) b);
            }
        }
        return value.toString();
    }

    /** The name a header value stands for; the inverse of {@link #headerValue}. */
    public static String nameOfHeaderValue(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()) {
                bytes.write(hexByte(value, i + 1));
                i += 2;
            } else if (c != '%' && c < 0x80) {
                bytes.write(c);
            } else {
                throw new IllegalArgumentException("'" + value + "' is not a percent-encoded name");
            }
        }
        return utf8(bytes.toByteArray(), value);
    }

    /** A database and a collection name. */
    public record Namespace(String database, String collection) {
    }

    /** The bytes that {@code =XX} escapes and kept characters stand for, as UTF-8; not checked to be canonical. */
    private static String decode(String token) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == ESCAPE && i + 2 < token.length()) {
                bytes.write(hexByte(token, i + 1));
                i += 2;
            } else if (kept(c, false)) {
                bytes.write(c);
            } else {
                throw notEscaped(token);
            }
        }
        return utf8(bytes.toByteArray(), token);
    }

    private static String utf8(byte[] bytes, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("'" + source + "' does not stand for a UTF-8 name");
        }
    }

    private static String escape(String name, boolean underscoreToo) {
        StringBuilder token = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (kept(c, underscoreToo)) {
                token.append(c);
            } else {
                token.append(ESCAPE).append(HEX.toHexDigits(b));
            }
        }
        return token.toString();
    }

    private static boolean kept(char c, boolean underscoreEscaped) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                || (c == '_' && !underscoreEscaped);
    }

    /** Two upper-case hex digits at {@code at}. */
    private static int hexByte(String text, int at) {
        int high = upperHexDigit(text.charAt(at));
        int low = upperHexDigit(text.charAt(at + 1));
        if (high < 0 || low < 0) {
            throw new IllegalArgumentException("'" + text + "' has an escape that is not two upper-case hex digits at " + at);
        }
        return high << 4 | low;
    }

    private static int upperHexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static IllegalArgumentException notEscaped(String token) {
        return new IllegalArgumentException("'" + token + "' is not an escaped name: expected letters, digits, -, _ "
                + "and =XX (two upper-case hex digits of a UTF-8 byte)");
    }
}
