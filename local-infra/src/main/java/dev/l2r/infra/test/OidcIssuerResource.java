package dev.l2r.infra.test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * Starts an {@link OidcIssuer} and turns the service's OIDC support on against it; a test field annotated
 * {@link InjectOidcIssuer} receives the issuer, to sign its tokens.
 */
public class OidcIssuerResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the field that receives the running issuer. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectOidcIssuer {
    }

    private OidcIssuer issuer;

    @Override
    public Map<String, String> start() {
        issuer = OidcIssuer.start();
        return Map.of("quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.auth-server-url", issuer.url());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(issuer,
                new TestInjector.AnnotatedAndMatchesType(InjectOidcIssuer.class, OidcIssuer.class));
    }

    @Override
    public void stop() {
        if (issuer != null) {
            issuer.close();
        }
    }
}
