package dev.l2r.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a port nobody listens on. Servers keep the port they were given, so a restart comes back at the same address.
 *
 * <p>Ports are drawn below the kernel's ephemeral range where there is one: a port the kernel hands out for a
 * listening socket of our own, let go again before the server binds it, can meanwhile become the local end of an
 * outgoing connection (a system test once failed with "Address already in use" so). A port handed out here is not
 * handed out again in this JVM (the kernel itself hands a port it just gave straight back).
 */
final class FreePort {

    /** The lowest port drawn: above the well-known and most registered ones. */
    private static final int LOWEST = 10_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePort() {
    }

    static int pick(int requested) {
        if (requested > 0) {
            return requested;
        }
        int below = Math.min(ephemeralStart(), DEFAULT_EPHEMERAL_START);
        for (int attempt = 0; below > LOWEST + 1_000 && attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (!GIVEN.contains(port) && free(port) && GIVEN.add(port)) {
                return port;
            }
        }
        // the kernel's pick, which may hand back a port it just gave: asked again until one not handed out here
        for (int attempt = 0; attempt < 200; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** Linux's default first ephemeral port; other systems start theirs higher (49152). */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;

    /** The first port of Linux's ephemeral range, or its default where it cannot be read. */
    private static int ephemeralStart() {
        try {
            // line by line: Files.readString trusts procfs's reported size and read "3" of "32768\t60999" here
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
