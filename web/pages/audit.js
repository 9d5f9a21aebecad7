// audit.js — 审计日志: the hash-chained audit entries (auditor, gm, admin), with filters and the
// fields each entry changed.

import { api } from '../lib/api.js';
import { t, tEnum, hasKey } from '../lib/i18n.js';
import { h, pageHeader, filterBar, pagedList, select } from '../lib/ui.js';
import { formatTs } from '../lib/fmt.js';
import { person } from '../lib/people.js';

const TYPES = ['customer', 'product', 'user', 'market', 'region', 'warehouse', 'quota', 'stock', 'session', 'database', 'setting'];

function fmtVal(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A changed field by its dictionary word (f.<name>), the name itself only when there is none. */
const fieldWord = (k) => (hasKey(`f.${k}`) ? t(`f.${k}`) : k);

function changes(before, after) {
  const skip = new Set(['updated_at', 'created_at']);
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])]
    .filter((k) => !skip.has(k) && JSON.stringify((before || {})[k] ?? null) !== JSON.stringify((after || {})[k] ?? null));
  if (!keys.length) return '—';
  return h('details', { class: 'changes' },
    h('summary', null, `${keys.length} · ${keys.slice(0, 3).map(fieldWord).join(', ')}${keys.length > 3 ? '…' : ''}`),
    h('table', { class: 'mini' },
      h('thead', null, h('tr', null, h('th', null, ''), h('th', null, t('audit.before')), h('th', null, t('audit.after')))),
      h('tbody', null, keys.map((k) => h('tr', null, h('th', { title: k }, fieldWord(k)), h('td', null, fmtVal((before || {})[k])), h('td', null, fmtVal((after || {})[k])))))));
}

export async function auditPage(ctx) {
  const q = ctx.query;
  const keys = ['object_type', 'object_key', 'actor', 'action', 'from', 'to'];
  let filters = Object.fromEntries(keys.map((k) => [k, q[k] || '']));
  const input = (name, type = 'text') => h('input', { name, type, value: filters[name], 'aria-label': t(`audit.filter.${name}`) });
  const list = pagedList({
    load: (cursor) => api.get('/audit', { ...filters, limit: 50, cursor }),
    columns: [
      { key: 'seq', label: t('f.seq'), align: 'right', cls: 'mono' },
      { key: 'at', label: t('f.at'), render: (r) => formatTs(r.at), cls: 'nowrap' },
      { key: 'actor', label: t('f.actor'), render: (r) => (r.on_behalf_of ? [person(r.actor), ' → ', person(r.on_behalf_of)] : person(r.actor)) },
      { key: 'action', label: t('f.action'), render: (r) => tEnum('action', r.action) },
      { key: 'object_type', label: t('f.object_type'), cls: 'mono' },
      { key: 'object_key', label: t('f.object_key'), cls: 'mono wrap', render: (r) => (r.object_type === 'user' ? person(r.object_key) : r.object_key) },
      { key: 'changes', label: t('audit.changes'), render: (r) => changes(r.before, r.after), cls: 'wrap' },
      { key: 'ip', label: t('f.ip'), cls: 'mono muted' },
    ],
    rowKey: (r) => r.seq,
  });
  const bar = filterBar([
    { label: t('audit.filter.object_type'), control: select('object_type', TYPES.map((v) => ({ value: v, label: v })), filters.object_type, { label: t('audit.filter.object_type') }) },
    { label: t('audit.filter.object_key'), control: input('object_key') },
    { label: t('audit.filter.actor'), control: input('actor') },
    { label: t('audit.filter.action'), control: input('action') },
    { label: t('audit.filter.from'), control: input('from', 'date') },
    { label: t('audit.filter.to'), control: input('to', 'date') },
  ], (v) => {
    filters = Object.fromEntries(keys.map((k) => [k, v[k] || '']));
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-audit' }, pageHeader(t('audit.title')), h('section', { class: 'card' }, bar, list.el));
}
