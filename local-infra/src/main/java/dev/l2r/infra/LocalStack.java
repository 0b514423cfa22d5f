package dev.l2r.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * The long-running launcher behind {@code bin/l2r up}: starts Kafka and PostgreSQL with their data under a
 * folder (default {@code .l2r}), writes their addresses to {@code infra.env} once both accept clients, and
 * stops both cleanly on SIGTERM. Ports come from {@code L2R_KAFKA_PORT} and {@code L2R_POSTGRES_PORT}.
 */
public final class LocalStack {

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args.length > 0 ? args[0] : ".l2r").toAbsolutePath();
        int kafkaPort = Integer.parseInt(env("L2R_KAFKA_PORT", "9092"));
        int postgresPort = Integer.parseInt(env("L2R_POSTGRES_PORT", "5432"));
        Path envFile = dataDir.resolve("infra.env");
        Files.deleteIfExists(envFile);

        LocalInfra infra = LocalInfra.startPersistent(dataDir, kafkaPort, postgresPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(envFile);
                infra.close();
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "l2r-local-stack-stop"));

        writeEnv(infra, envFile);
        System.out.printf("L2R local infrastructure ready: Kafka %s, PostgreSQL localhost:%d (pid %s)%n",
                infra.kafka().bootstrapServers(), infra.postgres().port(),
                infra.postgres().pid().map(String::valueOf).orElse("?"));
        stopped.await();
    }

    private static void writeEnv(LocalInfra infra, Path envFile) throws IOException {
        StringBuilder env = new StringBuilder()
                .append("KAFKA_BOOTSTRAP_SERVERS=").append(infra.kafka().bootstrapServers()).append('\n')
                .append("POSTGRES_PORT=").append(infra.postgres().port()).append('\n')
                .append("POSTGRES_PID=").append(infra.postgres().pid().map(String::valueOf).orElse("")).append('\n');
        for (String database : LocalInfra.SERVICE_DATABASES) {
            env.append("JDBC_URL_").append(database.toUpperCase()).append('=')
                    .append(infra.postgres().jdbcUrl(database)).append('\n');
        }
        // written whole, then renamed: a reader never sees half a file
        Path tmp = envFile.resolveSibling("infra.env.tmp");
        Files.writeString(tmp, env);
        Files.move(tmp, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
