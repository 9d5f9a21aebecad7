// market.js — 市场支持 (market support, api.md §5.6, docs/market.md): expense budgets with a bar
// per category (used / committed / available), expense applications (FY) with their approvals,
// POP requests (WL), sample issues (YP) and distributor inventory reports (KC) with a grid that
// checks each line's balance as you type. Buttons come from each document's allowed_actions;
// the words are inline {zh, en} pairs, Chinese first.

import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, mount, card, pageHeader, fieldGrid, select, filterBar, pagedList, form, toast, badge, table } from '../lib/ui.js';
import { formatFen, formatTs, formatQty, formatBp, pctOf, currentPeriod, parseYuan, fenToJson, parsePercentBp } from '../lib/fmt.js';
import { actionCard } from '../lib/doc.js';
import { filesCard } from './market_files.js';
import { person, personName } from '../lib/people.js';

const enc = encodeURIComponent;

// ---- words ----------------------------------------------------------------------------------

const W = {
  budgets: { zh: '费用预算', en: 'Expense budgets' },
  expenses: { zh: '费用申请', en: 'Expense applications' },
  expense: { zh: '费用申请', en: 'Expense application' },
  newExpense: { zh: '新建费用申请', en: 'New expense application' },
  pop: { zh: '物料(POP)申请', en: 'POP requests' },
  newPop: { zh: '新建物料申请', en: 'New POP request' },
  samples: { zh: '样品发放', en: 'Sample issues' },
  inventory: { zh: '经销商库存报表', en: 'Distributor inventory reports' },
  newInventory: { zh: '填报库存报表', en: 'New inventory report' },
  prefill: { zh: '按本月到货预填', en: 'Pre-fill from this month\'s deliveries' },
  prefillDone: { zh: '已预填：期初=上月期末，进货=本月到货', en: 'Pre-filled: opening = last month\'s closing, purchased = deliveries' },
  period: { zh: '期间', en: 'Period' },
  market: { zh: '市场', en: 'Market' },
  region: { zh: '区域', en: 'Region' },
  category: { zh: '费用类别', en: 'Category' },
  amount: { zh: '金额', en: 'Amount' },
  budget: { zh: '预算', en: 'Budget' },
  used: { zh: '已用', en: 'Used' },
  committed: { zh: '已承诺', en: 'Committed' },
  available: { zh: '可用', en: 'Available' },
  newBudget: { zh: '设定预算', en: 'Set a budget' },
  customer: { zh: '客户', en: 'Customer' },
  purpose: { zh: '用途', en: 'Purpose' },
  special: { zh: '客户要求的特殊促销', en: 'Special (customer-requested)' },
  form: { zh: '结算方式', en: 'Settlement form' },
  applicant: { zh: '申请人', en: 'Applicant' },
  approved: { zh: '批准金额', en: 'Approved' },
  actual: { zh: '实际金额', en: 'Actual' },
  evidence: { zh: '凭证', en: 'Evidence' },
  evaluation: { zh: '效果评估', en: 'Evaluation' },
  rating: { zh: '评分(1–5)', en: 'Rating (1–5)' },
  approvals: { zh: '审批', en: 'Approvals' },
  approvedBy: { zh: '批准人', en: 'Approved by' },
  settledBy: { zh: '结算人', en: 'Settled by' },
  payment: { zh: '费用款收款', en: 'Expense receipt' },
  state: { zh: '状态', en: 'State' },
  number: { zh: '单号', en: 'Number' },
  timeline: { zh: '处理记录', en: 'Timeline' },
  comment: { zh: '意见', en: 'Comment' },
  sku: { zh: 'SKU', en: 'SKU' },
  qty: { zh: '数量', en: 'Qty' },
  value: { zh: '价值', en: 'Value' },
  lines: { zh: '明细', en: 'Lines' },
  photo: { zh: '照片', en: 'Photo' },
  note: { zh: '备注', en: 'Note' },
  order: { zh: '订单', en: 'Order' },
  usage: { zh: '使用率 %', en: 'Usage %' },
  waste: { zh: '损耗率 %', en: 'Waste %' },
  stores: { zh: '调查门店数', en: 'Stores surveyed' },
  deduction: { zh: '扣减数量', en: 'Deduction' },
  due: { zh: '回访期限', en: 'Follow-up due' },
  late: { zh: '逾期提交', en: 'Late' },
  onTime: { zh: '按时', en: 'On time' },
  opening: { zh: '期初', en: 'Opening' },
  purchased: { zh: '进货', en: 'Purchased' },
  otherIn: { zh: '其他入库', en: 'Other in' },
  sold: { zh: '销售', en: 'Sold' },
  returned: { zh: '退货', en: 'Returned' },
  closing: { zh: '期末', en: 'Closing' },
  nearExpiry: { zh: '近效期', en: 'Near expiry' },
  balance: { zh: '平衡', en: 'Balance' },
  balanced: { zh: '✓ 平衡', en: '✓ balanced' },
  offBy: { zh: '✗ 应为 {want}', en: '✗ should be {want}' },
  addLine: { zh: '+ 添加一行', en: '+ Add line' },
  remove: { zh: '删除', en: 'Remove' },
  cover: { zh: '库存月数', en: 'Stock cover (months)' },
  buildUp: { zh: '积货', en: 'Build-up' },
  submit: { zh: '提交', en: 'Submit' },
  fixLines: { zh: '有不平衡的行，请更正后再提交', en: 'Some lines do not balance; correct them first' },
  warnings: { zh: '提示', en: 'Warnings' },
  reviewNote: { zh: '审核意见', en: 'Review note' },
  none: { zh: '暂无', en: 'None yet' },
  support: { zh: '支持申请', en: 'Support requests' },
  newSupport: { zh: '新建支持申请', en: 'New support request' },
  kind: { zh: '类型', en: 'Kind' },
  details: { zh: '内容', en: 'Details' },
  handler: { zh: '承办', en: 'Handler' },
  date: { zh: '日期', en: 'Date' },
  place: { zh: '地点', en: 'Place' },
  itinerary: { zh: '行程', en: 'Itinerary' },
  requestedBy: { zh: '申请人', en: 'Requested by' },
  travelDates: { zh: '出差日期', en: 'Travel days' },
  travelCheck: { zh: '差旅核对', en: 'Travel check' },
  noVisit: { zh: '无拜访记录的日期', en: 'Days without a visit report' },
  allVisited: { zh: '每天都有拜访记录', en: 'A visit report on every day' },
  flagged: { zh: '需说明', en: 'Flagged' },
  notChecked: { zh: '待客服代表核对拜访记录', en: 'Waiting for the CSR\'s check' },
  importFile: { zh: '从文件导入', en: 'Import a file' },
};
const KINDS = {
  ad_design: { zh: '广告设计', en: 'Advertising design' }, training: { zh: '培训', en: 'Training' },
  event: { zh: '活动', en: 'Event' }, lecture: { zh: '讲座', en: 'Lecture' },
};
const STATE = {
  submitted: { zh: '已提交', en: 'Submitted' }, approved: { zh: '已批准', en: 'Approved' },
  rejected: { zh: '已驳回', en: 'Rejected' }, executed: { zh: '已执行', en: 'Executed' },
  settled: { zh: '已结算', en: 'Settled' }, closed: { zh: '已关闭', en: 'Closed' },
  requested: { zh: '已申请', en: 'Requested' }, shipped: { zh: '已发运', en: 'Shipped' },
  received: { zh: '已签收', en: 'Received' }, verified: { zh: '已核实', en: 'Verified' },
  issued: { zh: '已发放', en: 'Issued' }, followed_up: { zh: '已回访', en: 'Followed up' },
  reviewed: { zh: '已审核', en: 'Reviewed' }, returned: { zh: '已退回', en: 'Returned' },
  forwarded: { zh: '已转交', en: 'Forwarded' }, scheduled: { zh: '已排期', en: 'Scheduled' }, done: { zh: '已完成', en: 'Done' },
};
const TONE = {
  submitted: 'info', approved: 'ok', rejected: 'bad', executed: 'info', settled: 'ok', closed: 'muted',
  requested: 'info', shipped: 'info', received: 'info', verified: 'ok', issued: 'warn', followed_up: 'ok',
  reviewed: 'ok', returned: 'warn', forwarded: 'info', scheduled: 'info', done: 'ok',
};
const ACTION = {
  approve: { zh: '批准', en: 'Approve' }, reject: { zh: '驳回', en: 'Reject' },
  execute: { zh: '执行(报实际)', en: 'Execute' }, settle: { zh: '结算', en: 'Settle' },
  evaluate: { zh: '评估并关闭', en: 'Evaluate' }, 'confirm-receipt': { zh: '确认签收', en: 'Confirm receipt' },
  verify: { zh: '核实陈列', en: 'Verify placement' }, 'follow-up': { zh: '登记回访', en: 'Record follow-up' },
  review: { zh: '审核通过', en: 'Review' }, return: { zh: '退回修改', en: 'Return' },
  resubmit: { zh: '重新提交', en: 'Resubmit' }, apply: { zh: '申请', en: 'Apply' },
  request: { zh: '申请', en: 'Request' }, ship: { zh: '发运', en: 'Ship' }, issue: { zh: '发放', en: 'Issue' },
  submit: { zh: '提交', en: 'Submit' }, forward: { zh: '转交', en: 'Forward' },
  schedule: { zh: '排期', en: 'Schedule' }, done: { zh: '完成', en: 'Done' },
  'check-travel': { zh: '核对差旅(拜访记录)', en: 'Check against visits' },
};
const CATEGORIES = {
  advertising: { zh: '广告', en: 'Advertising' }, promotion: { zh: '促销', en: 'Promotion' },
  pop: { zh: 'POP物料', en: 'POP' }, samples: { zh: '样品', en: 'Samples' },
  training_event: { zh: '培训/活动', en: 'Training & events' }, temp_staff: { zh: '临时促销员', en: 'Temporary staff' },
  display_fee: { zh: '陈列费', en: 'Display fee' }, travel: { zh: '差旅', en: 'Travel' }, other: { zh: '其他', en: 'Other' },
};
const FORMS = {
  reimbursement: { zh: '报销', en: 'Reimbursement' }, customer_credit: { zh: '客户费用款', en: 'Customer credit' },
  free_goods: { zh: '赠货', en: 'Free goods' },
};

const w = (k, vars) => t(W[k], vars);
const word = (table_, v) => (v && table_[v] ? t(table_[v]) : v || '—');
const stateBadge = (s, id) => (s ? h('span', { class: `badge badge-${TONE[s] || 'default'} state-badge`, dataset: { state: s }, id: id || null }, word(STATE, s)) : '—');
const opts = (table_) => Object.keys(table_).map((k) => ({ value: k, label: t(table_[k]) }));
const stateOpts = (names) => names.map((s) => ({ value: s, label: word(STATE, s) }));

function timeline(rows) {
  return table({
    columns: [
      { key: 'at', label: t({ zh: '时间', en: 'At' }), render: (r) => formatTs(r.at), cls: 'nowrap' },
      { key: 'action', label: t({ zh: '操作', en: 'Action' }), render: (r) => word(ACTION, r.action) },
      { key: 'actor', label: t({ zh: '操作人', en: 'Actor' }), render: (r) => person(r.actor) },
      { key: 'to_state', label: w('state'), render: (r) => [r.from_state ? word(STATE, r.from_state) : '', r.from_state ? ' → ' : '', stateBadge(r.to_state)] },
      { key: 'comment', label: w('comment'), cls: 'wrap' },
    ],
    rows: rows || [],
    rowKey: (r) => `${r.action}-${r.at}`,
  });
}

function detailHeader(back, backTitle, doc, sub) {
  return h('div', { class: 'page-header detail-header' }, h('div', null,
    h('a', { href: back, class: 'back' }, `‹ ${backTitle}`),
    h('h1', { class: 'mono' }, doc.number),
    h('div', { class: 'detail-sub' }, stateBadge(doc.state, 'doc-state'), sub || null)));
}

/** The action card of a document: one button per allowed action that this page has a form for. */
function actions(ctx, base, doc, specs) {
  const allowed = new Set(doc.allowed_actions || []);
  const acts = Object.keys(specs).filter((a) => allowed.has(a));
  const fields = [];
  const seen = new Set();
  for (const a of acts) for (const f of specs[a].fields || []) if (!seen.has(f.name)) { seen.add(f.name); fields.push(f); }
  return actionCard({
    base, version: doc.version, idPrefix: 'mkt', fields,
    buttons: acts.map((a) => ({
      action: a, id: `mkt-${a}`, label: word(ACTION, a), tone: a === 'reject' || a === 'return' ? 'danger' : 'primary',
      needs: specs[a].needs || [], body: specs[a].body || (() => ({})),
    })),
    onDone: () => ctx.navigate(location.pathname, { replace: true }),
  });
}

const yuanToFen = (v) => {
  const fen = parseYuan(v);
  const n = fen === null ? null : fenToJson(fen);
  if (n === null) throw new Error(t({ zh: '金额格式不正确', en: 'Not an amount' }));
  return n;
};
const pctToBp = (v) => {
  const bp = parsePercentBp(v);
  const n = bp === null ? null : fenToJson(bp);
  if (n === null) throw new Error(t({ zh: '百分比格式不正确', en: 'Not a percentage' }));
  return n;
};

// ---- budgets --------------------------------------------------------------------------------

function budgetBar(b) {
  const total = b.amount_fen;
  const used = pctOf(b.actual_fen, total);
  const comm = Math.min(100 - used, pctOf(b.committed_fen, total));
  return h('div', { class: 'budget-bar', dataset: { code: b.code }, title: `${w('used')} ${formatFen(b.actual_fen)} · ${w('committed')} ${formatFen(b.committed_fen)} · ${w('available')} ${formatFen(b.available_fen)}`,
    style: { display: 'flex', height: '14px', borderRadius: '7px', overflow: 'hidden', background: '#e8eef5', minWidth: '180px' } },
  h('span', { class: 'bar-used', style: { width: `${used}%`, background: '#c0392b' } }),
  h('span', { class: 'bar-committed', style: { width: `${comm}%`, background: '#f0ad4e' } }));
}

export async function budgetsPage(ctx) {
  let period = ctx.query.period || currentPeriod();
  const list = h('div', { class: 'budget-list' });
  async function load() {
    const items = await api.all('/expense-budgets', { period });
    mount(list, table({
      columns: [
        { key: 'category', label: w('category'), render: (b) => word(CATEGORIES, b.category) },
        { key: 'market', label: w('market'), render: (b) => [b.market, b.region ? ` / ${b.region}` : ''] },
        { key: 'bar', label: `${w('used')} / ${w('committed')} / ${w('available')}`, render: budgetBar },
        { key: 'amount_fen', label: w('budget'), align: 'right', render: (b) => formatFen(b.amount_fen) },
        { key: 'actual_fen', label: w('used'), align: 'right', render: (b) => formatFen(b.actual_fen) },
        { key: 'committed_fen', label: w('committed'), align: 'right', render: (b) => formatFen(b.committed_fen) },
        { key: 'available_fen', label: w('available'), align: 'right', render: (b) => h('span', { class: b.available_fen < 0 ? 'neg' : null }, formatFen(b.available_fen)) },
      ],
      rows: items,
      rowKey: (b) => b.code,
      emptyText: w('none'),
    }));
  }
  const per = h('input', { type: 'text', name: 'period', value: period, placeholder: 'YYYY-MM' });
  const bar = filterBar([{ label: w('period'), control: per }], (v) => {
    period = v.period || currentPeriod();
    ctx.setQuery({ period });
    load();
  });
  const f = form({
    idPrefix: 'bud',
    fields: [
      { name: 'market', label: w('market'), required: true, value: ctx.user.market || '' },
      { name: 'region', label: w('region') },
      { name: 'category', label: w('category'), type: 'select', required: true, options: opts(CATEGORIES) },
      { name: 'period', label: w('period'), required: true, value: period },
      { name: 'amount_fen', label: w('amount'), type: 'money', required: true },
    ],
    submitLabel: w('newBudget'),
    submit: async (body, key) => {
      await api.post('/expense-budgets', body, { headers: { 'Idempotency-Key': key } });
      toast(w('newBudget'));
      load();
    },
  });
  load();
  return h('div', { class: 'page-budgets' }, pageHeader(w('budgets')),
    h('section', { class: 'card' }, bar, list),
    h('details', { class: 'card' }, h('summary', { class: 'card-title' }, w('newBudget')), h('div', { class: 'card-body' }, f.el)));
}

// ---- expense applications ------------------------------------------------------------------------

export async function expensesPage(ctx) {
  let filters = { state: ctx.query.state || '', q: ctx.query.q || '' };
  const list = pagedList({
    load: (cursor) => api.get('/expense-applications', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'number', label: w('number'), render: (x) => h('a', { href: `/market/expenses/${enc(x.number)}`, class: 'mono' }, x.number) },
      { key: 'category', label: w('category'), render: (x) => word(CATEGORIES, x.category) },
      { key: 'customer', label: w('customer'), render: (x) => x.customer || `${x.market}${x.region ? ` / ${x.region}` : ''}` },
      { key: 'applicant', label: w('applicant'), render: (x) => person(x.applicant) },
      { key: 'amount_fen', label: w('amount'), align: 'right', render: (x) => formatFen(x.amount_fen) },
      { key: 'actual_fen', label: w('actual'), align: 'right', render: (x) => (x.actual_fen ? formatFen(x.actual_fen) : '—') },
      { key: 'state', label: w('state'), render: (x) => stateBadge(x.state) },
    ],
    rowHref: (x) => `/market/expenses/${enc(x.number)}`,
    rowKey: (x) => x.number,
    emptyText: w('none'),
  });
  const bar = filterBar([
    { label: w('state'), control: select('state', stateOpts(['submitted', 'approved', 'rejected', 'executed', 'settled', 'closed']), filters.state, { label: w('state') }) },
    { label: t({ zh: '查询', en: 'Search' }), control: h('input', { type: 'text', name: 'q', value: filters.q }) },
  ], (v) => { filters = { state: v.state || '', q: v.q || '' }; ctx.setQuery(filters); list.reload(); });
  list.reload();
  return h('div', { class: 'page-expenses' },
    pageHeader(w('expenses'), h('a', { href: '/market/expenses/new', class: 'btn btn-primary', id: 'expense-new' }, w('newExpense'))),
    h('section', { class: 'card' }, bar, list.el));
}

export async function expenseNewPage(ctx) {
  const f = form({
    idPrefix: 'exp',
    fields: [
      { name: 'customer', label: w('customer'), hint: t({ zh: '可选；面向客户的费用填写客户编码', en: 'Optional: the customer the expense is for' }) },
      { name: 'category', label: w('category'), type: 'select', required: true, options: opts(CATEGORIES) },
      { name: 'amount_fen', label: w('amount'), type: 'money', required: true },
      { name: 'period', label: w('period'), value: currentPeriod() },
      { name: 'settlement_form', label: w('form'), type: 'select', options: opts(FORMS) },
      { name: 'special', label: w('special'), type: 'bool' },
      { name: 'travel_dates', label: w('travelDates'), hint: t({ zh: '差旅类填写：出差日期，用逗号分隔，如 2026-12-01,2026-12-02', en: 'Travel only: the days, comma-separated, e.g. 2026-12-01,2026-12-02' }) },
      { name: 'purpose', label: w('purpose'), type: 'textarea', required: true, wide: true },
    ],
    submitLabel: w('submit'),
    onCancel: () => ctx.navigate('/market/expenses'),
    submit: async (body, key) => {
      if (body.travel_dates) body.travel_dates = body.travel_dates.split(/[,，\s]+/).filter(Boolean);
      const x = await api.post('/expense-applications', body, { headers: { 'Idempotency-Key': key } });
      toast(x.number);
      ctx.navigate(`/market/expenses/${enc(x.number)}`);
    },
  });
  return h('div', { class: 'page-expense-new' }, pageHeader(w('newExpense')), h('section', { class: 'card' }, f.el));
}

export async function expenseDetailPage(ctx) {
  const n = ctx.params.number;
  const x = await api.get(`/expense-applications/${enc(n)}`);
  const formOpts = opts(FORMS);
  const act = actions(ctx, `/expense-applications/${enc(n)}`, x, {
    approve: { fields: [{ name: 'settlement_form', label: w('form'), type: 'select', value: x.settlement_form || 'reimbursement', options: formOpts }],
      body: (v) => (x.special ? { settlement_form: v.settlement_form } : {}) },
    reject: { fields: [{ name: 'comment', label: w('comment'), type: 'textarea', wide: true }], needs: ['comment'], body: (v) => ({ comment: v.comment }) },
    execute: { fields: [{ name: 'actual', label: `${w('actual')} (¥)` }, { name: 'evidence', label: w('evidence'), type: 'textarea', wide: true }],
      needs: ['actual', 'evidence'], body: (v) => ({ actual_fen: yuanToFen(v.actual), evidence: v.evidence }) },
    settle: { fields: [{ name: 'settle_form', label: w('form'), type: 'select', value: x.settlement_form || 'reimbursement', options: formOpts }],
      body: (v) => ({ settlement_form: v.settle_form }) },
    evaluate: { fields: [{ name: 'evaluation', label: w('evaluation'), type: 'textarea', wide: true }, { name: 'rating', label: w('rating') }],
      needs: ['evaluation'], body: (v) => (v.rating ? { evaluation: v.evaluation, rating: Number(v.rating) } : { evaluation: v.evaluation }) },
    'check-travel': { fields: [{ name: 'comment', label: w('comment'), type: 'textarea', wide: true }], body: (v) => (v.comment ? { comment: v.comment } : {}) },
  });
  const tc = x.travel_check;
  const travel = x.category === 'travel' ? card(w('travelCheck'), fieldGrid([
    [w('travelDates'), (x.travel_dates || []).join('，')],
    [w('travelCheck'), h('span', { id: 'travel-check', dataset: { flagged: tc ? String(!!tc.flagged) : 'unchecked' } },
      !tc ? w('notChecked')
        : tc.flagged ? [badge(w('flagged'), 'bad'), ` ${w('noVisit')}：${(tc.days_without_visit || []).join('，')}`]
          : badge(w('allVisited'), 'ok'))],
    [t({ zh: '核对人', en: 'Checked by' }), tc ? `${personName(tc.checked_by) || '—'}${tc.checked_at ? ` · ${formatTs(tc.checked_at)}` : ''}` : null],
  ])) : null;
  return h('div', { class: 'page-expense', dataset: { number: x.number, state: x.state } },
    detailHeader('/market/expenses', w('expenses'), x, h('span', null, word(CATEGORIES, x.category), x.special ? ' · ' : '', x.special ? badge(w('special'), 'warn') : null)),
    act,
    card(w('expense'), fieldGrid([
      [w('applicant'), person(x.applicant)],
      [w('customer'), x.customer ? h('a', { href: `/customers/${enc(x.customer)}` }, x.customer) : null],
      [w('market'), [x.market, x.region ? ` / ${x.region}` : '']],
      [w('period'), x.period],
      [w('budget'), x.budget],
      [w('amount'), h('span', { id: 'exp-amount' }, formatFen(x.amount_fen))],
      [w('approved'), x.approved_fen ? formatFen(x.approved_fen) : null],
      [w('actual'), x.actual_fen ? formatFen(x.actual_fen) : null],
      [w('form'), word(FORMS, x.settlement_form)],
      [w('payment'), x.payment],
      [w('purpose'), x.purpose, { wide: true }],
      [w('evidence'), x.evidence, { wide: true }],
      [w('evaluation'), x.evaluation ? `${x.evaluation}${x.rating ? ` (${x.rating}/5)` : ''}` : null, { wide: true }],
    ])),
    card(w('approvals'), fieldGrid([
      [t({ zh: '审批人(市场经理)', en: 'Approver (MM)' }), x.approver],
      [t({ zh: '超权限/特殊：分管SLT', en: 'Beyond authority / special: SLT' }), x.supervisor],
      [w('approvedBy'), x.approved_by ? `${personName(x.approved_by)} · ${formatTs(x.approved_at)}` : null],
      [w('settledBy'), x.settled_by ? `${personName(x.settled_by)} · ${formatTs(x.settled_at)}` : null],
    ])),
    travel,
    filesCard('expense', x.number),
    card(w('timeline'), timeline(x.timeline)));
}

// ---- POP ------------------------------------------------------------------------------------------

export async function popPage(ctx) {
  let filters = { state: ctx.query.state || '', q: ctx.query.q || '' };
  const list = pagedList({
    load: (cursor) => api.get('/pop-requests', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'number', label: w('number'), render: (x) => h('a', { href: `/market/pop/${enc(x.number)}`, class: 'mono' }, x.number) },
      { key: 'customer', label: w('customer') },
      { key: 'lines', label: w('lines'), cls: 'wrap', render: (x) => (x.lines || []).map((l) => `${l.sku}×${formatQty(l.qty)}`).join('，') },
      { key: 'value_fen', label: w('value'), align: 'right', render: (x) => formatFen(x.value_fen) },
      { key: 'period', label: w('period') },
      { key: 'state', label: w('state'), render: (x) => stateBadge(x.state) },
    ],
    rowHref: (x) => `/market/pop/${enc(x.number)}`,
    rowKey: (x) => x.number,
    emptyText: w('none'),
  });
  const bar = filterBar([
    { label: w('state'), control: select('state', stateOpts(['requested', 'approved', 'rejected', 'shipped', 'received', 'verified']), filters.state, { label: w('state') }) },
    { label: t({ zh: '查询', en: 'Search' }), control: h('input', { type: 'text', name: 'q', value: filters.q }) },
  ], (v) => { filters = { state: v.state || '', q: v.q || '' }; ctx.setQuery(filters); list.reload(); });
  const f = form({
    idPrefix: 'pop',
    fields: [
      { name: 'customer', label: w('customer'), required: true },
      { name: 'sku', label: w('sku'), required: true },
      { name: 'qty', label: w('qty'), type: 'int', required: true },
      { name: 'purpose', label: w('purpose'), wide: true },
    ],
    submitLabel: w('newPop'),
    submit: async (body, key) => {
      const x = await api.post('/pop-requests', { customer: body.customer, purpose: body.purpose, lines: [{ sku: body.sku, qty: body.qty }] },
        { headers: { 'Idempotency-Key': key } });
      ctx.navigate(`/market/pop/${enc(x.number)}`);
    },
  });
  list.reload();
  return h('div', { class: 'page-pop' }, pageHeader(w('pop')), h('section', { class: 'card' }, bar, list.el),
    h('details', { class: 'card' }, h('summary', { class: 'card-title' }, w('newPop')), h('div', { class: 'card-body' }, f.el)));
}

export async function popDetailPage(ctx) {
  const n = ctx.params.number;
  const x = await api.get(`/pop-requests/${enc(n)}`);
  const act = actions(ctx, `/pop-requests/${enc(n)}`, x, {
    approve: {},
    reject: { fields: [{ name: 'comment', label: w('comment'), type: 'textarea', wide: true }], needs: ['comment'], body: (v) => ({ comment: v.comment }) },
    'confirm-receipt': {},
    verify: { fields: [{ name: 'photo', label: w('photo') }, { name: 'note', label: w('note'), type: 'textarea', wide: true }],
      body: (v) => Object.fromEntries(Object.entries({ photo: v.photo, note: v.note }).filter(([, s]) => s)) },
  });
  return h('div', { class: 'page-pop-request', dataset: { number: x.number, state: x.state } },
    detailHeader('/market/pop', w('pop'), x, h('span', null, x.customer)),
    act,
    card(w('lines'), table({
      columns: [{ key: 'sku', label: w('sku'), cls: 'mono' }, { key: 'qty', label: w('qty'), align: 'right', render: (l) => formatQty(l.qty) },
        { key: 'value_fen', label: w('value'), align: 'right', render: (l) => formatFen(l.value_fen) }],
      rows: x.lines || [], rowKey: (l) => l.sku,
    })),
    card(w('pop'), fieldGrid([
      [w('customer'), x.customer], [w('period'), x.period], [w('value'), formatFen(x.value_fen)], [w('budget'), x.budget],
      [w('approvedBy'), x.approved_by ? `${personName(x.approved_by)} · ${formatTs(x.approved_at)}` : null],
      [w('order'), x.shipped_with], [w('photo'), x.photo], [w('note'), x.note, { wide: true }],
    ])),
    filesCard('pop', x.number),
    card(w('timeline'), timeline(x.timeline)));
}

// ---- samples ---------------------------------------------------------------------------------------

export async function samplesPage(ctx) {
  let filters = { state: ctx.query.state || '', q: ctx.query.q || '' };
  const list = pagedList({
    load: (cursor) => api.get('/samples', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'number', label: w('number'), render: (x) => h('a', { href: `/market/samples/${enc(x.number)}`, class: 'mono' }, x.number) },
      { key: 'customer', label: w('customer') },
      { key: 'sku', label: w('sku'), cls: 'mono' },
      { key: 'qty', label: w('qty'), align: 'right', render: (x) => formatQty(x.qty) },
      { key: 'follow_up_due', label: w('due'), render: (x) => formatTs(x.follow_up_due) },
      { key: 'deduction_qty', label: w('deduction'), align: 'right', render: (x) => formatQty(x.deduction_qty) },
      { key: 'state', label: w('state'), render: (x) => stateBadge(x.state) },
    ],
    rowHref: (x) => `/market/samples/${enc(x.number)}`,
    rowKey: (x) => x.number,
    emptyText: w('none'),
  });
  const bar = filterBar([
    { label: w('state'), control: select('state', stateOpts(['issued', 'followed_up']), filters.state, { label: w('state') }) },
    { label: t({ zh: '查询', en: 'Search' }), control: h('input', { type: 'text', name: 'q', value: filters.q }) },
  ], (v) => { filters = { state: v.state || '', q: v.q || '' }; ctx.setQuery(filters); list.reload(); });
  list.reload();
  return h('div', { class: 'page-samples' }, pageHeader(w('samples')), h('section', { class: 'card' }, bar, list.el));
}

export async function sampleDetailPage(ctx) {
  const n = ctx.params.number;
  const x = await api.get(`/samples/${enc(n)}`);
  const act = actions(ctx, `/samples/${enc(n)}`, x, {
    'follow-up': {
      fields: [{ name: 'usage', label: w('usage') }, { name: 'waste', label: w('waste') }, { name: 'stores', label: w('stores') }],
      needs: ['usage', 'waste', 'stores'],
      body: (v) => ({ usage_bp: pctToBp(v.usage), waste_bp: pctToBp(v.waste), stores_surveyed: Number(v.stores) }),
    },
  });
  return h('div', { class: 'page-sample', dataset: { number: x.number, state: x.state } },
    detailHeader('/market/samples', w('samples'), x, h('span', null, x.customer)),
    act,
    card(w('samples'), fieldGrid([
      [w('customer'), x.customer], [w('order'), x.order_no ? h('a', { href: `/orders/${enc(x.order_no)}` }, x.order_no) : null],
      [w('sku'), x.sku], [w('qty'), formatQty(x.qty)], [t({ zh: '发放日期', en: 'Issued on' }), x.issued_on],
      [w('due'), formatTs(x.follow_up_due)],
      [w('usage'), x.usage_bp === null || x.usage_bp === undefined ? null : formatBp(x.usage_bp)],
      [w('waste'), x.waste_bp === null || x.waste_bp === undefined ? null : formatBp(x.waste_bp)],
      [w('stores'), x.stores_surveyed], [w('deduction'), formatQty(x.deduction_qty)],
    ])),
    card(w('timeline'), timeline(x.timeline)));
}

// ---- inventory reports ---------------------------------------------------------------------------

const QTY = [['opening_qty', 'opening'], ['purchased_qty', 'purchased'], ['other_in_qty', 'otherIn'], ['sold_qty', 'sold'],
  ['returned_qty', 'returned'], ['closing_qty', 'closing'], ['near_expiry_qty', 'nearExpiry']];

export async function inventoryPage(ctx) {
  let filters = { state: ctx.query.state || '', q: ctx.query.q || '', period: ctx.query.period || '' };
  const list = pagedList({
    load: (cursor) => api.get('/inventory-reports', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'number', label: w('number'), render: (x) => h('a', { href: `/market/inventory/${enc(x.number)}`, class: 'mono' }, x.number) },
      { key: 'customer', label: w('customer') },
      { key: 'period', label: w('period') },
      { key: 'late', label: w('late'), render: (x) => (x.late ? badge(w('late'), 'bad') : badge(w('onTime'), 'ok')) },
      { key: 'build_up', label: w('buildUp'), render: (x) => ((x.lines || []).some((l) => l.build_up) ? badge(w('buildUp'), 'warn') : '—') },
      { key: 'state', label: w('state'), render: (x) => stateBadge(x.state) },
    ],
    rowHref: (x) => `/market/inventory/${enc(x.number)}`,
    rowKey: (x) => x.number,
    emptyText: w('none'),
  });
  const bar = filterBar([
    { label: w('state'), control: select('state', stateOpts(['submitted', 'reviewed', 'returned']), filters.state, { label: w('state') }) },
    { label: w('period'), control: h('input', { type: 'text', name: 'period', value: filters.period, placeholder: 'YYYY-MM' }) },
    { label: t({ zh: '查询', en: 'Search' }), control: h('input', { type: 'text', name: 'q', value: filters.q }) },
  ], (v) => { filters = { state: v.state || '', q: v.q || '', period: v.period || '' }; ctx.setQuery(filters); list.reload(); });
  list.reload();
  return h('div', { class: 'page-inventory' },
    pageHeader(w('inventory'), h('a', { href: '/market/inventory/new', class: 'btn btn-primary', id: 'inventory-new' }, w('newInventory')),
      h('a', { href: '/market/inventory/import', class: 'btn', id: 'inventory-import' }, w('importFile'))),
    h('section', { class: 'card' }, bar, list.el));
}

/** The grid of an inventory report: one row per SKU, each row's balance checked as you type. */
function inventoryGrid(initial) {
  const body = h('tbody');
  const status = h('div', { class: 'grid-status', id: 'inv-status', 'aria-live': 'polite' });
  const num = (input) => (/^\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : null);
  function check(tr) {
    const cells = tr.inputs;
    const v = Object.fromEntries(QTY.map(([k]) => [k, num(cells[k])]));
    const cell = tr.querySelector('.inv-balance');
    const needed = ['opening_qty', 'purchased_qty', 'other_in_qty', 'sold_qty', 'returned_qty', 'closing_qty'];
    if (needed.some((k) => v[k] === null)) {
      mount(cell, '—');
      tr.dataset.balanced = 'unknown';
      return;
    }
    const want = v.opening_qty + v.purchased_qty + v.other_in_qty - v.sold_qty - v.returned_qty;
    const ok = want === v.closing_qty;
    tr.dataset.balanced = ok ? 'yes' : 'no';
    cells.closing_qty.classList.toggle('invalid', !ok);
    mount(cell, h('span', { class: ok ? 'ok' : 'bad' }, ok ? w('balanced') : w('offBy', { want: formatQty(want) })));
  }
  function refresh() {
    const rows = [...body.children];
    const bad = rows.filter((r) => r.dataset.balanced === 'no').length;
    status.textContent = bad ? w('fixLines') : '';
    status.className = `grid-status${bad ? ' bad' : ''}`;
  }
  function addRow(l = {}) {
    const tr = h('tr', { class: 'inv-line' });
    tr.inputs = {};
    const sku = h('input', { type: 'text', name: 'sku', value: l.sku || '', class: 'inv-sku', size: 12 });
    tr.appendChild(h('td', null, sku));
    tr.sku = sku;
    for (const [k] of QTY) {
      const input = h('input', { type: 'text', inputmode: 'numeric', name: k, class: `inv-${k}`, size: 6, value: l[k] ?? (k === 'near_expiry_qty' || k === 'other_in_qty' || k === 'returned_qty' ? '0' : '') });
      input.addEventListener('input', () => { check(tr); refresh(); });
      tr.inputs[k] = input;
      tr.appendChild(h('td', null, input));
    }
    tr.appendChild(h('td', { class: 'inv-balance' }, '—'));
    tr.appendChild(h('td', null, h('button', { type: 'button', class: 'btn btn-small', onclick: () => { tr.remove(); refresh(); } }, w('remove'))));
    body.appendChild(tr);
    check(tr);
    refresh();
    return tr;
  }
  (initial && initial.length ? initial : [{}]).forEach(addRow);
  const el = h('div', { class: 'inv-grid' },
    h('table', { class: 'table', id: 'inv-grid' },
      h('thead', null, h('tr', null, h('th', null, w('sku')), QTY.map(([, label]) => h('th', null, w(label))), h('th', null, w('balance')), h('th', null, ''))),
      body),
    h('button', { type: 'button', class: 'btn btn-small', id: 'inv-add', onclick: () => addRow() }, w('addLine')),
    status);
  return {
    el,
    /** Replaces the rows by lines (the pre-fill of GET /inventory-reports/prefill). */
    reset: (lines) => {
      body.replaceChildren();
      (lines && lines.length ? lines : [{}]).forEach(addRow);
    },
    allBalanced: () => [...body.children].every((r) => r.dataset.balanced === 'yes'),
    lines: () => [...body.children].map((r) => {
      const o = { sku: r.sku.value.trim() };
      for (const [k] of QTY) o[k] = Number(r.inputs[k].value.trim() || 0);
      return o;
    }),
  };
}

export async function inventoryNewPage(ctx) {
  const grid = inventoryGrid([]);
  const f = form({
    idPrefix: 'inv',
    fields: [
      { name: 'customer', label: w('customer'), required: true, value: ctx.query.customer || '' },
      { name: 'period', label: w('period'), required: true, value: currentPeriod() },
    ],
    submitLabel: w('submit'),
    onCancel: () => ctx.navigate('/market/inventory'),
    submit: async (body, key) => {
      if (!grid.allBalanced()) throw new Error(w('fixLines'));
      const x = await api.post('/inventory-reports', { ...body, lines: grid.lines() }, { headers: { 'Idempotency-Key': key } });
      toast(x.number);
      ctx.navigate(`/market/inventory/${enc(x.number)}`);
    },
  });
  // The grid sits inside the form, above its buttons; it can start from the month's figures.
  const prefill = h('button', {
    type: 'button', class: 'btn btn-small', id: 'inv-prefill',
    onclick: async () => {
      const customer = f.el.querySelector('#inv-customer').value.trim();
      const period = f.el.querySelector('#inv-period').value.trim();
      try {
        const p = await api.get('/inventory-reports/prefill', { customer, period });
        grid.reset(p.lines);
        toast(w('prefillDone'));
      } catch (err) {
        toast(err.message || String(err), 'bad');
      }
    },
  }, w('prefill'));
  f.el.insertBefore(prefill, f.el.querySelector('.form-actions'));
  f.el.insertBefore(grid.el, f.el.querySelector('.form-actions'));
  return h('div', { class: 'page-inventory-new' }, pageHeader(w('newInventory')), h('section', { class: 'card' }, f.el));
}

export async function inventoryDetailPage(ctx) {
  const n = ctx.params.number;
  const x = await api.get(`/inventory-reports/${enc(n)}`);
  const allowed = new Set(x.allowed_actions || []);
  const grid = allowed.has('resubmit') ? inventoryGrid(x.lines) : null;
  const act = actions(ctx, `/inventory-reports/${enc(n)}`, x, {
    review: { fields: [{ name: 'note', label: w('reviewNote'), type: 'textarea', wide: true }], body: (v) => (v.note ? { note: v.note } : {}) },
    return: { fields: [{ name: 'note', label: w('reviewNote'), type: 'textarea', wide: true }], needs: ['note'], body: (v) => ({ note: v.note }) },
    resubmit: { body: () => { if (!grid.allBalanced()) throw new Error(w('fixLines')); return { lines: grid.lines() }; } },
  });
  return h('div', { class: 'page-inventory-report', dataset: { number: x.number, state: x.state } },
    detailHeader('/market/inventory', w('inventory'), x, h('span', null, `${x.customer} · ${x.period} · `, x.late ? badge(w('late'), 'bad') : badge(w('onTime'), 'ok'))),
    grid ? card(w('lines'), grid.el) : null,
    act,
    grid ? null : card(w('lines'), table({
      columns: [{ key: 'sku', label: w('sku'), cls: 'mono' },
        ...QTY.map(([k, label]) => ({ key: k, label: w(label), align: 'right', render: (l) => formatQty(l[k]) })),
        { key: 'stock_cover_bp', label: w('cover'), align: 'right', render: (l) => (l.stock_cover_bp === null ? '—' : formatFen(Math.trunc(l.stock_cover_bp / 100), { symbol: false })) },
        { key: 'build_up', label: w('buildUp'), render: (l) => (l.build_up ? badge(w('buildUp'), 'warn') : '—') }],
      rows: x.lines || [], rowKey: (l) => l.sku,
    })),
    (x.warnings || []).length ? card(w('warnings'), h('ul', null, x.warnings.map((wn) => h('li', null, `${wn.sku}: ${t({ zh: '期初与上月期末不一致，上月期末', en: 'opening differs from last month\'s closing' })} ${formatQty(wn.expected_opening_qty)}`)))) : null,
    card(w('inventory'), fieldGrid([
      [w('customer'), x.customer], [w('period'), x.period],
      [t({ zh: '提交', en: 'Submitted' }), `${personName(x.submitted_by)} · ${formatTs(x.submitted_at)}`],
      [w('reviewNote'), x.review_note ? `${x.review_note} (${personName(x.reviewed_by)})` : null, { wide: true }],
    ])),
    card(w('timeline'), timeline(x.timeline)));
}

// ---- support requests (ZC) -------------------------------------------------------------------------

export async function supportPage(ctx) {
  let filters = { state: ctx.query.state || '', kind: ctx.query.kind || '', q: ctx.query.q || '' };
  const list = pagedList({
    load: (cursor) => api.get('/support-requests', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'number', label: w('number'), render: (x) => h('a', { href: `/market/support/${enc(x.number)}`, class: 'mono' }, x.number) },
      { key: 'kind', label: w('kind'), render: (x) => word(KINDS, x.kind) },
      { key: 'customer', label: w('customer'), render: (x) => x.customer || `${x.market}${x.region ? ` / ${x.region}` : ''}` },
      { key: 'requested_by', label: w('requestedBy'), render: (x) => person(x.requested_by) },
      { key: 'details', label: w('details'), cls: 'wrap' },
      { key: 'state', label: w('state'), render: (x) => stateBadge(x.state) },
    ],
    rowHref: (x) => `/market/support/${enc(x.number)}`,
    rowKey: (x) => x.number,
    emptyText: w('none'),
  });
  const bar = filterBar([
    { label: w('state'), control: select('state', stateOpts(['requested', 'reviewed', 'forwarded', 'scheduled', 'done', 'rejected']), filters.state, { label: w('state') }) },
    { label: w('kind'), control: select('kind', opts(KINDS), filters.kind, { label: w('kind') }) },
    { label: t({ zh: '查询', en: 'Search' }), control: h('input', { type: 'text', name: 'q', value: filters.q }) },
  ], (v) => { filters = { state: v.state || '', kind: v.kind || '', q: v.q || '' }; ctx.setQuery(filters); list.reload(); });
  const f = form({
    idPrefix: 'zc',
    fields: [
      { name: 'kind', label: w('kind'), type: 'select', required: true, options: opts(KINDS) },
      { name: 'customer', label: w('customer') },
      { name: 'details', label: w('details'), type: 'textarea', required: true, wide: true },
    ],
    submitLabel: w('newSupport'),
    submit: async (body, key) => {
      const x = await api.post('/support-requests', body, { headers: { 'Idempotency-Key': key } });
      ctx.navigate(`/market/support/${enc(x.number)}`);
    },
  });
  list.reload();
  return h('div', { class: 'page-support' }, pageHeader(w('support')), h('section', { class: 'card' }, bar, list.el),
    h('details', { class: 'card' }, h('summary', { class: 'card-title' }, w('newSupport')), h('div', { class: 'card-body' }, f.el)));
}

export async function supportDetailPage(ctx) {
  const n = ctx.params.number;
  const x = await api.get(`/support-requests/${enc(n)}`);
  const act = actions(ctx, `/support-requests/${enc(n)}`, x, {
    review: {},
    forward: { fields: [{ name: 'handler', label: w('handler') }], body: (v) => (v.handler ? { handler: v.handler } : {}) },
    schedule: {
      fields: [{ name: 'date', label: w('date'), type: 'date' }, { name: 'place', label: w('place') }, { name: 'itinerary', label: w('itinerary'), type: 'textarea', wide: true }],
      needs: ['date', 'place'],
      body: (v) => (v.itinerary ? { date: v.date, place: v.place, itinerary: v.itinerary } : { date: v.date, place: v.place }),
    },
    done: {},
    reject: { fields: [{ name: 'comment', label: w('comment'), type: 'textarea', wide: true }], needs: ['comment'], body: (v) => ({ comment: v.comment }) },
  });
  return h('div', { class: 'page-support-request', dataset: { number: x.number, state: x.state } },
    detailHeader('/market/support', w('support'), x, h('span', null, word(KINDS, x.kind))),
    act,
    card(w('support'), fieldGrid([
      [w('kind'), word(KINDS, x.kind)], [w('customer'), x.customer], [w('requestedBy'), person(x.requested_by)],
      [w('market'), [x.market, x.region ? ` / ${x.region}` : '']], [w('handler'), x.handler],
      [w('date'), x.schedule_date], [w('place'), x.schedule_place], [w('itinerary'), x.schedule_itinerary, { wide: true }],
      [w('details'), x.details, { wide: true }],
    ])),
    filesCard('support', x.number, { canSend: ctx.can('support_document.send') }),
    card(w('timeline'), timeline(x.timeline)));
}
