// GET /api/funnel and GET /api/funnel/baseline turned into the funnel view's rows and chart series.

/** A change of conversion (a fraction) at least this large is marked as a difference from the baseline. */
export const MARK_AT = 0.05;

/** One row per stage of the funnel answer, in its order. */
export function funnelRows(answer) {
  return (answer?.stages ?? []).map((s) => ({
    stage: s.stage,
    entered: s.entered,
    nextStage: s.nextStage,
    conversionToNext: s.conversionToNext,
    conversionToWon: s.conversionToWon,
    medianDaysToNext: s.velocityToNextDays?.median ?? null,
  }));
}

/**
 * The period's rows beside the baseline's (its `current` window): per stage the baseline's conversions and
 * the differences, with `mark` 'up' or 'down' where a conversion differs by at least `markAt` (to next, else to won),
 * and null where either side has no figure.
 */
export function compareToBaseline(rows, baselineAnswer, markAt = MARK_AT) {
  const base = new Map(funnelRows(baselineAnswer?.current).map((r) => [r.stage, r]));
  return rows.map((r) => {
    const b = base.get(r.stage);
    const diff = (x, y) => (x === null || x === undefined || y === null || y === undefined ? null : round6(x - y));
    const toNext = diff(r.conversionToNext, b?.conversionToNext);
    const toWon = diff(r.conversionToWon, b?.conversionToWon);
    const decisive = toNext ?? toWon;
    const mark = decisive === null || Math.abs(decisive) < markAt ? null : decisive > 0 ? 'up' : 'down';
    return {
      ...r,
      baselineConversionToNext: b?.conversionToNext ?? null,
      baselineConversionToWon: b?.conversionToWon ?? null,
      baselineMedianDaysToNext: b?.medianDaysToNext ?? null,
      conversionToNextChange: toNext,
      conversionToWonChange: toWon,
      mark,
    };
  });
}

/** The chart's categories and series: entered per stage, conversion to next and to won (in percent). */
export function funnelSeries(rows) {
  return {
    stages: rows.map((r) => r.stage),
    entered: rows.map((r) => r.entered),
    toNext: rows.map((r) => pct(r.conversionToNext)),
    toWon: rows.map((r) => pct(r.conversionToWon)),
    baselineToNext: rows.map((r) => pct(r.baselineConversionToNext)),
  };
}

const pct = (v) => (v === null || v === undefined ? null : round6(v * 100));
const round6 = (v) => Math.round(v * 1e6) / 1e6;
