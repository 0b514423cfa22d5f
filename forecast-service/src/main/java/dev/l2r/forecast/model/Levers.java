package dev.l2r.forecast.model;

/**
 * What a revenue leader can pull, as relative changes to the model's learned parameters (0.1 = 10%), applied when
 * the forecast is recomputed:
 * <ul>
 *   <li>{@code conversion}: every chance of winning of a lead in {@code stage} (every stage when null), open or
 *   entering, × (1 + conversion), at most 1;</li>
 *   <li>{@code dealSize}: every deal's value × (1 + dealSize);</li>
 *   <li>{@code cycle}: from now on deals move faster: a chance of winning within h days becomes the learned chance
 *   within h / (1 − cycle) days (age in stage unchanged), so 0.2 is a 20% shorter cycle;</li>
 *   <li>{@code leads}: new leads in {@code channel} (every channel when null) arrive at (1 + leads) × the recent
 *   rate.</li>
 * </ul>
 */
public record Levers(double conversion, String stage, double dealSize, double cycle, double leads, String channel) {

    public static final Levers NONE = new Levers(0, null, 0, 0, 0, null);

    public Levers {
        if (cycle >= 1) {
            throw new IllegalArgumentException("a cycle cannot shorten by 100% or more");
        }
    }

    /** What the chances of winning of a lead in {@code leadStage} are multiplied by. */
    double conversionFactor(String leadStage) {
        return stage != null && !stage.equals(leadStage) ? 1 : 1 + conversion;
    }

    /** How many times the learned time the horizon holds: 1 / (1 − cycle). */
    double timeScale() {
        return 1 / (1 - cycle);
    }

    double arrivalsOf(String leadChannel) {
        return leads == 0 || (channel != null && !channel.equals(leadChannel)) ? 1 : 1 + leads;
    }

    Levers plus(Levers o) {
        return new Levers(conversion + o.conversion, stage != null ? stage : o.stage, dealSize + o.dealSize,
                cycle + o.cycle, leads + o.leads, channel != null ? channel : o.channel);
    }
}
