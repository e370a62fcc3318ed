package io.mongonats.connector.readmodel;

import io.mongonats.connector.message.HeaderNames;
import io.mongonats.connector.readmodel.DocumentChange.Delete;
import io.mongonats.connector.readmodel.DocumentChange.Patch;
import io.mongonats.connector.readmodel.DocumentChange.Truncation;
import io.mongonats.connector.readmodel.DocumentChange.Upsert;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.BsonValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a message in either format the connector publishes. The change-event format carries the change event; the
 * full-document format ({@code Cdc-Format: full-document}) carries the document alone, with its key in the
 * {@code Cdc-Document-Key} header (canonical Extended JSON) and an empty payload for a delete. Payloads are Extended
 * JSON (relaxed or canonical) or raw BSON. Pure and stateless.
 */
public final class ChangeDecoder {

    private static final Set<String> WHOLE_DOCUMENT = Set.of("insert", "replace", "snapshot");

    public Decoded decode(InboundMessage message) {
        String deadLetterReason = message.header(HeaderNames.DEAD_LETTER_REASON);
        if (deadLetterReason != null) {
            return new Decoded.Undecodable("the source dead-lettered this change (" + deadLetterReason
                    + "): the target misses it until the document changes again");
        }
        try {
            String key = message.header(HeaderNames.DOCUMENT_KEY);
            return "full-document".equals(message.header(HeaderNames.FORMAT)) && key != null
                    ? fullDocumentFormat(message, key) : changeEventFormat(message);
        } catch (RuntimeException e) {
            return new Decoded.Undecodable("unparsable: " + e.getMessage());
        }
    }

    private static Decoded fullDocumentFormat(InboundMessage message, String keyJson) {
        String operation = message.header(HeaderNames.OPERATION);
        if (operation == null) {
            return new Decoded.Undecodable("no " + HeaderNames.OPERATION + " header");
        }
        BsonValue key = documentKey(keyJson);
        byte[] payload = message.payload();
        boolean empty = payload == null || payload.length == 0;
        if (operation.equals("delete")) {
            return new Decoded.Change(key, new Delete());
        }
        if (WHOLE_DOCUMENT.contains(operation) || operation.equals("update")) {
            if (empty) {
                return operation.equals("update") ? new Decoded.Ignored("update without a document")
                        : new Decoded.Undecodable(operation + " without a document");
            }
            return new Decoded.Change(key, new Upsert(parse(payload)));
        }
        return new Decoded.Ignored(operation);
    }

    private static Decoded changeEventFormat(InboundMessage message) {
        BsonDocument event = parse(message.payload());
        BsonValue operationValue = event.get("operationType");
        String operation = operationValue != null && operationValue.isString() ? operationValue.asString().getValue()
                : message.header(HeaderNames.OPERATION);
        if (operation == null) {
            return new Decoded.Undecodable("no operationType");
        }
        if (!WHOLE_DOCUMENT.contains(operation) && !operation.equals("update") && !operation.equals("delete")) {
            return new Decoded.Ignored(operation); // drop, rename, dropDatabase, invalidate: no document to change
        }
        BsonValue documentKey = event.get("documentKey");
        if (documentKey == null || !documentKey.isDocument() || !documentKey.asDocument().containsKey("_id")) {
            return new Decoded.Undecodable(operation + " event without documentKey._id");
        }
        BsonValue key = documentKey.asDocument().get("_id");
        if (operation.equals("delete")) {
            return new Decoded.Change(key, new Delete());
        }
        BsonValue fullDocument = event.get("fullDocument");
        if (fullDocument != null && fullDocument.isDocument()) {
            return new Decoded.Change(key, new Upsert(fullDocument.asDocument()));
        }
        BsonValue description = event.get("updateDescription");
        if (operation.equals("update") && description != null && description.isDocument()) {
            return new Decoded.Change(key, patch(description.asDocument()));
        }
        if (operation.equals("update")) {
            return new Decoded.Ignored("update without a document or an update description");
        }
        return new Decoded.Undecodable(operation + " event without fullDocument");
    }

    private static Patch patch(BsonDocument description) {
        BsonDocument set = description.getDocument("updatedFields", new BsonDocument());
        List<String> unset = new ArrayList<>();
        for (BsonValue field : description.getArray("removedFields", new BsonArray())) {
            unset.add(field.asString().getValue());
        }
        List<Truncation> truncations = new ArrayList<>();
        for (BsonValue truncated : description.getArray("truncatedArrays", new BsonArray())) {
            BsonDocument entry = truncated.asDocument();
            truncations.add(new Truncation(entry.getString("field").getValue(), entry.getNumber("newSize").intValue()));
        }
        return new Patch(set, List.copyOf(unset), List.copyOf(truncations));
    }

    /** A document with {@code _id} is a documentKey; anything else is the key itself. */
    private static BsonValue documentKey(String json) {
        BsonValue value = BsonDocument.parse("{\"k\": " + json + "}").get("k");
        if (value.isDocument() && value.asDocument().containsKey("_id")) {
            return value.asDocument().get("_id");
        }
        return value;
    }

    private static BsonDocument parse(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new IllegalArgumentException("empty payload");
        }
        return isBson(payload) ? new RawBsonDocument(payload)
                : BsonDocument.parse(new String(payload, StandardCharsets.UTF_8));
    }

    /** A BSON document begins with its own length (little-endian) and ends with a zero byte; JSON ends with '}'. */
    private static boolean isBson(byte[] payload) {
        if (payload.length < 5 || payload[payload.length - 1] != 0) {
            return false;
        }
        int length = (payload[0] & 0xff) | (payload[1] & 0xff) << 8 | (payload[2] & 0xff) << 16 | (payload[3] & 0xff) << 24;
        return length == payload.length;
    }
}
