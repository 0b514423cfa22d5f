package dev.l2r.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

/**
 * A real PostgreSQL server (binaries shipped in a Maven artifact), running as its own OS process with its data
 * in {@code dataDir}. Stop and start keep the data and the port.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final Path dataDir;
    private final int port;
    private final Map<String, String> serverConfig;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dataDir, int port, Map<String, String> serverConfig) {
        this.dataDir = dataDir;
        this.port = FreePort.pick(port);
        this.serverConfig = Map.copyOf(serverConfig);
    }

    /**
     * @param port 0 picks a free port
     * @param serverConfig postgresql.conf settings, e.g. {@code fsync=off} for throw-away test data
     */
    public static LocalPostgres start(Path dataDir, int port, Map<String, String> serverConfig) {
        LocalPostgres postgres = new LocalPostgres(dataDir, port, serverConfig);
        postgres.restart();
        return postgres;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** The postmaster's process id, read from its pid file; empty when it is not running. */
    public Optional<Long> pid() {
        return PostmasterPid.read(dataDir);
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public synchronized void createDatabaseIfMissing(String database) {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    public synchronized void restart() {
        if (server != null) {
            return;
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // closed deterministically by stop(); a hook racing it made JVMs exit non-zero
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", "localhost");
            serverConfig.forEach(builder::setServerConfig);
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + dataDir, e);
        }
    }

    /** Stops the server (fast shutdown) and keeps its data. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                server = null;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
