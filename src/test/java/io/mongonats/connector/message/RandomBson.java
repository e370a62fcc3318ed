package io.mongonats.connector.message;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;

/**
 * A seeded generator of nested BSON documents holding every BSON type, with the edge cases of each (special doubles
 * and decimals, dates around 1970 and 9999, every binary subtype, strings with escapes, controls, marks, U+2028 and
 * non-BMP characters). Every value survives a canonical Extended JSON round trip, so tests can compare documents.
 */
final class RandomBson {

    static final double[] DOUBLES = {0.0, -0.0, 1.0, -1.0, 1.5, 0.1, 100.0, 1e7, 1e-7, 1e21, 1e-21, 1.0E22, 123456789012.0,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE,
            -Double.MIN_NORMAL, 9007199254740993.0, 1e300, -1e-300};
    /** Not NEGATIVE_NaN: the library writes it as "NaN" too, so it does not survive a round trip. */
    static final Decimal128[] DECIMALS = {Decimal128.NaN, Decimal128.POSITIVE_INFINITY,
            Decimal128.NEGATIVE_INFINITY, Decimal128.POSITIVE_ZERO, Decimal128.NEGATIVE_ZERO, Decimal128.parse("-0E+3"),
            Decimal128.parse("0E-6176"), Decimal128.parse("1.000"), Decimal128.parse("-1E-10"), Decimal128.parse("1E+6144"),
            Decimal128.parse("9.999999999999999999999999999999999E+6144"), Decimal128.parse("12345678901234567890.5")};
    static final long[] DATES = {0, 1, 10, 100, 1000, -1, -62135596800000L, 253402300799999L, 253402300800000L,
            Long.MIN_VALUE, Long.MAX_VALUE, 1793700000123L, 1793700000000L, 1793700000500L};
    static final byte[] SUBTYPES = {0, 1, 2, 3, 4, 5, 6, 7, 8, (byte) 0x80, (byte) 0xff};
    /** Characters that exercise the escaping rules: short escapes, controls, categories written as \\u, non-BMP. */
    static final int[] TRICKY = {'"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0, 1, 0x1f, 0x7f, 0x80, 0x9f, 0xa0, 0xad,
            0xe9, 0x301, 0x2028, 0x2029, 0x200b, 0xfeff, 0xfffd, 0xffff, 0xe000, 0x4e2d, 0x1f600, 0x10000, 0x10ffff,
            0x1d11e, 0x0378, '<', '>', '&', '\'', '$', '.'};

    private final Random random;

    RandomBson(long seed) {
        this.random = new Random(seed);
    }

    BsonDocument document(int depth) {
        BsonDocument document = new BsonDocument();
        int fields = random.nextInt(depth == 0 ? 12 : 6);
        for (int i = 0; i < fields; i++) {
            document.put(name(), value(depth + 1));
        }
        return document;
    }

    BsonValue value(int depth) {
        int kind = random.nextInt(depth > 4 ? 19 : 21);
        return switch (kind) {
            case 0 -> new BsonDouble(randomDouble());
            case 1, 2 -> new BsonString(text(false));
            case 3 -> binary();
            case 4 -> new BsonUndefined();
            case 5 -> new BsonObjectId(objectId());
            case 6 -> BsonBoolean.valueOf(random.nextBoolean());
            case 7 -> new BsonDateTime(random.nextInt(3) == 0 ? DATES[random.nextInt(DATES.length)]
                    : random.nextBoolean() ? random.nextLong() : random.nextLong(253402300800000L));
            case 8 -> BsonNull.VALUE;
            case 9 -> new BsonRegularExpression(text(true), options());
            case 10 -> new BsonDbPointer(text(false), objectId());
            case 11 -> new BsonJavaScript(text(false));
            case 12 -> new BsonSymbol(text(false));
            case 13 -> new BsonInt32(random.nextInt(4) == 0 ? pick(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1) : random.nextInt());
            case 14 -> new BsonTimestamp(random.nextLong());
            case 15 -> new BsonInt64(random.nextInt(4) == 0 ? pick(Long.MIN_VALUE, Long.MAX_VALUE, 0, -1) : random.nextLong());
            case 16 -> new BsonDecimal128(decimal());
            case 17 -> new BsonMinKey();
            case 18 -> new BsonMaxKey();
            case 19 -> document(depth);
            default -> array(depth);
        };
    }

    private BsonValue array(int depth) {
        BsonArray array = new BsonArray();
        int length = random.nextInt(6);
        for (int i = 0; i < length; i++) {
            array.add(random.nextInt(8) == 0 ? new BsonJavaScriptWithScope(text(false), document(depth + 2)) : value(depth + 1));
        }
        return array;
    }

    String name() {
        return random.nextInt(4) == 0 ? text(true) : "f" + random.nextInt(1000);
    }

    /** Text from a mix of ASCII, tricky characters and random code points; {@code cString} leaves out U+0000. */
    String text(boolean cString) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            int codePoint = switch (random.nextInt(4)) {
                case 0, 1 -> 0x20 + random.nextInt(0x5f);
                case 2 -> TRICKY[random.nextInt(TRICKY.length)];
                default -> random.nextBoolean() ? random.nextInt(0x10000) : 0x10000 + random.nextInt(0x100000);
            };
            if (Character.isSurrogate((char) codePoint) && codePoint < 0x10000 || cString && codePoint == 0) {
                codePoint = 'x';
            }
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    private double randomDouble() {
        return switch (random.nextInt(3)) {
            case 0 -> DOUBLES[random.nextInt(DOUBLES.length)];
            case 1 -> Double.longBitsToDouble(random.nextLong());
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
        };
    }

    private Decimal128 decimal() {
        if (random.nextBoolean()) {
            return DECIMALS[random.nextInt(DECIMALS.length)];
        }
        BigInteger unscaled = new BigInteger(random.nextInt(110) + 1, random);
        return new Decimal128(new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), random.nextInt(12000) - 6000));
    }

    private BsonBinary binary() {
        byte subType = SUBTYPES[random.nextInt(SUBTYPES.length)];
        byte[] data = new byte[subType == 3 || subType == 4 ? 16 : random.nextInt(40)];
        random.nextBytes(data);
        return new BsonBinary(subType, data);
    }

    private ObjectId objectId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return new ObjectId(bytes);
    }

    private String options() {
        StringBuilder options = new StringBuilder();
        for (char option : "mzixlsu".toCharArray()) {
            if (random.nextBoolean()) {
                options.insert(random.nextInt(options.length() + 1), option);
            }
        }
        return options.toString();
    }

    private int pick(int... values) {
        return values[random.nextInt(values.length)];
    }

    private long pick(long... values) {
        return values[random.nextInt(values.length)];
    }
}
