// GET /api/forecast at several horizons as a fan chart, and the backtest's periods as chart series.

/** The horizons (days) the fan is drawn at: `points` steps up to the horizon, each at least a day. */
export function fanHorizons(horizonDays, points = 6) {
  const h = Math.max(1, Math.round(Number(horizonDays) || 90));
  const out = [];
  for (let i = 1; i <= points; i++) {
    const d = Math.max(1, Math.round((h * i) / points));
    if (!out.includes(d)) out.push(d);
  }
  return out;
}

/**
 * The fan's series from forecast answers ordered by horizon: `lower` (P10) and `band` (P90 − P10) are stacked so
 * that the filled area spans P10–P90; `p50` and `expected` are lines. A missing interval is a gap, not 0.
 */
export function fanSeries(answers) {
  const num = (v) => (v === null || v === undefined ? null : Number(v));
  return {
    horizons: answers.map((a) => a.horizonDays),
    lower: answers.map((a) => num(a.p10)),
    band: answers.map((a) => (a.p10 === null || a.p90 === null || a.p10 === undefined || a.p90 === undefined
      ? null : round2(a.p90 - a.p10))),
    upper: answers.map((a) => num(a.p90)),
    p50: answers.map((a) => num(a.p50)),
    expected: answers.map((a) => num(a.expectedRevenue)),
  };
}

/** The backtest's series: forecast with its P10–P90, the actual, and the two baselines by name. */
export function backtestSeries(answer) {
  const periods = answer?.periods ?? [];
  return {
    periods: periods.map((p) => p.period),
    forecast: periods.map((p) => p.forecast ?? null),
    lower: periods.map((p) => p.p10 ?? null),
    band: periods.map((p) => (p.p10 === null || p.p90 === null || p.p10 === undefined || p.p90 === undefined
      ? null : round2(p.p90 - p.p10))),
    actual: periods.map((p) => p.actual ?? null),
    runRate: periods.map((p) => p.runRate ?? null),
    weightedPipeline: periods.map((p) => p.weightedPipeline ?? null),
  };
}

/** The plan request for closing the target's gap: the target's period (its `to` is exclusive; the API's end day is included). */
export function planRequest(target, asOf) {
  if (!target || target.target === null || target.target === undefined) return null;
  const end = new Date(Date.parse(target.to) - 86400000).toISOString().slice(0, 10);
  return {
    targetRevenue: target.target,
    periodStart: target.from.slice(0, 10),
    periodEnd: end,
    asOf,
    currency: target.currency,
  };
}

const round2 = (v) => Math.round(v * 100) / 100;
