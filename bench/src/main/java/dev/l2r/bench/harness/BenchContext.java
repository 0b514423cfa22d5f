package dev.l2r.bench.harness;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.ServiceProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario runs against: a fresh real Kafka and PostgreSQL (temporary, fsync off for both L2R and the raw
 * limits), and the packaged services started on demand as their own processes, as in production.
 */
public final class BenchContext implements AutoCloseable {

    private final Path repoRoot;
    private final boolean quick;
    private final LocalInfra infra;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private boolean closed;

    public BenchContext(Path repoRoot, boolean quick) {
        this.repoRoot = repoRoot;
        this.quick = quick;
        this.infra = LocalInfra.startTemporary();
    }

    public LocalInfra infra() {
        return infra;
    }

    public Path repoRoot() {
        return repoRoot;
    }

    /** Quick mode: small sizes, to check that a scenario works, not to publish its numbers. */
    public boolean quick() {
        return quick;
    }

    /** {@code full} normally, {@code small} in quick mode. */
    public int size(int full, int small) {
        return quick ? small : full;
    }

    /** The named service (lead-service, funnel-service, forecast-service), started and ready. */
    public ServiceProcess service(String module) throws Exception {
        return service(module, List.of("-Xmx512m"), Map.of());
    }

    /** Starts the service with these JVM options and extra environment if it is not running yet. */
    public synchronized ServiceProcess service(String module, List<String> jvmOptions, Map<String, String> extraEnv)
            throws Exception {
        ServiceProcess running = services.get(module);
        if (running != null) {
            return running;
        }
        Map<String, String> env = new LinkedHashMap<>(ServiceProcess.envFor(infra, database(module)));
        env.putAll(extraEnv);
        ServiceProcess started = ServiceProcess.start(repoRoot, module, env, jvmOptions);
        started.awaitReady(Duration.ofSeconds(180));
        services.put(module, started);
        return started;
    }

    /** Stops a service, e.g. to restart it with other options. */
    public synchronized void stop(String module) throws InterruptedException {
        ServiceProcess running = services.remove(module);
        if (running != null) {
            running.stop();
        }
    }

    /** A request to a service this harness started, with the admin key the services were started with. */
    public static java.net.http.HttpRequest.Builder request(java.net.URI uri) {
        return java.net.http.HttpRequest.newBuilder(uri).header("X-API-Key", ServiceProcess.ADMIN_KEY);
    }

    private static String database(String module) {
        return switch (module) {
            case "lead-service" -> "l2r_lead";
            case "funnel-service" -> "l2r_funnel";
            case "forecast-service" -> "l2r_forecast";
            default -> throw new IllegalArgumentException("unknown service " + module);
        };
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        for (String module : List.copyOf(services.keySet())) {
            stop(module);
        }
        infra.close();
    }
}
