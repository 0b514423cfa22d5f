import { test, eq } from './harness.js';
import { compareToBaseline, funnelRows, funnelSeries } from '/js/logic/funnel.js';

const stage = (s, entered, toNext, toWon, median) => ({ stage: s, entered, nextStage: null, reachedNext: null,
  conversionToNext: toNext, reachedWon: null, conversionToWon: toWon,
  velocityToNextDays: { count: 0, mean: null, median, p90: null } });

const funnel = { stages: [stage('MQL', 120, 0.533333, 0.041667, 2.5), stage('SAL', 64, 0.5, 0.078125, 3),
  stage('CLOSED_WON', 5, null, 1, null)] };
const baseline = { current: { stages: [stage('MQL', 1400, 0.5, 0.042857, 3), stage('SAL', 700, 0.6, 0.09, 4),
  stage('CLOSED_WON', 60, null, 1, null)] } };

test('rows keep the stages\' order and their median days to next', () => {
  eq(funnelRows(funnel).map((r) => [r.stage, r.entered, r.medianDaysToNext]),
    [['MQL', 120, 2.5], ['SAL', 64, 3], ['CLOSED_WON', 5, null]]);
  eq(funnelRows(null), []);
});

test('differences from the baseline are computed per stage and marked from 5 points on', () => {
  const rows = compareToBaseline(funnelRows(funnel), baseline);
  eq(rows.map((r) => [r.stage, r.conversionToNextChange, r.mark]),
    [['MQL', 0.033333, null], ['SAL', -0.1, 'down'], ['CLOSED_WON', null, null]]);
  eq(rows[0].conversionToWonChange, -0.00119);
  eq(rows[1].baselineConversionToNext, 0.6);
});

test('a stage without a next stage is marked by its conversion to won', () => {
  const rows = compareToBaseline([{ stage: 'X', conversionToNext: null, conversionToWon: 0.3 }],
    { current: { stages: [stage('X', 1, null, 0.2, null)] } });
  eq(rows[0].mark, 'up');
});

test('a stage the baseline lacks has no comparison', () => {
  const rows = compareToBaseline(funnelRows(funnel), { current: { stages: [] } });
  eq(rows.map((r) => r.mark), [null, null, null]);
  eq(rows[0].baselineConversionToNext, null);
});

test('series are in percent, a missing conversion a gap', () => {
  const s = funnelSeries(compareToBaseline(funnelRows(funnel), baseline));
  eq(s.toNext, [53.3333, 50, null]);
  eq(s.baselineToNext, [50, 60, null]);
  eq(s.entered, [120, 64, 5]);
});
