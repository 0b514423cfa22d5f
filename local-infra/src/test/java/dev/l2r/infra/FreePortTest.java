package dev.l2r.infra;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Ports picked are free, never the same twice, and below the ephemeral range outgoing connections take theirs from. */
class FreePortTest {

    @Test
    void picksDistinctFreePortsBelowTheEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralStart = Files.exists(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : Integer.MAX_VALUE;
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePort.pick(0);
            assertThat(picked.add(port)).as("port %s given twice", port).isTrue();
            try (ServerSocket server = new ServerSocket(port)) {
                assertThat(server.getLocalPort()).isEqualTo(port);
            }
            if (ephemeralStart > 11_000) {
                assertThat(port).isBetween(10_000, Math.min(ephemeralStart, 32_768) - 1);
            }
        }
        assertThat(FreePort.pick(4321)).as("a port asked for is kept").isEqualTo(4321);
    }
}
