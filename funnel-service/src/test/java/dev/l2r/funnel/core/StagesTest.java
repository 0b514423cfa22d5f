package dev.l2r.funnel.core;

import dev.l2r.events.funnel.FunnelDefinition;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class StagesTest {

    private static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();

    @Test
    void aStageGoesOnToLaterOpenStagesAndEveryTerminalOne() {
        assertThat(Stages.targets(FUNNEL, "MQL")).containsExactlyInAnyOrder("SAL", "SQL", "OPPORTUNITY", "CLOSED_WON",
                "CLOSED_LOST", "NO_DECISION");
        assertThat(Stages.targets(FUNNEL, "OPPORTUNITY")).containsExactlyInAnyOrder("CLOSED_WON", "CLOSED_LOST",
                "NO_DECISION");
        assertThat(Stages.targets(FUNNEL, "CLOSED_WON")).isEmpty();
        assertThat(Stages.targets(FUNNEL, "NOT_A_STAGE")).isEmpty();
        assertThat(Stages.isTarget(FUNNEL, "MQL", "SQL")).isTrue();
        assertThat(Stages.isTarget(FUNNEL, "SQL", "MQL")).isFalse();
    }

    @Test
    void theNextStageOfTheLastOpenOneIsWon() {
        assertThat(Stages.next(FUNNEL, "MQL")).contains("SAL");
        assertThat(Stages.next(FUNNEL, "OPPORTUNITY")).contains("CLOSED_WON");
        assertThat(Stages.next(FUNNEL, "CLOSED_LOST")).isEmpty();
    }

    @Test
    void cellsKeepAStageToItsNextAndToWon() {
        assertThat(Stages.isHot(FUNNEL, "MQL", "SAL")).isTrue();
        assertThat(Stages.isHot(FUNNEL, "MQL", "CLOSED_WON")).isTrue();
        assertThat(Stages.isHot(FUNNEL, "MQL", "SQL")).isFalse(); // MQL's next stage is SAL
        assertThat(Stages.isHot(FUNNEL, "MQL", "CLOSED_LOST")).isFalse();
        Map<String, Set<String>> hot = Stages.hotTargets(FUNNEL);
        assertThat(hot.get("SQL")).containsExactlyInAnyOrder("OPPORTUNITY", "CLOSED_WON");
        assertThat(hot.get("OPPORTUNITY")).containsExactly("CLOSED_WON");
        assertThat(hot).doesNotContainKey("CLOSED_WON");
    }
}
