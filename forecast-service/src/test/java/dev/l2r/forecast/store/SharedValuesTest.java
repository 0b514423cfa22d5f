package dev.l2r.forecast.store;

import dev.l2r.events.LeadAttributes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Values read as distinct copies come back as one instance, equal to what was read; past the bound, as read. */
class SharedValuesTest {

    @Test
    void equalTextsAndAttributesAreOneInstance() {
        SharedValues shared = new SharedValues();
        String first = shared.text(new String("OPPORTUNITY"));
        String second = shared.text(new String("OPPORTUNITY"));
        assertThat(second).isSameAs(first).isEqualTo("OPPORTUNITY");
        assertThat(shared.text(null)).isNull();

        LeadAttributes a = shared.attributes(new String("ads"), new String("smb"), null, new String("q1"));
        LeadAttributes b = shared.attributes(new String("ads"), new String("smb"), null, new String("q1"));
        assertThat(b).isSameAs(a).isEqualTo(new LeadAttributes("ads", "smb", null, "q1"));
        // a value is one instance whichever column it was read in
        assertThat(a.segment()).isSameAs(shared.text(new String("smb")));
        assertThat(shared.attributes("ads", "smb", "ann", "q1")).isNotSameAs(a).isNotEqualTo(a);
    }

    @Test
    void pastTheBoundNewValuesAreKeptAsRead() {
        SharedValues shared = new SharedValues();
        for (int i = 0; i < SharedValues.MAX; i++) {
            shared.text("value-" + i);
        }
        String known = shared.text(new String("value-7"));
        assertThat(shared.text(new String("value-7"))).isSameAs(known);
        String fresh = new String("value-new");
        assertThat(shared.text(fresh)).isSameAs(fresh);
        String again = new String("value-new");
        assertThat(shared.text(again)).as("not kept").isSameAs(again);
    }
}
