// A small test harness for the page logic, run in headless Chromium by PageLogicTest: each test's outcome is left
// in window.__results for JUnit to read.
const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

function show(v) {
  return JSON.stringify(v, (k, x) => (x === undefined ? '<undefined>' : Number.isNaN(x) ? '<NaN>' : x));
}

export function eq(actual, expected, what = '') {
  if (show(actual) !== show(expected)) {
    throw new Error(`${what ? what + ': ' : ''}expected ${show(expected)} but was ${show(actual)}`);
  }
}

export function ok(condition, what) {
  if (!condition) throw new Error(what);
}

export async function run() {
  const results = [];
  for (const t of tests) {
    try {
      await t.fn();
      results.push({ name: t.name, ok: true, message: '' });
    } catch (e) {
      results.push({ name: t.name, ok: false, message: String(e && e.stack ? e.stack : e) });
    }
  }
  window.__results = results;
  window.__done = true;
}
