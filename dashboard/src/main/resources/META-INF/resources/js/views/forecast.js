// Forecast: expected revenue over the horizon with its P10–P90 fan, attainment against the target with the gap and
// the plan to close it, the KPIs by channel, segment, owner or campaign, and the backtest against both baselines.
import { get, post } from '../api.js';
import { chart } from '../charts.js';
import { el, fill, filters, stateOf, table, tile, empty } from '../ui.js';
import { apiQuery, isoDate, monthsBefore } from '../logic/urlstate.js';
import { backtestSeries, fanHorizons, fanSeries, planRequest } from '../logic/forecast.js';
import * as f from '../logic/format.js';

/** Fixed simulations and seed: the page's figures are the API's for the same question, run after run. */
export const SIMULATION = 'simulations=2000&seed=20250301';

export function defaults(today = isoDate(new Date())) {
  return { asOf: today, horizonDays: '90', groupBy: 'channel', from: monthsBefore(today, 12), to: today,
    currency: '', target: '', targetEnd: '' };
}

export async function render(box, ctx) {
  const d = defaults();
  const s = stateOf(d);
  const locale = navigator.language;
  const fan = el('div');
  const attainment = el('div');
  const kpis = el('div');
  const backtest = el('div');
  box.append(el('h1', { text: 'Forecast' }), filters('forecast', [
    { key: 'asOf', label: 'As of', type: 'date' }, { key: 'horizonDays', label: 'Horizon (days)', type: 'number', min: 1 },
    { key: 'groupBy', label: 'KPIs by', type: 'select',
      options: [['channel', 'channel'], ['segment', 'segment'], ['owner', 'owner'], ['campaign', 'campaign']] },
    { key: 'from', label: 'KPIs from', type: 'date' }, { key: 'to', label: 'KPIs to (included)', type: 'date' },
    { key: 'currency', label: 'Currency', placeholder: 'e.g. EUR' },
    { key: 'target', label: 'Target revenue (plan)', type: 'number', min: 0 },
    { key: 'targetEnd', label: 'Target period end', type: 'date' }], s, d, ctx.rerender),
  el('div', { class: 'grid' }, fan, attainment), kpis, backtest);
  const currency = apiQuery(s, ['currency']);
  const cur = currency ? '&' + currency : '';
  const horizons = fanHorizons(s.horizonDays);
  const forecasts = Promise.all(horizons.map((h) =>
    get(`/api/forecast?asOf=${s.asOf}&horizonDays=${h}&${SIMULATION}${cur}`)));
  await Promise.all([
    fill(fan, 'the forecast', async () => {
      const answers = await forecasts;
      const last = answers[answers.length - 1];
      const money = (v) => f.money(v, last.currency, locale);
      const series = fanSeries(answers);
      const canvas = el('div', { class: 'chart', id: 'fan-chart' });
      const out = el('section', { class: 'panel', id: 'forecast' },
        el('h2', { text: `Expected revenue in the next ${f.count(last.horizonDays, locale)} days` }),
        el('div', { class: 'tiles' },
          tile('Expected', money(last.expectedRevenue), 'expectedRevenue', last.expectedRevenue),
          tile('P10', money(last.p10), 'p10', last.p10),
          tile('P90', money(last.p90), 'p90', last.p90),
          tile('Expected won deals', f.decimal(last.expectedWonDeals, locale, 1), 'expectedWonDeals', last.expectedWonDeals)),
        canvas);
      out.afterMount = () => chart(canvas, {
        tooltip: { trigger: 'axis', valueFormatter: (v) => money(v) },
        legend: { top: 0, type: 'scroll', data: ['P10–P90', 'P50', 'Expected'] },
        grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
        xAxis: { type: 'category', name: 'days', boundaryGap: false, data: series.horizons },
        yAxis: { type: 'value', axisLabel: { formatter: (v) => f.money(v, last.currency, locale) } },
        series: [
          { name: 'P10', type: 'line', stack: 'band', data: series.lower, lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
          { name: 'P10–P90', type: 'line', stack: 'band', data: series.band, lineStyle: { opacity: 0 }, symbol: 'none',
            itemStyle: { color: '#56B4E9' }, areaStyle: { color: '#56B4E9', opacity: 0.45 } },
          { name: 'P50', type: 'line', data: series.p50, lineStyle: { type: 'dashed', color: '#000000' }, itemStyle: { color: '#000000' } },
          { name: 'Expected', type: 'line', data: series.expected, lineStyle: { width: 3, color: '#0072B2' }, itemStyle: { color: '#0072B2' } },
        ],
      });
      return out;
    }),
    fill(attainment, 'the attainment', async () => {
      const answers = await forecasts;
      const t = answers[answers.length - 1].target;
      const given = s.target ? { targetRevenue: Number(s.target), periodEnd: s.targetEnd || s.asOf, asOf: s.asOf,
        ...(s.currency ? { currency: s.currency } : {}) } : null;
      const request = given ?? planRequest(t, s.asOf);
      const parts = [el('h2', { text: 'Target, gap and plan' })];
      if (t) {
        const money = (v) => f.money(v, t.currency, locale);
        parts.push(el('div', { class: 'tiles', id: 'attainment' },
          tile('Target', money(t.target), 'target', t.target),
          tile('Won so far', money(t.attainmentSoFar), 'attainmentSoFar', t.attainmentSoFar),
          tile('Expected attainment', money(t.expectedAttainment), 'expectedAttainment', t.expectedAttainment),
          tile('Gap', money(t.gap), 'gap', t.gap),
          tile('Chance to reach', f.percent(t.probabilityToReach, locale), 'probabilityToReach', t.probabilityToReach)));
      } else if (!given) {
        parts.push(empty('No revenue target covers this date. Give one here (target revenue and period end) to see the plan, or store targets with PUT /api/forecast/targets.'));
      }
      if (request) {
        const plan = await post('/api/forecast/plan', request);
        const money = (v) => f.money(v, plan.currency, locale);
        parts.push(el('div', { class: 'tiles', id: 'plan' },
          tile('Plan: gap', money(plan.gap), 'planGap', plan.gap),
          tile('Deals needed', f.decimal(plan.dealsNeeded, locale, 1), 'dealsNeeded', plan.dealsNeeded),
          tile('Average deal', money(plan.averageDealSize), 'averageDealSize', plan.averageDealSize)),
        table([
          { label: 'New leads entering', field: 'stage', value: (r) => r.stage },
          { label: 'Needed', field: 'newLeadsNeeded', value: (r) => (r.reachable ? f.count(r.newLeadsNeeded, locale) : 'not reachable'), raw: (r) => r.newLeadsNeeded },
          { label: 'Enter by', field: 'enterBy', value: (r) => f.date(r.enterBy, locale) + (r.late ? ' (late)' : '') },
          { label: 'Win within period', field: 'winWithinPeriod', value: (r) => f.percent(r.winWithinPeriod, locale), raw: (r) => r.winWithinPeriod },
        ], plan.stages ?? [], (r) => r.stage),
        ...(plan.notes ?? []).map((n) => el('p', { class: 'note', text: n })));
      }
      return el('section', { class: 'panel' }, ...parts);
    }),
    fill(kpis, 'the KPIs', async () => {
      const k = await get(`/api/forecast/kpis?${apiQuery(s, ['from', 'to', 'groupBy'])}${cur}`);
      const money = (v) => f.money(v, k.currency, locale);
      const rows = [{ ...k, key: 'All' }, ...(k.groups ?? []).map((g) => ({ ...g, key: g.key ?? '(unknown)' }))];
      if (!k.won && !k.lost && !k.openOpportunities) return empty('No deal was decided or open in this period.');
      return el('section', { class: 'panel', id: 'kpis' }, el('h2', { text: `KPIs by ${s.groupBy}` }), table([
        { label: s.groupBy, field: 'key', value: (r) => r.key },
        { label: 'Win rate', field: 'winRate', value: (r) => f.percent(r.winRate, locale), raw: (r) => r.winRate },
        { label: 'Average deal', field: 'averageDealSize', value: (r) => money(r.averageDealSize), raw: (r) => r.averageDealSize },
        { label: 'Cycle (days)', field: 'salesCycleDays', value: (r) => f.days(r.salesCycleDays, locale), raw: (r) => r.salesCycleDays },
        { label: 'Sales velocity / day', field: 'salesVelocityPerDay', value: (r) => money(r.salesVelocityPerDay), raw: (r) => r.salesVelocityPerDay },
        { label: 'Won', field: 'won', value: (r) => f.count(r.won, locale), raw: (r) => r.won },
        { label: 'Lost', field: 'lost', value: (r) => f.count(r.lost, locale), raw: (r) => r.lost },
        { label: 'Open', field: 'openOpportunities', value: (r) => f.count(r.openOpportunities, locale), raw: (r) => r.openOpportunities },
      ], rows, (r) => r.key));
    }),
    fill(backtest, 'the backtest', async () => {
      const b = await get(`/api/forecast/backtest?from=${monthsBefore(s.asOf, 12)}&to=${s.asOf}&interval=month${cur}`);
      const series = backtestSeries(b);
      if (series.periods.length === 0) return empty('No period to backtest.');
      const money = (v) => f.money(v, b.currency, locale);
      const canvas = el('div', { class: 'chart', id: 'backtest-chart' });
      const base = new Map((b.baselines ?? []).map((x) => [x.name, x.mape]));
      const out = el('section', { class: 'panel', id: 'backtest' }, el('h2', { text: 'Backtest: forecast against actual' }),
        el('div', { class: 'tiles' },
          tile('Forecast error (MAPE)', f.percent(b.mape, locale), 'mape', b.mape),
          tile('Run-rate MAPE', f.percent(base.get('run-rate'), locale), 'runRateMape', base.get('run-rate')),
          tile('Weighted pipeline MAPE', f.percent(base.get('weighted-pipeline'), locale), 'weightedPipelineMape', base.get('weighted-pipeline')),
          tile('Actual within P10–P90', f.percent(b.coverage, locale), 'coverage', b.coverage)),
        canvas);
      out.afterMount = () => chart(canvas, {
        tooltip: { trigger: 'axis', valueFormatter: (v) => money(v) },
        legend: { top: 0, type: 'scroll', data: ['Forecast', 'P10–P90', 'Actual', 'Run rate', 'Weighted pipeline'] },
        grid: { left: 8, right: 8, top: 50, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: series.periods },
        yAxis: { type: 'value', axisLabel: { formatter: (v) => f.money(v, b.currency, locale) } },
        series: [
          { name: 'P10', type: 'line', stack: 'band', data: series.lower, lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
          { name: 'P10–P90', type: 'line', stack: 'band', data: series.band, lineStyle: { opacity: 0 }, symbol: 'none', itemStyle: { color: '#56B4E9' }, areaStyle: { color: '#56B4E9', opacity: 0.4 } },
          { name: 'Forecast', type: 'line', data: series.forecast, itemStyle: { color: '#0072B2' }, lineStyle: { color: '#0072B2', width: 3 } },
          { name: 'Actual', type: 'line', data: series.actual, symbol: 'rect', itemStyle: { color: '#000000' }, lineStyle: { color: '#000000' } },
          { name: 'Run rate', type: 'line', data: series.runRate, lineStyle: { type: 'dashed', color: '#E69F00' }, itemStyle: { color: '#E69F00' } },
          { name: 'Weighted pipeline', type: 'line', data: series.weightedPipeline, lineStyle: { type: 'dotted', color: '#CC79A7' }, itemStyle: { color: '#CC79A7' } },
        ],
      });
      return out;
    })]);
}
