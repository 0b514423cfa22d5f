package dev.l2r.platform.auth;

import dev.l2r.events.ApiKeyChanged;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyRegistryTest {

    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    final SecureRandom random = new SecureRandom();

    static ApiKeyChanged made(String id, String key, List<String> scopes, List<String> sources) {
        return new ApiKeyChanged(1, id, "name " + id, scopes, sources, ApiKeys.hash(key), T, null);
    }

    static ApiKeyChanged revoked(String id, String key) {
        return new ApiKeyChanged(1, id, "name " + id, List.of("read"), List.of(), ApiKeys.hash(key), T, T.plusSeconds(60));
    }

    @Test
    void theHashIsSha256OfTheKeysUtf8Bytes() {
        // FIPS 180-2's example: SHA-256("abc")
        assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void newKeysAreLongRandomAndDistinctAndTheirIdsReadable() {
        Set<String> keys = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String key = ApiKeys.newKey(random);
            assertThat(key).startsWith("l2r_").hasSize(47).matches("l2r_[A-Za-z0-9_-]{43}");
            assertThat(ApiKeys.plausible(key)).isTrue();
            keys.add(key);
            ids.add(ApiKeys.newId(random));
        }
        assertThat(keys).hasSize(2000);
        assertThat(ids).hasSize(2000).allMatch(id -> id.matches("[a-z2-9]{12}") && !id.contains("l") && !id.contains("0"));
    }

    @Test
    void aKeyOpensOnlyWithItsScopesAndAdminImpliesReadAndWrite() {
        ApiKeyRegistry registry = new ApiKeyRegistry();
        String writer = ApiKeys.newKey(random);
        String admin = ApiKeys.newKey(random);
        registry.apply(made("w1", writer, List.of("write"), List.of("crm")));
        registry.apply(made("a1", admin, List.of("admin", "superuser"), List.of()));

        ApiKeyGrant w = registry.find(writer).orElseThrow();
        assertThat(w.scopes()).containsExactly(Scope.WRITE);
        assertThat(w.mayWrite("crm")).isTrue();
        assertThat(w.mayWrite("api")).isFalse();
        ApiKeyGrant a = registry.find(admin).orElseThrow();
        assertThat(a.scopes()).containsExactlyInAnyOrder(Scope.ADMIN, Scope.READ, Scope.WRITE);
        assertThat(a.mayWrite("anything")).isTrue();
        // a key that differs in one character, or a prefix of a key, opens nothing
        assertThat(registry.find(writer.substring(0, writer.length() - 1) + (writer.endsWith("A") ? "B" : "A"))).isEmpty();
        assertThat(registry.find(writer.substring(0, 20))).isEmpty();
        assertThat(registry.find(null)).isEmpty();
        assertThat(registry.find(writer + " ")).isEmpty();
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void aRevocationSticksWhateverArrivesAfterIt() {
        ApiKeyRegistry registry = new ApiKeyRegistry();
        String key = ApiKeys.newKey(random);
        registry.apply(made("k1", key, List.of("read"), List.of()));
        registry.apply(revoked("k1", key));
        assertThat(registry.find(key)).isEmpty();
        // the outbox may deliver the creation again after the revocation
        registry.apply(made("k1", key, List.of("read"), List.of()));
        assertThat(registry.find(key)).isEmpty();
        // a revocation of a key never seen (its creation compacted away) keeps it out too
        String other = ApiKeys.newKey(random);
        registry.apply(revoked("k2", other));
        registry.apply(made("k2", other, List.of("admin"), List.of()));
        assertThat(registry.find(other)).isEmpty();
        assertThat(registry.size()).isZero();
    }

    @Test
    void theBootstrapKeyIsAnAdminThatTopicRecordsCannotReplace() {
        ApiKeyRegistry registry = new ApiKeyRegistry();
        String bootstrap = "a-bootstrap-key-of-enough-length";
        registry.addBootstrap(bootstrap);
        assertThat(registry.find(bootstrap).orElseThrow().scopes()).contains(Scope.ADMIN, Scope.READ, Scope.WRITE);
        registry.apply(made(ApiKeyRegistry.BOOTSTRAP_ID, ApiKeys.newKey(random), List.of("read"), List.of()));
        registry.apply(revoked(ApiKeyRegistry.BOOTSTRAP_ID, bootstrap));
        // nor can another id claim its hash, narrowing it or revoking it
        registry.apply(made("k9", bootstrap, List.of("read"), List.of("crm")));
        registry.apply(revoked("k9", bootstrap));
        assertThat(registry.find(bootstrap)).isPresent().get().extracting(ApiKeyGrant::id)
                .isEqualTo(ApiKeyRegistry.BOOTSTRAP_ID);
    }

    @Test
    void aBootstrapKeyTooShortOrWithSpacesIsRefused() {
        ApiKeyRegistry registry = new ApiKeyRegistry();
        assertThatThrownBy(() -> registry.addBootstrap("changeme")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.addBootstrap("a key with spaces that is long enough"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.size()).isZero();
    }

    @Test
    void aKeyGivenANewHashKeepsOnlyTheNew() {
        ApiKeyRegistry registry = new ApiKeyRegistry();
        String first = ApiKeys.newKey(random);
        String second = ApiKeys.newKey(random);
        registry.apply(made("k1", first, List.of("read"), List.of()));
        registry.apply(made("k1", second, List.of("read"), List.of()));
        assertThat(registry.find(first)).isEmpty();
        assertThat(registry.find(second)).isPresent();
    }
}
