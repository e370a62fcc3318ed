package io.mongonats.connector.source;

import com.mongodb.MongoInterruptedException;
import com.mongodb.client.MongoClient;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists the collections of a database that a change stream can watch, with {@code listCollections} (part of the
 * {@code read} role): views, time-series collections and MongoDB's {@code system.*} collections are left out.
 */
public final class CollectionDiscovery {

    private static final Document COLLECTIONS_ONLY = new Document("type", "collection");

    private final MongoClient client;

    public CollectionDiscovery(MongoClient client) {
        this.client = client;
    }

    /** The names of the database's watchable collections, in the server's order; none for a missing database. */
    public List<String> collections(String database) throws InterruptedException {
        List<String> names = new ArrayList<>();
        try {
            for (Document info : client.getDatabase(database).listCollections().filter(COLLECTIONS_ONLY)) {
                if (watchable(info)) {
                    names.add(info.getString("name"));
                }
            }
        } catch (MongoInterruptedException e) {
            throw new InterruptedException("listing the collections of " + database + " was interrupted");
        }
        return names;
    }

    /**
     * True for a {@code listCollections} entry a change stream can watch. The filter already asks the server for
     * plain collections; this checks again, as a server may ignore the filter.
     */
    static boolean watchable(Document info) {
        String name = info.getString("name");
        return name != null && !name.startsWith("system.") && "collection".equals(info.getString("type"));
    }
}
