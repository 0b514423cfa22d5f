package dev.l2r.deploy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A packaged service runs in the prod profile: there, no credential has a default, so a deployment that forgets
 * one fails to log in instead of logging in with a password everybody knows. Defaults for a laptop are fine in
 * the dev and test profiles only.
 */
class CredentialDefaultsTest {

    /** Properties that hold a secret: passwords, webhook secrets, keys, tokens, SASL login lines. */
    static final Pattern CREDENTIAL = Pattern.compile(".*(password|secret|api-key|token|jaas\\.config|identity\\.key)$");

    @Test
    void noCredentialHasADefaultOutsideTheDevAndTestProfiles() {
        List<String> problems = new ArrayList<>();
        int credentials = 0;
        for (String service : Repo.SERVICES) {
            Properties raw = ServiceConfig.raw(service);
            for (String key : raw.stringPropertyNames()) {
                String property = key;
                if (key.startsWith("%")) {
                    String profiles = key.substring(1, key.indexOf('.'));
                    property = key.substring(key.indexOf('.') + 1);
                    boolean onlyLocal = List.of(profiles.split(",")).stream().allMatch(p -> p.equals("dev") || p.equals("test"));
                    if (onlyLocal) {
                        continue;
                    }
                }
                if (!CREDENTIAL.matcher(property).matches()) {
                    continue;
                }
                credentials++;
                String value = ServiceConfig.withDefaults(raw.getProperty(key));
                if (!value.isEmpty()) {
                    problems.add(service + ": " + key + " defaults to a value outside dev and test");
                }
            }
        }
        assertThat(credentials).as("credentials found (the check looks at something)").isGreaterThanOrEqualTo(3 * 3);
        assertThat(problems).isEmpty();
    }

    @Test
    void theLocalDatabasePasswordHoldsInDevAndTestOnly() {
        for (String service : Repo.SERVICES) {
            Properties raw = ServiceConfig.raw(service);
            assertThat(ServiceConfig.withDefaults(raw.getProperty("quarkus.datasource.password"))).as(service).isEmpty();
            assertThat(raw.getProperty("%dev,test.quarkus.datasource.password")).as(service).isNotBlank();
        }
    }
}
