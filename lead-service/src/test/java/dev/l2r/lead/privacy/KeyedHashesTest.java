package dev.l2r.lead.privacy;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyedHashesTest {

    static final String KEY = "a-key-of-at-least-some-length";

    /** HMAC-SHA256 computed with the JDK directly, over the documented input. */
    static String expected(String key, String input) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theHashesAreTheDocumentedHmacsOfPrefixSourceAndIdJoinedByNul() throws Exception {
        KeyedHashes hashes = new KeyedHashes(KEY);
        assertThat(HexFormat.of().formatHex(hashes.delivery("segment", "m-1")))
                .isEqualTo(expected(KEY, "delivery\0segment\0m-1"));
        assertThat(HexFormat.of().formatHex(hashes.lead("hubspot:123")))
                .isEqualTo(expected(KEY, "lead\0hubspot:123"));
    }

    @Test
    void anotherKeyAnotherSplitOrAnotherKindGivesAnotherHash() {
        KeyedHashes hashes = new KeyedHashes(KEY);
        assertThat(hashes.delivery("segment", "m-1")).isNotEqualTo(new KeyedHashes(KEY + "x").delivery("segment", "m-1"));
        // the separator keeps "ab" + "c" apart from "a" + "bc"
        assertThat(hashes.delivery("ab", "c")).isNotEqualTo(hashes.delivery("a", "bc"));
        assertThat(hashes.lead("segment")).isNotEqualTo(hashes.delivery("segment", ""));
        assertThat(hashes.delivery("segment", "m-1")).hasSize(32).isEqualTo(hashes.delivery("segment", "m-1"));
    }

    @Test
    void noKeyNoHashes() {
        assertThatThrownBy(() -> new KeyedHashes(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeyedHashes(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
