package io.mongonats.connector.demo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.mongonats.connector.testing.ConnectorFixture;
import io.mongonats.connector.testing.ConnectorProcess;
import io.mongonats.connector.testing.MongoStandIn;
import io.mongonats.connector.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import org.bson.Document;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;

/**
 * The README's first command: nats-server on loopback, the in-process MongoDB stand-in with a small sample
 * writer, the packaged connector as its own JVM, and a consumer printing each change as it receives it.
 * Runs for {@code -Ddemo.seconds} (default 20), then stops the connector gracefully and everything else.
 * With {@code -Ddemo.read-model=true} the connector also applies its stream to {@code shop.orders_view}, and the
 * demo shows that collection catching up with {@code shop.orders}.
 */
public final class Demo {

    public static void main(String[] args) throws Exception {
        Duration runFor = Duration.ofSeconds(Long.getLong("demo.seconds", 20));
        boolean readModel = Boolean.getBoolean("demo.read-model");
        ensureNatsServer();
        try (NatsServer nats = NatsServer.launch();
             MongoStandIn mongo = new MongoStandIn().start();
             MongoClient client = MongoClients.create(mongo.uri());
             ConnectorProcess connector = fixture(mongo.uri(), nats.url(), readModel).start("demo");
             Connection connection = nats.connect()) {
            say("nats-server on %s, MongoDB stand-in on %s, connector log in %s", nats.url(), mongo.uri(), connector.logFile());
            say("connector: %s", connector.awaitLog("change stream open", Duration.ofSeconds(60)).strip());
            JetStreamSubscription consumer = connection.jetStream().subscribe("shop.orders.>", PullSubscribeOptions.builder()
                    .stream("shop_orders").durable("demo-worker")
                    .configuration(ConsumerConfiguration.builder().ackWait(Duration.ofSeconds(30)).build()).build());
            MongoCollection<Document> orders = client.getDatabase("shop").getCollection("orders");
            long end = System.nanoTime() + runFor.toNanos();
            int step = 0;
            while (System.nanoTime() < end) {
                write(orders, step++, readModel);
                for (Message message : consumer.fetch(100, Duration.ofMillis(700))) {
                    say("consumer received #%d %s %s", message.metaData().streamSequence(), message.getSubject(),
                            Document.parse(new String(message.getData())).toJson());
                    message.ack();
                }
            }
            if (readModel) {
                ReadModelView.show(client.getDatabase("shop"), connector);
            }
            say("stopping the connector with SIGTERM: it drains, checkpoints and releases its lease");
            connector.sigterm();
            connector.waitForExit(Duration.ofSeconds(30));
            connector.logText().lines().filter(line -> line.contains("RELEASED") || line.contains("checkpoint written"))
                    .forEach(line -> say("connector: %s", line.strip()));
            say("done: %d changes in stream shop_orders", connection.jetStreamManagement().getStreamInfo("shop_orders")
                    .getStreamState().getMsgCount());
        }
    }

    private static ConnectorFixture fixture(String mongoUri, String natsUrl, boolean readModel) {
        ConnectorFixture fixture = new ConnectorFixture(mongoUri, natsUrl, "demo-0").watch("shop", "orders");
        if (readModel) {
            fixture.set("connector.sinks[0].stream", "shop_orders")
                    .set("connector.sinks[0].database", "shop")
                    .set("connector.sinks[0].collection", "orders_view");
        }
        return fixture;
    }

    /**
     * A small, varied workload: inserts, then an update, a replace and a delete now and then. For the read model the
     * update is a replacement that names its {@code _id}: the stand-in's update events carry the update spec where
     * real MongoDB has the document key, so no sink could tell which document they change.
     */
    private static void write(MongoCollection<Document> orders, int step, boolean readModel) {
        int id = step / 4;
        switch (step % 4) {
            case 0 -> orders.insertOne(new Document("_id", id).append("item", "book-" + id).append("qty", 1));
            case 1 -> {
                if (readModel) {
                    orders.replaceOne(new Document("_id", id), new Document("_id", id).append("item", "book-" + id).append("qty", 2));
                } else {
                    orders.updateOne(new Document("_id", id), new Document("$set", new Document("qty", 2)));
                }
            }
            case 2 -> orders.replaceOne(new Document("_id", id), new Document("item", "book-" + id).append("qty", 3));
            default -> {
                if (id % 2 == 0) {
                    orders.deleteOne(new Document("_id", id));
                }
            }
        }
    }

    private static void ensureNatsServer() throws IOException, InterruptedException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "nats-server"))) {
                return;
            }
        }
        if (Files.isExecutable(Path.of("/usr/sbin/nats-server")) || Files.isExecutable(Path.of("/usr/bin/nats-server"))) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("nats-server is not installed: run sudo apt-get install -y nats-server, then again");
        }
        say("nats-server is not installed: installing it with apt-get install -y nats-server");
        Process install = new ProcessBuilder("sh", "-c", "apt-get update -qq && apt-get install -y -qq nats-server")
                .inheritIO().start();
        if (install.waitFor() != 0) {
            throw new IllegalStateException("apt-get install -y nats-server failed; install it by hand and run again");
        }
    }

    static void say(String format, Object... args) {
        System.out.printf("[demo %s] %s%n", LocalTime.now().withNano(0), String.format(format, args));
    }
}
