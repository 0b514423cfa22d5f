// Freshness: whether each service answers, and for the two consumers how old the newest event their projections
// hold is (their freshness gauge), from the dashboard's GET /dashboard/status.
import { get } from '../api.js';
import { el, fill, table } from '../ui.js';
import * as f from '../logic/format.js';

export async function render(box) {
  const locale = navigator.language;
  const body = el('div');
  box.append(el('h1', { text: 'Freshness' }), body);
  await fill(body, 'the services’ status', async () => {
    const status = await get('/dashboard/status');
    return el('section', { class: 'panel', id: 'freshness' },
      el('p', { class: 'note', text: `Checked ${f.dateTime(status.checkedAt, locale)}.` }),
      table([
        { label: 'Service', field: 'service', value: (r) => r.service },
        { label: 'State', field: 'status', raw: (r) => r.status,
          value: (r) => el('span', { class: `badge ${r.status === 'UP' ? 'ok' : 'bad'}`,
            text: r.status === 'UP' ? '✓ answers' : r.status === 'DOWN' ? '✗ not ready' : '✗ does not answer' }) },
        { label: 'Newest event applied', field: 'newestEventAt', value: (r) => (r.newestEventAt ? f.dateTime(r.newestEventAt, locale) : f.MISSING) },
        { label: 'Lag (event time)', field: 'freshnessSeconds', raw: (r) => r.freshnessSeconds ?? null,
          value: (r) => (r.freshnessSeconds === undefined ? f.MISSING : f.age(r.freshnessSeconds, locale)) },
        { label: 'Answered in', field: 'millis', value: (r) => (r.millis === undefined ? f.MISSING : `${f.count(r.millis, locale)} ms`) },
      ], status.services, (r) => r.service),
      el('p', { class: 'note', text: 'The lag is the age of the newest event a consumer has applied (its l2r_projection_freshness_seconds gauge): on a quiet stream it grows although nothing is behind. lead-service keeps no projection.' }));
  });
}
