package dev.l2r.platform.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns a presented key into an identity named {@code key:<id>} whose roles are the key's scopes. The grant
 * rides along as an attribute so that intake can check the key's sources.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    /** Identity attribute holding the {@link ApiKeyGrant} of a key-authenticated caller. */
    public static final String GRANT = "l2r.api-key";

    @Inject
    ApiKeyRegistry registry;

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        return registry.find(request.key())
                .<Uni<SecurityIdentity>>map(grant -> Uni.createFrom().item(identity(grant)))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("unknown API key")));
    }

    static SecurityIdentity identity(ApiKeyGrant grant) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("key:" + grant.id()))
                .addAttribute(GRANT, grant);
        grant.scopes().forEach(s -> builder.addRole(s.role()));
        return builder.build();
    }
}
