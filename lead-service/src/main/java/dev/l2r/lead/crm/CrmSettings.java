package dev.l2r.lead.crm;

import dev.l2r.platform.problem.ProblemException;
import org.eclipse.microprofile.config.Config;

import java.util.Optional;

/**
 * The vendors' API credentials and addresses, from the environment only ({@code l2r.crm.<vendor>.*}, so
 * {@code L2R_CRM_<VENDOR>_*}); never logged, never answered. A vendor without its credentials is a 409 naming the
 * setting to give.
 */
final class CrmSettings {

    static final String HUBSPOT_DEFAULT_URL = "https://api.hubapi.com";
    static final String PIPEDRIVE_DEFAULT_URL = "https://api.pipedrive.com";

    private final Config config;

    CrmSettings(Config config) {
        this.config = config;
    }

    Optional<String> value(String key) {
        return config.getOptionalValue("l2r.crm." + key, String.class).map(String::strip).filter(v -> !v.isEmpty());
    }

    String required(String key, String env) {
        return value(key).orElseThrow(() -> new ProblemException(409, "Not configured", env,
                env + " is not set (l2r.crm." + key + "); the import reads the CRM's API with it", java.util.List.of()));
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
