package dev.l2r.dashboard.session;

import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class IdTokenCheckTest {

    static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    static final String ISSUER = "https://id.example.com/realms/l2r";

    static JsonObject genuine() {
        return new JsonObject().put("iss", ISSUER).put("sub", "alice").put("aud", "l2r-dashboard")
                .put("exp", NOW.getEpochSecond() + 300).put("nonce", "n-1");
    }

    static String jwt(JsonObject claims) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    static IdTokenCheck.Outcome check(JsonObject claims) {
        return IdTokenCheck.check(jwt(claims), ISSUER, "l2r-dashboard", "n-1", NOW);
    }

    @Test
    void aGenuineTokenNamesItsSubjectAndExpiry() {
        IdTokenCheck.Outcome ok = check(genuine());
        assertThat(ok.refused()).isFalse();
        assertThat(ok.subject()).isEqualTo("alice");
        assertThat(ok.expiresAt()).isEqualTo(NOW.plusSeconds(300));
        // an audience list holding the client is as good
        assertThat(check(genuine().put("aud", new JsonArray().add("l2r").add("l2r-dashboard"))).refused()).isFalse();
    }

    @Test
    void eachClaimThatIsWrongIsNamed() {
        assertThat(check(genuine().put("iss", ISSUER + "x")).refusal()).contains("another issuer");
        assertThat(check(genuine().put("iss", "https://id.example.com/realms/l2r/")).refusal()).contains("another issuer");
        assertThat(check(genuine().put("aud", "someone-else")).refusal()).contains("aud");
        assertThat(check(genuine().put("aud", new JsonArray().add("l2r"))).refusal()).contains("aud");
        assertThat(check(genuine().put("nonce", "n-2")).refusal()).contains("nonce");
        assertThat(check(genuine().putNull("nonce")).refusal()).contains("nonce");
        JsonObject noExpiry = genuine();
        noExpiry.remove("exp");
        assertThat(check(noExpiry).refusal()).contains("exp");
        assertThat(check(genuine().put("exp", "soon")).refusal()).contains("exp");
        assertThat(check(genuine().put("sub", "")).refusal()).contains("sub");
    }

    @Test
    void expiryAllowsAMinuteOfClockSkewAndNoMore() {
        long exp = NOW.getEpochSecond() - IdTokenCheck.SKEW_SECONDS;
        assertThat(check(genuine().put("exp", exp + 1)).refused()).isFalse();
        assertThat(check(genuine().put("exp", exp)).refusal()).contains("expired");
    }

    @Test
    void anyOtherTextIsRefusedAndNeverAFailure() {
        Tries.forAll(1000, r -> Draw.anyString(r, 300), text -> {
            assertThat(IdTokenCheck.check(text, ISSUER, "l2r-dashboard", "n-1", NOW).refused()).isTrue();
            String asClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            assertThat(IdTokenCheck.check("e30." + asClaims + ".x", ISSUER, "l2r-dashboard", "n-1", NOW).refused()).isTrue();
        });
        assertThat(IdTokenCheck.check(null, ISSUER, "l2r-dashboard", "n-1", NOW).refused()).isTrue();
    }
}
