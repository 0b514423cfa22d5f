package dev.l2r.lead.isolated;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A lead-service of its own (its own broker and database) for tests that change what the others share: the
 * intake metrics' bounded source tags, a funnel definition PUT storm, rows Kafka refuses. Quarkus runs the
 * classes of a profile after the default ones. Kafka messages are capped at 64 KB here, so that a message over
 * the cap is cheap to make.
 */
public class IsolatedProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("l2r.outbox.max-message-size", "64K");
    }
}
