import { test, eq } from './harness.js';
import * as f from '/js/logic/format.js';

test('counts are grouped the locale\'s way', () => {
  eq(f.count(1234567, 'en-US'), '1,234,567');
  eq(f.count(1234567, 'de-DE'), '1.234.567');
  eq(f.count(0, 'en-US'), '0');
});

test('a missing figure is a dash, never 0', () => {
  for (const v of [null, undefined, NaN, Infinity]) {
    eq(f.count(v, 'en-US'), f.MISSING);
    eq(f.percent(v, 'en-US'), f.MISSING);
    eq(f.money(v, 'EUR', 'en-US'), f.MISSING);
    eq(f.points(v, 'en-US'), f.MISSING);
  }
  eq(f.date(null, 'en-US'), f.MISSING);
  eq(f.date('not a date', 'en-US'), f.MISSING);
});

test('rates are percentages with one decimal', () => {
  eq(f.percent(0.533333, 'en-US'), '53.3%');
  eq(f.percent(1, 'en-US'), '100.0%');
  eq(f.percent(0.041667, 'de-DE'), '4,2\u00a0%');
});

test('changes are signed percentage points, zero unsigned', () => {
  eq(f.points(0.02, 'en-US'), '+2.0 pp');
  eq(f.points(-0.003, 'en-US'), '-0.3 pp');
  eq(f.points(0, 'en-US'), '0.0 pp');
});

test('money keeps its own currency', () => {
  eq(f.money(993071.6, 'USD', 'en-US'), '$993,072');
  eq(f.money(12500, 'EUR', 'de-DE'), '12.500\u00a0€');
  eq(f.money(12.5, null, 'en-US', 2), '12.50');
});

test('dates are read as instants and shown in the locale', () => {
  eq(f.date('2025-03-01T12:00:00Z', 'en-US'), 'Mar 1, 2025');
  eq(f.date('2025-03-01T12:00:00Z', 'de-DE'), '01.03.2025');
});

test('ages are rounded to the largest sensible unit', () => {
  eq(f.age(12, 'en-US'), '12 seconds ago');
  eq(f.age(300, 'en-US'), '5 minutes ago');
  eq(f.age(3 * 3600, 'en-US'), '3 hours ago');
  eq(f.age(2 * 86400, 'en-US'), '2 days ago');
  eq(f.age(-5, 'en-US'), '0 seconds ago');
});
