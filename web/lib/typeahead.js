// typeahead.js — a picker that asks the server as one types (issue #17): an input whose text
// goes to a list endpoint as q= (debounced), the matches shown below it as a listbox; arrow
// keys move, Enter picks, Escape closes; a tap picks on a phone. onPick(value, row) gets the
// chosen row. Used beside the customer and SKU selects of the order forms.

import { api } from './api.js';
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
