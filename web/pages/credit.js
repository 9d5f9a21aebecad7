// credit.js — 信用管理 (CMR, flows.md §11; api.md §5.3): the credit reviews (XY) list, the review
// worksheet an MM works through line by line (every term of the formula, adjustment, reason,
// the what-if of the last quarter) which is also the SLT approval view (approve / reject on the
// lines that wait for the caller), and the monthly credit grade list with override and publish.
//
// Every button comes from the server: a line's allowed_actions, the list's allowed_actions.
// Money is typed in yuan and sent as integer fen (fmt.js, never floats).

import { api, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, mount, card, pageHeader, fieldGrid, table, pagedList, select, filterBar, badge, toast, loadInto, ruleMessage } from '../lib/ui.js';
import { formatFen, formatBp, formatTs, parseYuan, fenToJson } from '../lib/fmt.js';
import { personName } from '../lib/people.js';

const enc = encodeURIComponent;

// The page's words, zh-CN first.
const W = {
  reviews: { zh: '信用额评审', en: 'Credit reviews' },
  grades: { zh: '客户信用等级', en: 'Credit grades' },
  newQuarter: { zh: '生成季度评审', en: 'Create quarterly review' },
  newAdhoc: { zh: '临时评审', en: 'Ad hoc review' },
  quarter: { zh: '季度', en: 'Quarter' },
  customers: { zh: '客户代码（逗号分隔）', en: 'Customer codes (comma-separated)' },
  create: { zh: '生成', en: 'Create' },
  adhoc: { zh: '临时', en: 'Ad hoc' },
  lines: { zh: '行数', en: 'Lines' },
  effectiveFrom: { zh: '生效日', en: 'Effective from' },
  reviewDate: { zh: '评审日', en: 'Review date' },
  customer: { zh: '客户', en: 'Customer' },
  current: { zh: '现信用额', en: 'Current limit' },
  n: { zh: 'N(月)', en: 'N (months)' },
  savg: { zh: '月均净销售 S', en: 'S avg' },
  tdays: { zh: 'T(天)', en: 'T (days)' },
  g: { zh: '成长 G', en: 'G' },
  r: { zh: '信用 R', en: 'R' },
  formula: { zh: '公式额度', en: 'Formula limit' },
  adjustment: { zh: '调整(元)', en: 'Adjustment (¥)' },
  reason: { zh: '调整理由', en: 'Reason' },
  proposed: { zh: '建议额度', en: 'Proposed' },
  gm: { zh: '需总经理', en: 'Needs GM' },
  whatIf: { zh: '上季订单模拟', en: 'What-if (last quarter)' },
  whatIfText: { zh: '{n}单：通过{p}，需SLT批准{s}，先款{f}', en: '{n} orders: {p} pass, {s} SLT, {f} prepay' },
  state: { zh: '状态', en: 'State' },
  actions: { zh: '操作', en: 'Actions' },
  review: { zh: '审核', en: 'Review' },
  approve: { zh: '批准', en: 'Approve' },
  reject: { zh: '驳回', en: 'Reject' },
  comment: { zh: '驳回意见', en: 'Comment' },
  insufficient: { zh: '历史不足3个月', en: 'Under 3 months of history' },
  onlyMine: { zh: '只看待我处理的行', en: 'Only lines waiting for me' },
  noLines: { zh: '没有需要显示的行', en: 'No lines to show' },
  done: { zh: '已保存', en: 'Saved' },
  month: { zh: '月份', en: 'Month' },
  asOf: { zh: '截至', en: 'As of' },
  dpl: { zh: 'DPL(天)', en: 'DPL (days)' },
  maxOverdue: { zh: '最长逾期(天)', en: 'Max overdue (days)' },
  computed: { zh: '计算等级', en: 'Computed' },
  override: { zh: '调整等级', en: 'Override' },
  grade: { zh: '等级', en: 'Grade' },
  previous: { zh: '原等级', en: 'Previous' },
  hold: { zh: '信用冻结', en: 'Credit hold' },
  compute: { zh: '计算', en: 'Compute' },
  publish: { zh: '发布', en: 'Publish' },
  published: { zh: '已发布', en: 'Published' },
  notPublished: { zh: '未发布', en: 'Not published' },
  notComputed: { zh: '本月等级尚未计算', en: 'Not computed yet' },
  open: { zh: '进行中', en: 'Open' },
  closed: { zh: '已关闭', en: 'Closed' },
  view: { zh: '查看', en: 'Show' },
  tCycle: { zh: '回款期{p} + 订货周期{c}', en: 'term {p} + order cycle {c}' },
  gSource: { zh: '已批准预期 {q} ÷ 3 = 月均 {f}', en: 'approved forecast {q} ÷ 3 = {f} a month' },
  gRaw: { zh: '未限幅 {raw}（限 80%–150%）', en: 'unclamped {raw} (clamp 80%–150%)' },
  gNone: { zh: '无已批准预期，取100%', en: 'no approved forecast: 100%' },
  gNoSales: { zh: '无销售历史，取100%', en: 'no sales history: 100%' },
  gRawZero: { zh: '预期远低于销售，未限幅不足 0.01%，取下限 80%', en: 'forecast far below sales: unclamped under 0.01%, floor 80%' },
  gSources: { zh: '预期明细', en: 'Forecast months' },
};
const LINE_STATES = {
  proposed: [{ zh: '待审核', en: 'Proposed' }, 'info'],
  reviewed: [{ zh: '已审核', en: 'Reviewed' }, 'warn'],
  approved: [{ zh: '已批准', en: 'Approved' }, 'ok'],
  rejected: [{ zh: '已驳回', en: 'Rejected' }, 'bad'],
  effective: [{ zh: '已生效', en: 'Effective' }, 'ok'],
};

const lineState = (s) => badge(t((LINE_STATES[s] || [{ zh: s, en: s }])[0]), (LINE_STATES[s] || [null, 'default'])[1]);
const reviewState = (s) => badge(t(s === 'open' ? W.open : W.closed), s === 'open' ? 'info' : 'muted');
const bp = (v) => (typeof v === 'number' ? formatBp(v) : '—');

function errText(err) {
  if (err instanceof ApiError) return ruleMessage(err) || err.message;
  return String(err && err.message || err);
}

// ---- the list -------------------------------------------------------------------------------

export async function creditReviewsPage(ctx) {
  const list = pagedList({
    load: (cursor) => api.get('/credit-reviews', { limit: 20, cursor, state: ctx.query.state || '' }),
    columns: [
      { key: 'number', label: t('f.number'), render: (r) => h('a', { href: `/credit-reviews/${enc(r.number)}`, class: 'mono' }, r.number) },
      { key: 'quarter', label: t(W.quarter), render: (r) => r.quarter || t(W.adhoc) },
      { key: 'review_date', label: t(W.reviewDate), cls: 'nowrap' },
      { key: 'effective_from', label: t(W.effectiveFrom), cls: 'nowrap', render: (r) => r.effective_from || '—' },
      { key: 'lines', label: t(W.lines), align: 'right', render: (r) => String((r.lines || []).length) },
      { key: 'state', label: t(W.state), render: (r) => reviewState(r.state) },
    ],
    rowHref: (r) => `/credit-reviews/${enc(r.number)}`,
    rowKey: (r) => r.number,
  });
  list.reload();

  // Creating is the SSG leader's, the SLT's and the GM's (api.md §5.3); the server says no to
  // anyone else, and the message shows here.
  const msg = h('div', { class: 'form-error', id: 'xy-create-error', role: 'alert' });
  const qInput = h('input', { id: 'xy-quarter', name: 'quarter', placeholder: '2030Q2', size: 8 });
  const cInput = h('input', { id: 'xy-customers', name: 'customers', placeholder: 'GZ01,GZ02', size: 24 });
  async function create(body) {
    mount(msg);
    try {
      const r = await api.post('/credit-reviews', body);
      ctx.navigate(`/credit-reviews/${enc(r.number)}`);
    } catch (err) {
      mount(msg, errText(err));
    }
  }
  const creator = card(t(W.newQuarter),
    h('div', { class: 'inline-form' },
      h('label', { for: 'xy-quarter' }, t(W.quarter), ' ', qInput),
      h('button', { class: 'btn btn-primary btn-small', type: 'button', id: 'xy-create-quarter', onclick: () => create({ quarter: qInput.value.trim() }) }, t(W.create)),
      h('label', { for: 'xy-customers' }, t(W.newAdhoc), ' ', cInput),
      h('button', { class: 'btn btn-small', type: 'button', id: 'xy-create-adhoc', onclick: () => create({ adhoc: true, customers: cInput.value.split(/[,，\s]+/).filter(Boolean) }) }, t(W.create))),
    msg);
  return h('div', { class: 'page-credit-reviews' },
    pageHeader(t(W.reviews), h('a', { href: '/credit-grades', class: 'btn btn-small' }, t(W.grades))),
    creator,
    h('section', { class: 'card' }, list.el));
}

// ---- the worksheet (MM) and the approval view (SLT, GM) --------------------------------------

// G's breakdown (flows.md §11.2): the approved forecasts of the coming quarter month by month,
// F = their value / 3, G before the clamp. Lines made before the server kept it show G only.
function growthCell(l) {
  const g = l.growth;
  const parts = [h('span', { class: 'line-g' }, bp(l.g_bp))];
  if (!g) return parts;
  if (g.forecast_fen === null) {
    parts.push(h('div', { class: 'muted small line-g-source' }, t(W.gNone)));
    return parts;
  }
  parts.push(h('div', { class: 'muted small line-g-source' }, t(W.gSource, { q: formatFen(g.forecast_fen), f: formatFen(g.f_fen) })));
  parts.push(h('div', { class: 'muted small line-g-raw' }, g.raw_bp === null ? t(W.gNoSales) : g.raw_bp === 0 ? t(W.gRawZero) : t(W.gRaw, { raw: bp(g.raw_bp) })));
  if ((g.sources || []).length) {
    parts.push(h('details', { class: 'line-g-sources' },
      h('summary', null, t(W.gSources)),
      h('ul', { class: 'small' }, g.sources.map((s) => h('li', { dataset: { month: s.month } },
        h('a', { href: `/forecasts/${enc(s.forecast)}`, class: 'mono' }, s.forecast), ` ${s.month} `, formatFen(s.amount_fen))))));
  }
  return parts;
}

function tCell(l) {
  if (typeof l.cycle_days !== 'number') return String(l.t_days);
  return [h('span', { class: 'line-t' }, String(l.t_days)),
    h('div', { class: 'muted small line-t-source' }, t(W.tCycle, { p: l.t_days - l.cycle_days, c: l.cycle_days }))];
}

function whatIfText(w) {
  if (!w) return '—';
  return t(W.whatIfText, { n: w.orders, p: w.passed, s: w.slt_approval, f: w.prepay_first });
}

export async function creditReviewPage(ctx) {
  const number = ctx.params.number;
  const box = h('div');
  let onlyMine = ctx.query.mine === '1';

  async function render() {
    const r = await api.get(`/credit-reviews/${enc(number)}`);
    const lines = (r.lines || []).filter((l) => !onlyMine || (l.allowed_actions || []).length);
    const rows = lines.map((l) => ({ ...l }));
    const tbl = table({
      columns: [
        { key: 'customer', label: t(W.customer), render: (l) => [h('span', { class: 'mono' }, l.customer), h('div', { class: 'muted small' }, l.customer_name || '')] },
        { key: 'current_limit_fen', label: t(W.current), align: 'right', render: (l) => formatFen(l.current_limit_fen) },
        { key: 'months_n', label: t(W.n), align: 'right' },
        { key: 's_avg_fen', label: t(W.savg), align: 'right', render: (l) => formatFen(l.s_avg_fen) },
        { key: 't_days', label: t(W.tdays), align: 'right', render: (l) => tCell(l) },
        { key: 'g_bp', label: t(W.g), align: 'right', cls: 'wrap', render: (l) => growthCell(l) },
        { key: 'r_bp', label: t(W.r), align: 'right', render: (l) => bp(l.r_bp) },
        { key: 'formula_limit_fen', label: t(W.formula), align: 'right', render: (l) => (l.formula_limit_fen === null ? badge(t(W.insufficient), 'warn') : formatFen(l.formula_limit_fen)) },
        { key: 'adjustment_fen', label: t(W.adjustment), render: (l) => lineInputs(l) },
        { key: 'proposed_limit_fen', label: t(W.proposed), align: 'right', render: (l) => h('strong', { class: 'line-proposed' }, formatFen(l.proposed_limit_fen)) },
        { key: 'needs_gm', label: t(W.gm), render: (l) => (l.needs_gm ? badge(t('common.yes'), 'warn') : t('common.no')) },
        { key: 'what_if', label: t(W.whatIf), cls: 'wrap', render: (l) => h('span', { class: 'line-what-if' }, whatIfText(l.what_if)) },
        { key: 'state', label: t(W.state), render: (l) => lineState(l.state) },
        { key: 'allowed_actions', label: t(W.actions), render: (l) => lineButtons(l) },
      ],
      rows,
      rowKey: (l) => l.customer,
      rowClass: (l) => `xy-line xy-line-${l.customer}`,
      emptyText: t(W.noLines),
    });
    const head = fieldGrid([
      [t(W.quarter), r.quarter || t(W.adhoc)],
      [t(W.reviewDate), r.review_date],
      [t(W.effectiveFrom), r.effective_from || '—'],
      [t(W.state), reviewState(r.state)],
      [t({ zh: '创建', en: 'Created' }), `${formatTs(r.created_at)} ${personName(r.created_by)}`],
    ]);
    const toggle = h('label', { class: 'xy-only-mine', style: { display: 'inline-flex', gap: '6px', alignItems: 'center', margin: '10px 16px' } },
      h('input', { type: 'checkbox', id: 'xy-only-mine', checked: onlyMine, onchange: (ev) => { onlyMine = ev.target.checked; ctx.setQuery(onlyMine ? { mine: '1' } : {}); loadInto(box, render); } }),
      ' ', t(W.onlyMine));
    return h('div', { dataset: { state: r.state, version: String(r.version) } },
      card(null, head),
      h('section', { class: 'card' }, toggle, h('div', { class: 'table-scroll' }, tbl)));
  }

  // The inputs of a line: adjustment and reason where the MM may review it, a comment where
  // the approver may reject it; otherwise what was decided.
  function lineInputs(l) {
    const acts = new Set(l.allowed_actions || []);
    const parts = [];
    if (acts.has('review')) {
      parts.push(h('input', { class: 'line-adjustment', name: `adj-${l.customer}`, 'aria-label': `${t(W.adjustment)} ${l.customer}`, size: 8, value: l.adjustment_fen ? formatFen(l.adjustment_fen, { symbol: false }).replace(/,/g, '') : '' }));
      parts.push(h('input', { class: 'line-reason', name: `reason-${l.customer}`, 'aria-label': `${t(W.reason)} ${l.customer}`, placeholder: t(W.reason), size: 10, value: l.adjustment_reason || '' }));
    } else {
      parts.push(h('span', null, l.adjustment_fen ? formatFen(l.adjustment_fen) : '—'));
      if (l.adjustment_reason) parts.push(h('div', { class: 'muted small line-reason-text' }, l.adjustment_reason));
    }
    if (acts.has('reject')) parts.push(h('input', { class: 'line-comment', name: `comment-${l.customer}`, 'aria-label': `${t(W.comment)} ${l.customer}`, placeholder: t(W.comment), size: 14 }));
    parts.push(h('div', { class: 'form-error line-error', role: 'alert' }));
    return h('div', { class: 'line-inputs' }, parts);
  }

  function lineButtons(l) {
    const acts = l.allowed_actions || [];
    return h('div', { class: 'line-buttons' }, acts.map((a) => h('button', {
      class: `btn btn-small${a === 'reject' ? '' : ' btn-primary'}`,
      type: 'button',
      id: `act-${a}-${l.customer}`,
      dataset: { action: a, customer: l.customer },
      onclick: (ev) => act(ev.target, l, a),
    }, t(W[a]))));
  }

  async function act(button, l, a) {
    const row = button.closest('tr');
    const errBox = row.querySelector('.line-error');
    mount(errBox);
    const body = { customer: l.customer };
    if (a === 'review') {
      const raw = row.querySelector('.line-adjustment').value.trim();
      if (raw) {
        const fen = parseYuan(raw);
        if (fen === null || fenToJson(fen) === null) {
          mount(errBox, t('err.field.money'));
          return;
        }
        body.adjustment_fen = fenToJson(fen);
      }
      const reason = row.querySelector('.line-reason').value.trim();
      if (reason) body.reason = reason;
    }
    if (a === 'reject') body.comment = row.querySelector('.line-comment').value.trim();
    button.disabled = true;
    try {
      await api.post(`/credit-reviews/${enc(number)}/${a}`, body);
      toast(t(W.done));
      await loadInto(box, render);
    } catch (err) {
      button.disabled = false;
      mount(errBox, errText(err));
    }
  }

  await loadInto(box, render);
  return h('div', { class: 'page-credit-review', dataset: { number } },
    h('div', { class: 'page-header detail-header' }, h('div', null,
      h('a', { href: '/credit-reviews', class: 'back' }, `‹ ${t(W.reviews)}`),
      h('h1', { class: 'mono', id: 'xy-number' }, number))),
    box);
}

// ---- the grade list --------------------------------------------------------------------------

function lastMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

const GRADES = ['A', 'B', 'C', 'D', 'E'];
const gradeTone = (g) => ({ A: 'ok', B: 'ok', C: 'info', D: 'warn', E: 'bad' }[g] || 'default');

export async function creditGradesPage(ctx) {
  let month = /^\d{4}-\d{2}$/.test(ctx.query.month || '') ? ctx.query.month : lastMonth();
  const box = h('div');
  const msg = h('div', { class: 'form-error', id: 'grade-error', role: 'alert' });

  async function post(action, body) {
    mount(msg);
    try {
      await api.post(`/credit-grades/${enc(month)}/${action}`, body || {});
      toast(t(W.done));
      await loadInto(box, render);
    } catch (err) {
      mount(msg, errText(err));
    }
  }

  async function render() {
    const g = await api.get('/credit-grades', { month });
    const acts = new Set(g.allowed_actions || []);
    const buttons = h('div', { class: 'page-actions' },
      acts.has('compute') ? h('button', { class: 'btn btn-small', type: 'button', id: 'grade-compute', onclick: () => post('compute') }, t(W.compute)) : null,
      acts.has('publish') ? h('button', { class: 'btn btn-primary btn-small', type: 'button', id: 'grade-publish', onclick: () => post('publish') }, t(W.publish)) : null);
    const tbl = g.computed ? table({
      columns: [
        { key: 'customer', label: t(W.customer), render: (r) => [h('a', { href: `/customers/${enc(r.customer)}`, class: 'mono' }, r.customer), h('div', { class: 'muted small' }, r.name || '')] },
        { key: 'market', label: t('f.market') },
        { key: 'dpl_days', label: t(W.dpl), align: 'right' },
        { key: 'max_overdue_days', label: t(W.maxOverdue), align: 'right' },
        { key: 'previous_grade', label: t(W.previous) },
        { key: 'computed_grade', label: t(W.computed), render: (r) => badge(r.computed_grade, gradeTone(r.computed_grade)) },
        { key: 'override_grade', label: t(W.override), cls: 'wrap', render: (r) => (r.override_grade ? [badge(r.override_grade, gradeTone(r.override_grade)), h('div', { class: 'muted small' }, r.override_reason || '')] : '—') },
        { key: 'grade', label: t(W.grade), render: (r) => h('strong', { class: 'grade-final' }, r.grade) },
        { key: 'credit_hold', label: t(W.hold), render: (r) => (r.credit_hold ? badge(t('common.yes'), 'bad') : t('common.no')) },
        ...(acts.has('override') ? [{
          key: 'override_form', label: t(W.override), render: (r) => h('div', { class: 'line-inputs' },
            select(`grade-${r.customer}`, GRADES.map((x) => ({ value: x, label: x })), r.grade, { noAll: true, label: `${t(W.grade)} ${r.customer}` }),
            h('input', { name: `greason-${r.customer}`, class: 'grade-reason', placeholder: t(W.reason), size: 14, 'aria-label': `${t(W.reason)} ${r.customer}` }),
            h('button', { class: 'btn btn-small', type: 'button', id: `grade-override-${r.customer}`, onclick: (ev) => {
              const tr = ev.target.closest('tr');
              post('override', { customer: r.customer, grade: tr.querySelector('select').value, reason: tr.querySelector('.grade-reason').value.trim() });
            } }, t(W.override))),
        }] : []),
      ],
      rows: g.items || [],
      rowKey: (r) => r.customer,
      rowClass: (r) => `grade-row grade-row-${r.customer}`,
    }) : h('div', { class: 'state state-empty', id: 'grade-not-computed' }, t(W.notComputed));
    return h('div', { dataset: { month, published: String(!!g.published) } },
      h('div', { class: 'grade-head' },
        fieldGrid([[t(W.month), month], [t(W.asOf), g.as_of || '—'],
          [t(W.state), g.published ? badge(t(W.published), 'ok') : badge(t(W.notPublished), 'warn')]]),
        buttons),
      h('div', { class: 'table-scroll' }, tbl));
  }

  const bar = filterBar([
    { label: t(W.month), control: h('input', { name: 'month', value: month, size: 8, 'aria-label': t(W.month) }) },
  ], (v) => {
    if (/^\d{4}-\d{2}$/.test(v.month || '')) month = v.month;
    ctx.setQuery({ month });
    loadInto(box, render);
  });
  await loadInto(box, render);
  return h('div', { class: 'page-credit-grades' },
    pageHeader(t(W.grades), h('a', { href: '/credit-reviews', class: 'btn btn-small' }, t(W.reviews))),
    h('section', { class: 'card' }, bar, msg, box));
}
