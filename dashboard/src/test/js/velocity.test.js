import { test, eq } from './harness.js';
import { buckets } from '/js/logic/velocity.js';

test('cumulative counts become the leads per bucket, the rest beyond the last limit', () => {
  eq(buckets([2, 5, 5, 9], [7, 30, 90]).map((b) => [b.label, b.leads]),
    [['0–7', 2], ['7–30', 3], ['30–90', 0], ['> 90', 4]]);
});

test('the buckets add up to the converted, and never go negative', () => {
  const b = buckets([3, 2, 6, 6], [7, 30, 90]);
  eq(b.map((x) => x.leads), [3, 0, 3, 0]);
  eq(b.reduce((n, x) => n + x.leads, 0), 6);
});
