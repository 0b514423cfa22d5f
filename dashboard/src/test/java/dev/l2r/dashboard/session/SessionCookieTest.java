package dev.l2r.dashboard.session;

import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class SessionCookieTest {

    static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    final SessionCookie sealer = new SessionCookie(SessionCookie.randomKey(), Duration.ofHours(12));

    @Test
    void aSealedKeyOpensUntilTheSessionEnds() {
        String sealed = sealer.seal(Credential.apiKey("l2r_abc"), NOW);
        assertThat(sealer.open(sealed, NOW)).contains(Credential.apiKey("l2r_abc"));
        assertThat(sealer.open(sealed, NOW.plus(Duration.ofHours(12)).minusSeconds(1))).contains(Credential.apiKey("l2r_abc"));
        assertThat(sealer.open(sealed, NOW.plus(Duration.ofHours(12)))).isEmpty();
    }

    @Test
    void anOidcSessionKeepsItsKindAndEndsWithItsTokenWhenThatIsFirst() {
        Credential token = Credential.bearer("eyJ.header.sig");
        String sealed = sealer.seal(token, NOW, NOW.plus(Duration.ofMinutes(5)));
        assertThat(sealer.open(sealed, NOW.plus(Duration.ofMinutes(5)).minusSeconds(1))).contains(token);
        assertThat(sealer.open(sealed, NOW.plus(Duration.ofMinutes(5)))).isEmpty();
        // a token valid for longer than the session lifetime: the lifetime ends it
        String longer = sealer.seal(token, NOW, NOW.plus(Duration.ofDays(3)));
        assertThat(sealer.open(longer, NOW.plus(Duration.ofHours(12)).minusSeconds(1))).contains(token);
        assertThat(sealer.open(longer, NOW.plus(Duration.ofHours(12)))).isEmpty();
        // an API key and a token of the same text are different sessions
        assertThat(sealer.open(sealer.seal(Credential.apiKey("eyJ.header.sig"), NOW), NOW)).contains(Credential.apiKey("eyJ.header.sig"));
    }

    @Test
    void theKeyCannotBeReadInTheCookie() {
        String sealed = sealer.seal(Credential.apiKey("l2r_secret_key_value"), NOW);
        assertThat(sealed).doesNotContain("l2r_secret");
        assertThat(new String(Base64.getUrlDecoder().decode(sealed), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("l2r_secret");
        // a fresh nonce each time: two sessions of one key do not look alike
        assertThat(sealer.seal(Credential.apiKey("l2r_secret_key_value"), NOW)).isNotEqualTo(sealed);
    }

    @Test
    void anotherKeysCookieDoesNotOpen() {
        SessionCookie other = new SessionCookie(SessionCookie.randomKey(), Duration.ofHours(12));
        assertThat(sealer.open(other.seal(Credential.apiKey("l2r_abc"), NOW), NOW)).isEmpty();
    }

    @Test
    void anyChangedCharacterMakesItNoSession() {
        String sealed = sealer.seal(Credential.apiKey("l2r_abc"), NOW);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Tries.forAll(500, r -> {
            int at = Draw.between(r, 0, sealed.length() - 1);
            char c = alphabet.charAt(Draw.between(r, 0, alphabet.length() - 1));
            return sealed.substring(0, at) + c + sealed.substring(at + 1);
        }, changed -> {
            if (!changed.equals(sealed)) {
                // the last character's low bits may be padding bits base64 ignores; those decode to the same bytes
                boolean sameBytes = java.util.Arrays.equals(Base64.getUrlDecoder().decode(changed),
                        Base64.getUrlDecoder().decode(sealed));
                assertThat(sealer.open(changed, NOW).isPresent()).as(changed).isEqualTo(sameBytes);
            }
        });
    }

    @Test
    void anyOtherTextIsNoSessionAndNeverAFailure() {
        Tries.forAll(1000, r -> Draw.anyString(r, 200), text -> assertThat(sealer.open(text, NOW)).isEmpty());
        assertThat(sealer.open(null, NOW)).isEmpty();
        assertThat(sealer.open("", NOW)).isEmpty();
        assertThat(sealer.open("x".repeat(5000), NOW)).isEmpty();
    }

    @Test
    void aKeyOfTheWrongSizeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SessionCookie(new byte[16], Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }
}
