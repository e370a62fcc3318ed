package io.mongonats.connector.readmodel;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads which change the target documents reflect, to settle writes whose own result does not say. */
final class StoredVersions {

    /** A document's stored version; {@code sequence} is -1 when it has none. */
    record Version(long sequence, boolean deleted) {
    }

    private final MongoCollection<BsonDocument> collection;
    private final String versionField;

    StoredVersions(MongoCollection<BsonDocument> collection, String versionField) {
        this.collection = collection;
        this.versionField = versionField;
    }

    /** The versions of those of {@code keys} that exist, by {@link #identity(BsonValue)}. */
    Map<Object, Version> read(Collection<BsonValue> keys) {
        Map<Object, Version> versions = new HashMap<>();
        for (BsonDocument document : collection.find(Filters.in("_id", List.copyOf(keys)))
                .projection(Projections.include(versionField))) {
            BsonValue version = document.get(versionField);
            long sequence = -1;
            boolean deleted = false;
            if (version != null && version.isDocument()) {
                BsonValue seq = version.asDocument().get("seq");
                sequence = seq != null && seq.isNumber() ? seq.asNumber().longValue() : -1;
                deleted = version.asDocument().getBoolean("deleted", BsonBoolean.FALSE).getValue();
            }
            versions.put(identity(document.get("_id")), new Version(sequence, deleted));
        }
        return versions;
    }

    /** Equal for keys MongoDB treats as equal: numbers compare by value whatever their BSON type. */
    static Object identity(BsonValue key) {
        try {
            if (key.isDecimal128()) {
                return key.asDecimal128().getValue().bigDecimalValue().stripTrailingZeros();
            }
            if (key.isNumber()) {
                return (key.isDouble() ? BigDecimal.valueOf(key.asDouble().getValue())
                        : BigDecimal.valueOf(key.asNumber().longValue())).stripTrailingZeros();
            }
        } catch (ArithmeticException | NumberFormatException notFinite) {
            return key;
        }
        return key;
    }
}
