package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closes in the period: won 100 USD after a 10-day cycle (segment a), won 300 USD after 20 days (b), won 80 EUR
 * with no known cycle, lost (b), no decision. Open at the end: opportunities of 500 USD (a), no amount, and
 * 50 EUR, and an SQL of 700 USD.
 * <pre>
 *   win rate          3 / (3 + 1)            = 0.75   (no decision left out)
 *   average deal      (100 + 300) / 2        = 200    (EUR left out)
 *   sales cycle       (10 + 20) / 2          = 15 days
 *   open opps         3, pipeline value 500 (one without amount, one in EUR)
 *   sales velocity    3 · 200 · 0.75 / 15    = 30 per day
 * </pre>
 */
class KpisTest {

    static final Instant END = Instant.parse("2025-04-01T00:00:00Z");
    static final FunnelRoles ROLES = FunnelRoles.of(FunnelDefinition.canonical());

    static LeadAttributes seg(String s) {
        return new LeadAttributes(null, s, null, null);
    }

    static Close close(String id, StageOutcome outcome, String amount, String currency, Integer cycleDays,
                       String segment) {
        Instant at = END.minusSeconds(86_400);
        return new Close(id, at, outcome, amount == null ? null : new BigDecimal(amount), currency, seg(segment),
                cycleDays == null ? null : Days.plus(at, -cycleDays));
    }

    static OpenLead open(String id, String stage, String amount, String currency, String segment) {
        return new OpenLead(id, stage, END.minusSeconds(3600), amount == null ? null : new BigDecimal(amount),
                currency, seg(segment));
    }

    static final List<Close> CLOSES = List.of(
            close("w1", StageOutcome.WON, "100", "USD", 10, "a"),
            close("w2", StageOutcome.WON, "300", "USD", 20, "b"),
            close("w3", StageOutcome.WON, "80", "EUR", null, null),
            close("l1", StageOutcome.LOST, "0", "USD", 5, "b"),
            close("n1", StageOutcome.NO_DECISION, null, null, null, null));
    static final List<OpenLead> OPEN = List.of(
            open("o1", "OPPORTUNITY", "500", "USD", "a"),
            open("o2", "OPPORTUNITY", null, null, null),
            open("o3", "SQL", "700", "USD", "a"),
            open("o4", "OPPORTUNITY", "50", "EUR", null));

    @Test
    void theDesignFormulasWorkedByHand() {
        Kpis.Result k = Kpis.compute(END.minusSeconds(86_400 * 90), END, CLOSES, OPEN, ROLES, "USD", null);
        assertThat(k.winRate()).isEqualTo(0.75);
        assertThat(k.averageDealSize()).isEqualByComparingTo("200");
        assertThat(k.salesCycleDays()).isEqualTo(15.0);
        assertThat(k.openOpportunities()).isEqualTo(3);
        assertThat(k.pipelineValue()).isEqualByComparingTo("500");
        assertThat(k.opportunitiesWithoutAmount()).isEqualTo(1);
        assertThat(k.opportunitiesInOtherCurrencies()).isEqualTo(1);
        assertThat(k.salesVelocityPerDay()).isEqualByComparingTo("30");
        assertThat(k.won()).isEqualTo(3);
        assertThat(k.lost()).isEqualTo(1);
        assertThat(k.noDecision()).isEqualTo(1);
        assertThat(k.wonRevenue()).isEqualByComparingTo("400");
        assertThat(k.wonInOtherCurrencies()).isEqualTo(1);
        assertThat(k.groups()).isNull();
    }

    @Test
    void groupsHaveTheSameFiguresEach() {
        Kpis.Result k = Kpis.compute(END.minusSeconds(86_400 * 90), END, CLOSES, OPEN, ROLES, "USD", "segment");
        assertThat(k.groups()).extracting(Kpis.Figures::key).containsExactly("a", "b", null);
        Kpis.Figures a = k.groups().get(0);
        assertThat(a.winRate()).isEqualTo(1.0);
        assertThat(a.openOpportunities()).isEqualTo(1);
        // 1 · 100 · 1 / 10
        assertThat(a.salesVelocityPerDay()).isEqualByComparingTo("10");
        Kpis.Figures b = k.groups().get(1);
        assertThat(b.winRate()).isEqualTo(0.5);
        assertThat(b.averageDealSize()).isEqualByComparingTo("300");
        assertThat(b.salesVelocityPerDay()).isEqualByComparingTo("0");
        Kpis.Figures none = k.groups().get(2);
        // one win and no loss, but its only amount is in EUR: no average, so no velocity either
        assertThat(none.winRate()).isEqualTo(1.0);
        assertThat(none.averageDealSize()).isNull();
        assertThat(none.salesVelocityPerDay()).isNull();
    }

    @Test
    void undefinedFiguresAreNullNotZero() {
        Kpis.Result k = Kpis.compute(END.minusSeconds(86_400), END, List.of(), List.of(), ROLES, "USD", null);
        assertThat(k.winRate()).isNull();
        assertThat(k.averageDealSize()).isNull();
        assertThat(k.salesCycleDays()).isNull();
        assertThat(k.salesVelocityPerDay()).isNull();
        assertThat(k.openOpportunities()).isZero();
    }

    @Test
    void aFunnelWithoutOpportunityUsesItsLastOpenStagesAsThePipeline() {
        FunnelDefinition custom = new FunnelDefinition(List.of(
                StageDefinition.open("LEAD", "a lead", "form"),
                StageDefinition.open("DEMO", "demo held", "demo"),
                StageDefinition.open("PROPOSAL", "proposal sent", "sent"),
                StageDefinition.terminal("WON", "won", StageOutcome.WON),
                StageDefinition.terminal("LOST", "lost", StageOutcome.LOST)));
        FunnelRoles roles = FunnelRoles.of(custom);
        assertThat(roles.opportunity()).isEqualTo("PROPOSAL");
        assertThat(roles.qualified()).isEqualTo("DEMO");
        assertThat(roles.pipelineStages()).containsExactly("PROPOSAL");

        FunnelDefinition longer = new FunnelDefinition(List.of(
                StageDefinition.open("SQL", "qualified", "meeting"),
                StageDefinition.open("OPPORTUNITY", "opportunity", "created"),
                StageDefinition.open("NEGOTIATION", "negotiating", "terms sent"),
                StageDefinition.terminal("CLOSED_WON", "won", StageOutcome.WON)));
        assertThat(FunnelRoles.of(longer).pipelineStages()).containsExactly("OPPORTUNITY", "NEGOTIATION");
    }

    /**
     * A won deal without an amount counts as won (in the win rate) and as unpriced, never as revenue or in the
     * average; its cycle still counts: won 100 USD (10 days) and one without amount (30 days), lost one: win rate
     * 2/3, average 100, cycle 20, no open opportunities so velocity 0.
     */
    @Test
    void aWonDealWithoutAmountCountsAsWonButNotInTheAverage() {
        List<Close> closes = List.of(close("w1", StageOutcome.WON, "100", "USD", 10, "a"),
                close("w0", StageOutcome.WON, null, null, 30, "a"),
                close("l1", StageOutcome.LOST, null, null, null, "a"));
        Kpis.Result k = Kpis.compute(END.minusSeconds(86_400 * 90), END, closes, List.of(), ROLES, "USD", null);
        assertThat(k.won()).isEqualTo(2);
        assertThat(k.wonWithoutAmount()).isEqualTo(1);
        assertThat(k.wonInOtherCurrencies()).isZero();
        assertThat(k.winRate()).isEqualTo(0.666667);
        assertThat(k.averageDealSize()).isEqualByComparingTo("100");
        assertThat(k.wonRevenue()).isEqualByComparingTo("100");
        assertThat(k.salesCycleDays()).isEqualTo(20.0);
        assertThat(k.salesVelocityPerDay()).isEqualByComparingTo("0");
        assertThat(k.lost()).isEqualTo(1);
        assertThat(k.noDecision()).isZero();
    }

    /**
     * The qualified stage is SQL wherever it stands before the opportunity stage, else the open stage just before
     * it, and none when the opportunity stage comes first.
     */
    @Test
    void theQualifiedStageIsSqlBeforeTheOpportunityOrItsNeighbour() {
        FunnelDefinition sqlFar = new FunnelDefinition(List.of(
                StageDefinition.open("SQL", "qualified", "meeting"),
                StageDefinition.open("DEMO", "demo held", "demo"),
                StageDefinition.open("OPPORTUNITY", "opportunity", "created"),
                StageDefinition.terminal("CLOSED_WON", "won", StageOutcome.WON)));
        assertThat(FunnelRoles.of(sqlFar).qualified()).isEqualTo("SQL");
        FunnelDefinition opportunityFirst = new FunnelDefinition(List.of(
                StageDefinition.open("OPPORTUNITY", "opportunity", "created"),
                StageDefinition.open("SQL", "qualified later", "meeting"),
                StageDefinition.terminal("CLOSED_WON", "won", StageOutcome.WON)));
        FunnelRoles roles = FunnelRoles.of(opportunityFirst);
        assertThat(roles.opportunity()).isEqualTo("OPPORTUNITY");
        assertThat(roles.qualified()).isNull();
        assertThat(roles.pipelineStages()).containsExactly("OPPORTUNITY", "SQL");
        assertThat(ROLES.qualified()).isEqualTo("SQL");
        assertThat(ROLES.opportunity()).isEqualTo("OPPORTUNITY");
    }

    @Test
    void withoutAnOpportunityStageSqlItselfIsTheOpportunityAndItsNeighbourQualifies() {
        FunnelRoles roles = FunnelRoles.of(new FunnelDefinition(List.of(
                StageDefinition.open("MQL", "marketing", "form"),
                StageDefinition.open("SQL", "qualified", "meeting"),
                StageDefinition.terminal("CLOSED_WON", "won", StageOutcome.WON))));
        assertThat(roles.opportunity()).isEqualTo("SQL");
        assertThat(roles.qualified()).isEqualTo("MQL");
    }
}
