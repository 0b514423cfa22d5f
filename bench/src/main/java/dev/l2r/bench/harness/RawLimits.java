package dev.l2r.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw limits L2R is compared with, measured on the same broker and database in the same run: Kafka's own
 * producer perf test ({@code org.apache.kafka.tools.ProducerPerformance}) and PostgreSQL's pgbench.
 */
public final class RawLimits {

    private static final Pattern PRODUCER_SUMMARY = Pattern.compile("([0-9]+) records sent, ([0-9.]+) records/sec");
    private static final Pattern PGBENCH_TPS = Pattern.compile("tps = ([0-9.]+)");

    private RawLimits() {
    }

    /**
     * Records per second Kafka's producer perf test reaches with {@code acks=all} and idempotence, as the outbox
     * relay publishes, in a process of its own.
     */
    public static double kafkaProducerRecordsPerSecond(String bootstrapServers, String topic, int records,
                                                       int recordSize) throws IOException, InterruptedException {
        String output = run(List.of(java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records",
                String.valueOf(records), "--record-size", String.valueOf(recordSize), "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bootstrapServers, "acks=all", "enable.idempotence=true",
                "linger.ms=5"), Map.of());
        return Double.parseDouble(lastMatch(PRODUCER_SUMMARY, output).group(2));
    }

    /** Whether a pgbench binary is available ({@code PGBENCH} or on the PATH). */
    public static boolean hasPgbench() {
        return pgbench() != null;
    }

    /**
     * Transactions per second pgbench reaches on {@code database} (initialised at scale 10 on first use).
     *
     * @param builtin pgbench's built-in script: {@code simple-update} (write, one transaction per row, like an
     *                intake) or {@code select-only}
     */
    public static double pgbenchTps(int port, String database, String builtin, int clients, int seconds)
            throws IOException, InterruptedException {
        String bin = pgbench();
        if (bin == null) {
            throw new IllegalStateException("pgbench not found: install postgresql-client or set PGBENCH");
        }
        Map<String, String> env = Map.of("PGPASSWORD", "postgres");
        List<String> connection = List.of("-h", "localhost", "-p", String.valueOf(port), "-U", "postgres");
        List<String> init = new ArrayList<>(List.of(bin, "-i", "-q", "-s", "10"));
        init.addAll(connection);
        init.add(database);
        run(init, env);
        List<String> bench = new ArrayList<>(List.of(bin, "-b", builtin, "-c", String.valueOf(clients), "-j",
                String.valueOf(Math.min(clients, Runtime.getRuntime().availableProcessors())), "-T",
                String.valueOf(seconds), "-n"));
        bench.addAll(connection);
        bench.add(database);
        return Double.parseDouble(lastMatch(PGBENCH_TPS, run(bench, env)).group(1));
    }

    private static String pgbench() {
        String configured = System.getenv("PGBENCH");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "pgbench");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static MatchResult lastMatch(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        MatchResult last = null;
        while (m.find()) {
            last = m.toMatchResult();
        }
        if (last == null) {
            throw new IllegalStateException("no " + pattern + " in:\n" + output);
        }
        return last;
    }

    private static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("l2r-bench-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String output = Files.readString(out);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("failed (" + process.exitValue() + "): " + command + "\n" + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
