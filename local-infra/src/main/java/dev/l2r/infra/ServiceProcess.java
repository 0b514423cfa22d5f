package dev.l2r.infra;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code target/quarkus-app/quarkus-run.jar}) running as its own OS process on a free
 * HTTP port and a free management port (metrics), configured by environment variables as in production. Used by
 * the system tests and the benchmarks.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final int port;
    private final int managementPort;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, int managementPort, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
    }

    /**
     * @param root the repository root, where {@code <module>/target/quarkus-app} is
     * @param jvmOptions e.g. {@code -Xmx512m}
     */
    public static ServiceProcess start(Path root, String module, Map<String, String> env, List<String> jvmOptions)
            throws IOException {
        return start(root, module, env, jvmOptions, "PORT");
    }

    /** The same for a module whose HTTP port is read from another variable (the dashboard's L2R_DASHBOARD_PORT). */
    public static ServiceProcess start(Path root, String module, Map<String, String> env, List<String> jvmOptions,
                                       String portVariable) throws IOException {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn verify does)");
        }
        int port = FreePort.pick(0);
        int managementPort;
        do {
            managementPort = FreePort.pick(0);
        } while (managementPort == port);
        Path log = Files.createTempFile(module + "-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put(portVariable, String.valueOf(port));
        builder.environment().put("L2R_MANAGEMENT_PORT", String.valueOf(managementPort));
        return new ServiceProcess(module, port, managementPort, builder.start(), log);
    }

    /**
     * The admin key every service started here accepts ({@code L2R_BOOTSTRAP_API_KEY}), made fresh for each run:
     * tests and the benchmark call the services with it, as a user's scripts would.
     */
    public static final String ADMIN_KEY = "l2r_run_" + java.util.UUID.randomUUID().toString().replace("-", "");

    /**
     * The identity key lead-service hashes personal sender ids with ({@code L2R_IDENTITY_KEY}), made fresh for each
     * run like {@link #ADMIN_KEY}; the other services ignore it.
     */
    public static final String IDENTITY_KEY = "l2r_id_" + java.util.UUID.randomUUID().toString().replace("-", "");

    /** The environment that points a service at this infrastructure's Kafka and its own database. */
    public static Map<String, String> envFor(LocalInfra infra, String database) {
        return envFor(infra.kafka(), infra.postgres(), database);
    }

    /** The same for a broker and a PostgreSQL server of one's own choosing (a server per service, say). */
    public static Map<String, String> envFor(LocalKafka kafka, LocalPostgres postgres, String database) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "L2R_DB_URL", postgres.jdbcUrl(database),
                "L2R_DB_USER", LocalPostgres.USER,
                "L2R_DB_PASSWORD", LocalPostgres.PASSWORD,
                "L2R_BOOTSTRAP_API_KEY", ADMIN_KEY,
                "L2R_IDENTITY_KEY", IDENTITY_KEY);
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    /** The management interface: {@code /q/metrics} (Prometheus) is here, not on {@link #baseUrl()}. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until {@code /q/health/ready} answers 200; fails fast with the log if the process exits. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + Files.readString(log));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListening) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ": " + Files.readString(log));
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, as Kubernetes or bin/l2r down would send; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /**
     * SIGKILL, as the kernel's OOM killer or a node failure would end it: no shutdown hook runs, nothing is flushed,
     * connections are cut. Returns the exit code (137 = 128 + 9).
     */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        log.toFile().deleteOnExit();
    }
}
