import { test, eq } from './harness.js';
import { apiQuery, monthsBefore, nextDay, readState, writeState } from '/js/logic/urlstate.js';

const defaults = { from: '2025-01-01', to: '2025-03-31', channel: '' };

test('the state is the defaults overridden by the query; unknown keys are dropped', () => {
  eq(readState('?channel=%20paid_search%20&x=1', defaults), { from: '2025-01-01', to: '2025-03-31', channel: 'paid_search' });
  eq(readState('', defaults), defaults);
});

test('only what differs from the defaults is written, in the defaults\' order', () => {
  eq(writeState({ channel: 'email', from: '2024-01-01', to: '2025-03-31' }, defaults), '?from=2024-01-01&channel=email');
  eq(writeState(defaults, defaults), '');
});

test('a written state reads back the same (round trip, awkward values too)', () => {
  for (const channel of ['a&b=c', 'ü ñ', '#hash', '+plus', '']) {
    const state = { ...defaults, channel };
    eq(readState(writeState(state, defaults), defaults), { ...state, channel: channel.trim() });
  }
});

test('the API query leaves empty filters out (an empty filter would select the unknown)', () => {
  eq(apiQuery({ from: '2025-01-01', channel: '', owner: 'ann' }, ['from', 'channel', 'owner']), 'from=2025-01-01&owner=ann');
});

test('months before keeps the day, clamped to the month\'s end; next day crosses months and years', () => {
  eq(monthsBefore('2025-03-31', 1), '2025-02-28');
  eq(monthsBefore('2024-03-31', 1), '2024-02-29');
  eq(monthsBefore('2025-01-15', 12), '2024-01-15');
  eq(monthsBefore('2025-01-15', 3), '2024-10-15');
  eq(nextDay('2025-12-31'), '2026-01-01');
  eq(nextDay('2024-02-28'), '2024-02-29');
});
