package dev.l2r.system.faults;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The test's own count of what lead-service accepted, kept from its answers (never from the services' figures), and
 * what the projections must therefore show: the independent count every fault test compares against.
 */
final class Ledger {

    /** One lead as sent: its stages in the order they happened, and the deal's amount (null without one). */
    record Lead(String id, List<String> stages, BigDecimal amount) {

        String last() {
            return stages.get(stages.size() - 1);
        }
    }

    /** What GET /api/funnel must show for the channel: leads that entered each stage. */
    record Funnel(int mql, int opportunity, int won) {
    }

    /** What GET /api/forecast/kpis must show for the channel. */
    record Forecast(int won, BigDecimal wonRevenue, int openOpportunities, BigDecimal pipelineValue) {
    }

    private final List<Lead> accepted = new ArrayList<>();

    synchronized void accept(List<Lead> leads) {
        accepted.addAll(leads);
    }

    synchronized int leads() {
        return accepted.size();
    }

    synchronized int events() {
        return accepted.stream().mapToInt(l -> l.stages().size()).sum();
    }

    synchronized List<Lead> accepted() {
        return List.copyOf(accepted);
    }

    /** @param leftOut leads the funnel is not to count (dead-lettered by it) */
    synchronized Funnel funnel(Set<String> leftOut) {
        int mql = 0;
        int opportunity = 0;
        int won = 0;
        for (Lead l : accepted) {
            if (leftOut.contains(l.id())) {
                continue;
            }
            mql += l.stages().contains("MQL") ? 1 : 0;
            opportunity += l.stages().contains("OPPORTUNITY") ? 1 : 0;
            won += l.stages().contains("CLOSED_WON") ? 1 : 0;
        }
        return new Funnel(mql, opportunity, won);
    }

    /** @param leftOut leads the forecast is not to count (dead-lettered by it) */
    synchronized Forecast forecast(Set<String> leftOut) {
        int won = 0;
        int open = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        BigDecimal pipeline = BigDecimal.ZERO;
        for (Lead l : accepted) {
            if (leftOut.contains(l.id())) {
                continue;
            }
            if (l.last().equals("CLOSED_WON")) {
                won++;
                revenue = revenue.add(l.amount());
            } else if (l.last().equals("OPPORTUNITY")) {
                open++;
                pipeline = pipeline.add(l.amount());
            }
        }
        return new Forecast(won, revenue, open, pipeline);
    }
}
