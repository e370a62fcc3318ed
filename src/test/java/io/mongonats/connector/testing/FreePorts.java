package io.mongonats.connector.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Allocates free TCP ports on 127.0.0.1, below the kernel's ephemeral range: a port handed out there cannot be
 * taken by an outgoing connection's local port before its server binds it (a port from {@code new ServerSocket(0)}
 * could, and once did: "Port ... seems to be in use"). A port is never handed out twice within one JVM, so
 * servers that are stopped and restarted on "their" port do not collide with newer allocations.
 */
public final class FreePorts {

    private static final int LOWEST = 15_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int EPHEMERAL_START = ephemeralStart();

    private FreePorts() {
    }

    /** One free loopback port. */
    public static int allocate() {
        return allocate(1)[0];
    }

    /** {@code count} distinct free loopback ports. */
    public static int[] allocate(int count) {
        int[] ports = new int[count];
        int found = 0;
        for (int attempt = 0; found < count; attempt++) {
            if (attempt > 10_000) {
                throw new IllegalStateException("Could not find " + count + " free ports in [" + LOWEST + ", "
                        + EPHEMERAL_START + ")");
            }
            int port = ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_START);
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                ports[found++] = port;
            }
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException inUse) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range (32768 by default), or 32768 where it cannot be read. */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }
}
