package dev.l2r.tools.demo;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.l2r.events.funnel.FunnelDefinition.CLOSED_WON;

/**
 * Revenue targets for the demo, as forecast-service's {@code PUT /api/forecast/targets} takes them: for this quarter
 * and the next: overall {@link #STRETCH} above what was won in the same quarter a year earlier, and per owner
 * the overall one shared by what each owner won over the last twelve months, so that attainment is a real question
 * (neither met already nor out of reach).
 */
public final class DemoTargets {

    /** A growing team plans a little above last year's same quarter. */
    public static final double STRETCH = 1.15;

    /** One target; {@code owner} null for the overall one. Both dates included. */
    public record Target(LocalDate from, LocalDate to, BigDecimal amount, String currency, String owner) {

        public Map<String, Object> asJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("from", from.toString());
            json.put("to", to.toString());
            json.put("amount", amount);
            json.put("currency", currency);
            if (owner != null) {
                json.put("owner", owner);
            }
            return json;
        }
    }

    private DemoTargets() {
    }

    public static List<Target> of(List<DemoLead> leads, LocalDate today) {
        // each owner's part of the plan: their share of what was won over the last twelve months
        Map<String, BigDecimal> lastYearByOwner = new TreeMap<>();
        leads.forEach(lead -> lastYearByOwner.putIfAbsent(lead.owner(), BigDecimal.ZERO));
        wonIn(leads, today.minusYears(1), today, lastYearByOwner);
        BigDecimal lastYear = lastYearByOwner.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);

        LocalDate thisQuarter = today.with(IsoFields.DAY_OF_QUARTER, 1);
        List<Target> targets = new ArrayList<>();
        for (LocalDate start : List.of(thisQuarter, thisQuarter.plusMonths(3))) {
            LocalDate end = start.plusMonths(3).minusDays(1);
            BigDecimal reference = wonIn(leads, start.minusYears(1), end.minusYears(1), new TreeMap<>());
            BigDecimal overall = stretched(reference.doubleValue(), 10_000);
            targets.add(new Target(start, end, overall, DemoEvent.CURRENCY, null));
            lastYearByOwner.forEach((owner, won) -> targets.add(new Target(start, end,
                    stretched(lastYear.signum() == 0 ? 0 : overall.doubleValue() * won.doubleValue()
                            / lastYear.doubleValue() / STRETCH, 1_000), DemoEvent.CURRENCY, owner)));
        }
        return targets;
    }

    /** Revenue won from {@code from} to {@code to} (both included), added per owner into {@code byOwner}. */
    private static BigDecimal wonIn(List<DemoLead> leads, LocalDate from, LocalDate to, Map<String, BigDecimal> byOwner) {
        BigDecimal total = BigDecimal.ZERO;
        for (DemoLead lead : leads) {
            DemoEvent last = lead.last();
            LocalDate day = last.occurredAt().atZone(ZoneOffset.UTC).toLocalDate();
            if (last.toStage().equals(CLOSED_WON) && !day.isBefore(from) && !day.isAfter(to)) {
                total = total.add(last.amount());
                byOwner.merge(lead.owner(), last.amount(), BigDecimal::add);
            }
        }
        return total;
    }

    /** A figure raised by the stretch, rounded up to a round number (at least one step). */
    private static BigDecimal stretched(double won, long step) {
        long raised = (long) Math.ceil(won * STRETCH / step) * step;
        return BigDecimal.valueOf(Math.max(step, raised));
    }
}
