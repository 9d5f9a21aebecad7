// collection.js — 催收 (flows.md §4.3-4.4, docs/billing.md): finance's and the BCR's collection
// day — the bank receipt pool (到款池: import a bank statement CSV, matched lines claimed to a
// customer, registered as a receipt in one click, or ignored with a reason), collection requests
// (收款申请单 SKSQ: draft → submitted → confirmed by the BCR and finance → sent → paid / closed)
// and the weekly call list (每周电话拜访). Buttons come from each document's allowed_actions.

import { api, session, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, card, fieldGrid, table, pagedList, filterBar, select, pageHeader, toast, loadInto, mount, ruleMessage } from '../lib/ui.js';
import { formatFen, formatTs } from '../lib/fmt.js';
import { actionCard } from '../lib/doc.js';
import { person } from '../lib/people.js';

const enc = encodeURIComponent;
const money = (v) => h('span', { class: 'money' }, formatFen(v));

const W = {
  pool: { zh: '到款池', en: 'Bank receipts' },
  import: { zh: '导入银行流水', en: 'Import a bank statement' },
  import_hint: { zh: '银行导出的CSV：交易日期、付款人名称、付款人账号、金额、摘要（可有流水号）', en: 'The bank\'s CSV export: date, payer name, payer account, amount, remark (and a reference)' },
  file: { zh: '选择文件', en: 'Choose a file' },
  paste: { zh: '或粘贴CSV内容', en: 'or paste the CSV' },
  account: { zh: '收款账户', en: 'Our account' },
  do_import: { zh: '导入', en: 'Import' },
  imported: { zh: '导入{imported}行，匹配{matched}行，未匹配{unmatched}行，跳过{skipped}行', en: '{imported} lines imported, {matched} matched, {unmatched} unmatched, {skipped} skipped' },
  register_claimed: { zh: '已认领的全部登记为收款', en: 'Register every claimed line' },
  registered_n: { zh: '已登记{n}笔收款', en: '{n} receipts registered' },
  value_date: { zh: '交易日期', en: 'Date' },
  payer: { zh: '付款人', en: 'Payer' },
  payer_account: { zh: '付款账号', en: 'Payer account' },
  amount: { zh: '金额', en: 'Amount' },
  memo: { zh: '摘要', en: 'Remark' },
  customer: { zh: '客户', en: 'Customer' },
  matched_by: { zh: '匹配方式', en: 'Matched by' },
  state: { zh: '状态', en: 'State' },
  payment: { zh: '收款单', en: 'Receipt' },
  none: { zh: '没有到款记录', en: 'No bank lines' },
  line: { zh: '到款', en: 'Bank line' },
  claim: { zh: '认领', en: 'Claim' },
  register: { zh: '登记收款', en: 'Register receipt' },
  ignore: { zh: '忽略', en: 'Ignore' },
  comment: { zh: '说明', en: 'Comment' },
  actions: { zh: '处理', en: 'Actions' },
  requests: { zh: '收款申请单', en: 'Collection requests' },
  new_request: { zh: '新建收款申请', en: 'New collection request' },
  expected: { zh: '预计付款日', en: 'Expected payment' },
  note: { zh: '备注', en: 'Note' },
  total: { zh: '金额合计', en: 'Total' },
  bcr: { zh: '结算代表', en: 'BCR' },
  requested_by: { zh: '申请人', en: 'Requested by' },
  invoice: { zh: '发票', en: 'Invoice' },
  open: { zh: '未收', en: 'Open' },
  no_requests: { zh: '没有收款申请单', en: 'No collection requests' },
  create: { zh: '创建', en: 'Create' },
  call_list: { zh: '每周电话拜访', en: 'Weekly call list' },
  week: { zh: '周', en: 'Week' },
  balance: { zh: '余额', en: 'Balance' },
  overdue: { zh: '逾期', en: 'Overdue' },
  called: { zh: '已致电', en: 'Called' },
  outcome: { zh: '结果', en: 'Outcome' },
  promised: { zh: '承诺付款', en: 'Promised' },
  log_call: { zh: '记录电话', en: 'Log a call' },
  no_calls: { zh: '本周没有电话任务', en: 'No calls this week' },
  timeline: { zh: '处理记录', en: 'Timeline' },
  search: { zh: '单号、客户、付款人', en: 'Number, customer, payer' },
};
const w = (k, vars) => {
  let s = t(W[k]);
  for (const [n, v] of Object.entries(vars || {})) s = s.replace(`{${n}}`, String(v));
  return s;
};

const BANK_STATES = {
  unmatched: { zh: '未匹配', en: 'Unmatched' },
  claimed: { zh: '已认领', en: 'Claimed' },
  registered: { zh: '已登记', en: 'Registered' },
  ignored: { zh: '已忽略', en: 'Ignored' },
};
const REQ_STATES = {
  draft: { zh: '草稿', en: 'Draft' },
  submitted: { zh: '已提交', en: 'Submitted' },
  confirmed: { zh: '已确认', en: 'Confirmed' },
  sent: { zh: '已发送', en: 'Sent' },
  paid: { zh: '已付清', en: 'Paid' },
  closed: { zh: '已关闭', en: 'Closed' },
};
const REQ_ACTIONS = {
  submit: { zh: '提交', en: 'Submit' },
  confirm: { zh: '确认', en: 'Confirm' },
  send: { zh: '发送给客户', en: 'Send to the customer' },
  close: { zh: '关闭', en: 'Close' },
};
const stateBadge = (states, s, id) => h('span', { class: `badge badge-${s === 'ignored' || s === 'closed' ? 'muted' : s === 'registered' || s === 'paid' ? 'ok' : 'default'} state-badge`, id: id || null, dataset: { state: s } }, states[s] ? t(states[s]) : s);
const timeline = (rows, states) => table({
  columns: [
    { key: 'at', label: t('f.at'), render: (r) => formatTs(r.at), cls: 'nowrap' },
    { key: 'action', label: t('f.action') },
    { key: 'actor', label: t('f.actor'), render: (r) => person(r.actor) },
    { key: 'to_state', label: t('f.state'), render: (r) => stateBadge(states, r.to_state) },
    { key: 'comment', label: w('comment'), cls: 'wrap' },
  ],
  rows: rows || [],
});

// ---- the bank receipt pool -------------------------------------------------------------------

/** POST the CSV text as the bank file (text/csv; the import is all or nothing). */
async function importCsv(text, account) {
  const headers = { 'Content-Type': 'text/csv', Accept: 'application/json', 'Idempotency-Key': `bank-${Date.now()}-${Math.random().toString(36).slice(2)}` };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const qs = account ? `?bank_account=${enc(account)}` : '';
  const res = await fetch(`/api/v1/bank-receipts/import${qs}`, { method: 'POST', headers, body: text });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.details);
  }
  return data;
}

export async function bankPoolPage(ctx) {
  const q = ctx.query;
  let filters = { state: q.state ?? 'unmatched,claimed', q: q.q || '' };
  const list = pagedList({
    load: (cursor) => api.get('/bank-receipts', { ...filters, limit: 50, cursor }),
    columns: [
      { key: 'number', label: t('f.number'), render: (r) => h('a', { href: `/bank-receipts/${enc(r.number)}`, class: 'mono' }, r.number) },
      { key: 'value_date', label: w('value_date'), cls: 'nowrap' },
      { key: 'payer_name', label: w('payer'), cls: 'wrap' },
      { key: 'payer_account', label: w('payer_account'), cls: 'mono' },
      { key: 'amount_fen', label: w('amount'), align: 'right', render: (r) => money(r.amount_fen) },
      { key: 'memo', label: w('memo'), cls: 'wrap' },
      { key: 'customer', label: w('customer'), cls: 'mono' },
      { key: 'state', label: w('state'), render: (r) => stateBadge(BANK_STATES, r.state) },
    ],
    rowHref: (r) => `/bank-receipts/${enc(r.number)}`,
    rowKey: (r) => r.number,
    emptyText: w('none'),
  });
  const stateOpts = [{ value: 'unmatched,claimed', label: `${t(BANK_STATES.unmatched)} + ${t(BANK_STATES.claimed)}` },
    ...Object.keys(BANK_STATES).map((s) => ({ value: s, label: t(BANK_STATES[s]) }))];
  const bar = filterBar([
    { label: w('state'), control: select('state', stateOpts, filters.state, { label: w('state') }) },
    { label: t('common.search'), control: h('input', { type: 'search', name: 'q', value: filters.q, placeholder: w('search') }) },
  ], (v) => {
    filters = { state: v.state || '', q: (v.q || '').trim() };
    ctx.setQuery(filters);
    list.reload();
  });

  let importCard = null;
  if (ctx.can('payment.create')) {
    const area = h('textarea', { id: 'bank-csv', rows: 4, placeholder: '交易日期,付款人名称,付款人账号,金额,摘要,流水号' });
    const file = h('input', { type: 'file', id: 'bank-file', accept: '.csv,text/csv' });
    file.addEventListener('change', async () => {
      const f = file.files && file.files[0];
      if (f) area.value = await f.text();
    });
    const account = h('input', { type: 'text', id: 'bank-account', autocomplete: 'off', placeholder: 'ICBC-001' });
    const result = h('div', { id: 'bank-import-result', 'aria-live': 'polite' });
    const go = h('button', { class: 'btn btn-primary', type: 'button', id: 'bank-import' }, w('do_import'));
    go.addEventListener('click', async () => {
      go.disabled = true;
      try {
        const r = await importCsv(area.value, account.value.trim());
        mount(result, h('div', { class: 'form-banner form-banner-ok', id: 'bank-import-summary', dataset: { imported: r.imported, matched: r.matched } }, w('imported', r)));
        area.value = '';
        list.reload();
      } catch (err) {
        const rows = (err.details && err.details.errors) || [];
        mount(result, h('div', { class: 'form-banner', role: 'alert', id: 'bank-import-error' }, ruleMessage(err)),
          rows.length ? table({ columns: [{ key: 'line', label: '#' }, { key: 'field', label: t('f.field') }, { key: 'rule', label: 'rule', cls: 'mono' }, { key: 'message', label: w('comment'), cls: 'wrap' }], rows }) : null);
      } finally {
        go.disabled = false;
      }
    });
    const regAll = h('button', { class: 'btn', type: 'button', id: 'bank-register-claimed' }, w('register_claimed'));
    regAll.addEventListener('click', async () => {
      try {
        const r = await api.post('/bank-receipts/register-claimed', {});
        toast(w('registered_n', { n: (r.registered ?? (r.items || []).length) || 0 }));
        list.reload();
      } catch (err) {
        toast(ruleMessage(err), 'error');
      }
    });
    importCard = card(w('import'),
      h('div', { class: 'field-hint' }, w('import_hint')),
      h('div', { class: 'form-grid' },
        h('div', { class: 'form-field' }, h('label', { for: 'bank-file' }, w('file')), file),
        h('div', { class: 'form-field' }, h('label', { for: 'bank-account' }, w('account')), account),
        h('div', { class: 'form-field form-field-wide' }, h('label', { for: 'bank-csv' }, w('paste')), area)),
      h('div', { class: 'action-buttons' }, go, regAll), result);
  }
  list.reload();
  return h('div', { class: 'page-bank-receipts' },
    pageHeader(w('pool'), h('a', { class: 'btn', href: '/collection-requests' }, w('requests')), h('a', { class: 'btn', href: '/call-list' }, w('call_list'))),
    importCard, bar, list.el);
}

export async function bankLinePage(ctx) {
  const number = ctx.params.number;
  const r = await api.get(`/bank-receipts/${enc(number)}`);
  const reload = () => ctx.navigate(`/bank-receipts/${enc(number)}`, { replace: true });
  const allowed = new Set(r.allowed_actions || []);
  const info = fieldGrid([
    [w('value_date'), r.value_date],
    [w('amount'), money(r.amount_fen)],
    [w('payer'), r.payer_name],
    [w('payer_account'), r.payer_account ? h('span', { class: 'mono' }, r.payer_account) : null],
    [w('memo'), r.memo],
    [w('account'), r.bank_account],
    [w('customer'), r.customer ? h('a', { href: `/customers/${enc(r.customer)}`, class: 'mono', id: 'bank-customer' }, r.customer) : null],
    [w('matched_by'), r.matched_by],
    [w('payment'), r.payment ? h('a', { href: `/payments/${enc(r.payment)}`, class: 'mono', id: 'bank-payment' }, r.payment) : null],
  ]);
  const fields = [];
  if (allowed.has('claim')) fields.push({ name: 'customer', label: w('customer'), value: r.customer || '', placeholder: 'C0001' });
  if (allowed.has('ignore')) fields.push({ name: 'comment', label: w('comment'), type: 'textarea', wide: true });
  const buttons = [];
  if (allowed.has('claim')) buttons.push({ action: 'claim', id: 'bank-claim', label: w('claim'), needs: ['customer'], body: (v) => ({ customer: v.customer }) });
  if (allowed.has('register')) buttons.push({ action: 'register', id: 'bank-register', label: w('register'), tone: 'primary', body: () => ({}) });
  if (allowed.has('ignore')) buttons.push({ action: 'ignore', id: 'bank-ignore', label: w('ignore'), tone: 'danger', confirm: true, needs: ['comment'], body: (v) => ({ comment: v.comment }) });
  const acts = actionCard({ title: w('actions'), base: `/bank-receipts/${enc(r.number)}`, version: r.version, idPrefix: 'bank', fields, buttons, onDone: reload });
  return h('div', { class: 'page-bank-receipt', dataset: { state: r.state } },
    h('div', { class: 'page-header detail-header' },
      h('div', null,
        h('a', { href: '/bank-receipts', class: 'back' }, `‹ ${w('pool')}`),
        h('h1', { class: 'mono', id: 'bank-number' }, r.number),
        h('div', { class: 'detail-sub' }, stateBadge(BANK_STATES, r.state, 'bank-state')))),
    card(w('line'), info), acts, card(w('timeline'), timeline(r.timeline, BANK_STATES)));
}

// ---- collection requests ---------------------------------------------------------------------

export async function collectionRequestsPage(ctx) {
  const q = ctx.query;
  let filters = { state: q.state || '', q: q.q || '', customer: q.customer || '' };
  const list = pagedList({
    load: (cursor) => api.get('/collection-requests', { ...filters, limit: 50, cursor }),
    columns: [
      { key: 'number', label: t('f.number'), render: (r) => h('a', { href: `/collection-requests/${enc(r.number)}`, class: 'mono' }, r.number) },
      { key: 'customer', label: w('customer'), cls: 'mono' },
      { key: 'total_fen', label: w('total'), align: 'right', render: (r) => money(r.total_fen) },
      { key: 'expected_pay_date', label: w('expected'), cls: 'nowrap' },
      { key: 'requested_by', label: w('requested_by'), render: (r) => person(r.requested_by) },
      { key: 'state', label: w('state'), render: (r) => stateBadge(REQ_STATES, r.state) },
    ],
    rowHref: (r) => `/collection-requests/${enc(r.number)}`,
    rowKey: (r) => r.number,
    emptyText: w('no_requests'),
  });
  const bar = filterBar([
    { label: w('state'), control: select('state', Object.keys(REQ_STATES).map((s) => ({ value: s, label: t(REQ_STATES[s]) })), filters.state, { label: w('state') }) },
    { label: t('common.search'), control: h('input', { type: 'search', name: 'q', value: filters.q, placeholder: w('search') }) },
  ], (v) => {
    filters = { ...filters, state: v.state || '', q: (v.q || '').trim() };
    ctx.setQuery(filters);
    list.reload();
  });
  // a new request: customer, expected date, note (lines default to every open invoice)
  const cust = h('input', { type: 'text', id: 'cr-customer', autocomplete: 'off', value: filters.customer });
  const date = h('input', { type: 'date', id: 'cr-expected' });
  const note = h('textarea', { id: 'cr-note', rows: 2 });
  const banner = h('div', { class: 'form-banner', role: 'alert', hidden: true, id: 'cr-banner' });
  const create = h('button', { class: 'btn btn-primary', type: 'button', id: 'cr-create' }, w('create'));
  create.addEventListener('click', async () => {
    banner.hidden = true;
    try {
      const body = { customer: cust.value.trim() };
      if (date.value) body.expected_pay_date = date.value;
      if (note.value.trim()) body.note = note.value.trim();
      const r = await api.post('/collection-requests', body);
      ctx.navigate(`/collection-requests/${enc(r.number)}`);
    } catch (err) {
      mount(banner, ruleMessage(err));
      banner.hidden = false;
    }
  });
  const newCard = card(w('new_request'), banner,
    h('div', { class: 'form-grid' },
      h('div', { class: 'form-field' }, h('label', { for: 'cr-customer' }, w('customer')), cust),
      h('div', { class: 'form-field' }, h('label', { for: 'cr-expected' }, w('expected')), date),
      h('div', { class: 'form-field form-field-wide' }, h('label', { for: 'cr-note' }, w('note')), note)),
    h('div', { class: 'action-buttons' }, create));
  list.reload();
  return h('div', { class: 'page-collection-requests' },
    pageHeader(w('requests'), h('a', { class: 'btn', href: '/bank-receipts' }, w('pool')), h('a', { class: 'btn', href: '/call-list' }, w('call_list'))),
    newCard, bar, list.el);
}

export async function collectionRequestPage(ctx) {
  const number = ctx.params.number;
  const r = await api.get(`/collection-requests/${enc(number)}`);
  const reload = () => ctx.navigate(`/collection-requests/${enc(number)}`, { replace: true });
  const allowed = r.allowed_actions || [];
  const info = fieldGrid([
    [w('customer'), h('a', { href: `/customers/${enc(r.customer)}`, class: 'mono' }, r.customer)],
    [w('total'), money(r.total_fen)],
    [w('expected'), r.expected_pay_date],
    [w('requested_by'), person(r.requested_by)],
    [w('bcr'), r.bcr],
    [w('note'), r.note],
  ]);
  const lines = table({
    columns: [
      { key: 'invoice', label: w('invoice'), render: (l) => h('a', { href: `/invoices/${enc(l.invoice)}`, class: 'mono' }, l.invoice) },
      { key: 'amount_fen', label: w('amount'), align: 'right', render: (l) => money(l.amount_fen) },
      { key: 'open_fen', label: w('open'), align: 'right', render: (l) => money(l.open_fen) },
    ],
    rows: r.lines || [],
  });
  const needsComment = allowed.includes('close');
  const acts = actionCard({
    title: w('actions'), base: `/collection-requests/${enc(r.number)}`, version: r.version, idPrefix: 'cr',
    fields: needsComment ? [{ name: 'comment', label: w('comment'), type: 'textarea', wide: true }] : [],
    buttons: allowed.map((a) => ({ action: a, id: `cr-${a}`, label: REQ_ACTIONS[a] ? t(REQ_ACTIONS[a]) : a, tone: a === 'close' ? 'danger' : 'primary', confirm: a === 'close', body: (v) => (v.comment ? { comment: v.comment } : {}) })),
    onDone: reload,
  });
  return h('div', { class: 'page-collection-request', dataset: { state: r.state } },
    h('div', { class: 'page-header detail-header' },
      h('div', null,
        h('a', { href: '/collection-requests', class: 'back' }, `‹ ${w('requests')}`),
        h('h1', { class: 'mono', id: 'cr-number' }, r.number),
        h('div', { class: 'detail-sub' }, stateBadge(REQ_STATES, r.state, 'cr-state')))),
    card(w('requests'), info), card(w('invoice'), lines), acts, card(w('timeline'), timeline(r.timeline, REQ_STATES)));
}

// ---- the weekly call list --------------------------------------------------------------------

export async function callListPage(ctx) {
  const week = ctx.query.week || '';
  const box = h('div', { id: 'call-list' });
  const pick = h('input', { type: 'date', id: 'call-week', value: week });
  pick.addEventListener('change', () => {
    ctx.setQuery({ week: pick.value });
    show();
  });
  function show() {
    loadInto(box, async () => {
      const r = await api.get('/call-list', { week: pick.value });
      const rows = r.items || [];
      return [h('div', { class: 'muted small', id: 'call-week-label' }, `${w('week')} ${r.week || ''}`),
        table({
          columns: [
            { key: 'customer', label: w('customer'), render: (x) => h('a', { href: `/customers/${enc(x.customer)}`, class: 'mono' }, x.customer) },
            { key: 'name', label: '', cls: 'wrap', render: (x) => x.customer_name || x.name || '' },
            { key: 'balance_fen', label: w('balance'), align: 'right', render: (x) => (x.balance_fen === undefined ? '' : money(x.balance_fen)) },
            { key: 'overdue_fen', label: w('overdue'), align: 'right', render: (x) => (x.overdue_fen === undefined ? '' : money(x.overdue_fen)) },
            { key: 'called', label: w('called'), render: (x) => (x.called ? t('common.yes') : t('common.no')) },
            { key: 'outcome', label: w('outcome'), cls: 'wrap' },
            { key: 'promised', label: w('promised'), render: (x) => (x.promised_pay_date ? [x.promised_pay_date, ' ', x.promised_amount_fen ? money(x.promised_amount_fen) : ''] : '') },
            { key: 'log', label: '', render: (x) => h('a', { class: 'btn btn-small', href: `/call-logs/new?customer=${enc(x.customer)}&kind=weekly_collection` }, w('log_call')) },
          ],
          rows,
          rowKey: (x) => x.customer,
          emptyText: w('no_calls'),
        })];
    });
  }
  show();
  return h('div', { class: 'page-call-list' },
    pageHeader(w('call_list'), h('a', { class: 'btn', href: '/bank-receipts' }, w('pool')), h('a', { class: 'btn', href: '/collection-requests' }, w('requests'))),
    h('div', { class: 'filters' }, h('label', { class: 'filter', for: 'call-week' }, h('span', { class: 'filter-label' }, w('week')), pick)),
    box);
}

