// Lead: one lead's history in event time (stages, raw values, sources, amounts, attributes), from GET /api/leads/{id}.
import { get } from '../api.js';
import { chart } from '../charts.js';
import { el, fill, filters, stateOf, table, tile, empty } from '../ui.js';
import { stageOptions } from './stages.js';
import * as f from '../logic/format.js';

export function defaults() {
  return { id: '' };
}

export async function render(box, ctx) {
  const d = defaults();
  const s = stateOf(d);
  const locale = navigator.language;
  const body = el('div');
  box.append(el('h1', { text: 'Lead' }), filters('lead', [{ key: 'id', label: 'Lead id', placeholder: 'lead-42 or segment:alice@example.com' }],
    s, d, ctx.rerender), body);
  if (!s.id) {
    body.replaceChildren(empty('Give a lead id, or open one from the stale leads of the velocity view.'));
    return;
  }
  await fill(body, 'the lead', async () => {
    const [lead, stages] = await Promise.all([get(`/api/leads/${encodeURIComponent(s.id)}`),
      stageOptions().catch(() => [])]);
    const attrs = (a) => Object.entries(a ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ');
    const order = stages.map(([k]) => k);
    const canvas = el('div', { class: 'chart', id: 'lead-chart' });
    const out = el('div', {},
      el('section', { class: 'panel', id: 'lead-summary' }, el('h2', { text: lead.leadId }),
        el('div', { class: 'tiles' },
          tile('Stage now', lead.currentStage ?? f.MISSING, 'currentStage', lead.currentStage),
          tile('Since', f.dateTime(lead.currentSince, locale), 'currentSince', lead.currentSince),
          tile('First seen', f.dateTime(lead.firstSeenAt, locale), 'firstSeenAt', lead.firstSeenAt),
          tile('First touch', lead.firstTouchChannel ?? f.MISSING, 'firstTouchChannel', lead.firstTouchChannel),
          tile('Attributes', attrs(lead.attributes) || f.MISSING, 'attributes', null)),
        canvas),
      el('section', { class: 'panel', id: 'lead-history' }, el('h2', { text: 'History (event time)' }), table([
        { label: 'When', field: 'occurredAt', value: (r) => f.dateTime(r.occurredAt, locale), raw: (r) => r.occurredAt },
        { label: 'From', field: 'fromStage', value: (r) => r.fromStage ?? f.MISSING },
        { label: 'To', field: 'toStage', value: (r) => r.toStage },
        { label: 'Kind', field: 'kind', value: (r) => r.kind ?? '' },
        { label: 'Raw value', field: 'rawStage', value: (r) => r.rawStage ?? '' },
        { label: 'Source', field: 'source', value: (r) => r.source ?? '' },
        { label: 'Amount', field: 'amount', value: (r) => f.money(r.amount, r.currency, locale, 2), raw: (r) => r.amount },
        { label: 'Attributes', field: 'attributes', value: (r) => attrs(r.attributes) },
        { label: 'Recorded', field: 'recordedAt', value: (r) => f.dateTime(r.recordedAt, locale) },
      ], lead.history ?? [], (r) => r.eventId)));
    out.afterMount = () => chart(canvas, {
      tooltip: { trigger: 'item', formatter: (p) => `${p.value[1]}<br>${f.dateTime(new Date(p.value[0]).toISOString(), locale)}` },
      grid: { left: 8, right: 16, top: 10, bottom: 8, containLabel: true },
      xAxis: { type: 'time' },
      yAxis: { type: 'category', data: order.length ? order : [...new Set((lead.history ?? []).map((h) => h.toStage))] },
      series: [{ name: 'Stage', type: 'line', step: 'end', symbolSize: 9,
        data: (lead.history ?? []).map((h) => [Date.parse(h.occurredAt), h.toStage]) }],
    });
    return out;
  });
}
