package dev.l2r.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadAttributesTest {

    private final LeadAttributes all = new LeadAttributes("paid", "smb", "ann", "spring-25");

    @Test
    void eachDimensionIsReadByItsApiName() {
        assertThat(all.get("channel")).isEqualTo("paid");
        assertThat(all.get("segment")).isEqualTo("smb");
        assertThat(all.get("owner")).isEqualTo("ann");
        assertThat(all.get("campaign")).isEqualTo("spring-25");
        assertThatThrownBy(() -> all.get("region")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");
    }

    @Test
    void aLaterEventKeepsWhatItSaysAndTakesTheRestFromEarlier() {
        LeadAttributes later = new LeadAttributes(null, "ent", null, "autumn-25");
        assertThat(later.orElse(all)).isEqualTo(new LeadAttributes("paid", "ent", "ann", "autumn-25"));
        assertThat(new LeadAttributes("email", null, "bob", null).orElse(all))
                .isEqualTo(new LeadAttributes("email", "smb", "bob", "spring-25"));
        assertThat(LeadAttributes.NONE.orElse(all)).isEqualTo(all);
        assertThat(all.orElse(LeadAttributes.NONE)).isEqualTo(all);
        assertThat(later.orElse(null)).isSameAs(later);
    }
}
