package io.mongonats.connector.message;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
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
import org.bson.BsonSerializationException;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.json.JsonMode;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The streaming JSON encoder against the bson library's JsonWriter (the path it replaced): the same bytes, always. */
class JsonEncoderTest {

    @ParameterizedTest
    @EnumSource(value = JsonMode.class, names = {"RELAXED", "EXTENDED"})
    void writesEveryBsonTypeAsTheLibraryDoes(JsonMode mode) {
        List<BsonDocument> corpus = new ArrayList<>();
        for (double value : RandomBson.DOUBLES) {
            corpus.add(new BsonDocument("d", new BsonDouble(value)));
        }
        for (Decimal128 value : RandomBson.DECIMALS) {
            corpus.add(new BsonDocument("n", new BsonDecimal128(value)));
        }
        corpus.add(new BsonDocument("n", new BsonDecimal128(Decimal128.NEGATIVE_NaN)));
        corpus.add(new BsonDocument("raw", new BsonDecimal128(Decimal128.fromIEEE754BIDEncoding(0x7fffffffffffffffL, -1L))));
        corpus.add(new BsonDocument("raw", new BsonDecimal128(Decimal128.fromIEEE754BIDEncoding(0x6c10000000000000L, 7L))));
        for (long value : RandomBson.DATES) {
            corpus.add(new BsonDocument("date", new BsonDateTime(value)));
        }
        for (byte subType : RandomBson.SUBTYPES) {
            for (int length : new int[] {0, 1, 2, 3, 16, 17}) {
                corpus.add(new BsonDocument("bin", new BsonBinary(subType, HexFormat.of().parseHex("00ff10807f3eabcdef0102030405060708090a0b0c0d0e0f".substring(0, 2 * length)))));
            }
        }
        corpus.add(new BsonDocument("uuid", new BsonBinary(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))));
        corpus.add(new BsonDocument("legacy", new BsonBinary(BsonBinarySubType.UUID_LEGACY, new byte[16])));
        for (String text : List.of("", "plain", "quote\" back\\slash /", "\b\f\n\r\t\u0000\u0001\u001f\u007f", "\u0080\u009f\u00a0\u00ad",
                "caf\u00e9 e\u0301 \u2028\u2029 \u200b\ufeff \ufffd\uffff\ue000 \u4e2d\u6587 \u0378", "\ud83d\ude00 \udbff\udfff \ud834\udd1e",
                "x", "\u00e9")) {
            corpus.add(new BsonDocument("s", new BsonString(text)).append(text.replace("\u0000", ""), new BsonString(text)));
            corpus.add(new BsonDocument("code", new BsonJavaScript(text)).append("sym", new BsonSymbol(text))
                    .append("ptr", new BsonDbPointer(text, new ObjectId("5f3e8a1b2c4d6e7f80910a1b"))));
        }
        corpus.add(new BsonDocument("b", BsonBoolean.TRUE).append("f", BsonBoolean.FALSE).append("null", BsonNull.VALUE)
                .append("undefined", new BsonUndefined()).append("min", new BsonMinKey()).append("max", new BsonMaxKey())
                .append("oid", new BsonObjectId(new ObjectId("000000000000ffffffffffff"))));
        for (int value : new int[] {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 42}) {
            corpus.add(new BsonDocument("i", new BsonInt32(value)).append("l", new BsonInt64(value)));
        }
        for (long value : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53, -(1L << 32)}) {
            corpus.add(new BsonDocument("l", new BsonInt64(value)).append("ts", new BsonTimestamp(value)));
        }
        corpus.add(new BsonDocument("ts", new BsonTimestamp(-1, -1)).append("ts0", new BsonTimestamp(0, 0)));
        corpus.add(new BsonDocument("re", new BsonRegularExpression("^a\"b\\.c$", "xsmli")).append("none", new BsonRegularExpression("")));
        corpus.add(new BsonDocument("scope", new BsonJavaScriptWithScope("function() { return x; }", new BsonDocument("x", new BsonInt32(1))))
                .append("emptyScope", new BsonJavaScriptWithScope("", new BsonDocument())));
        corpus.add(new BsonDocument());
        corpus.add(new BsonDocument("empty", new BsonDocument()).append("emptyArray", new BsonArray())
                .append("array", new BsonArray(List.of(new BsonInt32(1), new BsonArray(), new BsonDocument("a", BsonNull.VALUE), new BsonString("s"))))
                .append("", new BsonString("empty name")).append("$oid", new BsonString("looks like one")));
        BsonDocument deep = new BsonDocument("leaf", new BsonInt32(0));
        for (int level = 0; level < 90; level++) {
            deep = new BsonDocument("d" + level, level % 2 == 0 ? deep : new BsonArray(List.of(deep, new BsonInt64(level))));
        }
        corpus.add(deep);
        assertSameAsLibrary(mode, corpus);
    }

    @ParameterizedTest
    @EnumSource(value = JsonMode.class, names = {"RELAXED", "EXTENDED"})
    void escapesEveryCharacterAsTheLibraryDoes(JsonMode mode) {
        List<BsonDocument> corpus = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (int c = 1; c <= Character.MAX_CODE_POINT; c += c < 0x10000 ? 1 : 97) {
            if (!Character.isSurrogate((char) c) || c >= 0x10000) {
                chunk.appendCodePoint(c);
            }
            if (chunk.length() >= 2048) {
                corpus.add(new BsonDocument(chunk.toString(), new BsonString("\u0000" + chunk)));
                chunk.setLength(0);
            }
        }
        corpus.add(new BsonDocument(chunk.toString(), new BsonString(chunk.toString())));
        assertSameAsLibrary(mode, corpus);
    }

    @ParameterizedTest
    @EnumSource(value = JsonMode.class, names = {"RELAXED", "EXTENDED"})
    void decodesMalformedUtf8AsTheLibraryDoes(JsonMode mode) {
        String[] malformed = {"80", "ff", "c3", "c328", "c0af", "e0808f", "eda080", "edbfbf", "f8888080", "f4908080",
                "f09f98", "41f09f9841", "e282", "fe", "c3a9c3", "61e9", "e282ac"};
        for (String hex : malformed) {
            byte[] text = HexFormat.of().parseHex(hex);
            RawBsonDocument document = new RawBsonDocument(documentBytes(element(0x02, "s", string(text))));
            RawBsonDocument named = new RawBsonDocument(documentBytes(element(0x0A, new String(text, StandardCharsets.ISO_8859_1), new byte[0])));
            for (RawBsonDocument each : List.of(document, named)) {
                assertEquals(new String(JsonEncoders.library(mode).apply(each), StandardCharsets.UTF_8),
                        new String(JsonEncoders.streaming(mode).apply(each), StandardCharsets.UTF_8), hex);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = JsonMode.class, names = {"RELAXED", "EXTENDED"})
    void writesThousandsOfRandomDocumentsAsTheLibraryDoes(JsonMode mode) {
        RandomBson random = new RandomBson(20261205L + mode.ordinal());
        List<BsonDocument> corpus = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            corpus.add(random.document(0));
        }
        assertSameAsLibrary(mode, corpus);
    }

    @Test
    void canonicalOutputParsesBackToTheSameDocument() {
        RandomBson random = new RandomBson(42);
        Function<RawBsonDocument, byte[]> encoder = JsonEncoders.streaming(JsonMode.EXTENDED);
        for (int i = 0; i < 1000; i++) {
            BsonDocument document = random.document(0);
            String json = new String(encoder.apply(raw(document)), StandardCharsets.UTF_8);
            assertEquals(document, BsonDocument.parse(json), json);
            assertEquals(document, RawBsonDocument.parse(json), json);
        }
    }

    @Test
    void readsADocumentInsideALargerArray() {
        BsonDocument document = new BsonDocument("a", new BsonString("b")).append("n", new BsonInt32(7));
        ByteBuffer nio = raw(document).getByteBuffer().asNIO();
        byte[] bytes = new byte[nio.remaining()];
        nio.get(bytes);
        byte[] padded = new byte[bytes.length + 20];
        System.arraycopy(bytes, 0, padded, 7, bytes.length);
        RawBsonDocument inside = new RawBsonDocument(padded, 7, bytes.length);
        assertEquals("{\"a\": \"b\", \"n\": 7}", new String(JsonEncoders.streaming(JsonMode.RELAXED).apply(inside), StandardCharsets.UTF_8));
    }

    @Test
    void growsForALargeDocumentAndStaysCorrectAfterReleasingTheBuffer() {
        Function<RawBsonDocument, byte[]> encoder = JsonEncoders.streaming(JsonMode.RELAXED);
        Function<RawBsonDocument, byte[]> library = JsonEncoders.library(JsonMode.RELAXED);
        RawBsonDocument large = raw(new BsonDocument("big", new BsonString("\u00e9\"".repeat(700_000))));
        RawBsonDocument small = raw(new BsonDocument("small", new BsonInt32(1)));
        assertEquals(new String(library.apply(large), StandardCharsets.UTF_8), new String(encoder.apply(large), StandardCharsets.UTF_8));
        assertEquals("{\"small\": 1}", new String(encoder.apply(small), StandardCharsets.UTF_8));
    }

    @Test
    void namesTheOffsetOfMalformedBson() {
        assertMalformed("Malformed BSON at offset 4: unknown BSON type 0x14", documentBytes(element(0x14, "x", new byte[0])));
        assertMalformed("Malformed BSON at offset 4: the elements end before the document's size says",
                documentBytes(element(0x00, "", new byte[0])));
        byte[] truncated = documentBytes(element(0x10, "n", int32(5)));
        assertMalformed("Malformed BSON at offset 0: a document size of 12 does not fit the 11 bytes left",
                java.util.Arrays.copyOf(truncated, truncated.length - 1));
        byte[] unterminatedString = documentBytes(element(0x02, "s", string("ab".getBytes(StandardCharsets.US_ASCII))));
        unterminatedString[unterminatedString.length - 2] = 'c';
        assertMalformed("Malformed BSON at offset 13: a string does not end with a 0 byte", unterminatedString);
        assertMalformed("Malformed BSON at offset 7: a string size of 9 does not fit the 3 bytes left",
                documentBytes(element(0x02, "s", concat(int32(9), new byte[] {'a', 'b', 0}))));
        assertMalformed("Malformed BSON at offset 7: a boolean is 2, not 0 or 1", documentBytes(element(0x08, "b", new byte[] {2})));
        assertMalformed("Malformed BSON at offset 7: a value of 8 bytes does not fit the 4 bytes left",
                documentBytes(element(0x12, "l", int32(1))));
        assertMalformed("Malformed BSON at offset 8: the document ends here, before the end of the 10 bytes given",
                concat(documentBytes(element(0x0A, "z", new byte[0])), new byte[] {0, 0}));
        byte[] unterminatedDocument = documentBytes(element(0x0A, "z", new byte[0]));
        unterminatedDocument[unterminatedDocument.length - 1] = 1;
        assertMalformed("Malformed BSON at offset 7: a document does not end with a 0 byte", unterminatedDocument);
    }

    private static void assertMalformed(String message, byte[] bytes) {
        for (JsonMode mode : List.of(JsonMode.RELAXED, JsonMode.EXTENDED)) {
            BsonSerializationException e = assertThrows(BsonSerializationException.class,
                    () -> JsonEncoders.streaming(mode).apply(new RawBsonDocument(bytes)));
            assertEquals(message, e.getMessage());
        }
    }

    private static void assertSameAsLibrary(JsonMode mode, List<BsonDocument> corpus) {
        Function<RawBsonDocument, byte[]> library = JsonEncoders.library(mode);
        Function<RawBsonDocument, byte[]> streaming = JsonEncoders.streaming(mode);
        for (BsonDocument document : corpus) {
            RawBsonDocument raw = raw(document);
            byte[] expected = library.apply(raw);
            byte[] actual = streaming.apply(raw);
            if (!java.util.Arrays.equals(expected, actual)) {
                assertEquals(new String(expected, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8));
                assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual));
            }
        }
    }

    private static RawBsonDocument raw(BsonDocument document) {
        return new RawBsonDocument(document, new BsonDocumentCodec());
    }

    private static byte[] documentBytes(byte[] elements) {
        return concat(int32(elements.length + 5), elements, new byte[] {0});
    }

    private static byte[] element(int type, String name, byte[] value) {
        return concat(new byte[] {(byte) type}, name.getBytes(StandardCharsets.ISO_8859_1), new byte[] {0}, value);
    }

    private static byte[] string(byte[] utf8) {
        return concat(int32(utf8.length + 1), utf8, new byte[] {0});
    }

    private static byte[] int32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
