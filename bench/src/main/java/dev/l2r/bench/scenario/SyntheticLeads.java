package dev.l2r.bench.scenario;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Deterministic synthetic leads over three years: most enter at the top of the funnel, some first seen late;
 * they move forward with skips, recycles, losses and wins, waiting an exponentially distributed time (whole
 * seconds) in each stage. About five events per lead. Channel (10, skewed), segment (4) and owner (50).
 */
final class SyntheticLeads {

    static final Instant START = Instant.parse("2022-01-01T00:00:00Z");
    static final long SPAN_SECONDS = 3L * 365 * 86_400;
    private static final String[] OPEN = {"ANONYMOUS", "KNOWN", "ENGAGED", "MQL", "SAL", "SQL", "OPPORTUNITY"};
    private static final double[] MEAN_DAYS = {3, 6, 10, 8, 5, 12, 30};
    private static final String[] CHANNELS = {"organic_search", "paid_search", "social", "email", "referral",
            "direct_traffic", "display", "events", "partner", "other"};
    private static final String[] SEGMENTS = {"smb", "mid_market", "enterprise", "public"};

    private final Random random;

    SyntheticLeads(long seed) {
        this.random = new Random(seed);
    }

    List<LeadStageChanged> next(int index) {
        String lead = "bench-" + index;
        List<LeadStageChanged> events = new ArrayList<>(8);
        Instant t = START.plusSeconds((long) (random.nextDouble() * SPAN_SECONDS));
        double roll = random.nextDouble();
        int stage = roll < 0.35 ? 0 : roll < 0.6 ? 1 : roll < 0.75 ? 2 : roll < 0.93 ? 3 : 6;
        LeadAttributes first = new LeadAttributes(CHANNELS[Math.min(9, (int) (-Math.log(1 - random.nextDouble()) * 2.5))],
                SEGMENTS[random.nextInt(SEGMENTS.length)], "owner-" + random.nextInt(50), null);
        events.add(event(lead, OPEN[stage], t, first));
        while (true) {
            t = t.plusSeconds(1 + (long) (-Math.log(1 - random.nextDouble()) * MEAN_DAYS[stage] * 86_400));
            double r = random.nextDouble();
            if (stage == 6) {
                events.add(event(lead, r < 0.35 ? "CLOSED_WON" : r < 0.85 ? "CLOSED_LOST" : "NO_DECISION", t, null));
                return events;
            }
            if (r < 0.12) {
                return events; // goes quiet
            }
            if (r < 0.16) {
                events.add(event(lead, r < 0.14 ? "CLOSED_LOST" : "NO_DECISION", t, null));
                return events;
            }
            if (r < 0.20 && stage > 0) {
                stage -= 1; // recycled
            } else if (r < 0.32 && stage < 5) {
                stage += 2; // skips one
            } else {
                stage += 1;
            }
            events.add(event(lead, OPEN[stage], t, random.nextInt(10) == 0
                    ? new LeadAttributes(null, SEGMENTS[random.nextInt(SEGMENTS.length)], "owner-" + random.nextInt(50), null)
                    : null));
        }
    }

    private LeadStageChanged event(String lead, String stage, Instant at, LeadAttributes attributes) {
        return new LeadStageChanged(new UUID(random.nextLong(), random.nextLong()), 1, lead, null, stage,
                TransitionKind.ADVANCE, null, at, at, "bench", null, null, null, null, attributes);
    }
}
