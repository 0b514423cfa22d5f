package dev.l2r.system;

import io.restassured.RestAssured;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** One packaged service ({@code target/quarkus-app/quarkus-run.jar}) running as its own OS process. */
final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(String module, Map<String, String> env) throws IOException {
        Path root = Path.of(System.getProperty("l2r.repo.root", ".."));
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn verify does)");
        }
        int port = freePort();
        Path log = Files.createTempFile(module + "-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
                jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("PORT", String.valueOf(port));
        return new ServiceProcess(module, port, builder.start(), log);
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    void awaitReady(Duration timeout) {
        await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + Files.readString(log));
            }
            try {
                return RestAssured.given().baseUri(baseUrl()).get("/q/health/ready").statusCode() == 200;
            } catch (Exception notListening) {
                return false;
            }
        });
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, as Kubernetes or bin/l2r down would send; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        new File(log.toString()).deleteOnExit();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
