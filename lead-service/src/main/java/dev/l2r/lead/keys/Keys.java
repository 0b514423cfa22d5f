package dev.l2r.lead.keys;

import dev.l2r.events.ApiKeyChanged;
import dev.l2r.lead.outbox.Outbox;
import dev.l2r.platform.auth.ApiKeyRegistry;
import dev.l2r.platform.auth.ApiKeys;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes, lists and revokes API keys. A change is stored and put in the outbox in one transaction, so the
 * {@code api-keys} topic carries it to every service (revocations included) even if Kafka is down right now;
 * this replica applies it to its own registry as soon as it is committed.
 */
@ApplicationScoped
public class Keys {

    private final SecureRandom random = new SecureRandom();

    @Inject
    KeyStore store;

    @Inject
    Outbox outbox;

    @Inject
    ApiKeyRegistry registry;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "l2r.topic.api-keys.name")
    String topic;

    Clock clock = Clock.systemUTC();

    /** Makes a key; the answer is the only place its secret ever appears. */
    public KeyView make(KeyRequest request, String by) {
        String key = ApiKeys.newKey(random);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        KeyView view = new KeyView(ApiKeys.newId(random), request.name().trim(), sorted(request.scopes()),
                sorted(request.sources() == null ? List.of() : request.sources()), now, by, null, null, null);
        KeyStore.Stored stored = new KeyStore.Stored(view, ApiKeys.hash(key));
        ApiKeyChanged change = changed(stored);
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection()) {
                store.insert(c, stored);
                outbox.append(c, topic, view.id(), change, now);
            } catch (SQLException e) {
                throw new IllegalStateException("could not store the key", e);
            }
        });
        registry.apply(change);
        return view.withKey(key);
    }

    public List<KeyView> list() {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                return store.all(c).stream().map(KeyStore.Stored::view).toList();
            }
        });
    }

    /** Revokes a key everywhere; revoking it again changes nothing. Answers the key as listed now. */
    public KeyView revoke(String id, String by) {
        if (ApiKeyRegistry.BOOTSTRAP_ID.equals(id)) {
            throw new ProblemException(409, "Conflict", "id", "the bootstrap key is configuration "
                    + "(L2R_BOOTSTRAP_API_KEY): remove it there and restart", List.of());
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        KeyStore.Stored after = QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                KeyStore.Stored stored = store.find(c, id)
                        .orElseThrow(() -> ProblemException.notFound("no API key " + id));
                if (!store.revoke(c, id, now, by)) {
                    return stored;
                }
                KeyStore.Stored revoked = new KeyStore.Stored(new KeyView(id, stored.view().name(),
                        stored.view().scopes(), stored.view().sources(), stored.view().createdAt(),
                        stored.view().createdBy(), now, by, null), stored.hash());
                outbox.append(c, topic, id, changed(revoked), now);
                return revoked;
            }
        });
        // applied here at once (idempotent when it was revoked before); other replicas follow the topic
        registry.apply(changed(after));
        return after.view();
    }

    private static ApiKeyChanged changed(KeyStore.Stored key) {
        KeyView v = key.view();
        return new ApiKeyChanged(ApiKeyChanged.SCHEMA_VERSION, v.id(), v.name(), v.scopes(), v.sources(), key.hash(),
                v.createdAt(), v.revokedAt());
    }

    private static List<String> sorted(List<String> values) {
        Set<String> set = new TreeSet<>();
        values.stream().map(String::trim).forEach(set::add);
        return List.copyOf(set);
    }
}
