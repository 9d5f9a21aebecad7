// doc.js — pieces shared by the document pages (orders, shipments, invoices, the problem log):
// state badges with their words in zh/en, the timeline table, and the action card whose buttons
// POST /<collection>/<number>/<action> with If-Match: <version> and show the API's errors next
// to the field they name or in the card's banner.

import { api, ApiError } from './api.js';
import { t, tEnum } from './i18n.js';
import { h, mount, table, ruleMessage, toast, select } from './ui.js';
import { formatTs } from './fmt.js';
import { personName } from './people.js';

const TONES = {
  order: {
    draft: 'muted', verified: 'info', submitted: 'info', accepted: 'info', needs_fix: 'warn',
    pending_approval: 'warn', prepay_required: 'bad', st_pending: 'warn', approved: 'ok', billed: 'ok',
    released: 'ok', rejected: 'bad', cancelled: 'muted', closed: 'muted',
  },
  ship: {
    new: 'info', received: 'info', picked: 'info', checked: 'info', booked: 'warn', dispatched: 'ok',
    delivered: 'ok', cancelled: 'muted',
  },
  inv: { open: 'warn', partial: 'info', paid: 'ok', cancelled: 'muted', written_off: 'muted' },
  issue: { open: 'bad', explained: 'warn', resolved: 'ok' },
  credit: { pass: 'ok', over_limit_le_20: 'warn', prepaid: 'ok', prepay_required: 'bad', st_approved: 'info' },
};

/** A state badge: stateBadge('order', 'approved') → <span class="badge badge-ok" data-state>已批准</span>. */
export function stateBadge(kind, state, id) {
  if (!state) return '—';
  const el = h('span', { class: `badge badge-${TONES[kind]?.[state] || 'default'} state-badge`, dataset: { state }, id: id || null }, tEnum(`${kind}.state`, state));
  return el;
}

/** A deadline at midnight reads as 24:00 of the day before, as the rules word it. */
export function deadlineText(ts) {
  const m = typeof ts === 'string' && /^(\d{4})-(\d{2})-(\d{2})T00:00(?::00)?/.exec(ts);
  if (!m) return formatTs(ts);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 86400000);
  return `${d.toISOString().slice(0, 10)} 24:00`;
}
/** The state options of a filter <select>. */
export function stateOptions(kind) {
  return Object.keys(TONES[kind]).map((s) => ({ value: s, label: tEnum(`${kind}.state`, s) }));
}

/** The document's timeline: [{step, action, actor, on_behalf_of, at, comment, from_state, to_state}]. */
export function timelineTable(kind, rows, names = {}) {
  const who = (u) => (u ? names[u] || personName(u) : '—');
  return table({
    columns: [
      { key: 'at', label: t('f.at'), render: (r) => formatTs(r.at), cls: 'nowrap' },
      { key: 'step', label: t('doc.step'), cls: 'mono' },
      { key: 'action', label: t('f.action'), render: (r) => tEnum(`${kind}.act`, r.action) },
      { key: 'actor', label: t('f.actor'), render: (r) => [who(r.actor), r.on_behalf_of ? h('div', { class: 'muted small' }, t('doc.obo', { who: who(r.on_behalf_of) })) : null] },
      { key: 'to_state', label: t('f.state'), render: (r) => [r.from_state ? tEnum(`${kind}.state`, r.from_state) : '', r.from_state ? ' → ' : '', stateBadge(kind, r.to_state)] },
      { key: 'comment', label: t('doc.comment'), cls: 'wrap' },
    ],
    rows: rows || [],
    rowKey: (r) => `${r.step}-${r.at}`,
  });
}

/**
 * actionCard({title, base, version, idPrefix, fields, buttons, onDone}) — a card of actions on
 * one document. fields: [{name, label, type: text|textarea|select|bool|date, options, hint,
 * value, wide}] (values are read when a button is pressed); buttons: [{action, label, tone:
 * primary|danger|'', confirm, needs: [field names], body(values) → request body, id}].
 * A button POSTs `${base}/${action}` with If-Match: version; on success onDone(answer).
 * Returns null when there are no buttons.
 */
export function actionCard({ title, base, version, idPrefix = 'act', fields = [], buttons, onDone, note }) {
  if (!buttons.length) return null;
  const banner = h('div', { class: 'form-banner', role: 'alert', hidden: true, id: `${idPrefix}-banner` });
  const inputs = new Map();
  const grid = h('div', { class: 'form-grid' });
  for (const f of fields) {
    const id = `${idPrefix}-${f.name}`;
    let input;
    if (f.type === 'textarea') input = h('textarea', { name: f.name, id, rows: 2, placeholder: f.placeholder || null }, f.value ?? '');
    else if (f.type === 'select') input = select(f.name, f.options || [], f.value, { id, label: f.label, noAll: true });
    else if (f.type === 'bool') input = h('input', { type: 'checkbox', name: f.name, id, checked: !!f.value });
    else input = h('input', { type: f.type === 'date' ? 'date' : 'text', name: f.name, id, value: f.value ?? '', placeholder: f.placeholder || null, autocomplete: 'off' });
    const err = h('div', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
    input.setAttribute('aria-describedby', err.id);
    inputs.set(f.name, { f, input, err });
    grid.appendChild(f.type === 'bool'
      ? h('div', { class: 'form-field form-field-check', dataset: { field: f.name } },
        h('label', { for: id, class: 'check' }, input, f.label), f.hint ? h('div', { class: 'field-hint' }, f.hint) : null, err)
      : h('div', { class: `form-field${f.wide ? ' form-field-wide' : ''}`, dataset: { field: f.name } },
        h('label', { for: id }, f.label), input, f.hint ? h('div', { class: 'field-hint' }, f.hint) : null, err));
  }
  function values() {
    const v = {};
    for (const [name, { f, input }] of inputs) v[name] = f.type === 'bool' ? input.checked : f.type === 'textarea' ? input.value.trim() : input.value.trim();
    return v;
  }
  function clearErrors() {
    banner.hidden = true;
    mount(banner);
    for (const { input, err } of inputs.values()) {
      err.textContent = '';
      input.classList.remove('invalid');
      input.removeAttribute('aria-invalid');
    }
  }
  function setError(name, msg) {
    const it = inputs.get(name);
    if (!it) return false;
    it.err.textContent = msg;
    it.input.classList.add('invalid');
    it.input.setAttribute('aria-invalid', 'true');
    return true;
  }
  function showBanner(...parts) {
    mount(banner, ...parts);
    banner.hidden = false;
  }
  const btnRow = h('div', { class: 'action-buttons' });
  const all = [];
  for (const b of buttons) {
    const btn = h('button', {
      class: `btn${b.tone === 'primary' ? ' btn-primary' : b.tone === 'danger' ? ' btn-danger' : ''}`,
      type: 'button', id: b.id || `${idPrefix}-${b.action}`, dataset: { action: b.action },
    }, b.label);
    let armed = false;
    btn.addEventListener('click', async () => {
      clearErrors();
      const v = values();
      const missing = (b.needs || []).filter((n) => v[n] === '' || v[n] === false);
      if (missing.length) {
        missing.forEach((n) => setError(n, t('err.field.required')));
        showBanner(t('common.fix_fields'));
        inputs.get(missing[0])?.input.focus();
        return;
      }
      if (b.confirm && !armed) {
        armed = true;
        btn.textContent = t('doc.confirm', { what: b.label });
        setTimeout(() => { armed = false; btn.textContent = b.label; }, 4000);
        return;
      }
      armed = false;
      let body;
      try {
        body = b.body ? b.body(v) : {};
      } catch (e) {
        showBanner(String(e.message || e));
        return;
      }
      all.forEach((x) => { x.disabled = true; });
      btn.textContent = t('doc.working');
      try {
        const path = `${base}/${b.action}`;
        const res = await api.post(path, body, { headers: version !== undefined && version !== null ? { 'If-Match': String(version) } : {} });
        toast(t('doc.done', { what: b.label }));
        await onDone(res, b);
      } catch (err) {
        if (!(err instanceof ApiError)) {
          showBanner(String(err && err.message || err));
        } else if (err.code === 'version_conflict') {
          showBanner(t('doc.version_conflict'), ' ', h('button', { class: 'btn btn-small', type: 'button', onclick: () => onDone(null) }, t('doc.reload')));
        } else {
          const f = err.field ? err.field.replace(/\[.*$/, '') : null;
          const marked = f ? setError(f, ruleMessage(err)) : false;
          if (err.status === 403) showBanner(h('strong', null, t('err.forbidden')), ' — ', err.message, h('code', { class: 'err-code' }, err.rule || err.code));
          else if (err.status === 0) showBanner(t('err.network'));
          else if (err.status === 503) showBanner(t(err.rule === 'outcome_unknown' ? 'err.outcome_unknown' : 'err.unavailable'));
          else showBanner(err.code === 'invalid_state' ? `${t('doc.invalid_state')} ` : '', h('span', { class: 'server-msg' }, err.message), h('code', { class: 'err-code' }, err.rule || err.code));
          if (marked) inputs.get(f).input.focus();
        }
      } finally {
        all.forEach((x) => { x.disabled = false; });
        btn.textContent = b.label;
      }
    });
    all.push(btn);
    btnRow.appendChild(btn);
  }
  return h('section', { class: 'card action-card', id: `${idPrefix}-card` },
    h('h2', { class: 'card-title' }, title || t('doc.actions')),
    h('div', { class: 'card-body' }, banner, note || null, fields.length ? grid : null, btnRow));
}
