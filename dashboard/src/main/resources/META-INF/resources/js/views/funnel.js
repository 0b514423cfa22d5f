// Funnel: per stage entered, conversion to next and to won, median days to next, for the period and filters;
// beside it the trailing-12-month baseline (as of the period's end) with the differences marked.
import { get } from '../api.js';
import { chart } from '../charts.js';
import { el, fill, filters, stateOf, table, empty } from '../ui.js';
import { apiQuery, isoDate, monthsBefore, nextDay } from '../logic/urlstate.js';
import { compareToBaseline, funnelRows, funnelSeries, MARK_AT } from '../logic/funnel.js';
import * as f from '../logic/format.js';

/** The attribute filters, as the funnel API names them; every one is sent to both the funnel and its baseline. */
const FILTERS = ['channel', 'segment', 'owner', 'campaign'];

export function defaults(today = isoDate(new Date())) {
  return { from: monthsBefore(today, 3), to: today, ...Object.fromEntries(FILTERS.map((k) => [k, ''])) };
}

export async function render(box, ctx) {
  const d = defaults();
  const s = stateOf(d);
  const locale = navigator.language;
  const body = el('div');
  box.append(el('h1', { text: 'Funnel' }), filters('funnel', [
    { key: 'from', label: 'From', type: 'date' }, { key: 'to', label: 'To (included)', type: 'date' },
    { key: 'channel', label: 'Channel (first touch)' }, { key: 'segment', label: 'Segment' },
    { key: 'owner', label: 'Owner' }, { key: 'campaign', label: 'Campaign' }], s, d, ctx.rerender),
  body);
  await fill(body, 'the funnel', async () => {
    const filter = apiQuery(s, FILTERS);
    const [funnel, baseline] = await Promise.all([
      get(`/api/funnel?${apiQuery(s, ['from', 'to'])}${filter ? '&' + filter : ''}`),
      get(`/api/funnel/baseline?asOf=${nextDay(s.to)}&months=12${filter ? '&' + filter : ''}`)]);
    const rows = compareToBaseline(funnelRows(funnel), baseline);
    if (rows.length === 0 || rows.every((r) => !r.entered)) {
      return empty('No lead entered a stage in this period with these filters.');
    }
    const series = funnelSeries(rows);
    const canvas = el('div', { class: 'chart tall', id: 'funnel-chart' });
    const mark = (r) => (r.mark === 'up' ? ' ▲' : r.mark === 'down' ? ' ▼' : '');
    const out = el('div', {},
      el('div', { class: 'grid split' },
        el('section', { class: 'panel' }, el('h2', { text: `${f.date(funnel.from, locale)} – ${f.date(new Date(Date.parse(funnel.to) - 1).toISOString(), locale)}` }), canvas),
        el('section', { class: 'panel', id: 'funnel-table' }, el('h2', { text: 'By stage, against the trailing 12 months' }),
          table([
            { label: 'Stage', field: 'stage', value: (r) => r.stage },
            { label: 'Entered', field: 'entered', value: (r) => f.count(r.entered, locale), raw: (r) => r.entered },
            { label: 'To next', field: 'conversionToNext', value: (r) => f.percent(r.conversionToNext, locale), raw: (r) => r.conversionToNext },
            { label: '12 months', field: 'baselineConversionToNext', value: (r) => f.percent(r.baselineConversionToNext, locale), raw: (r) => r.baselineConversionToNext },
            { label: 'Change', field: 'conversionToNextChange', value: (r) => f.points(r.conversionToNextChange, locale) + mark(r),
              raw: (r) => r.conversionToNextChange, cls: (r) => r.mark },
            { label: 'To won', field: 'conversionToWon', value: (r) => f.percent(r.conversionToWon, locale), raw: (r) => r.conversionToWon },
            { label: 'Median days', field: 'medianDaysToNext', value: (r) => f.days(r.medianDaysToNext, locale), raw: (r) => r.medianDaysToNext },
          ], rows, (r) => r.stage),
          el('p', { class: 'note', text: `▲/▼: conversion to next (or to won) differs by ${f.percent(MARK_AT, locale, 0)} or more from the 12 months before ${f.date(baseline.asOf, locale)}.` }))));
    out.afterMount = () => chart(canvas, {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 28, right: 8, bottom: 8, top: 60, containLabel: true },
      xAxis: { type: 'category', data: series.stages, axisLabel: { interval: 0, rotate: series.stages.length > 5 ? 30 : 0 } },
      yAxis: [{ type: 'value', name: 'entered' }, { type: 'value', name: '%', max: 100, splitLine: { show: false } }],
      series: [
        { name: 'Entered', type: 'bar', data: series.entered },
        { name: 'Conversion to next %', type: 'line', yAxisIndex: 1, data: series.toNext, symbol: 'circle' },
        { name: 'Conversion to won %', type: 'line', yAxisIndex: 1, data: series.toWon, symbol: 'triangle' },
        { name: '12-month conversion to next %', type: 'line', yAxisIndex: 1, data: series.baselineToNext,
          symbol: 'diamond', lineStyle: { type: 'dashed' } },
      ],
    });
    return out;
  });
}
