// Small DOM helpers shared by the views: elements, filters, tables and the loading, empty and error states.
import { readState, writeState } from './logic/urlstate.js';

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const loading = (what) => el('p', { class: 'state loading', role: 'status', text: `Loading ${what}…` });
export const empty = (text) => el('p', { class: 'state empty', 'data-state': 'empty', text });

export function failure(error) {
  const who = error.service && !error.message.startsWith(error.service) ? `${error.service}: ` : '';
  return el('p', { class: 'state error', role: 'alert', 'data-state': 'error',
    text: `Could not load this (${error.status ?? 'network'}): ${who}${error.message}` });
}

/**
 * Puts what `content()` resolves to into `box`, with the loading state meanwhile and the error state on failure;
 * then runs the node's `afterMount` (charts need their box in the page to measure it).
 */
export async function fill(box, what, content) {
  box.replaceChildren(loading(what));
  box.dataset.state = 'loading';
  try {
    const node = await content();
    box.replaceChildren(node);
    if (node.afterMount) node.afterMount();
    box.dataset.state = 'ready';
  } catch (e) {
    console.error(e);
    box.replaceChildren(failure(e));
    box.dataset.state = 'error';
  }
}

/**
 * The filter bar: one input per field, its value from the URL's state; a change writes the URL (shareable) and
 * re-renders the view. fields: [{key, label, type: 'date'|'text'|'number'|'select', options?}]
 */
export function filters(view, fields, state, defaults, rerender) {
  const form = el('form', { class: 'filters', role: 'search' });
  for (const f of fields) {
    const id = `filter-${f.key}`;
    let input;
    if (f.type === 'select') {
      input = el('select', { id, name: f.key }, f.options.map(([value, label]) =>
        el('option', { value, selected: state[f.key] === value, text: label })));
    } else {
      input = el('input', { id, name: f.key, type: f.type ?? 'text', value: state[f.key] ?? '',
        placeholder: f.placeholder, min: f.min, max: f.max });
    }
    input.addEventListener('change', () => {
      const next = { ...state, [f.key]: input.value.trim() };
      history.pushState(null, '', urlOf(view, next, defaults));
      rerender();
    });
    form.append(el('label', { for: id }, f.label, input));
  }
  form.addEventListener('submit', (e) => e.preventDefault());
  return form;
}

export const stateOf = (defaults) => readState(location.search, defaults);

/** The URL of a view with its state: the view always named, then the filters that differ from its defaults. */
export function urlOf(view, state, defaults) {
  const q = writeState(state, defaults);
  return `/?view=${view}` + (q ? '&' + q.slice(1) : '');
}

/** A table: columns [{label, value(row) -> text, raw?(row) -> data-value, cls?(row)}]; rows get data-key. */
export function table(columns, rows, key, caption) {
  return el('div', { class: 'table-wrap' }, el('table', {},
    caption ? el('caption', { class: 'note', text: caption }) : null,
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col', text: c.label })))),
    el('tbody', {}, rows.map((r) => el('tr', { 'data-key': key(r) }, columns.map((c) => {
      const raw = c.raw ? c.raw(r) : undefined;
      const content = c.value(r);
      return el('td', { 'data-field': c.field, 'data-value': raw === null ? 'null' : raw, class: c.cls ? c.cls(r) : null },
        content);
    }))))));
}

export function tile(label, value, field, raw) {
  return el('div', { class: 'tile', 'data-field': field, 'data-value': raw === null ? 'null' : raw },
    el('div', { class: 'label', text: label }), el('div', { class: 'value', text: value }));
}
