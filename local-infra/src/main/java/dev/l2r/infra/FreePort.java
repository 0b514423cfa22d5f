package dev.l2r.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Picks a port nobody listens on. Servers keep the port they were given, so a restart comes back at the same address. */
final class FreePort {

    private FreePort() {
    }

    static int pick(int requested) {
        if (requested > 0) {
            return requested;
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
