// The distribution of days from one stage to another, from GET /api/funnel/conversion asked with withinDays:
// the number converted within N days is cumulative, so consecutive differences are the leads that took between
// the two limits. The last bucket (no limit) holds the rest of the converted.

export const LIMITS = [7, 14, 30, 60, 90, 180, 365];

/** converted: the cohort's `converted` per limit of `limits`, then the unlimited one. */
export function buckets(converted, limits = LIMITS) {
  const out = [];
  let before = 0;
  let lower = 0;
  limits.forEach((limit, i) => {
    const n = converted[i] ?? 0;
    out.push({ label: `${lower}–${limit}`, from: lower, to: limit, leads: Math.max(0, n - before) });
    before = Math.max(before, n);
    lower = limit;
  });
  const all = converted[limits.length] ?? before;
  out.push({ label: `> ${lower}`, from: lower, to: null, leads: Math.max(0, all - before) });
  return out;
}
