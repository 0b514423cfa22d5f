package dev.l2r.platform.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * Startup check ({@code /q/health/started}): UP once Flyway has applied every migration of this service, DOWN
 * while any is pending or the database cannot say. A Kubernetes startup probe on it keeps liveness and
 * readiness probes off until the schema is in place. Once UP it stays UP without asking the database again:
 * migrations are not undone while the process runs.
 */
@Startup
@ApplicationScoped
public class SchemaMigratedCheck implements HealthCheck {

    static final String NAME = "Database schema migrated";

    @Inject
    Instance<Flyway> flyway;

    private volatile String migratedVersion;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        if (migratedVersion != null) {
            return response.up().withData("version", migratedVersion).build();
        }
        if (!flyway.isResolvable()) {
            return response.down().withData("reason", "no Flyway in this service").build();
        }
        try {
            MigrationInfoService info = flyway.get().info();
            MigrationInfo[] pending = info.pending();
            MigrationInfo current = info.current();
            if (pending.length > 0 || current == null) {
                return response.down().withData("pending", pending.length).build();
            }
            migratedVersion = current.getVersion().getVersion();
            return response.up().withData("version", migratedVersion).build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", String.valueOf(e.getMessage())).build();
        }
    }
}
