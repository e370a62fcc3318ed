package io.mongonats.connector.message;

import java.nio.charset.StandardCharsets;

/**
 * Writes JSON string literals escaped as the bson library's {@code StrictCharacterStreamJsonWriter} escapes them:
 * {@code " \ \b \f \n \r \t} by their short forms, and every UTF-16 unit outside the letter, number, space separator,
 * punctuation and symbol categories (controls, format characters, marks, U+2028, surrogates, so every non-BMP
 * character) as a lower-case {@code \}{@code uXXXX}. Everything else is copied as UTF-8. Pure.
 */
final class JsonStrings {

    private static final int VERBATIM_CATEGORIES = 1 << Character.UPPERCASE_LETTER | 1 << Character.LOWERCASE_LETTER
            | 1 << Character.TITLECASE_LETTER | 1 << Character.OTHER_LETTER | 1 << Character.DECIMAL_DIGIT_NUMBER
            | 1 << Character.LETTER_NUMBER | 1 << Character.OTHER_NUMBER | 1 << Character.SPACE_SEPARATOR
            | 1 << Character.CONNECTOR_PUNCTUATION | 1 << Character.DASH_PUNCTUATION | 1 << Character.START_PUNCTUATION
            | 1 << Character.END_PUNCTUATION | 1 << Character.INITIAL_QUOTE_PUNCTUATION
            | 1 << Character.FINAL_QUOTE_PUNCTUATION | 1 << Character.OTHER_PUNCTUATION | 1 << Character.MATH_SYMBOL
            | 1 << Character.CURRENCY_SYMBOL | 1 << Character.MODIFIER_SYMBOL | 1 << Character.OTHER_SYMBOL;

    /** Per ASCII character: 0 to copy it, 'u' for a unicode escape, otherwise the letter after the backslash. */
    private static final byte[] ASCII_ESCAPES = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_ESCAPES[c] = verbatim(c) ? 0 : (byte) 'u';
        }
        ASCII_ESCAPES['"'] = '"';
        ASCII_ESCAPES['\\'] = '\\';
        ASCII_ESCAPES['\b'] = 'b';
        ASCII_ESCAPES['\f'] = 'f';
        ASCII_ESCAPES['\n'] = 'n';
        ASCII_ESCAPES['\r'] = 'r';
        ASCII_ESCAPES['\t'] = 't';
    }

    private JsonStrings() {
    }

    /**
     * The quoted literal of the UTF-8 text {@code source[from, to)}. Text that is not well-formed UTF-8 is decoded as
     * the bson library decodes it (each malformed sequence becomes U+FFFD), so the output still matches.
     */
    static void quoteUtf8(JsonBuffer out, byte[] source, int from, int to) {
        int mark = out.size();
        out.append((byte) '"');
        int i = from;
        while (i < to) {
            byte b = source[i];
            if (b >= 0) {
                int run = i;
                while (run < to && source[run] >= 0 && ASCII_ESCAPES[source[run]] == 0) {
                    run++;
                }
                if (run > i) {
                    out.append(source, i, run);
                    i = run;
                } else {
                    escapeAscii(out, b);
                    i++;
                }
                continue;
            }
            int codePoint = decode(source, i, to);
            if (codePoint < 0) {
                out.truncate(mark);
                quote(out, new String(source, from, to - from, StandardCharsets.UTF_8));
                return;
            }
            int length = codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (length == 4) {
                out.unicodeEscape(Character.highSurrogate(codePoint));
                out.unicodeEscape(Character.lowSurrogate(codePoint));
            } else if (verbatim((char) codePoint)) {
                out.append(source, i, i + length);
            } else {
                out.unicodeEscape((char) codePoint);
            }
            i += length;
        }
        out.append((byte) '"');
    }

    /** The quoted literal of the UTF-8 text's characters in sorted order, as BsonRegularExpression sorts its options. */
    static void quoteSorted(JsonBuffer out, byte[] source, int from, int to) {
        char[] characters = new String(source, from, to - from, StandardCharsets.UTF_8).toCharArray();
        java.util.Arrays.sort(characters);
        quote(out, new String(characters));
    }

    /** The quoted literal of {@code text}, UTF-16 unit by unit as the library writes it. */
    static void quote(JsonBuffer out, CharSequence text) {
        out.append((byte) '"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 128) {
                if (ASCII_ESCAPES[c] == 0) {
                    out.append((byte) c);
                } else {
                    escapeAscii(out, (byte) c);
                }
            } else if (!verbatim(c)) {
                out.unicodeEscape(c);
            } else if (c < 0x800) {
                out.append((byte) (0xc0 | c >> 6));
                out.append((byte) (0x80 | c & 0x3f));
            } else {
                out.append((byte) (0xe0 | c >> 12));
                out.append((byte) (0x80 | c >> 6 & 0x3f));
                out.append((byte) (0x80 | c & 0x3f));
            }
        }
        out.append((byte) '"');
    }

    private static boolean verbatim(char c) {
        return (VERBATIM_CATEGORIES >> Character.getType(c) & 1) != 0;
    }

    private static void escapeAscii(JsonBuffer out, byte c) {
        byte escape = ASCII_ESCAPES[c];
        if (escape == 'u') {
            out.unicodeEscape((char) c);
        } else {
            out.append((byte) '\\');
            out.append(escape);
        }
    }

    /** The code point of the well-formed multi-byte UTF-8 sequence at {@code i}, or -1 if it is malformed. */
    private static int decode(byte[] s, int i, int to) {
        int lead = s[i] & 0xff;
        if (lead >= 0xc2 && lead <= 0xdf && i + 1 < to && continuation(s[i + 1])) {
            return (lead & 0x1f) << 6 | s[i + 1] & 0x3f;
        }
        if (lead >= 0xe0 && lead <= 0xef && i + 2 < to && continuation(s[i + 1]) && continuation(s[i + 2])) {
            int codePoint = (lead & 0x0f) << 12 | (s[i + 1] & 0x3f) << 6 | s[i + 2] & 0x3f;
            return codePoint >= 0x800 && !Character.isSurrogate((char) codePoint) ? codePoint : -1;
        }
        if (lead >= 0xf0 && lead <= 0xf4 && i + 3 < to && continuation(s[i + 1]) && continuation(s[i + 2])
                && continuation(s[i + 3])) {
            int codePoint = (lead & 0x07) << 18 | (s[i + 1] & 0x3f) << 12 | (s[i + 2] & 0x3f) << 6 | s[i + 3] & 0x3f;
            return codePoint >= 0x10000 && codePoint <= Character.MAX_CODE_POINT ? codePoint : -1;
        }
        return -1;
    }

    private static boolean continuation(byte b) {
        return (b & 0xc0) == 0x80;
    }
}
