package dev.l2r.forecast.projection;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;
import dev.l2r.forecast.model.Arrival;
import dev.l2r.forecast.model.Close;
import dev.l2r.forecast.model.FunnelRoles;
import dev.l2r.forecast.model.Spell;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything the forecast keeps about one lead, derived from all its events read in event-time order: its state
 * over time as intervals (so its state at any moment is a lookup, not a replay), its stage spells, its closes, and
 * its first sighting. Each piece depends only on the events up to its own time, which is what makes a forecast as of
 * a past moment come out the same whatever arrived later.
 *
 * <p>A details change ({@link LeadDetailsChanged}) sets the amount and attributes from its event time on, exactly as
 * a stage change's amount and attributes do, without moving the lead: an open lead's value and owner from then on;
 * of a closed lead, its last close is corrected from then on (a new version of the close, see {@link Close}), the
 * close keeping its time. At one instant, details changes come before stage changes, so a close carries a value
 * changed at its own moment.
 *
 * <p>Times are cut to microseconds, the precision PostgreSQL keeps, so the intervals agree with the database.
 */
public record LeadHistory(List<StateRow> states, List<Spell> spells, List<Close> closes, Arrival arrival) {

    /** The lead as it stood over [validFrom, validTo); validTo null while it still does. */
    public record StateRow(String leadId, Instant validFrom, Instant validTo, String stage, Instant stageSince,
                           boolean open, BigDecimal amount, String currency, LeadAttributes attributes) {

        StateRow until(Instant end) {
            return new StateRow(leadId, validFrom, end, stage, stageSince, open, amount, currency, attributes);
        }

        boolean sameStateAs(StateRow other) {
            return other != null && stage.equals(other.stage) && stageSince.equals(other.stageSince)
                    && open == other.open && Objects.equals(amount, other.amount)
                    && Objects.equals(currency, other.currency) && attributes.equals(other.attributes);
        }
    }

    private static final LeadHistory EMPTY = new LeadHistory(List.of(), List.of(), List.of(), null);

    /** A spell being built: when the stage was reached and with which attributes; closed once the lead closes. */
    private static final class OpenSpell {
        final Instant entered;
        final LeadAttributes attributes;
        Instant closedAt;
        StageOutcome outcome;

        OpenSpell(Instant entered, LeadAttributes attributes) {
            this.entered = entered;
            this.attributes = attributes;
        }
    }

    public static LeadHistory of(FunnelDefinition funnel, String leadId, List<? extends LeadEvent> events) {
        FunnelRoles roles = FunnelRoles.of(funnel);
        Map<UUID, LeadStageChanged> byId = new HashMap<>();
        List<StageObservation> observations = new ArrayList<>(events.size());
        Map<UUID, LeadDetailsChanged> details = new HashMap<>();
        for (LeadEvent event : events) {
            if (event instanceof LeadStageChanged e) {
                if (byId.putIfAbsent(e.eventId(), e) == null) {
                    observations.add(new StageObservation(e.eventId(), e.toStage(), micros(e.occurredAt())));
                }
            } else if (event instanceof LeadDetailsChanged d) {
                details.putIfAbsent(d.eventId(), d);
            }
        }
        List<LeadTimeline.Step> steps = LeadTimeline.of(funnel, observations).steps();
        if (steps.isEmpty()) {
            return EMPTY;
        }
        // details changes in event-time order (then by id, so that equal times read the same whatever the arrival)
        List<LeadDetailsChanged> changes = details.values().stream()
                .sorted(java.util.Comparator.comparing((LeadDetailsChanged d) -> micros(d.occurredAt()))
                        .thenComparing(d -> d.eventId().toString())).toList();
        List<StateRow> states = new ArrayList<>();
        Map<String, OpenSpell> spells = new LinkedHashMap<>();
        List<Close> closes = new ArrayList<>();
        Arrival arrival = null;
        String stage = null;
        Instant since = null;
        boolean open = false;
        BigDecimal amount = null;
        String currency = null;
        LeadAttributes attributes = LeadAttributes.NONE;
        int i = 0;
        int d = 0;
        while (i < steps.size() || d < changes.size()) {
            Instant nextStep = i < steps.size() ? steps.get(i).observation().occurredAt() : null;
            Instant nextDetails = d < changes.size() ? micros(changes.get(d).occurredAt()) : null;
            Instant t = nextStep == null || (nextDetails != null && nextDetails.isBefore(nextStep)) ? nextDetails
                    : nextStep;
            // details changes at t first: they set what a move at t carries
            boolean detailsChanged = false;
            for (; d < changes.size() && micros(changes.get(d).occurredAt()).equals(t); d++) {
                LeadDetailsChanged change = changes.get(d);
                if (change.amount() != null) {
                    amount = change.amount();
                    currency = change.currency();
                }
                attributes = change.attributes().orElse(attributes);
                detailsChanged = true;
            }
            if (detailsChanged && stage != null && !open && !closes.isEmpty()) {
                // a closed lead: its last close corrected from t on (the close itself keeps its time)
                Close last = closes.get(closes.size() - 1);
                if (!Objects.equals(last.amount(), amount) || !Objects.equals(last.currency(), currency)
                        || !last.attributes().equals(attributes)) {
                    closes.set(closes.size() - 1, last.until(t));
                    closes.add(last.corrected(t, amount, currency, attributes));
                }
            }
            // every event at the same instant first, then one state from t on
            for (; i < steps.size() && steps.get(i).observation().occurredAt().equals(t); i++) {
                LeadTimeline.Step step = steps.get(i);
                LeadStageChanged e = byId.get(step.observation().eventId());
                if (e.amount() != null) {
                    amount = e.amount();
                    currency = e.currency();
                }
                attributes = e.attributes().orElse(attributes);
                if (step.isNoOp()) {
                    continue;
                }
                String to = step.observation().stage();
                if (funnel.isTerminal(to)) {
                    StageOutcome outcome = funnel.stage(to).orElseThrow().outcome();
                    OpenSpell opportunity = spells.get(roles.opportunity());
                    OpenSpell qualified = roles.qualified() == null ? null : spells.get(roles.qualified());
                    Instant cycleStart = opportunity != null ? opportunity.entered
                            : qualified != null ? qualified.entered : null;
                    closes.add(new Close(leadId, t, outcome, amount, currency, attributes, cycleStart));
                    for (OpenSpell s : spells.values()) {
                        if (s.closedAt == null) {
                            s.closedAt = t;
                            s.outcome = outcome;
                        }
                    }
                    open = false;
                } else {
                    // reaching an open stage by a forward move passes the skipped ones; a move back does not
                    if (step.kind() == TransitionKind.SKIP) {
                        for (String passed : step.move().skippedStages()) {
                            spells.putIfAbsent(passed, new OpenSpell(t, attributes));
                        }
                    }
                    spells.putIfAbsent(to, new OpenSpell(t, attributes));
                    open = true;
                }
                stage = to;
                since = t;
            }
            if (stage == null) {
                continue;
            }
            if (arrival == null) {
                arrival = new Arrival(leadId, t, stage, attributes);
            }
            StateRow row = new StateRow(leadId, t, null, stage, since, open, amount, currency, attributes);
            StateRow last = states.isEmpty() ? null : states.get(states.size() - 1);
            if (!row.sameStateAs(last)) {
                if (last != null) {
                    states.set(states.size() - 1, last.until(t));
                }
                states.add(row);
            }
        }
        List<Spell> spellList = new ArrayList<>(spells.size());
        spells.forEach((s, o) -> spellList.add(new Spell(leadId, s, o.entered, o.closedAt, o.outcome, o.attributes)));
        return new LeadHistory(List.copyOf(states), List.copyOf(spellList), List.copyOf(closes), arrival);
    }

    static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
