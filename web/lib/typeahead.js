// typeahead.js — a picker that asks the server as one types (issue #17): an input whose text
// goes to a list endpoint as q= (debounced), the matches shown below it as a listbox; arrow
// keys move, Enter picks, Escape closes; a tap picks on a phone. onPick(value, row) gets the
// chosen row. Used beside the customer and SKU selects of the order forms.

import { api } from './api.js';
import { t } from './i18n.js';
import { customerNames, productNames } from './names.js';
import { h, mount } from './ui.js';

let seq = 0;

/**
 * typeahead({endpoint, id, placeholder, label, option: (row) => ({value, label}), onPick,
 * onEdit (the text changed by typing: a pick made before no longer holds), value (the text it
 * starts with), limit = 10, delay = 250}) → the element (div.typeahead: the input, the list).
 */
export function typeahead({ endpoint, id, placeholder, label, option, onPick, onEdit, value = '', limit = 10, delay = 250, params = {} }) {
  const listId = `${id}-list`;
  const input = h('input', {
    type: 'search', id, class: 'typeahead-input', placeholder: placeholder || '', autocomplete: 'off',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    'aria-label': label || placeholder || '', enterkeyhint: 'search', value,
  });
  const list = h('ul', { class: 'typeahead-list', id: listId, role: 'listbox', hidden: true });
  const el = h('div', { class: 'typeahead' }, input, list);
  let rows = [];
  let active = -1;
  let timer = null;
  let asked = 0;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function mark(i) {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    }
  }
  function pick(i) {
    const row = rows[i];
    if (!row) return;
    const o = option(row);
    input.value = o.label;
    close();
    onPick(o.value, row);
  }
  function show(found) {
    rows = found;
    mount(list, found.map((r, i) => {
      const o = option(r);
      const li = h('li', { id: `${id}-opt-${++seq}`, role: 'option', class: 'typeahead-option', dataset: { value: o.value }, 'aria-selected': 'false' }, o.label);
      // pointerdown, not click: the input's blur would close the list first
      li.addEventListener('pointerdown', (ev) => { ev.preventDefault(); pick(i); });
      return li;
    }));
    list.hidden = found.length === 0;
    input.setAttribute('aria-expanded', found.length ? 'true' : 'false');
    mark(found.length ? 0 : -1);
  }
  async function ask() {
    const q = input.value.trim();
    const my = ++asked;
    if (!q) { show([]); return; }
    try {
      const b = await api.get(endpoint, { ...params, q, limit });
      if (my === asked) show(b.items || []);
    } catch {
      if (my === asked) show([]);
    }
  }
  input.addEventListener('input', () => {
    if (onEdit) onEdit(input.value);
    clearTimeout(timer);
    timer = setTimeout(ask, delay);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && rows.length) { ev.preventDefault(); list.hidden = false; mark((active + 1) % rows.length); }
    else if (ev.key === 'ArrowUp' && rows.length) { ev.preventDefault(); mark(active <= 0 ? rows.length - 1 : active - 1); }
    else if (ev.key === 'Enter') { ev.preventDefault(); if (!list.hidden && active >= 0) pick(active); }
    else if (ev.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return el;
}

/**
 * A list filter that picks one customer or SKU by type-ahead (issue #17): the server searches
 * as one types, ten at a time, so a list page no longer loads every customer or product to fill
 * a select. A hidden input `name` carries the chosen code into the filter bar's values; a pick
 * applies the filter at once (onPick); typing again drops the choice (applied on 搜索), an
 * emptied box drops it at once. text: what the box shows for the code it starts with.
 * → {control, id}: control for filterBar's item, id that of the text box (the label's).
 */
export function typeaheadFilter({ name, endpoint, label, placeholder, value = '', text = '', option, onPick }) {
  const id = `flt-${name}`;
  // a text input kept out of sight, not type=hidden: a form reset empties it
  const hidden = h('input', { type: 'text', name, hidden: true, tabindex: '-1', 'aria-hidden': 'true' });
  hidden.value = value;
  const ta = typeahead({
    endpoint, id, label, placeholder, option,
    onPick: (v) => { hidden.value = v; onPick(); },
    onEdit: (t) => {
      const had = hidden.value;
      hidden.value = '';
      if (had && !t.trim()) onPick();
    },
  });
  const input = ta.querySelector('input');
  input.value = value ? text || value : '';
  input.removeAttribute('value'); // a form reset empties the box, as it does the hidden code
  ta.classList.add('typeahead-filter');
  ta.appendChild(hidden);
  hidden.addEventListener('filter-set', () => { input.value = hidden.value; });
  return { control: ta, id };
}

const REF_FILTERS = {
  customer: { endpoint: '/customers', key: 'code', label: 'f.customer', hint: 'ta.customer', names: customerNames },
  sku: { endpoint: '/products', key: 'sku', label: 'f.sku', hint: 'ta.sku', names: productNames },
};

/** A list's filter by customer or SKU (name: 'customer' or 'sku'): a type-ahead over
    GET /customers?q= or /products?q= (code or name); value: the code it starts with (its
    name asked for once). → typeaheadFilter's {control, id}. */
async function refFilter(name, value, onPick) {
  const f = REF_FILTERS[name];
  const names = value ? await f.names([value]) : {};
  return typeaheadFilter({
    name, endpoint: f.endpoint, label: t(f.label), placeholder: t(f.hint),
    value, text: names[value] ? `${value} ${names[value]}` : value,
    option: (r) => ({ value: r[f.key], label: `${r[f.key]} ${r.name || ''}` }), onPick,
  });
}

/** The customer filter of a list (orders, invoices, payments). */
export const customerFilter = (code, onPick) => refFilter('customer', code, onPick);
/** The SKU filter of a list (stock, quotas). */
export const skuFilter = (sku, onPick) => refFilter('sku', sku, onPick);
