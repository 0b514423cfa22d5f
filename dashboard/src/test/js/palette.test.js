import { test, eq, ok } from './harness.js';
import { contrast, UP } from '/js/logic/palette.js';

test('the contrast ratio is WCAG\'s', () => {
  eq(Math.round(contrast('#000000', '#ffffff') * 10) / 10, 21);
  eq(contrast('#777777', '#777777'), 1);
});

test('text colours of the stylesheet reach AA (4.5:1) on their backgrounds', () => {
  const pairs = [['#1a1a1a', '#ffffff'], ['#4d4d4d', '#ffffff'], ['#4d4d4d', '#f4f6f8'], ['#0b5394', '#ffffff'],
    ['#0b5394', '#f4f6f8'], [UP, '#ffffff'], ['#b34700', '#ffffff'], ['#7a3500', '#ffffff'],
    ['#8a1c12', '#fdecea'], ['#00466e', '#e6f2fa'], ['#ffffff', '#0b5394']];
  for (const [fg, bg] of pairs) ok(contrast(fg, bg) >= 4.5, `${fg} on ${bg}: ${contrast(fg, bg).toFixed(2)}`);
});
