package dev.l2r.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command-line tools some checks run (kubectl, psql). Missing under CI ({@code CI} set) is a failure, since
 * .ci/run installs them; on a developer's machine it is a skip that says what to install.
 */
final class Tools {

    private Tools() {
    }

    static String require(String tool, String overrideVariable, String howToGet) {
        String configured = System.getenv(overrideVariable);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String missing = tool + " is not installed: " + howToGet;
        if (System.getenv("CI") != null) {
            throw new IllegalStateException(missing);
        }
        Assumptions.abort(missing);
        return null;
    }
}
