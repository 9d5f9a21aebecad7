// market_files.js — 市场支持的文件与名单 (issue #12, docs/market.md): the distributor's inventory
// file imported (CSV/XLSX, every wrong row named by its line), photos and evidence attached to
// POP requests and expense applications (thumbnails), a support request's documents marked
// internal / external (only external ones go to the dealer), and consumer records with masked
// phones and customer service's follow-up calls. Chinese first; no inline styles or handlers.

import { session, ApiError, requestBlob, api, newIdempotencyKey } from '../lib/api.js';
import { t, getLang } from '../lib/i18n.js';
import { h, mount, card, pageHeader, fieldGrid, filterBar, pagedList, form, toast, badge, table, select } from '../lib/ui.js';
import { formatTs, currentPeriod } from '../lib/fmt.js';
import { person } from '../lib/people.js';

const enc = encodeURIComponent;
const MAX = 5 * 1024 * 1024; // MKT_FILE_MAX: the server refuses more (413) without reading it
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const W = {
  import: { zh: '从文件导入', en: 'Import a file' },
  importTitle: { zh: '导入经销商库存报表', en: 'Import an inventory report' },
  importHint: { zh: '经销商的 Excel(.xlsx) 或 CSV 文件：第一行为标题（产品编码、期初库存、本月进货、其他入库、本月销售、退货、期末库存、近效期），每个产品一行。', en: 'The distributor\'s Excel (.xlsx) or CSV file: a header row (sku, opening, purchased, other in, sold, returned, closing, near expiry), one row per SKU.' },
  file: { zh: '文件', en: 'File' },
  upload: { zh: '上传', en: 'Upload' },
  uploadImport: { zh: '上传并导入', en: 'Upload and import' },
  customer: { zh: '客户', en: 'Customer' },
  period: { zh: '期间', en: 'Period' },
  rowsWrong: { zh: '文件中有错误，未导入任何数据。请更正以下各行后重新上传：', en: 'The file has errors; nothing was imported. Correct these rows and upload again:' },
  row: { zh: '行号', en: 'Row' },
  field: { zh: '栏目', en: 'Column' },
  problem: { zh: '问题', en: 'Problem' },
  pickFile: { zh: '请选择文件', en: 'Choose a file' },
  tooBig: { zh: '文件超过 5 MiB，不能上传', en: 'The file is over 5 MiB' },
  badType: { zh: '不支持此文件类型', en: 'This file type is not accepted' },
  mismatch: { zh: '文件内容与其类型不符', en: 'The file\'s content does not match its type' },
  forbidden: { zh: '无权限上传到此单据', en: 'You may not add files to this document' },
  uploadFailed: { zh: '上传失败', en: 'Upload failed' },
  uploaded: { zh: '已上传', en: 'Uploaded' },
  photos: { zh: '照片与凭证', en: 'Photos and evidence' },
  documents: { zh: '资料', en: 'Documents' },
  attachments: { zh: '附件', en: 'Attachments' },
  noFiles: { zh: '暂无文件', en: 'No files yet' },
  title: { zh: '标题', en: 'Title' },
  kind: { zh: '类别', en: 'Kind' },
  visibility: { zh: '范围', en: 'Visibility' },
  internal: { zh: '内部', en: 'Internal' },
  external: { zh: '对外', en: 'External' },
  send: { zh: '发送给经销商', en: 'Send to the dealer' },
  sent: { zh: '已发送', en: 'Sent' },
  sentOk: { zh: '已发送给经销商', en: 'Sent to the dealer' },
  internalRefused: { zh: '内部资料不能发送给经销商：只有标为“对外”的资料可以发出。', en: 'An internal document cannot go to the dealer: only documents marked external are sent.' },
  noDealer: { zh: '此支持申请未指定经销商，无法发送', en: 'This support request names no dealer' },
  open: { zh: '打开', en: 'Open' },
  by: { zh: '上传人', en: 'By' },
  at: { zh: '时间', en: 'At' },
  size: { zh: '大小', en: 'Size' },
  consumers: { zh: '消费者名单', en: 'Consumer records' },
  consumer: { zh: '消费者', en: 'Consumer' },
  newConsumer: { zh: '登记消费者', en: 'Add a consumer' },
  phone: { zh: '电话', en: 'Phone' },
  store: { zh: '门店', en: 'Store' },
  product: { zh: '产品', en: 'Product' },
  collectedBy: { zh: '收集人', en: 'Collected by' },
  masked: { zh: '号码已隐藏', en: 'number masked' },
  followUps: { zh: '回访记录', en: 'Follow-up calls' },
  followUp: { zh: '登记回访', en: 'Record a follow-up' },
  result: { zh: '回访结果', en: 'Result' },
  reached: { zh: '已接通', en: 'Reached' },
  notReached: { zh: '未接通', en: 'Not reached' },
  search: { zh: '查询', en: 'Search' },
  state: { zh: '状态', en: 'State' },
  none: { zh: '暂无', en: 'None yet' },
  saved: { zh: '已保存', en: 'Saved' },
};
const w = (k, vars) => t(W[k], vars);

const COLS = {
  sku: { zh: '产品编码', en: 'SKU' }, opening_qty: { zh: '期初', en: 'Opening' }, purchased_qty: { zh: '进货', en: 'Purchased' },
  other_in_qty: { zh: '其他入库', en: 'Other in' }, sold_qty: { zh: '销售', en: 'Sold' }, returned_qty: { zh: '退货', en: 'Returned' },
  closing_qty: { zh: '期末', en: 'Closing' }, near_expiry_qty: { zh: '近效期', en: 'Near expiry' }, lines: { zh: '整行', en: 'Whole row' },
};
const RULES = {
  inventory_not_balanced: { zh: '不平衡：期初+进货+其他入库−销售−退货 应等于期末', en: 'Does not balance: opening + purchased + other in − sold − returned must equal closing' },
  unknown_sku: { zh: '没有这个产品编码', en: 'No such SKU' },
  inactive_sku: { zh: '产品已停用', en: 'The product is inactive' },
  duplicate_line: { zh: '同一产品出现两次', en: 'The SKU appears twice' },
  not_a_number: { zh: '不是整数', en: 'Not a whole number' },
  negative_qty: { zh: '数量不能为负', en: 'A quantity cannot be negative' },
  required: { zh: '必填', en: 'Required' },
};
const DOC_KINDS = {
  design_element: { zh: '设计元素', en: 'Design element' }, inspection_report: { zh: '检验报告', en: 'Inspection report' },
  sales_tool: { zh: '销售工具', en: 'Sales tool' }, white_paper: { zh: '白皮书', en: 'White paper' },
  price_list: { zh: '价目表', en: 'Price list' }, policy: { zh: '政策', en: 'Policy' }, other: { zh: '其他', en: 'Other' },
};

/** POST a file as the raw body (its own Content-Type); the parsed answer, or ApiError. */
async function postFile(path, file, type, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== null && v !== undefined && v !== '') qs.append(k, String(v));
  const s = qs.toString();
  const headers = { 'Content-Type': type, 'Idempotency-Key': newIdempotencyKey(), Accept: 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let res;
  try {
    res = await fetch(`/api/v1${path}${s ? `?${s}` : ''}`, { method: 'POST', headers, body: file });
  } catch (e) {
    throw new ApiError(0, 'network', String(e.message || e), {});
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.details);
  }
  return data;
}

/** The type a picked file is sent as: the browser's, or one named by its extension. */
function typeOf(file) {
  const n = file.name.toLowerCase();
  if (n.endsWith('.xlsx')) return XLSX;
  if (n.endsWith('.csv')) return 'text/csv';
  if (n.endsWith('.docx')) return DOCX;
  if (n.endsWith('.pdf')) return 'application/pdf';
  if (n.endsWith('.jpg') || n.endsWith('.jpeg')) return 'image/jpeg';
  if (n.endsWith('.png')) return 'image/png';
  if (n.endsWith('.webp')) return 'image/webp';
  return file.type || 'application/octet-stream';
}

/** The sentence for an upload's failure, in the screen's language (never a bare code). */
function uploadError(err) {
  if (!(err instanceof ApiError)) return String(err && err.message || err);
  if (err.status === 413) return w('tooBig');
  if (err.status === 415) return w('badType');
  if (err.status === 403) return w('forbidden');
  if (err.rule === 'file_type_mismatch') return w('mismatch');
  if (err.rule === 'internal_document') return w('internalRefused');
  if (err.rule === 'customer_required') return w('noDealer');
  if (err.rule && RULES[err.rule]) return t(RULES[err.rule]);
  return getLang() === 'en' ? err.message : w('uploadFailed');
}

const sizeText = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${Math.max(1, Math.round(n / 1024))} KiB`);

// ---- inventory import --------------------------------------------------------------------------

export async function inventoryImportPage(ctx) {
  const errors = h('div', { class: 'import-errors', id: 'imp-errors', 'aria-live': 'polite' });
  const file = h('input', { type: 'file', id: 'imp-file', name: 'file', accept: '.xlsx,.csv,text/csv' });
  const f = form({
    idPrefix: 'imp',
    fields: [
      { name: 'customer', label: w('customer'), required: true, value: ctx.query.customer || '' },
      { name: 'period', label: w('period'), required: true, value: ctx.query.period || currentPeriod() },
    ],
    submitLabel: w('uploadImport'),
    onCancel: () => ctx.navigate('/market/inventory'),
    submit: async (body) => {
      mount(errors);
      const picked = file.files && file.files[0];
      if (!picked) throw new Error(w('pickFile'));
      if (picked.size > 32 * 1024 * 1024) throw new Error(w('tooBig'));
      let x;
      try {
        x = await postFile('/inventory-reports/import', picked, typeOf(picked), body);
      } catch (err) {
        const rows = err instanceof ApiError && err.details && Array.isArray(err.details.rows) ? err.details.rows : null;
        if (!rows) throw err;
        mount(errors, h('div', { class: 'form-banner', role: 'alert' }, w('rowsWrong')),
          table({
            columns: [
              { key: 'row', label: w('row'), cls: 'mono' },
              { key: 'field', label: w('field'), render: (r) => (COLS[r.field] ? t(COLS[r.field]) : r.field || '—') },
              { key: 'rule', label: w('problem'), cls: 'wrap', render: (r) => (RULES[r.rule] ? t(RULES[r.rule]) : getLang() === 'en' ? r.message : w('uploadFailed')) },
            ],
            rows: rows,
            rowKey: (r) => `${r.row}-${r.field}-${r.rule}`,
          }));
        throw new Error(w('rowsWrong'));
      }
      toast(x.number);
      ctx.navigate(`/market/inventory/${enc(x.number)}`);
    },
  });
  f.el.insertBefore(h('div', { class: 'form-field form-field-wide' }, h('label', { for: 'imp-file' }, w('file')), file,
    h('div', { class: 'field-hint' }, w('importHint'))), f.el.querySelector('.form-actions'));
  return h('div', { class: 'page-inventory-import' }, pageHeader(w('importTitle')), h('section', { class: 'card' }, f.el, errors));
}

// ---- files of a document -----------------------------------------------------------------------

const FILE_PATHS = {
  pop: (n) => `/pop-requests/${enc(n)}/attachments`,
  expense: (n) => `/expense-applications/${enc(n)}/attachments`,
  support: (n) => `/support-requests/${enc(n)}/documents`,
  contract: (n) => `/contracts/${enc(n)}/attachments`, // issue 13: a contract's files, the same way
};
const ACCEPT = {
  pop: 'image/jpeg,image/png,image/webp',
  expense: 'image/jpeg,image/png,image/webp,application/pdf',
  support: `image/jpeg,image/png,image/webp,application/pdf,${XLSX},${DOCX},.xlsx,.docx`,
  contract: 'application/pdf,image/jpeg,image/png,image/webp',
};

/** A thumbnail of an image file (fetched with the session's token: an <img src> cannot send it). */
function thumb(f) {
  const box = h('span', { class: 'file-thumb' });
  if (!/^image\//.test(f.mime)) {
    mount(box, h('span', { class: 'file-icon', 'aria-hidden': 'true' }, f.mime === 'application/pdf' ? 'PDF' : '▤'));
    return box;
  }
  requestBlob(`/market-files/${enc(f.id)}`).then(({ blob }) => {
    const img = h('img', { src: URL.createObjectURL(blob), alt: f.name || f.title || String(f.id), class: 'thumb', dataset: { file: String(f.id) } });
    mount(box, img);
  }).catch(() => mount(box, '—'));
  return box;
}

function openButton(f) {
  return h('button', {
    type: 'button', class: 'btn btn-small file-open',
    onclick: async () => {
      try {
        const { blob } = await requestBlob(`/market-files/${enc(f.id)}`);
        const url = URL.createObjectURL(blob);
        const a = h('a', { href: url, download: f.name || `file-${f.id}`, hidden: true });
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } catch (err) {
        toast(uploadError(err), 'bad');
      }
    },
  }, w('open'));
}

/**
 * The files card of a POP request (placement photos), an expense application (evidence) or a
 * support request (documents, internal / external, sent to the dealer by customer service).
 * opts.canSend: the caller may send documents (GET /me `support_document.send`).
 */
export function filesCard(kind, number, opts = {}) {
  const base = FILE_PATHS[kind];
  const list = h('div', { class: 'file-list', id: 'files-list' });
  const msg = h('div', { class: 'form-banner files-msg', id: 'files-msg', role: 'alert', hidden: true });
  const say = (text, tone = 'bad') => {
    msg.hidden = !text;
    msg.className = `form-banner files-msg${tone === 'ok' ? ' files-msg-ok' : ''}`;
    msg.textContent = text || '';
  };
  async function load() {
    let items;
    try {
      items = (await api.get(base(number))).items || [];
    } catch (err) {
      mount(list, uploadError(err));
      return;
    }
    if (!items.length) {
      mount(list, h('div', { class: 'muted' }, w('noFiles')));
      return;
    }
    mount(list, h('ul', { class: 'files' }, items.map((f) => h('li', { class: 'file-row', dataset: { file: String(f.id), visibility: f.visibility } },
      thumb(f),
      h('span', { class: 'file-text' },
        h('span', { class: 'file-name' }, f.title || f.name || `#${f.id}`),
        kind === 'support' ? [' ', badge(f.visibility === 'external' ? w('external') : w('internal'), f.visibility === 'external' ? 'info' : 'muted'),
          f.kind ? [' ', badge(DOC_KINDS[f.kind] ? t(DOC_KINDS[f.kind]) : f.kind, 'default')] : null] : null,
        h('span', { class: 'file-meta muted small' }, `${f.uploaded_by} · ${formatTs(f.uploaded_at)} · ${sizeText(f.size)}`),
        f.sent_at ? h('span', { class: 'file-sent small' }, `${w('sent')} ${formatTs(f.sent_at)}`) : null),
      h('span', { class: 'file-actions' }, openButton(f),
        kind === 'support' && opts.canSend ? h('button', {
          type: 'button', class: 'btn btn-small btn-primary file-send', dataset: { file: String(f.id) },
          onclick: async () => {
            say('');
            try {
              await api.post(`${base(number)}/${enc(f.id)}/send`, {});
              say(w('sentOk'), 'ok');
              load();
            } catch (err) {
              say(uploadError(err));
            }
          },
        }, w('send')) : null)))));
  }
  const file = h('input', { type: 'file', name: 'file', id: `files-input-${kind}`, accept: ACCEPT[kind] });
  const extra = kind === 'support' ? [
    h('label', { class: 'filter', for: 'files-title' }, h('span', { class: 'filter-label' }, w('title')), h('input', { type: 'text', id: 'files-title', name: 'title' })),
    h('label', { class: 'filter', for: 'files-kind' }, h('span', { class: 'filter-label' }, w('kind')),
      select('kind', Object.keys(DOC_KINDS).map((k) => ({ value: k, label: t(DOC_KINDS[k]) })), 'other', { id: 'files-kind', noAll: true, label: w('kind') })),
    h('label', { class: 'filter', for: 'files-visibility' }, h('span', { class: 'filter-label' }, w('visibility')),
      select('visibility', [{ value: 'internal', label: w('internal') }, { value: 'external', label: w('external') }], 'internal', { id: 'files-visibility', noAll: true, label: w('visibility') })),
  ] : [];
  const up = h('button', {
    type: 'button', class: 'btn btn-primary btn-small', id: 'files-upload',
    onclick: async () => {
      say('');
      const picked = file.files && file.files[0];
      if (!picked) { say(w('pickFile')); return; }
      // the server refuses more than 5 MiB at once; say so before sending a byte
      if (picked.size > MAX) { say(w('tooBig')); return; }
      const q = { name: picked.name };
      if (kind === 'support') {
        const root = up.closest('.files-card');
        q.title = root.querySelector('#files-title').value.trim();
        q.kind = root.querySelector('#files-kind').value;
        q.visibility = root.querySelector('#files-visibility').value;
      }
      up.disabled = true;
      try {
        await postFile(base(number), picked, typeOf(picked), q);
        toast(w('uploaded'));
        file.value = '';
        load();
      } catch (err) {
        say(uploadError(err));
      } finally {
        up.disabled = false;
      }
    },
  }, w('upload'));
  load();
  const el = card(kind === 'support' ? w('documents') : kind === 'contract' ? w('attachments') : w('photos'), msg, list,
    h('div', { class: 'files-upload filters' },
      h('label', { class: 'filter', for: file.id }, h('span', { class: 'filter-label' }, w('file')), file), extra,
      h('div', { class: 'filter-buttons' }, up)));
  el.classList.add('files-card');
  el.id = `files-${kind}`;
  return el;
}

// ---- consumer records --------------------------------------------------------------------------

const CSTATE = { pending: { zh: '待回访', en: 'To call' }, followed_up: { zh: '已回访', en: 'Followed up' } };
const stateBadge = (s) => (CSTATE[s] ? h('span', { class: `badge badge-${s === 'pending' ? 'warn' : 'ok'} state-badge`, dataset: { state: s } }, t(CSTATE[s])) : '—');

export async function consumersPage(ctx) {
  let filters = { state: ctx.query.state || '', q: ctx.query.q || '', customer: ctx.query.customer || '' };
  const list = pagedList({
    load: (cursor) => api.get('/consumer-records', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'consumer_name', label: w('consumer'), render: (x) => h('a', { href: `/market/consumers/${enc(x.id)}` }, x.consumer_name) },
      { key: 'phone', label: w('phone'), cls: 'mono nowrap', render: (x) => h('span', { class: 'consumer-phone', title: x.phone_masked ? w('masked') : null }, x.phone) },
      { key: 'customer', label: w('customer') },
      { key: 'store', label: w('store'), cls: 'wrap' },
      { key: 'collected_by', label: w('collectedBy'), render: (r) => person(r.collected_by) },
      { key: 'created_at', label: w('at'), render: (x) => formatTs(x.created_at) },
      { key: 'state', label: w('state'), render: (x) => stateBadge(x.state) },
    ],
    rowHref: (x) => `/market/consumers/${enc(x.id)}`,
    rowKey: (x) => String(x.id),
    emptyText: w('none'),
  });
  const bar = filterBar([
    { label: w('state'), control: select('state', Object.keys(CSTATE).map((k) => ({ value: k, label: t(CSTATE[k]) })), filters.state, { label: w('state') }) },
    { label: w('search'), control: h('input', { type: 'text', name: 'q', value: filters.q }) },
    { label: w('customer'), control: h('input', { type: 'text', name: 'customer', value: filters.customer }) },
  ], (v) => { filters = { state: v.state || '', q: v.q || '', customer: v.customer || '' }; ctx.setQuery(filters); list.reload(); });
  list.reload();
  const add = ctx.can('consumer.create') ? form({
    idPrefix: 'cons',
    fields: [
      { name: 'customer', label: w('customer'), required: true },
      { name: 'consumer_name', label: w('consumer'), required: true },
      { name: 'phone', label: w('phone'), required: true },
      { name: 'store', label: w('store') },
      { name: 'product', label: w('product') },
    ],
    submitLabel: w('newConsumer'),
    submit: async (body, key) => {
      const x = await api.post('/consumer-records', body, { headers: { 'Idempotency-Key': key } });
      ctx.navigate(`/market/consumers/${enc(x.id)}`);
    },
  }) : null;
  return h('div', { class: 'page-consumers' }, pageHeader(w('consumers')), h('section', { class: 'card' }, bar, list.el),
    add ? h('details', { class: 'card' }, h('summary', { class: 'card-title' }, w('newConsumer')), h('div', { class: 'card-body' }, add.el)) : null);
}

export async function consumerDetailPage(ctx) {
  const id = ctx.params.id;
  const x = await api.get(`/consumer-records/${enc(id)}`);
  const fu = ctx.can('consumer.call') ? form({
    idPrefix: 'fu',
    fields: [
      { name: 'result', label: w('result'), type: 'textarea', required: true, wide: true },
      { name: 'reached', label: w('reached'), type: 'bool', sendFalse: true },
    ],
    submitLabel: w('followUp'),
    submit: async (body) => {
      await api.post(`/consumer-records/${enc(id)}/follow-ups`, body);
      toast(w('saved'));
      ctx.navigate(location.pathname, { replace: true });
    },
  }) : null;
  return h('div', { class: 'page-consumer', dataset: { id: String(x.id) } },
    h('div', { class: 'page-header detail-header' }, h('div', null,
      h('a', { href: '/market/consumers', class: 'back' }, `‹ ${w('consumers')}`),
      h('h1', null, x.consumer_name))),
    card(w('consumer'), fieldGrid([
      [w('consumer'), x.consumer_name],
      [w('phone'), h('span', { class: 'mono', id: 'consumer-phone' }, x.phone, x.phone_masked ? h('span', { class: 'muted small' }, ` (${w('masked')})`) : null)],
      [w('customer'), x.customer], [w('store'), x.store], [w('product'), x.product],
      [w('collectedBy'), x.collected_by], [w('at'), formatTs(x.created_at)], [w('state'), stateBadge(x.state)],
    ])),
    fu ? card(w('followUp'), fu.el) : null,
    card(w('followUps'), table({
      columns: [
        { key: 'at', label: w('at'), render: (r) => formatTs(r.at), cls: 'nowrap' },
        { key: 'called_by', label: t({ zh: '回访人', en: 'Called by' }), render: (r) => person(r.called_by || r.by) },
        { key: 'reached', label: w('reached'), render: (r) => (r.reached ? badge(w('reached'), 'ok') : badge(w('notReached'), 'muted')) },
        { key: 'result', label: w('result'), cls: 'wrap' },
      ],
      rows: x.follow_ups || [],
      rowKey: (r) => `${r.at}-${r.result}`,
      emptyText: w('none'),
    })));
}
