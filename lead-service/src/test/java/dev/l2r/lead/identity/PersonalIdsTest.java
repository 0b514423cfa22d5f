package dev.l2r.lead.identity;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which ids are personal, how they are normalised and hashed, and what a pseudonym looks like: no database. */
class PersonalIdsTest {

    @Test
    void anEmailIsPersonalAndARecordIdIsNot() {
        assertThat(PersonalIds.isPersonal("alice@example.com")).isTrue();
        assertThat(PersonalIds.isPersonal("  Alice.Smith+l2r@Mail.Example.co.uk ")).isTrue();
        // a REST client's own id that is an email, prefix and all
        assertThat(PersonalIds.isPersonal("crm:bob@example.org")).isTrue();
        for (String id : new String[] {"97980cfea0067", "507f191e810c19729de860ea", "deal:7", "00Q5e00000AbCdEAAZ",
                "lead-42", "a@b", "@example.com", "alice@", "alice@@example.com", "al ice@example.com",
                "alice@.com", "alice@example.", "", "person:8"}) {
            assertThat(PersonalIds.isPersonal(id)).as(id).isFalse();
        }
        assertThat(PersonalIds.isPersonal(null)).isFalse();
    }

    @Test
    void normalisedTrimmedAndLowerCased() {
        assertThat(PersonalIds.normalise("  Alice@Example.COM\t")).isEqualTo("alice@example.com");
    }

    @Test
    void theHashIsHmacSha256OfSourceNulAndTheNormalisedValue() throws Exception {
        IdentityHash hash = new IdentityHash("k3y");
        // computed here from the definition, independently of IdentityHash
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("k3y".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal("segment\u0000alice@example.com".getBytes(StandardCharsets.UTF_8));
        assertThat(hash.of("segment", " Alice@Example.com")).isEqualTo(expected);
        // another sender's record of the same address is another identity; another key finds nothing
        assertThat(hash.of("hubspot", "alice@example.com")).isNotEqualTo(expected);
        assertThat(new IdentityHash("other").of("segment", "alice@example.com")).isNotEqualTo(expected);
        // the NUL keeps source and value apart: ("ab", "c@d.e") is not ("a", "bc@d.e")
        assertThat(hash.of("ab", "c@d.ef")).isNotEqualTo(hash.of("a", "bc@d.ef"));
        assertThatThrownBy(() -> new IdentityHash(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void base32IsRfc4648LowerCaseWithoutPadding() {
        // RFC 4648, section 10: BASE32("foobar") = "MZXW6YTBOI======"
        assertThat(Pseudonyms.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6ytboi");
        assertThat(Pseudonyms.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("my");
        assertThat(Pseudonyms.base32(new byte[16])).isEqualTo("a".repeat(26));
    }

    @Test
    void aPseudonymIsRandomNotDerived() {
        Pseudonyms pseudonyms = new Pseudonyms(new Random(7));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = pseudonyms.next("segment:");
            assertThat(id).matches("segment:p-[a-z2-7]{26}");
            assertThat(Pseudonyms.isPseudonym(id)).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSize(1_000);
        // the same person twice gets two different ids: nothing about them is in it
        assertThat(new Pseudonyms().next("api:")).isNotEqualTo(new Pseudonyms().next("api:"));
        assertThat(Pseudonyms.isPseudonym("segment:97980cfea0067")).isFalse();
    }
}
