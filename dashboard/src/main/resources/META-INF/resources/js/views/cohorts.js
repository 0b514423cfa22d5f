// Cohorts: conversion from one stage to another by entry week or month, as a heatmap of "converted within N days";
// cohorts younger than the conversion's p90 velocity are marked as still maturing.
import { get } from '../api.js';
import { chart } from '../charts.js';
import { el, fill, filters, stateOf, table, empty } from '../ui.js';
import { apiQuery, isoDate, monthsBefore } from '../logic/urlstate.js';
import { cohortHeatmap, WITHIN } from '../logic/cohorts.js';
import { SEQUENTIAL } from '../logic/palette.js';
import { stageOptions } from './stages.js';
import * as f from '../logic/format.js';

export function defaults(today = isoDate(new Date())) {
  return { fromStage: 'MQL', toStage: 'CLOSED_WON', interval: 'month', from: monthsBefore(today, 12), to: today,
    channel: '', segment: '', owner: '' };
}

export async function render(box, ctx) {
  const d = defaults();
  const s = stateOf(d);
  const locale = navigator.language;
  const stages = await stageOptions();
  const body = el('div');
  box.append(el('h1', { text: 'Cohorts' }), filters('cohorts', [
    { key: 'fromStage', label: 'From stage', type: 'select', options: stages },
    { key: 'toStage', label: 'To stage', type: 'select', options: stages },
    { key: 'interval', label: 'Cohorts by', type: 'select', options: [['month', 'month'], ['week', 'week']] },
    { key: 'from', label: 'Entered from', type: 'date' }, { key: 'to', label: 'to (included)', type: 'date' },
    { key: 'channel', label: 'Channel' }, { key: 'segment', label: 'Segment' }, { key: 'owner', label: 'Owner' }],
  s, d, ctx.rerender), body);
  await fill(body, 'the cohorts', async () => {
    const base = apiQuery(s, ['fromStage', 'toStage', 'from', 'to', 'interval', 'channel', 'segment', 'owner']);
    const answers = await Promise.all(WITHIN.map((w) =>
      get(`/api/funnel/conversion?${base}${w === null ? '' : '&withinDays=' + w}`)));
    const map = cohortHeatmap(answers, WITHIN, s.interval, Date.now());
    if (map.periods.length === 0 || map.sizes.every((n) => n === 0)) {
      return empty(`No lead entered ${s.fromStage} in this period with these filters.`);
    }
    const rowLabels = WITHIN.map((w) => (w === null ? 'ever' : `within ${w} days`));
    const columns = map.periods.map((p, i) => (map.maturing[i] ? `${p}*` : p));
    const ever = answers[WITHIN.indexOf(null)];
    const canvas = el('div', { class: 'chart tall', id: 'cohort-chart' });
    const rows = map.periods.map((p, i) => ({ period: p, size: map.sizes[i], maturing: map.maturing[i],
      rates: WITHIN.map((_, r) => map.cells[r * map.periods.length + i][2]) }));
    const out = el('div', {},
      el('section', { class: 'panel' },
        el('h2', { text: `${s.fromStage} → ${s.toStage}: ${f.percent(ever.overall.rate, locale)} of ${f.count(ever.overall.cohortSize, locale)} converted` }),
        canvas,
        el('p', { class: 'note maturing', text: `* still maturing: entered less than ${f.days(map.matureDays, locale)} days (the conversion's p90) before today, so the rate may still rise.` })),
      el('section', { class: 'panel', id: 'cohort-table' }, table([
        { label: 'Cohort', field: 'period', value: (r) => r.period + (r.maturing ? ' (maturing)' : ''), cls: (r) => (r.maturing ? 'maturing' : null) },
        { label: 'Entered', field: 'cohortSize', value: (r) => f.count(r.size, locale), raw: (r) => r.size },
        ...WITHIN.map((w, i) => ({ label: rowLabels[i], field: w === null ? 'rate' : `within${w}`,
          value: (r) => f.percent(r.rates[i], locale), raw: (r) => r.rates[i] })),
      ], rows, (r) => r.period)));
    out.afterMount = () => chart(canvas, {
      tooltip: { position: 'top', formatter: (p) => `${map.periods[p.value[0]]}, ${rowLabels[p.value[1]]}: ${f.percent(p.value[2], locale)}` },
      grid: { left: 8, right: 8, top: 10, bottom: 60, containLabel: true },
      xAxis: { type: 'category', data: columns, splitArea: { show: true } },
      yAxis: { type: 'category', data: rowLabels, splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(0.0001, ...map.cells.map((c) => c[2] ?? 0)), calculable: true,
        orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: SEQUENTIAL },
        formatter: (v) => f.percent(v, locale, 0) },
      series: [{ name: 'conversion', type: 'heatmap', data: map.cells.filter((c) => c[2] !== null),
        label: { show: map.periods.length <= 14, formatter: (p) => f.percent(p.value[2], locale, 0) } }],
    });
    return out;
  });
}
