package dev.l2r.platform.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.EnumSet;
import java.util.Set;

/**
 * Gives a bearer-token caller L2R's scopes from the roles (or OAuth scopes) its token carries, through the
 * configured names ({@code l2r.auth.oidc.*-role}). The token's own roles are dropped: an identity provider's
 * role that happens to be called {@code admin} must not become L2R's admin.
 */
@ApplicationScoped
public class OidcScopes implements SecurityIdentityAugmentor {

    @ConfigProperty(name = "l2r.auth.oidc.read-role", defaultValue = "l2r:read")
    String readRole;

    @ConfigProperty(name = "l2r.auth.oidc.write-role", defaultValue = "l2r:write")
    String writeRole;

    @ConfigProperty(name = "l2r.auth.oidc.admin-role", defaultValue = "l2r:admin")
    String adminRole;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || identity.getAttribute(ApiKeyIdentityProvider.GRANT) != null) {
            return Uni.createFrom().item(identity);
        }
        Set<Scope> held = EnumSet.noneOf(Scope.class);
        if (identity.hasRole(readRole)) {
            held.add(Scope.READ);
        }
        if (identity.hasRole(writeRole)) {
            held.add(Scope.WRITE);
        }
        if (identity.hasRole(adminRole)) {
            held.add(Scope.ADMIN);
        }
        QuarkusSecurityIdentity.Builder mapped = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes());
        Scope.roles(held).forEach(mapped::addRole);
        return Uni.createFrom().item(mapped.build());
    }
}
