package dev.l2r.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads the first line of PostgreSQL's {@code postmaster.pid}: the server's process id. */
final class PostmasterPid {

    private PostmasterPid() {
    }

    static Optional<Long> read(Path dataDir) {
        Path file = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
