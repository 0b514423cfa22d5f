package dev.l2r.lead.intake;

import dev.l2r.platform.auth.ApiKeyGrant;
import dev.l2r.platform.auth.ApiKeyIdentityProvider;
import dev.l2r.platform.auth.SourceRefused;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Who may write which {@code source}: never a signed webhook's through REST, a batch or an import; and a key
 * limited to some sources only those. Refusals are 403 problems naming the field.
 */
@ApplicationScoped
public class SourcePolicy {

    @Inject
    SignedSources signed;

    @Inject
    SecurityIdentity identity;

    /** Refuses the request when its caller may not write {@code source}. */
    public void requireMayWrite(String source, String field) {
        if (source == null) {
            return;
        }
        if (signed.signed(source)) {
            throw new SourceRefused(field, "'" + source + "' is written only through its signed webhook "
                    + "(POST /api/webhooks/...), never through REST, batches or imports");
        }
        ApiKeyGrant grant = identity.getAttribute(ApiKeyIdentityProvider.GRANT);
        if (grant != null && !grant.mayWrite(source)) {
            throw new SourceRefused(field, "'" + source + "' is not one this key may write (" + grant.sources() + ")");
        }
    }
}
