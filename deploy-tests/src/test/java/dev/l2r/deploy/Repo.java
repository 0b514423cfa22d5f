package dev.l2r.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository these checks read: its services, its version, its files. */
final class Repo {

    static final List<String> SERVICES = List.of("lead-service", "funnel-service", "forecast-service");
    /** The web dashboard: configured like the services (docs/configuration.md), but no database, no Kafka. */
    static final String DASHBOARD = "dashboard";

    private Repo() {
    }

    static Path root() {
        return Path.of(System.getProperty("l2r.repo.root", "..")).toAbsolutePath().normalize();
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project version the build stamps on everything, from the root pom. */
    static String version() {
        return pomValue("<artifactId>l2r-parent</artifactId>\\s*<version>([^<]+)</version>");
    }

    /** The Kafka version the clients (and the local broker) use. */
    static String kafkaVersion() {
        return pomValue("<kafka.version>([^<]+)</kafka.version>");
    }

    /** The PostgreSQL major version of the binaries the tests and bin/l2r run. */
    static String postgresMajor() {
        return pomValue("<postgres-binaries.version>(\\d+)\\.[^<]+</postgres-binaries.version>");
    }

    private static String pomValue(String regex) {
        Matcher m = Pattern.compile(regex).matcher(read("pom.xml"));
        if (!m.find()) {
            throw new IllegalStateException("root pom.xml has no " + regex);
        }
        return m.group(1).trim();
    }

    /** The image a service's Dockerfile.jvm is built as (docker-compose.yml and the base kustomization). */
    static String image(String service) {
        return "l2r/" + service + ":" + version();
    }
}
