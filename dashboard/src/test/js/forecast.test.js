import { test, eq } from './harness.js';
import { backtestSeries, fanHorizons, fanSeries, planRequest } from '/js/logic/forecast.js';

test('the fan is drawn at six steps up to the horizon, without repeats', () => {
  eq(fanHorizons(90), [15, 30, 45, 60, 75, 90]);
  eq(fanHorizons('3'), [1, 2, 3]);
  eq(fanHorizons('nonsense'), [15, 30, 45, 60, 75, 90]);
});

test('the band is P90 − P10 stacked on P10; a missing interval is a gap', () => {
  const s = fanSeries([
    { horizonDays: 30, p10: 100.1, p50: 150, p90: 250.35, expectedRevenue: 160 },
    { horizonDays: 60, p10: null, p50: null, p90: null, expectedRevenue: 0 }]);
  eq(s.lower, [100.1, null]);
  eq(s.band, [150.25, null]);
  eq(s.upper, [250.35, null]);
  eq(s.expected, [160, 0]);
  eq(s.horizons, [30, 60]);
});

test('the backtest keeps both baselines beside forecast and actual', () => {
  const s = backtestSeries({ periods: [{ period: '2025-04', forecast: 557666.81, p10: 506159.1, p90: 609794.3,
    actual: 721932, runRate: 1085321, weightedPipeline: 2454915.69 }] });
  eq(s.band, [103635.2]);
  eq([s.actual[0], s.runRate[0], s.weightedPipeline[0]], [721932, 1085321, 2454915.69]);
});

test('the plan asks for the target\'s period, its last day included', () => {
  eq(planRequest({ from: '2025-10-01T00:00:00Z', to: '2026-01-01T00:00:00Z', target: 3000000, currency: 'USD' }, '2025-11-15'),
    { targetRevenue: 3000000, periodStart: '2025-10-01', periodEnd: '2025-12-31', asOf: '2025-11-15', currency: 'USD' });
  eq(planRequest(null, '2025-11-15'), null);
});
