package io.mongonats.connector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.nats.client.Connection;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

/**
 * A 3-node JetStream cluster on loopback: servers n1..n3 in cluster "c1", one config file per
 * node, each with client, route and monitoring ports and its own store directory. Nodes are
 * numbered from 1 so that {@code node(2)} is server "n2".
 */
public final class NatsCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path root;
    private final List<Node> nodes = new ArrayList<>();
    private boolean closed;

    /** Writes the configuration of three nodes; does not start them. */
    public NatsCluster() {
        this(3);
    }

    /** Writes the configuration of {@code size} nodes; does not start them. */
    public NatsCluster(int size) {
        root = TestFiles.createTempDir("nats-cluster-");
        int[] ports = FreePorts.allocate(size * 3);
        String routes = IntStream.range(0, size)
                .mapToObj(i -> "nats-route://127.0.0.1:" + ports[size + i]).collect(Collectors.joining(", "));
        for (int i = 0; i < size; i++) {
            nodes.add(new Node("n" + (i + 1), ports[i], ports[size + i], ports[2 * size + i], routes));
        }
    }

    /** Creates and starts a cluster; cleans up if it does not come up. */
    public static NatsCluster launch() {
        NatsCluster cluster = new NatsCluster();
        try {
            return cluster.start();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Starts every node that is not running and waits for a JetStream meta leader that sees all
     * peers as current. Use this (not {@link Node#start()}) to bring back a cluster that lost quorum.
     */
    public synchronized NatsCluster start() {
        nodes.stream().filter(node -> !node.isRunning()).forEach(node -> node.process.start());
        Await.until(READY_TIMEOUT, "a meta leader with " + nodes.size() + " current peers", () -> {
            Map<String, JsonValue> meta = node(metaLeader()).metaCluster();
            List<JsonValue> replicas = meta.get("replicas") == null ? List.of() : meta.get("replicas").array;
            return replicas.size() == nodes.size() - 1
                    && replicas.stream().allMatch(r -> Boolean.TRUE.equals(r.map.get("current").bool));
        });
        Await.until(READY_TIMEOUT, "JetStream answers through " + urls(), () -> {
            try (Connection connection = NatsServer.connectOnce(urls())) {
                connection.jetStreamManagement().getAccountStatistics();
                return true;
            }
        });
        return this;
    }

    /** Client URLs of all nodes, comma-separated (jnats accepts this in {@code Options.server}). */
    public String urls() {
        return nodes.stream().map(Node::url).collect(Collectors.joining(","));
    }

    /** Node {@code number}, counted from 1 (server name "n" + number). */
    public Node node(int number) {
        if (number < 1 || number > nodes.size()) {
            throw new IllegalArgumentException("node number must be 1.." + nodes.size() + ", was " + number);
        }
        return nodes.get(number - 1);
    }

    /** The node whose server_name is {@code name}. */
    public Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named " + name));
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** A new client connection to all nodes that reconnects forever; the caller closes it. */
    public Connection connect() {
        return NatsServer.connect(urls());
    }

    /** Server name of the JetStream meta leader, as a running node reports it. */
    public String metaLeader() {
        return Await.untilValue(READY_TIMEOUT, "a JetStream meta leader", () -> {
            for (Node node : nodes) {
                if (node.isRunning()) {
                    try {
                        JsonValue leader = node.metaCluster().get("leader");
                        if (leader != null && leader.string != null && !leader.string.isEmpty()) {
                            return leader.string;
                        }
                    } catch (IOException ignored) {
                        // ask the next node
                    }
                }
            }
            return null;
        });
    }

    /** Server name of the leader of a stream (KV bucket "X" is stream "KV_X"); waits for one. */
    public String leaderOf(String streamName) {
        try (Connection connection = connect()) {
            return Await.untilValue(READY_TIMEOUT, "a leader for stream " + streamName, () -> {
                var cluster = connection.jetStreamManagement().getStreamInfo(streamName).getClusterInfo();
                return cluster == null ? null : cluster.getLeader();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The node leading a stream. */
    public Node leaderNodeOf(String streamName) {
        return node(leaderOf(streamName));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        nodes.forEach(node -> node.process.stop());
        TestFiles.deleteTree(root);
    }

    /** One server of the cluster; keeps its ports and store across stop/start. */
    public final class Node {
        private final String name;
        private final int clientPort;
        private final int monitorPort;
        private final Path logFile;
        private final NatsProcess process;

        private Node(String name, int clientPort, int routePort, int monitorPort, String routes) {
            this.name = name;
            this.clientPort = clientPort;
            this.monitorPort = monitorPort;
            this.logFile = root.resolve(name + ".log");
            Path config = root.resolve(name + ".conf");
            String text = """
                    server_name: %s
                    listen: 127.0.0.1:%d
                    http: 127.0.0.1:%d
                    jetstream { store_dir: "%s" }
                    cluster {
                      name: c1
                      listen: 127.0.0.1:%d
                      routes: [ %s ]
                    }
                    """.formatted(name, clientPort, monitorPort, root.resolve(name + "-store"), routePort, routes);
            try {
                Files.writeString(config, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.process = new NatsProcess("nats-server " + name, List.of("-c", config.toString()), logFile,
                    clientPort);
        }

        /**
         * Restarts this node and waits until it is healthy and sees a meta leader; needs a quorum
         * of the other nodes to be running.
         */
        public Node start() {
            process.start();
            Await.until(READY_TIMEOUT, name + " is healthy and sees a meta leader", () -> {
                process.failIfExited(process.process());
                JsonValue leader = metaCluster().get("leader");
                return leader != null && leader.string != null && !leader.string.isEmpty()
                        && get("/healthz").statusCode() == 200;
            });
            return this;
        }

        /** SIGTERM; waits for exit. */
        public void stop() {
            process.stop();
        }

        /** SIGKILL; waits for exit. */
        public void kill() {
            process.kill();
        }

        public boolean isRunning() {
            return process.isRunning();
        }

        public String name() {
            return name;
        }

        public String url() {
            return "nats://127.0.0.1:" + clientPort;
        }

        public int port() {
            return clientPort;
        }

        public Path logFile() {
            return logFile;
        }

        public String logTail(int lines) {
            return TestFiles.tail(logFile, lines);
        }

        /** The "meta_cluster" object of this node's /jsz monitoring page (empty if absent). */
        Map<String, JsonValue> metaCluster() throws IOException, InterruptedException {
            HttpResponse<String> response = get("/jsz");
            JsonValue meta = JsonParser.parse(response.body()).map.get("meta_cluster");
            return meta == null || meta.map == null ? Map.of() : meta.map;
        }

        private HttpResponse<String> get(String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + path))
                    .timeout(Duration.ofSeconds(2)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public String toString() {
            return name + "[" + url() + "]";
        }
    }
}
