// prices.js — 价目表 (price lists, JG; api.md §5.4, docs/prices.md): the list with state / code
// / search filters; a new list from pasted or uploaded CSV lines or an Excel workbook (POST
// /price-lists/import, the
// server's line-numbered errors shown as a table); and one list with its items, the actions its
// allowed_actions name (approve, publish, retire) and every version of its code side by side.
// The words are kept here as zh/en pairs (t({zh, en})), Chinese first.

import { api, session, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, card, pageHeader, fieldGrid, select, filterBar, pagedList, badge, form, table, toast, mount } from '../lib/ui.js';
import { formatFen, formatTs } from '../lib/fmt.js';
import { person, personName } from '../lib/people.js';
import { actionCard } from '../lib/doc.js';

const enc = encodeURIComponent;

const W = {
  title: { zh: '价目表', en: 'Price lists' },
  new: { zh: '新建价目表', en: 'New price list' },
  code: { zh: '价目表代码', en: 'List code' },
  name: { zh: '名称', en: 'Name' },
  valid_from: { zh: '生效日期', en: 'Valid from' },
  valid_to: { zh: '截止日期', en: 'Valid to' },
  open_end: { zh: '长期有效', en: 'open' },
  items: { zh: '价格明细', en: 'Items' },
  item_count: { zh: '品项数', en: 'Items' },
  sku: { zh: '产品编码', en: 'SKU' },
  price: { zh: '价目表价', en: 'List price' },
  std: { zh: '标准价（产品）', en: 'Standard (product)' },
  diff: { zh: '差额', en: 'Difference' },
  state: { zh: '状态', en: 'State' },
  search: { zh: '编号 / 代码 / 名称 / 产品编码', en: 'Number, code, name or SKU' },
  lines: { zh: '价格行（CSV：产品编码,价格（元））', en: 'Lines (CSV: SKU,price in yuan)' },
  lines_hint: {
    zh: '每行一个产品，如 M-IF1-900,268.00；也可上传 CSV 或 Excel（XLSX）文件（列：sku,price 或 sku,price_fen）。不在表中的产品按产品标准价计价。',
    en: 'One product a line, e.g. M-IF1-900,268.00; or upload a CSV or Excel (XLSX) file (columns sku,price or sku,price_fen). Products not on the list are priced at their standard price.',
  },
  file: { zh: '上传 CSV 或 Excel 文件', en: 'Upload a CSV or Excel file' },
  workbook: { zh: 'Excel 文件：', en: 'Excel file: ' },
  rows_bad: { zh: '以下行有误，未导入任何内容：', en: 'These rows are wrong; nothing was imported:' },
  row: { zh: '行号', en: 'Line' },
  field: { zh: '字段', en: 'Field' },
  rule: { zh: '规则', en: 'Rule' },
  message: { zh: '说明', en: 'Message' },
  versions: { zh: '同一代码的各版本', en: 'Versions of this code' },
  versions_hint: { zh: '同一日期最多只有一个已发布版本生效；发布新版本会截止或停用它替代的旧版本。', en: 'At most one published version covers any date; publishing a version closes or retires the one it replaces.' },
  validity: { zh: '有效期', en: 'Validity' },
  approved: { zh: '批准', en: 'Approved' },
  published: { zh: '发布', en: 'Published' },
  retired: { zh: '停用', en: 'Retired' },
  superseded_by: { zh: '被替代于', en: 'Superseded by' },
  created: { zh: '创建', en: 'Created' },
  timeline: { zh: '处理记录', en: 'Timeline' },
  comment: { zh: '备注', en: 'Comment' },
  actions: { zh: '操作', en: 'Actions' },
  none: { zh: '暂无价目表', en: 'No price lists' },
  not_on: { zh: '不在此版本', en: 'not on it' },
};
const w = (k, vars) => t(W[k], vars);

const STATES = {
  draft: { zh: '草稿', en: 'Draft', tone: 'muted' },
  approved: { zh: '已批准', en: 'Approved', tone: 'info' },
  published: { zh: '已发布', en: 'Published', tone: 'ok' },
  retired: { zh: '已停用', en: 'Retired', tone: 'default' },
};
const ACTS = {
  create: { zh: '创建', en: 'Create' },
  import: { zh: '导入', en: 'Import' },
  approve: { zh: '批准', en: 'Approve' },
  publish: { zh: '发布', en: 'Publish' },
  retire: { zh: '停用', en: 'Retire' },
  close: { zh: '截止（被新版本替代）', en: 'Closed (replaced)' },
};

function stateBadge(state, id) {
  const s = STATES[state];
  if (!s) return state || '—';
  const el = badge(t(s), s.tone);
  el.classList.add('state-badge');
  el.dataset.state = state;
  if (id) el.id = id;
  return el;
}
const validity = (p) => `${p.valid_from} ~ ${p.valid_to || w('open_end')}`;
const money = (fen) => h('span', { class: 'money' }, formatFen(fen));

export async function priceListsPage(ctx) {
  const q = ctx.query;
  let filters = { state: q.state || '', code: q.code || '', q: q.q || '' };
  const list = pagedList({
    load: (cursor) => api.get('/price-lists', { ...filters, limit: 50, cursor }),
    columns: [
      { key: 'number', label: t('f.number'), render: (p) => h('a', { href: `/price-lists/${enc(p.number)}`, class: 'mono' }, p.number) },
      { key: 'code', label: w('code'), cls: 'mono', render: (p) => h('a', { href: `/price-lists?code=${enc(p.code)}` }, p.code) },
      { key: 'name', label: w('name'), cls: 'wrap' },
      { key: 'validity', label: w('validity'), cls: 'nowrap', render: validity },
      { key: 'item_count', label: w('item_count'), align: 'right' },
      { key: 'state', label: w('state'), render: (p) => stateBadge(p.state) },
    ],
    rowHref: (p) => `/price-lists/${enc(p.number)}`,
    rowKey: (p) => p.number,
    emptyText: w('none'),
  });
  const search = h('input', { type: 'search', name: 'q', id: 'pl-q', value: filters.q, placeholder: w('search') });
  const code = h('input', { type: 'text', name: 'code', id: 'pl-code', value: filters.code, placeholder: 'STD' });
  const bar = filterBar([
    { label: w('state'), control: select('state', Object.keys(STATES).map((s) => ({ value: s, label: t(STATES[s]) })), filters.state, { label: w('state') }) },
    { label: w('code'), control: code },
    { label: t('common.search'), control: search },
  ], (v) => {
    filters = { state: v.state || '', code: (v.code || '').trim(), q: (v.q || '').trim() };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-price-lists' },
    pageHeader(w('title'), ctx.can('price_list.create') ? h('a', { class: 'btn btn-primary', href: '/price-lists/new', id: 'new-price-list' }, `+ ${w('new')}`) : null),
    h('section', { class: 'card' }, bar, list.el));
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** POST /price-lists/import with a CSV body, or an XLSX workbook (a File) as it is. */
async function importCsv(query, csv, key) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) qs.append(k, v);
  const res = await fetch(`/api/v1/price-lists/import?${qs}`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': typeof csv === 'string' ? 'text/csv' : XLSX_TYPE, Authorization: `Bearer ${session.token}`, 'Idempotency-Key': key },
    body: csv,
  }).catch((e) => { throw new ApiError(0, 'network', String(e.message || e), {}); });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.details);
  }
  return data;
}

/** The pasted lines as CSV: a header is added unless the text starts with one. */
function linesToCsv(text) {
  const body = text.replace(/^\ufeff/, '').trim();
  if (/^(sku|SKU|商品编码)\s*,/.test(body)) return `${body}\n`;
  return `sku,price\n${body}\n`;
}

export async function priceListNewPage(ctx) {
  const rowsBox = h('div', { id: 'pl-import-rows' });
  let workbook = null; // an .xlsx file chosen: sent as it is, the lines box only names it
  const f = form({
    idPrefix: 'pl',
    fields: [
      { name: 'code', label: w('code'), required: true, placeholder: 'S-DIST' },
      { name: 'name', label: w('name'), required: true, placeholder: '华南经销价' },
      { name: 'valid_from', label: w('valid_from'), required: true, placeholder: 'YYYY-MM-DD' },
      { name: 'valid_to', label: w('valid_to'), placeholder: w('open_end') },
      { name: 'lines', label: w('lines'), type: 'textarea', required: true, wide: true, hint: w('lines_hint') },
    ],
    submitLabel: w('new'),
    onCancel: () => ctx.navigate('/price-lists'),
    submit: async (body, key) => {
      mount(rowsBox);
      try {
        const p = await importCsv({ code: body.code, name: body.name, valid_from: body.valid_from, valid_to: body.valid_to }, workbook || linesToCsv(body.lines), key);
        toast(t('common.created', { what: `${p.name} (${p.number})` }));
        ctx.navigate(`/price-lists/${enc(p.number)}`);
      } catch (err) {
        if (err instanceof ApiError && Array.isArray(err.details.rows)) {
          mount(rowsBox, h('p', { class: 'form-banner' }, w('rows_bad')), table({
            columns: [
              { key: 'row', label: w('row'), align: 'right' },
              { key: 'field', label: w('field'), cls: 'mono' },
              { key: 'rule', label: w('rule'), cls: 'mono' },
              { key: 'message', label: w('message'), cls: 'wrap' },
            ],
            rows: err.details.rows,
            rowKey: (r) => `${r.row}-${r.field}`,
          }));
        }
        throw err;
      }
    },
  });
  const file = h('input', { type: 'file', accept: `.csv,text/csv,.xlsx,${XLSX_TYPE}`, id: 'pl-file' });
  file.addEventListener('change', async () => {
    const fl = file.files && file.files[0];
    const lines = f.input('lines');
    workbook = fl && /\.xlsx$/i.test(fl.name) ? fl : null;
    lines.readOnly = !!workbook;
    if (workbook) lines.value = `${w('workbook')}${fl.name}`;
    else if (fl) lines.value = (await fl.text()).replace(/^\ufeff/, '');
  });
  return h('div', { class: 'page-price-list-new' }, pageHeader(w('new')),
    h('section', { class: 'card' }, h('div', { class: 'form-field' }, h('label', { for: 'pl-file' }, w('file')), file), f.el, rowsBox));
}

/** Every version of the code, newest validity first, with their prices side by side. */
function versionsCard(current, versions) {
  const vs = [...versions].sort((a, b) => (a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : a.number < b.number ? 1 : -1));
  const skus = [];
  const seen = new Set();
  for (const v of vs) for (const it of v.items || []) if (!seen.has(it.sku)) { seen.add(it.sku); skus.push(it.sku); }
  const priceOf = new Map(vs.map((v) => [v.number, new Map((v.items || []).map((it) => [it.sku, it.price_fen]))]));
  const head = h('tr', null, h('th', { scope: 'col' }, w('sku')), vs.map((v) => h('th', { class: v.number === current ? 'num current' : 'num', scope: 'col', dataset: { version: v.number } },
    h('a', { href: `/price-lists/${enc(v.number)}`, class: 'mono' }, v.number), h('div', { class: 'small muted' }, validity(v)), stateBadge(v.state))));
  const body = skus.map((sku) => h('tr', { dataset: { key: sku } }, h('td', { class: 'mono' }, sku),
    vs.map((v) => {
      const p = priceOf.get(v.number).get(sku);
      return h('td', { class: 'num', dataset: { version: v.number } }, p === undefined ? h('span', { class: 'muted small' }, w('not_on')) : money(p));
    })));
  return card(w('versions'), h('p', { class: 'muted small' }, w('versions_hint')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'pl-versions' }, h('thead', null, head), h('tbody', null, body))));
}

export async function priceListDetailPage(ctx) {
  const number = ctx.params.number;
  const p = await api.get(`/price-lists/${enc(number)}`);
  const versions = await api.all('/price-lists', { code: p.code }, 200).catch(() => [p]);
  const allowedNow = new Set(p.allowed_actions || []);
  const acts = ['approve', 'publish', 'retire'].filter((a) => allowedNow.has(a));
  const actions = actionCard({
    title: w('actions'), base: `/price-lists/${enc(number)}`, version: p.version, idPrefix: 'pl',
    fields: acts.length ? [{ name: 'comment', label: w('comment'), type: 'textarea', wide: true }] : [],
    buttons: acts.map((a) => ({
      action: a, id: `pl-${a}`, label: t(ACTS[a]), tone: a === 'retire' ? 'danger' : 'primary', confirm: a === 'retire',
      body: (v) => (v.comment ? { comment: v.comment } : {}),
    })),
    onDone: () => ctx.navigate(`/price-lists/${enc(number)}`, { replace: true }),
  });
  const items = table({
    columns: [
      { key: 'line', label: '#', align: 'right' },
      { key: 'sku', label: w('sku'), cls: 'mono' },
      { key: 'price_fen', label: w('price'), align: 'right', render: (r) => money(r.price_fen) },
      { key: 'product_price_fen', label: w('std'), align: 'right', render: (r) => money(r.product_price_fen) },
      { key: 'diff', label: w('diff'), align: 'right', render: (r) => money(r.price_fen - r.product_price_fen) },
    ],
    rows: p.items || [],
    rowKey: (r) => r.sku,
  });
  const timeline = table({
    columns: [
      { key: 'at', label: t('f.at'), cls: 'nowrap', render: (r) => formatTs(r.at) },
      { key: 'action', label: t('f.action'), render: (r) => (ACTS[r.action] ? t(ACTS[r.action]) : r.action) },
      { key: 'actor', label: t('f.actor'), render: (r) => person(r.actor) },
      { key: 'to_state', label: w('state'), render: (r) => [r.from_state ? t(STATES[r.from_state] || { zh: r.from_state }) : '', r.from_state ? ' → ' : '', stateBadge(r.to_state)] },
      { key: 'comment', label: w('comment'), cls: 'wrap' },
    ],
    rows: p.timeline || [],
    rowKey: (r) => `${r.action}-${r.at}`,
  });
  const by = (who, at) => (who ? `${formatTs(at)} · ${personName(who)}` : null);
  return h('div', { class: 'page-price-list', dataset: { number: p.number, state: p.state } },
    h('div', { class: 'page-header detail-header' }, h('div', null,
      h('a', { href: '/price-lists', class: 'back' }, `‹ ${w('title')}`),
      h('h1', { class: 'mono', id: 'pl-number' }, p.number),
      h('div', { class: 'detail-sub' }, stateBadge(p.state, 'pl-state'), h('span', null, `${p.code} · ${p.name}`)))),
    actions,
    card(w('title'), fieldGrid([
      [w('code'), h('span', { class: 'mono' }, p.code)],
      [w('name'), p.name],
      [w('validity'), h('span', { id: 'pl-validity' }, validity(p))],
      [w('item_count'), String(p.item_count)],
      [w('created'), by(p.created_by, p.created_at)],
      [w('approved'), by(p.approved_by, p.approved_at)],
      [w('published'), by(p.published_by, p.published_at)],
      [w('retired'), by(p.retired_by, p.retired_at)],
      [w('superseded_by'), p.superseded_by ? h('a', { href: `/price-lists/${enc(p.superseded_by)}`, class: 'mono' }, p.superseded_by) : null],
    ])),
    card(w('items'), h('div', { id: 'pl-items' }, items)),
    versionsCard(p.number, versions.length ? versions : [p]),
    card(w('timeline'), timeline));
}
