// Velocity and stale work: how many days leads took from one stage to another (a distribution built from the
// conversion answer's "within N days" counts), and the leads stuck in each open stage longer than its threshold.
import { get } from '../api.js';
import { chart } from '../charts.js';
import { el, fill, filters, stateOf, table, tile, empty } from '../ui.js';
import { apiQuery, isoDate, monthsBefore } from '../logic/urlstate.js';
import { buckets, LIMITS } from '../logic/velocity.js';
import { stageOptions } from './stages.js';
import * as f from '../logic/format.js';

export function defaults(today = isoDate(new Date())) {
  return { fromStage: 'MQL', toStage: 'CLOSED_WON', from: monthsBefore(today, 12), to: today,
    channel: '', segment: '', owner: '' };
}

export async function render(box, ctx) {
  const d = defaults();
  const s = stateOf(d);
  const locale = navigator.language;
  const stages = await stageOptions();
  const dist = el('div');
  const stale = el('div');
  box.append(el('h1', { text: 'Velocity and stale work' }), filters('velocity', [
    { key: 'fromStage', label: 'From stage', type: 'select', options: stages },
    { key: 'toStage', label: 'To stage', type: 'select', options: stages },
    { key: 'from', label: 'Entered from', type: 'date' }, { key: 'to', label: 'to (included)', type: 'date' },
    { key: 'channel', label: 'Channel' }, { key: 'segment', label: 'Segment' }, { key: 'owner', label: 'Owner' }],
  s, d, ctx.rerender), el('div', { class: 'grid' }, dist, stale));
  const filter = apiQuery(s, ['channel', 'segment', 'owner']);
  await Promise.all([fill(dist, 'the velocity', async () => {
    const base = apiQuery(s, ['fromStage', 'toStage', 'from', 'to', 'channel', 'segment', 'owner']);
    const answers = await Promise.all([...LIMITS, null].map((w) =>
      get(`/api/funnel/conversion?${base}${w === null ? '' : '&withinDays=' + w}`)));
    const all = answers[answers.length - 1].overall;
    if (!all.converted) return empty(`No lead went from ${s.fromStage} to ${s.toStage} in this period.`);
    const b = buckets(answers.map((a) => a.overall.converted));
    const canvas = el('div', { class: 'chart', id: 'velocity-chart' });
    const out = el('section', { class: 'panel', id: 'velocity' },
      el('h2', { text: `Days from ${s.fromStage} to ${s.toStage}` }),
      el('div', { class: 'tiles' },
        tile('Converted', f.count(all.converted, locale), 'converted', all.converted),
        tile('Median days', f.days(all.velocityDays.median, locale), 'median', all.velocityDays.median),
        tile('p90 days', f.days(all.velocityDays.p90, locale), 'p90', all.velocityDays.p90),
        tile('Mean days', f.days(all.velocityDays.mean, locale), 'mean', all.velocityDays.mean)),
      canvas);
    out.afterMount = () => chart(canvas, {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: 'category', name: 'days', data: b.map((x) => x.label) },
      yAxis: { type: 'value', name: 'leads', minInterval: 1 },
      series: [{ name: 'Leads', type: 'bar', data: b.map((x) => x.leads) }],
    });
    return out;
  }), fill(stale, 'the stale leads', async () => {
    const wip = await get(`/api/funnel/wip?limit=50${filter ? '&' + filter : ''}`);
    if (wip.stages.length === 0) return empty('No lead is in an open stage.');
    return el('section', { class: 'panel', id: 'stale' }, el('h2', { text: 'Open work and stale leads' }),
      table([
        { label: 'Stage', field: 'stage', value: (r) => r.stage },
        { label: 'Leads', field: 'leads', value: (r) => f.count(r.leads, locale), raw: (r) => r.leads },
        { label: 'Median age (days)', field: 'medianAge', value: (r) => f.days(r.ageDays?.median, locale), raw: (r) => r.ageDays?.median },
        { label: 'Stale after (days)', field: 'staleAfterDays', value: (r) => f.days(r.staleAfterDays, locale), raw: (r) => r.staleAfterDays },
        { label: 'Stale', field: 'stale', value: (r) => f.count(r.stale, locale), raw: (r) => r.stale },
      ], wip.stages, (r) => r.stage),
      el('h2', { text: 'Stale leads, oldest first' }),
      wip.staleLeads.length === 0 ? empty('No stale lead.') : table([
        { label: 'Lead', field: 'leadId', value: (r) => el('a', { href: `/?view=lead&id=${encodeURIComponent(r.leadId)}`, text: r.leadId }) },
        { label: 'Stage', field: 'stage', value: (r) => r.stage },
        { label: 'Since', field: 'since', value: (r) => f.date(r.since, locale) },
        { label: 'Days in stage', field: 'ageDays', value: (r) => f.days(r.ageDays, locale), raw: (r) => r.ageDays },
      ], wip.staleLeads, (r) => r.leadId));
  })]);
}
