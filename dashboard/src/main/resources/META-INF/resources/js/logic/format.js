// Numbers, money, rates, days and dates in the browser's locale (Intl). A missing figure (null: the API's
// "undefined", e.g. the rate of an empty cohort) is shown as an en dash, never as 0.
export const MISSING = '–';

const missing = (v) => v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));

export function count(v, locale) {
  return missing(v) ? MISSING : new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v);
}

export function decimal(v, locale, digits = 1) {
  return missing(v) ? MISSING
    : new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A fraction (0.533333) as a percentage (53.3 %). */
export function percent(v, locale, digits = 1) {
  return missing(v) ? MISSING
    : new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A change of a fraction, in percentage points with its sign (+2.0 pp). */
export function points(v, locale, digits = 1) {
  return missing(v) ? MISSING
    : new Intl.NumberFormat(locale, { signDisplay: 'exceptZero', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v * 100) + ' pp';
}

export function days(v, locale) {
  return missing(v) ? MISSING : decimal(v, locale, 1);
}

/** Money in its own currency (never converted); without a currency just the number. */
export function money(v, currency, locale, digits = 0) {
  if (missing(v)) return MISSING;
  if (!currency) return decimal(v, locale, digits);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** An ISO-8601 instant as a date in the browser's time zone. */
export function date(iso, locale) {
  if (!iso) return MISSING;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? MISSING : new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(d);
}

export function dateTime(iso, locale) {
  if (!iso) return MISSING;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? MISSING
    : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** How long ago, roughly (12 s, 5 min, 3 h, 2 days), for the freshness view. */
export function age(seconds, locale) {
  if (missing(seconds)) return MISSING;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'long' });
  const s = Math.max(0, seconds);
  if (s < 90) return rtf.format(-Math.round(s), 'second');
  if (s < 90 * 60) return rtf.format(-Math.round(s / 60), 'minute');
  if (s < 36 * 3600) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86400), 'day');
}
