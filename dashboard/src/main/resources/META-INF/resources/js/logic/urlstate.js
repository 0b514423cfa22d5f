// A view's filters live in the URL's query, so that a view can be bookmarked and shared. Only values that differ
// from the view's defaults are written, in the defaults' key order; unknown keys are dropped.

/** The state a query string gives, starting from the defaults (every default key is present in the answer). */
export function readState(search, defaults) {
  const params = new URLSearchParams(search);
  const state = { ...defaults };
  for (const key of Object.keys(defaults)) {
    if (params.has(key)) state[key] = params.get(key).trim();
  }
  return state;
}

/** The query string (with its '?', or '' when everything is default) for the state. */
export function writeState(state, defaults) {
  const params = new URLSearchParams();
  for (const key of Object.keys(defaults)) {
    const v = state[key] === undefined || state[key] === null ? '' : String(state[key]);
    if (v !== String(defaults[key] ?? '')) params.set(key, v);
  }
  const q = params.toString();
  return q ? '?' + q : '';
}

/** The API's query for a state: the named keys that have a value (an empty filter is left out, not sent empty). */
export function apiQuery(state, keys) {
  const params = new URLSearchParams();
  for (const key of keys) {
    const v = state[key];
    if (v !== undefined && v !== null && String(v) !== '') params.set(key, String(v));
  }
  return params.toString();
}

/** An ISO date (yyyy-mm-dd) in UTC, the API's day. */
export function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

/** The same calendar day `months` months earlier (clamped to the month's end), as an ISO date. */
export function monthsBefore(iso, months) {
  const [y, m, d] = iso.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))));
}

/** The day after an ISO date: a period's `to` includes its day, an `asOf` is a moment (the start of its day). */
export function nextDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return isoDate(new Date(Date.UTC(y, m - 1, d + 1)));
}
