package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;

/**
 * A pipeline with known truth, for measuring the forecast's interval: opportunities arrive as a Poisson process
 * ({@code perDay} a day, growing by {@code growthPerYear}), each is won with probability 0.3, lost with 0.5 and
 * left undecided with 0.2, after an exponential time (mean 35 days if won, 25 otherwise), and a won deal is worth a
 * log-normal amount (median 2,000, σ 0.6). Segment (2), owner (4) and channel (3) are drawn uniformly. With
 * {@code quarterEndPull} > 0, that share of the wins that would fall in a quarter's first two months slips to a
 * uniform day of the quarter's last month (the quarter-end peak of B2B sales); the rest keep their time.
 */
final class GeneratedPipeline {

    static final Instant START = Instant.parse("2020-01-01T00:00:00Z");
    static final String STAGE = "OPPORTUNITY";

    private GeneratedPipeline() {
    }

    static History generate(long seed, int days, double perDay, double growthPerYear, double quarterEndPull) {
        SplittableRandom random = new SplittableRandom(seed);
        Datasets.Builder b = new Datasets.Builder();
        double t = 0;
        int n = 0;
        while (true) {
            double rate = perDay * (1 + growthPerYear * t / 365);
            t += -Math.log(1 - random.nextDouble()) / rate;
            if (t >= days) {
                return b.history();
            }
            double r = random.nextDouble();
            StageOutcome outcome = r < 0.3 ? StageOutcome.WON : r < 0.8 ? StageOutcome.LOST : StageOutcome.NO_DECISION;
            double wait = -Math.log(1 - random.nextDouble()) * (outcome == StageOutcome.WON ? 35 : 25);
            Instant entered = Days.plus(START, t);
            Instant closed = Days.plus(entered, wait);
            double pull = random.nextDouble();
            double dayInMonth = random.nextDouble();
            if (outcome == StageOutcome.WON && pull < quarterEndPull) {
                closed = quarterEnd(closed, dayInMonth);
            }
            BigDecimal amount = BigDecimal.valueOf(2000 * Math.exp(0.6 * Simulation.normal(random)))
                    .setScale(2, RoundingMode.HALF_UP);
            LeadAttributes attributes = new LeadAttributes("ch" + random.nextInt(3), "seg" + random.nextInt(2),
                    "rep" + random.nextInt(4), null);
            b.lead("g" + n++, STAGE, entered, closed, outcome, outcome == StageOutcome.WON ? amount : null,
                    attributes, attributes);
        }
    }

    /** In a quarter's first two months: moved to {@code fraction} of the way through the quarter's last month. */
    private static Instant quarterEnd(Instant closed, double fraction) {
        ZonedDateTime z = closed.atZone(ZoneOffset.UTC);
        int inQuarter = (z.getMonthValue() - 1) % 3;
        if (inQuarter == 2) {
            return closed;
        }
        ZonedDateTime lastMonth = z.withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC)
                .plusMonths(2 - inQuarter);
        double length = Days.between(lastMonth.toInstant(), lastMonth.plusMonths(1).toInstant());
        return Days.plus(lastMonth.toInstant(), fraction * length);
    }
}
