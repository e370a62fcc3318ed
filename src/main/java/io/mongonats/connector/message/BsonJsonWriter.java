package io.mongonats.connector.message;

import org.bson.BsonSerializationException;
import org.bson.json.JsonMode;
import org.bson.types.Decimal128;

/**
 * Transcodes the raw bytes of a BSON document into relaxed or canonical Extended JSON, written straight into a
 * {@link JsonBuffer}: no reader, no value objects, no intermediate String. The output is byte for byte what the bson
 * library's {@code JsonWriter} writes with default settings in the same mode. Malformed BSON fails with a
 * {@link BsonSerializationException} naming the offset. Not thread-safe.
 */
final class BsonJsonWriter {

    private final boolean canonical;
    private final JsonBuffer out;
    private final JsonNumbers numbers;
    private byte[] in;
    private int base;

    BsonJsonWriter(JsonMode mode, JsonBuffer out) {
        if (mode != JsonMode.RELAXED && mode != JsonMode.EXTENDED) {
            throw new IllegalArgumentException("JSON mode must be RELAXED or EXTENDED, not " + mode);
        }
        this.canonical = mode == JsonMode.EXTENDED;
        this.out = out;
        this.numbers = new JsonNumbers(canonical, out);
    }

    /** Appends the JSON of the BSON document {@code source[offset, offset + length)} to the buffer. */
    void write(byte[] source, int offset, int length) {
        in = source;
        base = offset;
        try {
            int end = document(offset, offset + length, false);
            if (end != offset + length) {
                throw malformed(end, "the document ends here, before the end of the " + length + " bytes given");
            }
        } finally {
            in = null;
        }
    }

    /** Writes the document or array at {@code start}, which must end by {@code limit}; returns the offset after it. */
    private int document(int start, int limit, boolean array) {
        int size = int32(start, limit);
        if (size < 5 || size > limit - start) {
            throw malformed(start, "a document size of " + size + " does not fit the " + (limit - start) + " bytes left");
        }
        int last = start + size - 1;
        if (in[last] != 0) {
            throw malformed(last, "a document does not end with a 0 byte");
        }
        out.append((byte) (array ? '[' : '{'));
        int at = start + 4;
        while (at < last) {
            if (at > start + 4) {
                out.ascii(", ");
            }
            int nameEnd = cStringEnd(at + 1, last);
            if (!array) {
                JsonStrings.quoteUtf8(out, in, at + 1, nameEnd);
                out.ascii(": ");
            }
            at = value(in[at], at, nameEnd + 1, last);
        }
        out.append((byte) (array ? ']' : '}'));
        return last + 1;
    }

    /** Writes the value of type {@code type} at {@code at}, which must end by {@code limit}; returns the offset after it. */
    private int value(byte type, int typeAt, int at, int limit) {
        switch (type) {
            case 0x01 -> {
                numbers.dbl(Double.longBitsToDouble(int64(at, limit)));
                return at + 8;
            }
            case 0x02 -> {
                return string(at, limit);
            }
            case 0x03, 0x04 -> {
                return document(at, limit, type == 0x04);
            }
            case 0x05 -> {
                return binary(at, limit);
            }
            case 0x06 -> out.ascii("{\"$undefined\": true}");
            case 0x07 -> {
                return objectId(at, limit);
            }
            case 0x08 -> {
                byte value = bytes(at, 1, limit)[at];
                if (value != 0 && value != 1) {
                    throw malformed(at, "a boolean is " + value + ", not 0 or 1");
                }
                out.ascii(value == 1 ? "true" : "false");
                return at + 1;
            }
            case 0x09 -> {
                numbers.date(int64(at, limit));
                return at + 8;
            }
            case 0x0A -> out.ascii("null");
            case 0x0B -> {
                return regularExpression(at, limit);
            }
            case 0x0C -> {
                out.ascii(canonical ? "{\"$dbPointer\": {\"$ref\": " : "{\"$ref\": ");
                int next = string(at, limit);
                out.ascii(", \"$id\": ");
                next = objectId(next, limit);
                out.ascii(canonical ? "}}" : "}");
                return next;
            }
            case 0x0D, 0x0E -> {
                out.ascii(type == 0x0D ? "{\"$code\": " : "{\"$symbol\": ");
                return closeObject(string(at, limit));
            }
            case 0x0F -> {
                return codeWithScope(at, limit);
            }
            case 0x10 -> {
                numbers.number("{\"$numberInt\": \"", int32(at, limit));
                return at + 4;
            }
            case 0x11 -> {
                numbers.timestamp(int64(at, limit));
                return at + 8;
            }
            case 0x12 -> {
                numbers.number("{\"$numberLong\": \"", int64(at, limit));
                return at + 8;
            }
            case 0x13 -> {
                numbers.decimal128(Decimal128.fromIEEE754BIDEncoding(int64(at + 8, limit), int64(at, limit)));
                return at + 16;
            }
            case (byte) 0xFF -> out.ascii("{\"$minKey\": 1}");
            case 0x7F -> out.ascii("{\"$maxKey\": 1}");
            case 0x00 -> throw malformed(typeAt, "the elements end before the document's size says");
            default -> throw malformed(typeAt, String.format("unknown BSON type 0x%02x", type & 0xff));
        }
        return at;
    }

    private int string(int at, int limit) {
        int size = int32(at, limit);
        if (size <= 0 || size > limit - at - 4) {
            throw malformed(at, "a string size of " + size + " does not fit the " + (limit - at - 4) + " bytes left");
        }
        int end = at + 4 + size - 1;
        if (in[end] != 0) {
            throw malformed(end, "a string does not end with a 0 byte");
        }
        JsonStrings.quoteUtf8(out, in, at + 4, end);
        return end + 1;
    }

    private int binary(int at, int limit) {
        int size = int32(at, limit);
        int data = at + 5;
        byte subType = bytes(at + 4, 1, limit)[at + 4];
        if (size < 0 || size > limit - data) {
            throw malformed(at, "a binary size of " + size + " does not fit the " + (limit - data) + " bytes left");
        }
        int end = data + size;
        if (subType == 0x02) { // the old binary subtype repeats the size inside its data
            if (size < 4 || int32(data, limit) != size - 4) {
                throw malformed(at, "binary subtype 2 has inconsistent sizes");
            }
            data += 4;
        }
        out.ascii("{\"$binary\": {\"base64\": \"");
        out.base64(in, data, end);
        out.ascii("\", \"subType\": \"");
        out.upperHex(subType);
        out.ascii("\"}}");
        return end;
    }

    private int objectId(int at, int limit) {
        out.ascii("{\"$oid\": \"");
        out.hex(bytes(at, 12, limit), at, at + 12);
        out.ascii("\"}");
        return at + 12;
    }

    private int regularExpression(int at, int limit) {
        int patternEnd = cStringEnd(at, limit);
        int optionsEnd = cStringEnd(patternEnd + 1, limit);
        out.ascii("{\"$regularExpression\": {\"pattern\": ");
        JsonStrings.quoteUtf8(out, in, at, patternEnd);
        out.ascii(", \"options\": ");
        JsonStrings.quoteSorted(out, in, patternEnd + 1, optionsEnd);
        out.ascii("}}");
        return optionsEnd + 1;
    }

    private int codeWithScope(int at, int limit) {
        int size = int32(at, limit);
        if (size < 14 || size > limit - at) {
            throw malformed(at, "a code with scope size of " + size + " does not fit the " + (limit - at) + " bytes left");
        }
        out.ascii("{\"$code\": ");
        int scope = string(at + 4, at + size);
        out.ascii(", \"$scope\": ");
        int end = document(scope, at + size, false);
        if (end != at + size) {
            throw malformed(at, "a code with scope size of " + size + " does not match its content of " + (end - at));
        }
        return closeObject(end);
    }

    private int closeObject(int next) {
        out.append((byte) '}');
        return next;
    }

    /** The offset of the 0 byte that ends the C string at {@code at}. */
    private int cStringEnd(int at, int limit) {
        for (int i = at; i < limit; i++) {
            if (in[i] == 0) {
                return i;
            }
        }
        throw malformed(at, "a name or C string has no 0 byte before the end of its document");
    }

    private byte[] bytes(int at, int count, int limit) {
        if (at + count > limit) {
            throw malformed(at, "a value of " + count + " bytes does not fit the " + (limit - at) + " bytes left");
        }
        return in;
    }

    private int int32(int at, int limit) {
        bytes(at, 4, limit);
        return in[at] & 0xff | (in[at + 1] & 0xff) << 8 | (in[at + 2] & 0xff) << 16 | in[at + 3] << 24;
    }

    private long int64(int at, int limit) {
        bytes(at, 8, limit);
        return int32(at, limit) & 0xffffffffL | (long) int32(at + 4, limit) << 32;
    }

    private BsonSerializationException malformed(int at, String problem) {
        return new BsonSerializationException("Malformed BSON at offset " + (at - base) + ": " + problem);
    }
}
