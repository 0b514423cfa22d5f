// GET /api/funnel/conversion per entry cohort, asked once per "within N days", as a cohort heatmap: columns are
// the entry weeks or months, rows how soon the lead converted. A cohort is still maturing while some of its leads
// have had less time than the conversion usually takes (its p90 velocity): its rates may still rise.

/** The "converted within" rows of the heatmap; null = ever (no limit). */
export const WITHIN = [7, 30, 90, 180, null];

const DAY = 86400000;

/** The end (exclusive) of the cohort period starting at `periodStart` (yyyy-mm-dd), as epoch millis. */
export function periodEnd(periodStart, interval) {
  const [y, m, d] = periodStart.split('-').map(Number);
  return interval === 'week' ? Date.UTC(y, m - 1, d + 7) : Date.UTC(y, m, 1);
}

/** Cohorts whose last lead entered less than `matureDays` before `now` are maturing. */
export function isMaturing(periodStart, interval, matureDays, now) {
  if (matureDays === null || matureDays === undefined) return false;
  return periodEnd(periodStart, interval) + matureDays * DAY > now;
}

/**
 * answers: one conversion answer per entry of `within` (same order). Returns the periods (columns), the row labels
 * and the cells [column, row, rate] (rate null for an empty cohort), and which columns are maturing.
 */
export function cohortHeatmap(answers, within, interval, now) {
  const ever = answers[within.indexOf(null)] ?? answers[answers.length - 1];
  const matureDays = ever?.overall?.velocityDays?.p90 ?? null;
  const periods = (ever?.cohorts ?? []).map((c) => c.period);
  const starts = (ever?.cohorts ?? []).map((c) => c.periodStart);
  const cells = [];
  answers.forEach((a, row) => {
    const byPeriod = new Map((a?.cohorts ?? []).map((c) => [c.period, c]));
    periods.forEach((p, col) => {
      const c = byPeriod.get(p);
      cells.push([col, row, c && c.rate !== null && c.rate !== undefined ? c.rate : null]);
    });
  });
  return {
    periods,
    sizes: (ever?.cohorts ?? []).map((c) => c.cohortSize),
    maturing: starts.map((s) => isMaturing(s, interval, matureDays, now)),
    matureDays,
    cells,
  };
}
