package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.forecast.projection.LeadHistory;
import dev.l2r.tools.demo.DemoEvent;
import dev.l2r.tools.demo.DemoHistory;
import dev.l2r.tools.demo.DemoLead;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The demo's generated history ({@code bin/l2r up --demo}, tools' {@link DemoHistory}) made into the model's
 * {@link History} by the projection's own {@link LeadHistory}, as forecast-service would hold it after the load.
 */
final class DemoData {

    private DemoData() {
    }

    static History history(long seed, LocalDate today, int leads) {
        return history(DemoHistory.generate(seed, today, leads));
    }

    static History history(List<DemoLead> leads) {
        FunnelDefinition funnel = FunnelDefinition.canonical();
        List<OpenInterval> open = new ArrayList<>();
        List<Spell> spells = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        for (DemoLead lead : leads) {
            List<LeadStageChanged> events = new ArrayList<>();
            for (DemoEvent e : lead.events()) {
                events.add(new LeadStageChanged(UUID.nameUUIDFromBytes(e.sourceEventId().getBytes()), 1, lead.id(),
                        null, e.toStage(), TransitionKind.ADVANCE, null, e.occurredAt(), e.occurredAt(),
                        DemoEvent.SOURCE, e.sourceEventId(), null, e.amount(),
                        e.amount() == null ? null : DemoEvent.CURRENCY, new LeadAttributes(e.attributes().get("channel"),
                        e.attributes().get("segment"), e.attributes().get("owner"), e.attributes().get("campaign"))));
            }
            LeadHistory h = LeadHistory.of(funnel, lead.id(), events);
            for (LeadHistory.StateRow s : h.states()) {
                if (s.open()) {
                    open.add(new OpenInterval(new OpenLead(s.leadId(), s.stage(), s.stageSince(), s.amount(),
                            s.currency(), s.attributes()), s.validFrom(), s.validTo()));
                }
            }
            spells.addAll(h.spells());
            closes.addAll(h.closes());
            if (h.arrival() != null) {
                arrivals.add(h.arrival());
            }
        }
        return new History(open, spells, closes, arrivals);
    }
}
