package dev.l2r.tools.demo;

import dev.l2r.events.funnel.FunnelDefinition;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.l2r.events.funnel.FunnelDefinition.ANONYMOUS;
import static dev.l2r.events.funnel.FunnelDefinition.CLOSED_LOST;
import static dev.l2r.events.funnel.FunnelDefinition.CLOSED_WON;
import static dev.l2r.events.funnel.FunnelDefinition.KNOWN;
import static dev.l2r.events.funnel.FunnelDefinition.NO_DECISION;
import static dev.l2r.events.funnel.FunnelDefinition.OPPORTUNITY;

/**
 * A synthetic, B2B-shaped history of leads over the default funnel, ending on a given day: the demo data of
 * {@code bin/l2r up --demo} (docs/demo.md). Deterministic: the same seed, day and size give the same leads and
 * events, to the second, so that a second load is all duplicates.
 *
 * <p>Leads arrive over the two years up to that day (more on weekdays, fewer in July, August and December, a little
 * more each month), through channels of different volume and quality, in segments with different deal sizes, cycle
 * lengths and win rates, each worked by one of its segment's reps. Each lead walks the open stages one at a time
 * from ANONYMOUS or KNOWN; at each stage it advances, is lost (or ends without decision), or stalls there for good.
 * Wins bunch at month and quarter ends, as sales teams push deals into the period they are measured on. Whatever
 * would happen after the day is not there: those leads are the open pipeline.
 */
public final class DemoHistory {

    public static final int DEFAULT_LEADS = 8_000;

    record Channel(String name, double share, double quality, double anonymousFirst, double smb, double midMarket) {
    }

    record Segment(String name, double medianDeal, double dealSpread, double cycle, double winRate,
                   List<String> owners) {
    }

    /** Channels: share of arrivals, quality (multiplies sales-stage conversion), share first seen anonymous, mix. */
    static final List<Channel> CHANNELS = List.of(
            new Channel("organic_search", 0.28, 1.00, 0.70, 0.70, 0.25),
            new Channel("paid_search", 0.22, 0.80, 0.80, 0.75, 0.22),
            new Channel("webinar", 0.15, 1.00, 0.00, 0.55, 0.35),
            new Channel("referral", 0.10, 1.45, 0.20, 0.50, 0.35),
            new Channel("events", 0.10, 1.15, 0.00, 0.35, 0.40),
            new Channel("outbound", 0.10, 0.85, 0.00, 0.30, 0.40),
            new Channel("partner", 0.05, 1.35, 0.00, 0.40, 0.40));

    /** Segments: median deal (EUR), its lognormal spread, cycle multiplier, win rate from opportunity, reps. */
    static final List<Segment> SEGMENTS = List.of(
            new Segment("smb", 9_000, 0.45, 1.0, 0.40, List.of("anna.schmidt", "ben.carter", "chloe.martin")),
            new Segment("mid-market", 38_000, 0.50, 1.7, 0.29, List.of("david.okafor", "elena.rossi")),
            new Segment("enterprise", 160_000, 0.55, 2.8, 0.20, List.of("frank.weber")));

    /** Arrivals per calendar month against an average month: a summer and a December dip. */
    static final double[] MONTH = {1.05, 1.05, 1.15, 1.05, 1.00, 0.95, 0.70, 0.60, 1.15, 1.20, 1.15, 0.75};
    /** Arrivals per weekday, Monday first. */
    static final double[] WEEKDAY = {1.10, 1.15, 1.15, 1.05, 0.90, 0.20, 0.15};

    /** Chance to advance from each open stage but the last (sales stages are scaled by the channel's quality). */
    static final Map<String, Double> ADVANCE = Map.of(
            ANONYMOUS, 0.55, KNOWN, 0.70, FunnelDefinition.ENGAGED, 0.65, FunnelDefinition.MQL, 0.60,
            FunnelDefinition.SAL, 0.70, FunnelDefinition.SQL, 0.70);
    /** Median days in each open stage (sales stages are scaled by the segment's cycle). */
    static final Map<String, Double> DWELL = Map.of(
            ANONYMOUS, 4.0, KNOWN, 6.0, FunnelDefinition.ENGAGED, 9.0, FunnelDefinition.MQL, 3.0,
            FunnelDefinition.SAL, 6.0, FunnelDefinition.SQL, 12.0, OPPORTUNITY, 28.0);
    /** Chance that a lead stops moving in a stage and stays there, open and growing stale. */
    static final double STALL = 0.04;
    /** Chance that a won deal is pushed to the last week of its quarter, else to the last days of its month. */
    static final double QUARTER_END_PUSH = 0.45;
    static final double MONTH_END_PUSH = 0.30;

    private final long seed;
    private final LocalDate today;
    private final LocalDate first;
    private final List<String> open = FunnelDefinition.canonical().openStages();

    private DemoHistory(long seed, LocalDate today) {
        this.seed = seed;
        this.today = today;
        this.first = today.minusYears(2);
    }

    /**
     * {@code leads} leads whose events lie from {@code today} two years back to {@code today}, both days included
     * (a lead arrives on each). Events of {@code today} lie in its first ten minutes (UTC), so that a load at any time
     * of the day is never ahead of lead-service's clock by more than the 10 minutes it allows.
     */
    public static List<DemoLead> generate(long seed, LocalDate today, int leads) {
        if (leads < 2) {
            throw new IllegalArgumentException("leads: at least 2 (one arrives on each end of the two years)");
        }
        return new DemoHistory(seed, today).leads(leads);
    }

    private List<DemoLead> leads(int count) {
        List<LocalDate> arrivals = arrivalDays(count);
        List<DemoLead> leads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // each lead its own stream: the i-th lead does not change when another lead's draws do
            leads.add(lead(i, arrivals.get(i), new SplittableRandom(seed * 1_000_003L + i)));
        }
        return leads;
    }

    /** The arrival days, sorted: one on each end, the rest drawn with the seasonal, weekly and growth weights. */
    private List<LocalDate> arrivalDays(int count) {
        int days = (int) ChronoUnit.DAYS.between(first, today) + 1;
        double[] cumulative = new double[days];
        double total = 0;
        for (int d = 0; d < days; d++) {
            LocalDate day = first.plusDays(d);
            total += MONTH[day.getMonthValue() - 1] * WEEKDAY[day.getDayOfWeek().getValue() - 1]
                    * (0.85 + 0.30 * d / days);
            cumulative[d] = total;
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<LocalDate> arrivals = new ArrayList<>(count);
        arrivals.add(first);
        arrivals.add(today);
        for (int i = 2; i < count; i++) {
            int d = Arrays.binarySearch(cumulative, r.nextDouble() * total);
            arrivals.add(first.plusDays(d >= 0 ? d : Math.min(-d - 1, days - 1)));
        }
        arrivals.sort(null);
        return arrivals;
    }

    private DemoLead lead(int index, LocalDate arrival, SplittableRandom r) {
        String id = "demo-" + seed + "-" + String.format("%05d", index);
        Channel channel = CHANNELS.get(pick(r, CHANNELS.stream().mapToDouble(Channel::share).toArray()));
        Segment segment = SEGMENTS.get(pick(r, new double[]{channel.smb(), channel.midMarket(),
                1 - channel.smb() - channel.midMarket()}));
        String owner = segment.owners().get(r.nextInt(segment.owners().size()));
        BigDecimal deal = roundTo(segment.medianDeal() * Math.exp(segment.dealSpread() * r.nextGaussian()), 100);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("channel", channel.name());
        attributes.put("segment", segment.name());
        attributes.put("owner", owner);
        attributes.put("campaign", campaign(channel, arrival, r));

        List<DemoEvent> events = new ArrayList<>();
        String stage = r.nextDouble() < channel.anonymousFirst() ? ANONYMOUS : KNOWN;
        LocalDate day = arrival;
        events.add(event(id, events.size(), stage, day, null, attributes, r));
        while (r.nextDouble() >= STALL) {
            boolean sales = open.indexOf(stage) >= open.indexOf(FunnelDefinition.SAL);
            double days = DWELL.get(stage) * (sales ? segment.cycle() : 1) * Math.exp(0.6 * r.nextGaussian());
            String next;
            BigDecimal amount = null;
            if (stage.equals(OPPORTUNITY)) {
                double u = r.nextDouble();
                double win = Math.min(0.85, segment.winRate() * Math.sqrt(channel.quality()));
                next = u < win ? CLOSED_WON : u < win + (1 - win) * 0.75 ? CLOSED_LOST : NO_DECISION;
            } else {
                double advance = ADVANCE.get(stage) * (open.indexOf(stage) >= open.indexOf(FunnelDefinition.MQL)
                        ? channel.quality() : 1);
                if (r.nextDouble() < Math.min(0.95, advance)) {
                    next = open.get(open.indexOf(stage) + 1);
                } else {
                    // a lead dropped is noticed later than one moved on; sales may close it without a decision
                    days *= 1.5;
                    next = sales && r.nextDouble() < 0.2 ? NO_DECISION : CLOSED_LOST;
                }
            }
            LocalDate nextDay = day.plusDays(Math.max(1, Math.round(days)));
            if (next.equals(CLOSED_WON)) {
                nextDay = pushToPeriodEnd(nextDay, r);
                amount = roundTo(deal.doubleValue() * (0.9 + 0.1 * r.nextDouble()), 100);
            } else if (next.equals(OPPORTUNITY)) {
                amount = deal;
            }
            if (nextDay.isAfter(today)) {
                break;
            }
            events.add(event(id, events.size(), next, nextDay, amount, attributes, r));
            if (!open.contains(next)) {
                break;
            }
            stage = next;
            day = nextDay;
        }
        return new DemoLead(id, channel.name(), segment.name(), owner, attributes.get("campaign"), deal, events);
    }

    /** Sales teams close into the period they are measured on: wins move to quarter ends and month ends. */
    private LocalDate pushToPeriodEnd(LocalDate day, SplittableRandom r) {
        double u = r.nextDouble();
        LocalDate pushed = day;
        if (u < QUARTER_END_PUSH) {
            LocalDate quarterEnd = day.with(IsoFields.DAY_OF_QUARTER, 1).plusMonths(3).minusDays(1);
            pushed = quarterEnd.minusDays(r.nextInt(7));
        } else if (u < QUARTER_END_PUSH + MONTH_END_PUSH) {
            pushed = day.with(TemporalAdjusters.lastDayOfMonth()).minusDays(r.nextInt(4));
        }
        // nobody signs on a weekend: the Friday before, unless that is before the deal was ready
        if (pushed.getDayOfWeek().getValue() > 5) {
            LocalDate friday = pushed.with(TemporalAdjusters.previous(DayOfWeek.FRIDAY));
            pushed = friday.isBefore(day) ? pushed : friday;
        }
        return pushed.isBefore(day) ? day : pushed;
    }

    private DemoEvent event(String leadId, int step, String stage, LocalDate day, BigDecimal amount,
                            Map<String, String> attributes, SplittableRandom r) {
        // working hours, UTC; on the last day within its first ten minutes (see generate)
        long second = day.equals(today) ? r.nextInt(600) : 8 * 3600 + r.nextInt(10 * 3600);
        Instant at = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(second);
        return new DemoEvent(leadId, stage, at, leadId + "-" + step, amount, attributes);
    }

    private static String campaign(Channel channel, LocalDate arrival, SplittableRandom r) {
        int year = arrival.getYear();
        return switch (channel.name()) {
            case "organic_search" -> r.nextBoolean() ? "seo-blog" : "seo-guides";
            case "paid_search" -> List.of("search-brand", "search-generic", "search-competitor").get(r.nextInt(3));
            case "webinar" -> "webinar-" + year + "-q" + arrival.get(IsoFields.QUARTER_OF_YEAR);
            case "events" -> "trade-show-" + year + (arrival.getMonthValue() <= 6 ? "-spring" : "-autumn");
            case "outbound" -> r.nextBoolean() ? "outbound-sequence-a" : "outbound-sequence-b";
            case "referral" -> "customer-referral";
            default -> "partner-program";
        };
    }

    private static int pick(SplittableRandom r, double[] weights) {
        double total = Arrays.stream(weights).sum();
        double u = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static BigDecimal roundTo(double value, int step) {
        return BigDecimal.valueOf(Math.max(step, Math.round(value / step) * (long) step)).setScale(0, RoundingMode.UNNECESSARY);
    }
}
