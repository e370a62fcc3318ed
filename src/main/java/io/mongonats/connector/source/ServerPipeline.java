package io.mongonats.connector.source;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.MessageFormat;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What MongoDB does to a collection's changes and snapshot documents before they leave the server: the
 * configured {@code $match} stages, an outbox's filter (inserts and collection events only), and the removal of
 * {@code fields.exclude}. A path {@code fullDocument.<p>} is removed from the document, from its pre-image, and
 * from an update's changed fields, including changed fields named by a dotted path inside it (such as
 * {@code card.number} for {@code fullDocument.card}). The resume token ({@code _id}) is never touched. Pure.
 */
public final class ServerPipeline {

    private static final String DOCUMENT = "fullDocument.";
    private static final String UPDATED = "updateDescription.updatedFields";

    private ServerPipeline() {
    }

    public static List<BsonDocument> changeStreamStages(CollectionSpec spec) {
        List<BsonDocument> stages = new ArrayList<>();
        spec.pipeline().forEach(stage -> stages.add(BsonDocument.parse(stage)));
        if (spec.format().kind() == MessageFormat.Kind.OUTBOX) {
            stages.add(new BsonDocument("$match", new BsonDocument("operationType",
                    new BsonDocument("$nin", new BsonArray(List.of(new BsonString("update"), new BsonString("replace"),
                            new BsonString("delete")))))));
        }
        List<String> excluded = spec.format().excludedFields();
        if (excluded.isEmpty()) {
            return stages;
        }
        Set<String> paths = new LinkedHashSet<>();
        List<String> documentPaths = new ArrayList<>();
        for (String path : excluded) {
            paths.add(path);
            if (path.startsWith(DOCUMENT)) {
                String inside = path.substring(DOCUMENT.length());
                documentPaths.add(inside);
                paths.add("fullDocumentBeforeChange." + inside);
                paths.add(UPDATED + "." + inside);
            }
        }
        stages.add(new BsonDocument("$project", exclusion(paths)));
        if (!documentPaths.isEmpty()) {
            stages.add(withoutDottedUpdates(documentPaths));
        }
        return stages;
    }

    /** The find projection of snapshot reads: the {@code fullDocument.} paths, inside the document; null for none. */
    public static BsonDocument snapshotProjection(CollectionSpec spec) {
        Set<String> paths = new LinkedHashSet<>();
        for (String path : spec.format().excludedFields()) {
            if (path.startsWith(DOCUMENT)) {
                paths.add(path.substring(DOCUMENT.length()));
            }
        }
        return paths.isEmpty() ? null : exclusion(paths);
    }

    /** {@code {path: 0, ...}} without a path inside another listed one, which MongoDB refuses as a collision. */
    private static BsonDocument exclusion(Set<String> paths) {
        BsonDocument projection = new BsonDocument();
        for (String path : paths) {
            boolean inner = paths.stream().anyMatch(other -> path.startsWith(other + "."));
            if (!inner) {
                projection.append(path, new BsonInt32(0));
            }
        }
        return projection;
    }

    /**
     * Drops the changed fields an update names by a dotted path at or inside an excluded path ({@code $set:
     * {"card.number": ...}} is reported as the field {@code "card.number"}, which a projection cannot address).
     */
    private static BsonDocument withoutDottedUpdates(List<String> documentPaths) {
        BsonArray keep = new BsonArray();
        for (String path : documentPaths) {
            keep.add(new BsonDocument("$ne", new BsonArray(List.of(new BsonString("$$this.k"), new BsonString(path)))));
            keep.add(new BsonDocument("$ne", new BsonArray(List.of(
                    new BsonDocument("$indexOfCP", new BsonArray(List.of(new BsonString("$$this.k"), new BsonString(path + ".")))),
                    new BsonInt32(0)))));
        }
        BsonValue changed = new BsonDocument("$objectToArray", new BsonDocument("$ifNull",
                new BsonArray(List.of(new BsonString("$" + UPDATED), new BsonDocument()))));
        BsonDocument filtered = new BsonDocument("$arrayToObject", new BsonDocument("$filter",
                new BsonDocument("input", changed).append("cond", new BsonDocument("$and", keep))));
        BsonDocument onUpdates = new BsonDocument("$cond", new BsonArray(List.of(
                new BsonDocument("$eq", new BsonArray(List.of(new BsonString("$operationType"), new BsonString("update")))),
                new BsonDocument("$mergeObjects", new BsonArray(List.of(new BsonString("$updateDescription"),
                        new BsonDocument("updatedFields", filtered)))),
                new BsonString("$updateDescription"))));
        return new BsonDocument("$addFields", new BsonDocument("updateDescription", onUpdates));
    }
}
