package io.mongonats.connector.demo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.mongonats.connector.testing.Await;
import io.mongonats.connector.testing.ConnectorProcess;
import org.bson.Document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The read-model part of the demo: waits until {@code shop.orders_view} holds what {@code shop.orders} holds. */
final class ReadModelView {

    private ReadModelView() {
    }

    static void show(MongoDatabase shop, ConnectorProcess connector) {
        List<Document> orders = shop.getCollection("orders").find().sort(new Document("_id", 1)).into(new ArrayList<>());
        Await.until(Duration.ofSeconds(30), "shop.orders_view equal to shop.orders", () -> orders.equals(live(shop)));
        Demo.say("shop.orders_view holds the same %d orders as shop.orders, each with the stream sequence it reflects; "
                + "deleted orders remain as %d tombstones until their TTL", orders.size(),
                shop.getCollection("orders_view").countDocuments(Filters.eq("_cdc.deleted", true)));
        shop.getCollection("orders_view").find().sort(new Document("_id", -1)).limit(3)
                .forEach(view -> Demo.say("  %s", view.toJson()));
        Document ready = Document.parse(connector.httpGet("/q/health/ready").body());
        for (Document check : ready.getList("checks", Document.class)) {
            Object sink = check.get("data", new Document()).get("shop_orders_to_shop_orders_view");
            if (sink != null) {
                Demo.say("readiness of the sink: %s", sink);
            }
        }
    }

    /** The view without tombstones and without the version field: what a reader of the read model sees. */
    private static List<Document> live(MongoDatabase shop) {
        List<Document> live = new ArrayList<>();
        for (Document view : shop.getCollection("orders_view").find(Filters.ne("_cdc.deleted", true)).sort(new Document("_id", 1))) {
            view.remove("_cdc");
            live.add(view);
        }
        return live;
    }
}
