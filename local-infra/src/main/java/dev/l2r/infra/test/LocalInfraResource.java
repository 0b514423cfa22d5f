package dev.l2r.infra.test;

import dev.l2r.infra.LocalInfra;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a real Kafka broker and a real PostgreSQL for a service's {@code @QuarkusTest}s and hands their
 * addresses to Quarkus. Every test class of a module that names this resource shares one start.
 */
public class LocalInfraResource implements QuarkusTestResourceLifecycleManager {

    /** Init argument: which of {@link LocalInfra#SERVICE_DATABASES} the service under test uses. */
    public static final String DATABASE = "database";

    private String database = LocalInfra.SERVICE_DATABASES.get(0);
    private LocalInfra infra;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault(DATABASE, database);
    }

    @Override
    public Map<String, String> start() {
        infra = LocalInfra.startTemporary();
        return infra.quarkusConfig(database);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(infra,
                new TestInjector.AnnotatedAndMatchesType(InjectLocalInfra.class, LocalInfra.class));
    }

    @Override
    public void stop() {
        if (infra != null) {
            infra.close();
            infra = null;
        }
    }
}
