package io.mongonats.connector.readmodel;

import com.mongodb.client.MongoCollection;
import org.bson.Document;

import java.util.Map;
import java.util.TreeMap;

/** What a read model holds, as readers see it: tombstones left out, the version field stripped. */
final class Targets {

    private Targets() {
    }

    static Map<Object, Document> live(MongoCollection<Document> target, String versionField) {
        Map<Object, Document> documents = new TreeMap<>();
        for (Document document : target.find(new Document(versionField + ".deleted", new Document("$ne", true)))) {
            document.remove(versionField);
            documents.put(document.get("_id"), document);
        }
        return documents;
    }

    static Map<Object, Document> all(MongoCollection<Document> source) {
        Map<Object, Document> documents = new TreeMap<>();
        for (Document document : source.find()) {
            documents.put(document.get("_id"), document);
        }
        return documents;
    }

    /** A short account of how two collections differ, for a failure message. */
    static String difference(Map<Object, Document> expected, Map<Object, Document> actual) {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (Map.Entry<Object, Document> entry : expected.entrySet()) {
            Document other = actual.get(entry.getKey());
            if (!entry.getValue().equals(other) && shown++ < 5) {
                text.append("\n  _id ").append(entry.getKey()).append(": source ").append(entry.getValue().toJson())
                        .append(", target ").append(other == null ? "missing" : other.toJson());
            }
        }
        for (Object key : actual.keySet()) {
            if (!expected.containsKey(key) && shown++ < 10) {
                text.append("\n  _id ").append(key).append(": deleted in the source, target ").append(actual.get(key).toJson());
            }
        }
        return expected.size() + " source documents, " + actual.size() + " live target documents" + text;
    }
}
