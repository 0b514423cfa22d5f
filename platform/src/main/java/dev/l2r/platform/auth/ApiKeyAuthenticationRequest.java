package dev.l2r.platform.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A key presented in {@value ApiKeys#HEADER}, on its way to {@link ApiKeyIdentityProvider}. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
