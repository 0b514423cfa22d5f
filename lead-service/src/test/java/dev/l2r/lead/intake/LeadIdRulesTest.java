package dev.l2r.lead.intake;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadIdRulesTest {

    @Test
    void aClientsIdIsTakenStrippedUnlessItIsBlankOrAnErasedLeadsSurrogate() {
        assertThat(StageChangeFactory.requireLeadId("  crm-42 ")).isEqualTo("crm-42");
        // an id that merely contains the word is a client's own
        assertThat(StageChangeFactory.requireLeadId("not-erased:1")).isEqualTo("not-erased:1");
        assertThatThrownBy(() -> StageChangeFactory.requireLeadId("erased:0b7c6a52-8f1d-4d0b-b1a6-54a1c1f0e9d3"))
                .isInstanceOfSatisfying(RejectedInput.class, e -> assertThat(e.getMessage()).contains("erased:"))
                .hasMessageContaining("erased:");
        assertThatThrownBy(() -> StageChangeFactory.requireLeadId(" ")).isInstanceOf(RejectedInput.class);
    }
}
