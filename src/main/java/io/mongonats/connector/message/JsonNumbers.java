package io.mongonats.connector.message;

import org.bson.types.Decimal128;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes doubles, integers and dates as the bson library's relaxed or canonical Extended JSON converters do, using
 * the JDK's own formatting ({@link Double#toString}, {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}). Not thread-safe.
 */
final class JsonNumbers {

    private static final long LAST_MILLISECOND_OF_9999 = 253402300799999L;

    private final boolean canonical;
    private final JsonBuffer out;
    private final StringBuilder scratch = new StringBuilder(32);

    JsonNumbers(boolean canonical, JsonBuffer out) {
        this.canonical = canonical;
        this.out = out;
    }

    void dbl(double value) {
        boolean finite = Double.isFinite(value);
        if (canonical || !finite) {
            out.ascii("{\"$numberDouble\": \"");
        }
        String text = Double.toString(value);
        int exponent = text.indexOf('E');
        if (exponent >= 0 && text.charAt(exponent + 1) != '-') { // the library writes 1.0E+21, not 1.0E21
            out.ascii(text.substring(0, exponent + 1));
            out.append((byte) '+');
            out.ascii(text.substring(exponent + 1));
        } else {
            out.ascii(text);
        }
        if (canonical || !finite) {
            out.ascii("\"}");
        }
    }

    void number(String canonicalPrefix, long value) {
        if (canonical) {
            out.ascii(canonicalPrefix);
            out.decimal(value);
            out.ascii("\"}");
        } else {
            out.decimal(value);
        }
    }

    void date(long millis) {
        if (canonical || millis < 0 || millis > LAST_MILLISECOND_OF_9999) {
            out.ascii("{\"$date\": {\"$numberLong\": \"");
            out.decimal(millis);
            out.ascii("\"}}");
            return;
        }
        scratch.setLength(0);
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.formatTo(ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC),
                scratch);
        out.ascii("{\"$date\": \"");
        out.ascii(scratch);
        out.ascii("\"}");
    }

    /** A BSON timestamp: seconds in the high 32 bits, increment in the low 32, both unsigned. */
    void timestamp(long value) {
        out.ascii("{\"$timestamp\": {\"t\": ");
        out.decimal(value >>> 32);
        out.ascii(", \"i\": ");
        out.decimal(value & 0xffffffffL);
        out.ascii("}}");
    }

    void decimal128(Decimal128 value) {
        out.ascii("{\"$numberDecimal\": \"");
        out.ascii(value.toString());
        out.ascii("\"}");
    }
}
