import { test, eq } from './harness.js';
import { cohortHeatmap, isMaturing, periodEnd } from '/js/logic/cohorts.js';

const at = (iso) => Date.parse(iso);

test('a month ends on the first of the next, a week seven days on, over year ends', () => {
  eq(periodEnd('2025-12-01', 'month'), at('2026-01-01T00:00:00Z'));
  eq(periodEnd('2025-12-29', 'week'), at('2026-01-05T00:00:00Z'));
});

test('a cohort matures once its last entrant has had the p90 velocity', () => {
  // March's last entrant came on 31 March; 30 days later is 1 May 00:00
  eq(isMaturing('2025-03-01', 'month', 30, at('2025-04-30T23:59:59Z')), true);
  eq(isMaturing('2025-03-01', 'month', 30, at('2025-05-01T00:00:00Z')), false);
  eq(isMaturing('2025-03-01', 'month', null, at('2025-03-02T00:00:00Z')), false);
});

const answer = (rates, p90) => ({ overall: { cohortSize: 30, converted: 3, rate: 0.1, velocityDays: { p90 } },
  cohorts: rates.map(([period, periodStart, rate]) => ({ period, periodStart, cohortSize: 10, converted: 1, rate })) });

test('cells are [cohort, row, rate], cohorts from the unlimited answer, maturing by its p90', () => {
  const within = [7, null];
  const answers = [
    answer([['2025-01', '2025-01-01', 0.1], ['2025-02', '2025-02-01', null]], 5),
    answer([['2025-01', '2025-01-01', 0.3], ['2025-02', '2025-02-01', 0.2], ['2025-03', '2025-03-01', null]], 40)];
  const map = cohortHeatmap(answers, within, 'month', at('2025-04-05T00:00:00Z'));
  eq(map.periods, ['2025-01', '2025-02', '2025-03']);
  eq(map.matureDays, 40);
  eq(map.maturing, [false, true, true]);
  eq(map.cells, [[0, 0, 0.1], [1, 0, null], [2, 0, null], [0, 1, 0.3], [1, 1, 0.2], [2, 1, null]]);
});
