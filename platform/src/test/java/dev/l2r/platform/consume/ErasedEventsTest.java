package dev.l2r.platform.consume;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadErased;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.LeadsMerged;
import dev.l2r.events.TransitionKind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What an erased lead's events keep: what the figures were counted from, nothing that leads back to the person. */
class ErasedEventsTest {

    static final String LEAD = "segment:p-4hq2v7d3kzjx1m0c9a8b6n5t4r";
    static final String ABSORBED = "segment:anon-507f191e810c19729de860ea";

    @Test
    void eachKindKeepsItsIdTimesAndValuesUnderTheSurrogateAndDropsSenderIds() {
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2025-03-09T16:00:00Z");
        LeadAttributes attributes = new LeadAttributes("paid_search", "smb", "ann", "spring");
        LeadStageChanged stage = new LeadStageChanged(id, 1, LEAD, "MQL", "OPPORTUNITY", TransitionKind.SKIP,
                List.of("SAL", "SQL"), at, at.plusSeconds(1), "hubspot", "62515:deal:6051:dealstage",
                "presentationscheduled", new BigDecimal("12500.50"), "EUR", attributes);
        String surrogate = ErasedEvents.surrogate();
        assertThat(surrogate).matches("erased:[0-9a-f-]{36}");
        assertThat(ErasedEvents.surrogate()).isNotEqualTo(surrogate);
        assertThat(ErasedEvents.cutLoose(stage, surrogate)).isEqualTo(new LeadStageChanged(id, 1, surrogate, "MQL",
                "OPPORTUNITY", TransitionKind.SKIP, List.of("SAL", "SQL"), at, at.plusSeconds(1), "hubspot", null, null,
                new BigDecimal("12500.50"), "EUR", attributes));

        LeadDetailsChanged details = new LeadDetailsChanged(id, 1, LEAD, at, at, "hubspot", "62515:deal:6051:amount",
                new BigDecimal("13000"), "EUR", attributes);
        assertThat(ErasedEvents.cutLoose(details, surrogate)).isEqualTo(new LeadDetailsChanged(id, 1, surrogate, at,
                at, "hubspot", null, new BigDecimal("13000"), "EUR", attributes));

        LeadsMerged merged = new LeadsMerged(id, 1, LEAD, ABSORBED, at, at, "segment", "msg-1", "segment.alias");
        LeadsMerged cut = (LeadsMerged) ErasedEvents.cutLoose(merged, surrogate);
        assertThat(cut.leadId()).isEqualTo(surrogate);
        assertThat(cut.mergedLeadId()).startsWith(ErasedEvents.PREFIX).isNotEqualTo(surrogate);
        assertThat(cut.sourceEventId()).isNull();
        assertThat(cut.eventId()).isEqualTo(id);

        LeadErased erased = new LeadErased(id, 1, LEAD, at, at, "l2r");
        assertThat(ErasedEvents.cutLoose(erased, surrogate)).isEqualTo(new LeadErased(id, 1, surrogate, at, at, "l2r"));

        for (LeadEvent e : List.of(stage, details, merged, erased)) {
            String kept = EventJson.write(ErasedEvents.cutLoose(e, surrogate));
            assertThat(kept).doesNotContain(LEAD).doesNotContain(ABSORBED).doesNotContain("62515")
                    .doesNotContain("presentationscheduled").doesNotContain("msg-1");
        }
        assertThat(ErasedEvents.isSurrogate(surrogate)).isTrue();
        assertThat(ErasedEvents.isSurrogate(LEAD)).isFalse();
    }
}
