// ui.js — small DOM building blocks shared by every page: h() to build elements (text is
// always inserted as text, never as HTML), loading / empty / error states, tables, a cursor
// pager, filter bars and forms whose fields show the API's validation errors.

import { t, tEnum, hasKey, getLang } from './i18n.js';
import { ApiError, newIdempotencyKey, requestBlob, postBlob, session } from './api.js';
import { parseYuan, fenToJson, parsePercentBp } from './fmt.js';

/** h('div', {class: 'x', onclick: fn}, 'text', child, [more]) → HTMLElement. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k in el && typeof v !== 'string') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces el's children with the given ones. */
export function mount(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// ---- states -------------------------------------------------------------------------------

export function loading(text) {
  return h('div', { class: 'state state-loading', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, text || t('common.loading')));
}

export function empty(text) {
  return h('div', { class: 'state state-empty' }, h('div', { class: 'state-icon', 'aria-hidden': 'true' }, '∅'),
    h('div', null, text || t('common.empty')));
}

/** The panel for a failed load: 403 shows 无权限, 404 未找到, 0 network, else the message. */
export function errorState(err, opts = {}) {
  const e = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err && err.message || err), {});
  let title;
  let text;
  let cls = 'state state-error';
  if (e.status === 403) {
    title = t('err.forbidden');
    text = t('err.forbidden.text');
    cls += ' state-forbidden';
  } else if (e.status === 404) {
    title = t('err.not_found');
    text = t('err.not_found.text');
  } else if (e.status === 0) {
    title = t('err.generic');
    text = t('err.network');
  } else if (e.status === 503) {
    title = t('err.generic');
    text = t(e.rule === 'outcome_unknown' ? 'err.outcome_unknown' : 'err.unavailable');
  } else {
    title = t('err.generic');
    text = '';
  }
  return h('div', { class: cls, role: 'alert', dataset: { code: e.code, status: String(e.status) } },
    h('div', { class: 'state-icon', 'aria-hidden': 'true' }, e.status === 403 ? '⊘' : '!'),
    h('div', { class: 'state-title' }, title),
    text ? h('div', { class: 'state-text' }, text) : null,
    // The server's sentence is English: shown on an English screen only, never a bare code.
    e.message && e.message !== e.code && e.status !== 0 && getLang() === 'en' ? h('div', { class: 'state-detail' }, e.message) : null,
    opts.retry ? h('button', { class: 'btn', type: 'button', onclick: opts.retry }, t('common.retry')) : null);
}

/** Shows loading in el, runs fn(), then mounts what it returns, or the error state. */
export async function loadInto(el, fn) {
  mount(el, loading());
  try {
    const node = await fn();
    mount(el, node);
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    mount(el, errorState(err, { retry: () => loadInto(el, fn) }));
  }
}

// ---- small pieces -------------------------------------------------------------------------

export function badge(text, tone = 'default') {
  return h('span', { class: `badge badge-${tone}` }, text);
}

export function boolBadge(v, yes, no) {
  if (v === null || v === undefined) return '—';
  return v ? badge(yes || t('common.yes'), 'ok') : badge(no || t('common.no'), 'muted');
}

export function activeBadge(v) {
  return boolBadge(v, t('common.active'), t('common.inactive'));
}

const STATUS_TONES = { active: 'ok', prospect: 'info', pending_review: 'warn', suspended: 'warn', closed: 'muted' };
export function statusBadge(status) {
  if (!status) return '—';
  return badge(tEnum('status', status), STATUS_TONES[status] || 'default');
}

export function link(href, ...children) {
  return h('a', { href }, ...children);
}

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', { class: 'card-title' }, title) : null, h('div', { class: 'card-body' }, ...children));
}

export function pageHeader(title, ...actions) {
  return h('div', { class: 'page-header' }, h('h1', null, title), h('div', { class: 'page-actions' }, ...actions));
}

/** Definition list of [label, value] pairs in a responsive grid. */
export function fieldGrid(pairs) {
  return h('dl', { class: 'field-grid' },
    pairs.map(([label, value, opts = {}]) => h('div', { class: `field${opts.wide ? ' field-wide' : ''}` },
      h('dt', null, label),
      h('dd', { class: opts.cls || null }, value === null || value === undefined || value === '' ? '—' : value))));
}

// ---- tables -------------------------------------------------------------------------------

/**
 * table({columns, rows, rowHref?, empty?}) — columns: [{key, label, render?(row), align?, cls?}].
 * With rowHref(row) every row is a link target (click or Enter).
 */
export function table({ columns, rows, rowHref, rowKey, rowClass, emptyText, caption }) {
  if (!rows || rows.length === 0) return empty(emptyText);
  // A column marked optional is left out when no row has its field (fields a role is not shown).
  columns = columns.filter((c) => !c.optional || rows.some((r) => c.key in r));
  const thead = h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.align === 'right' ? 'num' : null, scope: 'col' }, c.label))));
  const tbody = h('tbody', null, rows.map((row) => {
    const href = rowHref ? rowHref(row) : null;
    const cls = [href ? 'clickable' : '', rowClass ? rowClass(row) || '' : ''].join(' ').trim();
    const tr = h('tr', { class: cls || null, dataset: rowKey ? { key: String(rowKey(row)) } : null },
      columns.map((c) => {
        let v = c.render ? c.render(row) : row[c.key];
        if (v === null || v === undefined || v === '') v = '—';
        return h('td', { class: [c.align === 'right' ? 'num' : '', c.cls || ''].join(' ').trim() || null }, v);
      }));
    if (href) {
      tr.tabIndex = 0;
      tr.addEventListener('click', (ev) => {
        if (ev.target.closest('a,button,input,select')) return;
        window.osbNavigate(href);
      });
      tr.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') window.osbNavigate(href);
      });
    }
    return tr;
  }));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data' }, caption ? h('caption', null, caption) : null, thead, tbody));
}

/**
 * A paged list over an API list answer {items, next_cursor}: load(cursor) fetches one page.
 * Returns {el, reload()} — reload() starts again from the first page (after a filter change).
 */
/**
 * The "Excel" button of a list: the rows shown, as shown (each column's text; money columns —
 * keys ending in _fen — as fen), exported through POST /exports/xlsx (watermarked and logged
 * by the server).
 */
export function exportButton(columns, items) {
  const btn = h('button', { class: 'btn btn-small list-export', type: 'button', dataset: { export: 'xlsx' } }, t('list.export_xlsx'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const cols = columns.filter((c) => c.key !== 'act');
      const money = (c) => /_fen$/.test(c.key);
      const cell = (c, r) => {
        if (money(c)) return Number.isInteger(r[c.key]) ? r[c.key] : null;
        const v = c.render ? c.render(r) : r[c.key];
        if (v === null || v === undefined) return null;
        if (v instanceof Node) return v.textContent;
        if (Array.isArray(v)) return v.map((x) => (x instanceof Node ? x.textContent : String(x ?? ''))).join('');
        return String(v);
      };
      const title = (document.title || 'OSB').replace(/ · OSB$/, '').slice(0, 100) || 'OSB';
      const body = {
        title,
        source: location.pathname + location.search,
        columns: cols.map((c) => ({ title: String(c.label ?? c.key), kind: money(c) ? 'money' : 'text' })),
        rows: items.map((r) => cols.map((c) => cell(c, r))),
      };
      const blob = await postBlob('/exports/xlsx', body);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `${title}.xlsx`, hidden: true });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      // the server's sentence is English: on a Chinese screen its code's word, if there is one
      const why = err instanceof ApiError && (hasKey(`err.${err.code}`) ? t(`err.${err.code}`) : getLang() === 'en' ? err.message : '');
      toast(why ? `${t('err.generic')}: ${why}` : t('err.generic'), 'bad');
    } finally {
      btn.disabled = false;
    }
  });
  return btn;
}

export function pagedList({ load, columns, rowHref, rowKey, rowClass, emptyText }) {
  const el = h('div', { class: 'paged-list' });
  let cursors = [null];
  let index = 0;
  let seq = 0;
  async function show() {
    const my = ++seq;
    mount(el, loading());
    let page;
    try {
      page = await load(cursors[index]);
    } catch (err) {
      if (my === seq) mount(el, errorState(err, { retry: show }));
      return;
    }
    if (my !== seq) return;
    const items = page.items || [];
    const next = page.next_cursor;
    const pager = h('div', { class: 'pager' },
      h('button', { class: 'btn btn-small', type: 'button', disabled: index === 0, onclick: () => { index--; show(); } }, `‹ ${t('common.prev')}`),
      h('span', { class: 'pager-info' }, t('common.page', { n: index + 1 })),
      h('button', { class: 'btn btn-small', type: 'button', disabled: !next, 'data-next': '', onclick: () => { cursors[index + 1] = next; index++; show(); } }, `${t('common.next')} ›`));
    const exp = items.length ? h('div', { class: 'list-tools' }, exportButton(columns, items)) : null;
    mount(el, exp, table({ columns, rows: items, rowHref, rowKey, rowClass, emptyText }), items.length || index > 0 ? pager : null);
  }
  return {
    el,
    reload() {
      cursors = [null];
      index = 0;
      return show();
    },
  };
}

// ---- filters ------------------------------------------------------------------------------

/** <select> with options [{value, label}] and an "all" first entry unless opts.noAll. */
export function select(name, options, value, opts = {}) {
  const s = h('select', { name, id: opts.id || null, 'aria-label': opts.label || name });
  if (!opts.noAll) s.appendChild(h('option', { value: '' }, opts.allLabel || t('common.all')));
  for (const o of options) s.appendChild(h('option', { value: o.value, selected: String(o.value) === String(value ?? '') }, o.label));
  if (value !== undefined && value !== null) s.value = String(value);
  return s;
}

/**
 * A filter bar: items [{label, control, id?}] plus search/reset buttons; onApply(values) is
 * called with {name: value} of every named control on submit and on any select change. id: the
 * labelled element's inside a composite control (typeaheadFilter's text box), else the control
 * is given flt-<name>.
 */
export function filterBar(items, onApply) {
  const form = h('form', { class: 'filters', role: 'search' });
  for (const it of items) {
    const id = it.id || `flt-${it.control.name}`;
    if (!it.id) it.control.id = id;
    form.appendChild(h('label', { class: 'filter', for: id }, h('span', { class: 'filter-label' }, it.label), it.control));
    if (it.control.tagName === 'SELECT') it.control.addEventListener('change', () => apply());
  }
  form.appendChild(h('div', { class: 'filter-buttons' },
    h('button', { class: 'btn btn-primary btn-small', type: 'submit' }, t('common.search')),
    h('button', { class: 'btn btn-small', type: 'reset' }, t('common.reset'))));
  function values() {
    const v = {};
    for (const el of form.elements) if (el.name) v[el.name] = el.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value.trim();
    return v;
  }
  function apply() {
    onApply(values());
  }
  form.appendChild(savedFilters(form, values, apply));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  form.addEventListener('reset', () => setTimeout(apply, 0));
  return form;
}

// Saved filters (issue #17): a user names the filter bar's current values and picks them again
// later; kept per user and page in localStorage (osb.filters.<user>.<path>), no server table.
function savedKey() {
  const u = session.user;
  return `osb.filters.${u ? u.username : ''}.${location.pathname}`;
}
function readSaved() {
  try {
    const v = JSON.parse(localStorage.getItem(savedKey()) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}
function savedFilters(form, values, apply) {
  const pickEl = h('select', { id: 'saved-filter', class: 'saved-filter-pick', 'aria-label': t('filters.saved') });
  const nameEl = h('input', { type: 'text', id: 'saved-filter-name', class: 'saved-filter-name', placeholder: t('filters.name'), 'aria-label': t('filters.name'), autocomplete: 'off', maxlength: '40' });
  const saveBtn = h('button', { type: 'button', id: 'saved-filter-save', class: 'btn btn-small' }, t('filters.save'));
  const delBtn = h('button', { type: 'button', id: 'saved-filter-delete', class: 'btn btn-small', hidden: true }, t('filters.delete'));
  function fill(chosen = '') {
    const saved = readSaved();
    mount(pickEl, [h('option', { value: '' }, t('filters.saved')), ...Object.keys(saved).sort().map((n) => h('option', { value: n }, n))]);
    pickEl.value = chosen;
    delBtn.hidden = !chosen;
  }
  pickEl.addEventListener('change', () => {
    const v = readSaved()[pickEl.value];
    delBtn.hidden = !pickEl.value;
    if (!v) return;
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox') el.checked = v[el.name] === 'true';
      else el.value = v[el.name] || '';
      el.dispatchEvent(new Event('filter-set')); // a type-ahead filter shows the code it got
    }
    apply();
  });
  function save() {
    const name = nameEl.value.trim();
    if (!name) { nameEl.focus(); return; }
    const saved = readSaved();
    saved[name] = values();
    localStorage.setItem(savedKey(), JSON.stringify(saved));
    nameEl.value = '';
    fill(name);
    toast(t('filters.saved_one', { name }));
  }
  saveBtn.addEventListener('click', save);
  nameEl.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); save(); } });
  delBtn.addEventListener('click', () => {
    const saved = readSaved();
    delete saved[pickEl.value];
    localStorage.setItem(savedKey(), JSON.stringify(saved));
    fill('');
  });
  fill('');
  return h('div', { class: 'saved-filters' }, pickEl, nameEl, saveBtn, delBtn);
}

// ---- forms --------------------------------------------------------------------------------

/** The text shown at a field for an API error: a known rule in the UI language, else the message. */
export function ruleMessage(err) {
  if (err.rule && hasKey(`rule.${err.rule}`)) return t(`rule.${err.rule}`);
  if (err.code === 'duplicate') return t('rule.duplicate');
  return err.message;
}

/**
 * form({fields, submit, submitLabel, onCancel}) — fields: [{name, label, type, required, options,
 * hint, placeholder, value, wide}]; types: text, textarea, password, int, money (typed in yuan,
 * sent as integer fen), percent (sent as basis points), select, bool, picker (a value chosen
 * through a control of the page's, e.g. a type-ahead: f.picker(set) returns that control, its
 * text input being what the label names and an error focuses; set(value) stores the value in a
 * hidden input, the field's id).
 * submit(body, idempotencyKey) returns a promise; an ApiError with details.field marks that field
 * (a duplicate marks the key field, opts.keyField). Returns {el, setError(field, msg), values()}.
 */
export function form({ fields, submit, submitLabel, onCancel, keyField, idPrefix = 'f' }) {
  const banner = h('div', { class: 'form-banner', role: 'alert', hidden: true });
  const el = h('form', { class: 'form', novalidate: true });
  const inputs = new Map();
  const errors = new Map();
  let idemKey = newIdempotencyKey();

  el.appendChild(banner);
  const grid = h('div', { class: 'form-grid' });
  el.appendChild(grid);
  for (const f of fields) {
    const id = `${idPrefix}-${f.name}`;
    let input;
    if (f.type === 'select') {
      input = select(f.name, f.options || [], f.value, { noAll: f.required, allLabel: f.required ? undefined : '—', id, label: f.label });
      if (f.required) input.insertBefore(h('option', { value: '', disabled: true, selected: f.value === undefined }, '—'), input.firstChild);
      if (f.value !== undefined) input.value = String(f.value);
    } else if (f.type === 'picker') {
      input = h('input', { type: 'hidden', name: f.name, id, value: f.value ?? '' });
    } else if (f.type === 'bool') {
      input = h('input', { type: 'checkbox', name: f.name, id, checked: !!f.value });
    } else if (f.type === 'textarea') {
      input = h('textarea', { name: f.name, id, rows: 3 }, f.value ?? '');
    } else {
      const type = f.type === 'password' ? 'password' : 'text';
      const mode = f.type === 'int' ? 'numeric' : f.type === 'money' || f.type === 'percent' ? 'decimal' : null;
      input = h('input', { type, name: f.name, id, inputmode: mode, autocomplete: f.autocomplete || 'off', placeholder: f.placeholder || null, value: f.value ?? '' });
      if (f.list) {
        const dl = h('datalist', { id: `${id}-list` }, f.list.map((o) => h('option', { value: o.value }, o.label)));
        input.setAttribute('list', dl.id);
        grid.appendChild(dl);
      }
    }
    input.dataset.field = f.name;
    if (f.onchange) input.addEventListener('change', () => f.onchange(input, (n) => inputs.get(n)?.input));
    const errEl = h('div', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
    // a picker: its control is what one sees, labels, marks invalid and focuses
    const control = f.type === 'picker' ? f.picker((v) => { input.value = v; input.dispatchEvent(new Event('change', { bubbles: true })); }) : null;
    const shown = control ? control.querySelector('input') || control : input;
    shown.setAttribute('aria-describedby', errEl.id);
    inputs.set(f.name, { f, input, shown });
    errors.set(f.name, errEl);
    const prefix = f.type === 'money' ? h('span', { class: 'input-affix' }, '¥') : null;
    const suffix = f.type === 'percent' ? h('span', { class: 'input-affix' }, '%') : null;
    grid.appendChild(h('div', { class: `form-field${f.wide ? ' form-field-wide' : ''}${f.type === 'bool' ? ' form-field-bool' : ''}`, dataset: { field: f.name } },
      h('label', { for: shown.id || id }, f.label, f.required ? h('span', { class: 'req', title: t('common.required') }, ' *') : null),
      control ? [control, input] : prefix || suffix ? h('div', { class: 'input-group' }, prefix, input, suffix) : input,
      f.hint ? h('div', { class: 'field-hint' }, f.hint) : null,
      errEl));
  }
  const submitBtn = h('button', { class: 'btn btn-primary', type: 'submit' }, submitLabel || t('common.save'));
  el.appendChild(h('div', { class: 'form-actions' }, submitBtn,
    onCancel ? h('button', { class: 'btn', type: 'button', onclick: onCancel }, t('common.cancel')) : null));

  function setError(name, msg) {
    const e = errors.get(name);
    const it = inputs.get(name);
    if (!e || !it) return false;
    e.textContent = msg;
    it.shown.classList.add('invalid');
    it.shown.setAttribute('aria-invalid', 'true');
    return true;
  }
  function clearErrors() {
    for (const [name, e] of errors) {
      e.textContent = '';
      const it = inputs.get(name);
      it.shown.classList.remove('invalid');
      it.shown.removeAttribute('aria-invalid');
    }
    banner.hidden = true;
    banner.textContent = '';
  }
  function showBanner(...parts) {
    mount(banner, ...parts);
    banner.hidden = false;
  }
  /** Reads the inputs into a request body; returns null after marking client-side errors. */
  function collect() {
    const body = {};
    let ok = true;
    for (const [name, { f, input }] of inputs) {
      if (f.type === 'bool') {
        if (input.checked || f.sendFalse) body[name] = input.checked;
        continue;
      }
      const raw = input.value.trim();
      if (raw === '') {
        if (f.required) ok = setError(name, t('err.field.required')) && false;
        continue;
      }
      if (f.type === 'int') {
        if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) { ok = setError(name, t('err.field.int')) && false; continue; }
        body[name] = Number(raw);
      } else if (f.type === 'money') {
        const fen = parseYuan(raw);
        const n = fen === null ? null : fenToJson(fen);
        if (n === null) { ok = setError(name, t('err.field.money')) && false; continue; }
        body[name] = n;
      } else if (f.type === 'percent') {
        const bp = parsePercentBp(raw);
        const n = bp === null ? null : fenToJson(bp);
        if (n === null) { ok = setError(name, t('err.field.percent')) && false; continue; }
        body[name] = n;
      } else {
        body[name] = f.type === 'textarea' || f.type === 'password' ? input.value : raw;
      }
    }
    return ok ? body : null;
  }
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const body = collect();
    if (!body) {
      showBanner(t('common.fix_fields'));
      el.querySelector('.invalid')?.focus();
      return;
    }
    submitBtn.disabled = true;
    submitBtn.textContent = t('common.saving');
    try {
      await submit(body, idemKey);
      idemKey = newIdempotencyKey();
    } catch (err) {
      if (!(err instanceof ApiError)) {
        showBanner(String(err && err.message || err));
      } else {
        const field = err.field || (err.code === 'duplicate' ? keyField : null);
        const marked = field ? setError(field, ruleMessage(err)) : false;
        if (err.status === 403) showBanner(h('strong', null, t('err.forbidden')), ' — ', err.message);
        else if (err.status === 0) showBanner(t('err.network'));
        else if (err.status === 503) showBanner(t(err.rule === 'outcome_unknown' ? 'err.outcome_unknown' : 'err.unavailable'));
        else showBanner(marked ? `${t('common.fix_fields')} ` : '', h('span', { class: 'server-msg' }, err.message), h('code', { class: 'err-code' }, err.rule || err.code));
        if (marked) inputs.get(field).shown.focus();
      }
    } finally {
      submitBtn.disabled = false;
      submitBtn.textContent = submitLabel || t('common.save');
    }
  });
  return {
    el,
    setError,
    input: (name) => inputs.get(name)?.input,
  };
}

// ---- toasts -------------------------------------------------------------------------------

/** A short message in the corner that goes away by itself. */
export function toast(text, tone = 'ok') {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' });
    document.body.appendChild(box);
  }
  const el = h('div', { class: `toast toast-${tone}`, role: 'status' }, text);
  box.appendChild(el);
  setTimeout(() => el.remove(), 5000);
}

// ---- files (PDF, XLSX) ----------------------------------------------------------------------

/**
 * A button that fetches a file with the session token and opens it (PDF, in a new tab opened
 * at the click so no popup blocker stops it) or saves it (opts.download = file name).
 * Errors show as a toast. Returns the button.
 */
export function fileButton(label, path, opts = {}) {
  const btn = h('button', { class: `btn btn-small${opts.primary ? ' btn-primary' : ''}`, type: 'button', id: opts.id || null }, label);
  btn.addEventListener('click', async () => {
    const win = opts.download ? null : window.open('', '_blank');
    btn.disabled = true;
    try {
      const { blob } = await requestBlob(path, opts.query);
      const url = URL.createObjectURL(blob);
      if (win) {
        win.location.href = url;
      } else {
        const a = h('a', { href: url, download: opts.download, hidden: true });
        document.body.appendChild(a);
        a.click();
        a.remove();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      if (win) win.close();
      toast(err instanceof ApiError && err.status === 403 ? t('err.forbidden') : `${t('err.generic')}: ${err.message}`, 'bad');
    } finally {
      btn.disabled = false;
    }
  });
  return btn;
}
