package dev.l2r.platform.auth;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;

/** The one registry of keys per service, seeded with the bootstrap key ({@code L2R_BOOTSTRAP_API_KEY}). */
@ApplicationScoped
public class ApiKeySetup {

    private static final Logger LOG = Logger.getLogger(ApiKeySetup.class);

    @Produces
    @ApplicationScoped
    ApiKeyRegistry registry(@ConfigProperty(name = "l2r.auth.bootstrap-key") Optional<String> bootstrap,
                            MeterRegistry meters) {
        ApiKeyRegistry registry = new ApiKeyRegistry();
        bootstrap.filter(k -> !k.isBlank()).ifPresentOrElse(registry::addBootstrap,
                () -> LOG.info("no bootstrap API key (L2R_BOOTSTRAP_API_KEY); only keys made through "
                        + "lead-service and OIDC tokens are accepted"));
        Gauge.builder("l2r.auth.api_keys", registry, ApiKeyRegistry::size)
                .description("API keys this replica accepts, the bootstrap key included").register(meters);
        return registry;
    }
}
