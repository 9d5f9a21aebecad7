// field.js — field sales on a phone first (api.md §5.7, docs/field-sales.md): a rep's day
// (today's planned visits and three big buttons), the visit report form (with a photo), the
// inquiry (quotation) form, the complaint (after-sales) form, and one detail page for every
// field document (quotations, contracts, after-sales, visit plans, visits, forecasts, plans)
// whose buttons come from the document's allowed_actions. Words are inline {zh, en} pairs.

import { api, ApiError, newIdempotencyKey } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, mount, pageHeader, fieldGrid, toast, ruleMessage } from '../lib/ui.js';
import { formatFen, formatTs, parseYuan } from '../lib/fmt.js';
import { personName } from '../lib/people.js';
import { actionCard } from '../lib/doc.js';
import { filesCard } from './market_files.js';

const enc = encodeURIComponent;
const W = (zh, en) => t({ zh, en });

// Phone-first styles of these pages: web/app.css, "field sales" (the CSP allows no inline style).

const today = () => {
  const d = new Date(Date.now() + 8 * 3600 * 1000); // the company zone, +08:00
  return d.toISOString().slice(0, 10);
};

/** The collections of this file: path segment → words and the fields a detail page shows. */
export const FIELD_DOCS = {
  quotations: { title: W('报价/投标', 'Quotations'), fields: ['source', 'product_class', 'title', 'total_fen', 'major', 'participate_decision', 'valid_until', 'result', 'contract'] },
  contracts: { title: W('合同', 'Contracts'), fields: ['kind', 'value_fen', 'payment_term_days', 'valid_to', 'deviations', 'quotation', 'signing_mode', 'archive_binder', 'expiring'] },
  'after-sales': { title: W('售后服务', 'After-sales'), fields: ['type', 'description', 'handler', 'escalated_to', 'result', 'rating'] },
  'visit-plans': { title: W('拜访计划', 'Visit plans'), fields: ['period_type', 'period', 'due_at', 'manager_comment'] },
  visits: { title: W('拜访记录', 'Visit reports'), fields: ['visitor', 'visited_at', 'kind', 'plan_item', 'price_inversion', 'next_steps', 'manager_comment'] },
  forecasts: { title: W('销售预期', 'Forecasts'), fields: ['level', 'base_month', 'total_fen', 'basis'] },
  plans: { title: W('计划', 'Plans'), fields: ['level', 'period_type', 'period', 'target_sales_fen', 'target_collection_fen'] },
};

/** List columns for the page table's generic list pages. */
export function fieldListColumns(coll) {
  return [
    { key: 'number', label: W('单号', 'Number'), render: (r) => h('a', { href: `/${coll}/${enc(r.number)}`, class: 'mono' }, r.number) },
    { key: 'customer', label: W('客户', 'Customer'), render: (r) => r.customer || personName(r.owner) || '—' },
    { key: 'state', label: W('状态', 'State'), render: (r) => h('span', { class: 'badge state-badge', dataset: { state: r.state } }, r.state) },
    { key: 'updated_at', label: W('更新时间', 'Updated'), render: (r) => formatTs(r.updated_at) },
  ];
}

// ---- a rep's day ----------------------------------------------------------------------------

export async function fieldDayPage(ctx) {
  const me = ctx.user.username;
  const day = ctx.query.date || today();
  const plans = await api.get('/visit-plans', { owner: me, state: 'submitted,confirmed', limit: 100 });
  const visits = [];
  for (const p of plans.items || []) {
    for (const it of p.items || []) if (it.date === day) visits.push({ plan: p, it });
  }
  const list = visits.length
    ? visits.map(({ it }) => h('div', { class: 'field-visit', dataset: { item: it.plan_item } },
      h('div', { class: 'who' }, it.customer || it.prospect, it.key ? ` ★` : ''),
      h('div', { class: 'muted' }, it.purpose || ''),
      it.visits && it.visits.length
        ? h('a', { href: `/visits/${enc(it.visits[0])}`, class: 'done' }, W('已提交拜访记录', 'Report filed'))
        : h('a', { class: 'btn btn-primary file-report', href: `/visits/new?plan_item=${enc(it.plan_item)}${it.customer ? `&customer=${enc(it.customer)}` : ''}` }, W('填写拜访记录', 'File the report'))))
    : [h('div', { class: 'state state-empty', id: 'no-visits' }, W('今天没有计划的拜访', 'No visits planned today'))];
  return h('div', { class: 'field-day' },
    pageHeader(W('我的一天', 'My day')),
    h('div', { class: 'muted', id: 'field-date' }, day),
    h('h2', { class: 'card-title' }, W('今日拜访', "Today's visits")),
    h('div', { id: 'today-visits' }, list),
    h('div', { class: 'field-big' },
      h('a', { href: '/visits/new', id: 'go-visit' }, W('填写拜访记录', 'File a visit report')),
      h('a', { href: '/quotations/new', id: 'go-inquiry' }, W('登记询价/招标', 'Register an inquiry')),
      h('a', { href: '/after-sales/new', id: 'go-complaint' }, W('受理投诉/售后', 'Take a complaint')),
      h('a', { href: '/work-logs', id: 'go-work-log' }, W('写工作日志', 'Write the work log')),
      h('a', { href: '/call-logs/new', id: 'go-call' }, W('电话记录', 'Log a call')),
      h('a', { href: '/forecasts/new', id: 'go-forecast' }, W('录入销售预期', 'Enter a forecast'))));
}

// ---- forms ----------------------------------------------------------------------------------

function input(name, label, attrs = {}) {
  const id = `fld-${name}`;
  const el = attrs.rows ? h('textarea', { id, name, rows: attrs.rows }, attrs.value || '')
    : attrs.options ? h('select', { id, name }, attrs.options.map(([v, l]) => h('option', { value: v, selected: v === attrs.value }, l)))
      : h('input', { id, name, type: attrs.type || 'text', value: attrs.value || '', inputmode: attrs.inputmode || null, accept: attrs.accept || null });
  return [h('label', { for: id }, label), el, h('div', { class: 'err', id: `${id}-err` })];
}

async function customerOptions(selected) {
  const items = await api.all('/customers', {}, 500);
  return [['', '—'], ...items.map((c) => [c.code, `${c.code} ${c.name}`])].map(([v, l]) => [v, l, v === selected]);
}

/** A phone form: fields, a submit button; submit(values) → the created document's path. */
function phoneForm(id, fields, submit) {
  const banner = h('div', { class: 'form-banner', role: 'alert', hidden: true, id: `${id}-banner` });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', id: `${id}-submit` }, W('提交', 'Submit'));
  const el = h('form', { class: 'field-form', id, novalidate: true }, banner, fields, btn);
  const key = newIdempotencyKey();
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    banner.hidden = true;
    el.querySelectorAll('.err').forEach((e) => { e.textContent = ''; });
    btn.disabled = true;
    try {
      const v = Object.fromEntries(new FormData(el).entries());
      await submit(v, key);
    } catch (err) {
      const f = err instanceof ApiError && err.field ? err.field : null;
      const slot = f && el.querySelector(`#fld-${f}-err`);
      if (slot) slot.textContent = ruleMessage(err);
      mount(banner, err instanceof ApiError ? `${err.message} (${err.rule || err.code})` : String(err));
      banner.hidden = false;
    } finally {
      btn.disabled = false;
    }
  });
  return el;
}

const readPhoto = (file) => new Promise((resolve, reject) => {
  if (!file || !file.size) return resolve(null);
  const r = new FileReader();
  r.onload = () => resolve(String(r.result));
  r.onerror = () => reject(r.error);
  r.readAsDataURL(file);
});

// What a visit most often finds changed in the customer's archive (api.md: archive_updates;
// the server takes every field of the archive's sections, these are the phone form's).
const ARCHIVE_FIELDS = [
  ['phone', W('电话', 'Phone'), { inputmode: 'tel' }],
  ['address', W('地址', 'Address')],
  ['consignee', W('收货人', 'Consignee')],
  ['consignee_phone', W('收货人电话', 'Consignee phone'), { inputmode: 'tel' }],
  ['carrier', W('承运商', 'Carrier')],
  ['competitor_relations', W('与竞争对手的关系', 'Competitor relations'), { rows: 2 }],
  ['problems', W('存在问题', 'Problems'), { rows: 2 }],
  ['future_plans', W('未来计划', 'Future plans'), { rows: 2 }],
];

export async function visitNewPage(ctx) {
  const q = ctx.query;
  const opts = await customerOptions(q.customer);
  const sel = h('select', { id: 'fld-customer', name: 'customer' }, opts.map(([v, l, s]) => h('option', { value: v, selected: s }, l)));
  const photo = h('input', { id: 'fld-photo', name: 'photo_file', type: 'file', accept: 'image/*', capture: 'environment' });
  const form = phoneForm('visit-form', [
    h('label', { for: 'fld-customer' }, W('客户', 'Customer')), sel, h('div', { class: 'err', id: 'fld-customer-err' }),
    q.plan_item ? h('input', { type: 'hidden', name: 'plan_item', value: q.plan_item }) : null,
    input('kind', W('拜访类型', 'Kind'), { options: [['revisit', W('回访', 'Revisit')], ['new', W('新客户', 'New')]] }),
    input('dealer_operations', W('经销商经营情况', 'Dealer operations'), { rows: 2 }),
    input('end_users', W('终端用户', 'End users'), { rows: 2 }),
    input('competitor_products', W('竞品及销售', 'Competitor products and sales'), { rows: 2 }),
    input('local_market', W('当地市场', 'Local market'), { rows: 2 }),
    input('price_sku', W('观察价格：产品', 'Observed price: SKU')),
    input('price_yuan', W('观察价格：元', 'Observed price: ¥'), { inputmode: 'decimal' }),
    input('next_steps', W('下一步', 'Next steps'), { rows: 2 }),
    h('label', { for: 'fld-photo' }, W('照片', 'Photo')), photo,
    h('fieldset', { class: 'archive-updates', id: 'archive-updates' },
      h('legend', null, W('客户档案更新（有变化才填）', 'Archive updates (only what changed)')),
      ARCHIVE_FIELDS.map(([k, label, attrs]) => input(`arch_${k}`, label, attrs))),
  ], async (v, key) => {
    const findings = {};
    for (const k of ['dealer_operations', 'end_users', 'competitor_products', 'local_market']) if (v[k]) findings[k] = v[k];
    if (v.price_sku) {
      const fen = parseYuan(v.price_yuan);
      findings.observed_prices = [{ sku: v.price_sku, price_fen: fen === null ? null : Number(fen) }];
    }
    const body = { customer: v.customer, kind: v.kind, findings };
    if (v.plan_item) body.plan_item = v.plan_item;
    if (v.next_steps) body.next_steps = v.next_steps;
    const upd = {};
    for (const [k] of ARCHIVE_FIELDS) if (v[`arch_${k}`]) upd[k] = v[`arch_${k}`].trim();
    if (Object.keys(upd).length) body.archive_updates = upd;
    const pic = await readPhoto(photo.files[0]);
    if (pic) body.photo = pic;
    const res = await api.post('/visits', body, { headers: { 'Idempotency-Key': key } });
    toast(W('拜访记录已提交', 'Visit report filed'));
    ctx.navigate(`/visits/${enc(res.number)}`);
  });
  return h('div', null, pageHeader(W('填写拜访记录', 'File a visit report')), form);
}

export async function quotationNewPage(ctx) {
  const opts = await customerOptions(ctx.query.customer);
  const form = phoneForm('quotation-form', [
    h('label', { for: 'fld-customer' }, W('客户', 'Customer')),
    h('select', { id: 'fld-customer', name: 'customer' }, opts.map(([v, l, s]) => h('option', { value: v, selected: s }, l))),
    h('div', { class: 'err', id: 'fld-customer-err' }),
    input('source', W('来源', 'Source'), { options: [['inquiry', W('询价', 'Inquiry')], ['tender', W('招标', 'Tender')]] }),
    input('product_class', W('产品类别', 'Product class'), { options: [['standard', W('标准产品', 'Standard')], ['outsourced', W('外协产品', 'Outsourced')], ['gov_agri_procurement', W('政府农业集中采购', 'Government agricultural procurement')]] }),
    input('title', W('事由', 'Subject')),
    input('item', W('产品或品名', 'SKU or item')),
    input('qty', W('数量', 'Quantity'), { inputmode: 'numeric' }),
    input('price_yuan', W('单价（元，可空）', 'Unit price ¥ (optional)'), { inputmode: 'decimal' }),
  ], async (v, key) => {
    const body = { customer: v.customer, source: v.source, product_class: v.product_class };
    if (v.title) body.title = v.title;
    if (v.item) {
      const line = /^[A-Z0-9][A-Z0-9._-]*$/.test(v.item) ? { sku: v.item } : { item: v.item };
      line.qty = Number(v.qty);
      if (v.price_yuan) line.price_fen = Number(parseYuan(v.price_yuan));
      body.lines = [line];
    }
    const res = await api.post('/quotations', body, { headers: { 'Idempotency-Key': key } });
    toast(W('已登记', 'Registered'));
    ctx.navigate(`/quotations/${enc(res.number)}`);
  });
  return h('div', null, pageHeader(W('登记询价/招标', 'Register an inquiry')), form);
}

export async function afterSalesNewPage(ctx) {
  const opts = await customerOptions(ctx.query.customer);
  const form = phoneForm('after-sales-form', [
    h('label', { for: 'fld-customer' }, W('客户', 'Customer')),
    h('select', { id: 'fld-customer', name: 'customer' }, opts.map(([v, l, s]) => h('option', { value: v, selected: s }, l))),
    h('div', { class: 'err', id: 'fld-customer-err' }),
    input('type', W('类型', 'Type'), { options: [['quality', W('质量', 'Quality')], ['damage', W('破损', 'Damage')], ['spoilage', W('变质', 'Spoilage')], ['consumer_complaint', W('消费者投诉', 'Consumer complaint')], ['consumer_return', W('消费者退货', 'Consumer return')], ['technical', W('技术', 'Technical')]] }),
    input('description', W('问题描述', 'Description'), { rows: 4 }),
    input('batch', W('批号', 'Batch')),
    input('contact', W('联系人/电话', 'Contact')),
  ], async (v, key) => {
    const body = { customer: v.customer, type: v.type, description: v.description };
    if (v.batch) body.batch = v.batch;
    if (v.contact) body.contact = v.contact;
    const res = await api.post('/after-sales', body, { headers: { 'Idempotency-Key': key } });
    toast(W('已受理', 'Received'));
    ctx.navigate(`/after-sales/${enc(res.number)}`);
  });
  return h('div', null, pageHeader(W('受理投诉/售后', 'Take a complaint')), form);
}

// ---- one detail page for every field document ------------------------------------------------

// The body fields of the actions that take some, by action name.
const ACTION_FIELDS = {
  decide: [{ name: 'participate', label: W('参与', 'Participate'), type: 'select', options: [{ value: 'true', label: W('参与', 'Yes') }, { value: 'false', label: W('不参与', 'No') }] }],
  assign: [{ name: 'handler', label: W('处理人', 'Handler'), value: 'service' }],
  resolve: [{ name: 'result', label: W('处理结果', 'Result'), type: 'textarea' }],
  close: [{ name: 'rating', label: W('评分1-5', 'Rating 1-5') }],
  sign: [{ name: 'signing_mode', label: W('签订方式', 'Signing mode'), type: 'select', options: [{ value: 'onsite', label: W('现场', 'On site') }, { value: 'fax_courier', label: W('传真+快递', 'Fax and courier') }] }],
  verify: [{ name: 'confirmed', label: W('确有拜访', 'Visit happened'), type: 'bool', value: true }],
  'request-support': [{ name: 'kind', label: W('支持类型', 'Kind'), type: 'select', options: [{ value: 'technical', label: W('技术', 'Technical') }, { value: 'purchasing', label: W('采购', 'Purchasing') }] }, { name: 'note', label: W('说明', 'Note') }],
  support: [{ name: 'kind', label: W('支持类型', 'Kind'), type: 'select', options: [{ value: 'technical', label: W('技术', 'Technical') }, { value: 'purchasing', label: W('采购', 'Purchasing') }] }, { name: 'result', label: W('结果', 'Result') }],
};

function bodyFor(action, v) {
  const b = {};
  if (v.remark) b.comment = v.remark;
  for (const f of ACTION_FIELDS[action] || []) {
    const x = v[`${action}__${f.name}`];
    if (x === '' || x === undefined) continue;
    if (f.name === 'participate') b.participate = x === 'true';
    else if (f.name === 'rating') b.rating = Number(x);
    else if (f.type === 'bool') b[f.name] = !!x;
    else b[f.name] = x;
  }
  if (action === 'sign') b.deviations_confirmed = true;
  return b;
}

const show = (k, v) => (v === null || v === undefined || v === '' ? '—'
  : /_fen$/.test(k) ? formatFen(v) : /_at$/.test(k) ? formatTs(v) : typeof v === 'boolean' ? (v ? W('是', 'yes') : W('否', 'no')) : String(v));

export function fieldDetailPage(coll) {
  return async function detail(ctx) {
    const number = ctx.params.number;
    const d = await api.get(`/${coll}/${enc(number)}`);
    const cfg = FIELD_DOCS[coll];
    const acts = d.allowed_actions || [];
    // 'remark', not 'comment': the comment field's id would be that of the comment button.
    const fields = [{ name: 'remark', label: W('意见/备注', 'Comment'), type: 'textarea', wide: true }];
    for (const a of acts) for (const f of ACTION_FIELDS[a] || []) fields.push({ ...f, name: `${a}__${f.name}`, label: `${a}: ${f.label}` });
    const card = actionCard({
      title: W('操作', 'Actions'),
      base: `/${coll}/${enc(number)}`,
      version: d.version,
      idPrefix: 'fact',
      fields,
      buttons: acts.map((a) => ({ action: a, label: a, tone: 'primary', body: (v) => bodyFor(a, v) })),
      onDone: () => ctx.navigate(`/${coll}/${enc(number)}`, { replace: true }),
    });
    const pairs = [[W('状态', 'State'), h('span', { id: 'doc-state', dataset: { state: d.state } }, d.state)],
      [W('客户', 'Customer'), d.customer || '—'], [W('负责人', 'Owner'), personName(d.owner || d.created_by) || '—']];
    for (const k of cfg.fields) if (k in d) pairs.push([k, show(k, d[k])]);
    const items = (d.items || []).map((it) => h('li', { dataset: { item: it.plan_item } }, `${it.date} ${it.customer || it.prospect} ${it.purpose || ''}`));
    const lines = (d.lines || []).map((l) => h('li', null, `${l.month || ''} ${l.sku || l.item || ''} × ${l.qty}${l.price_fen !== undefined && l.price_fen !== null ? ` @ ${formatFen(l.price_fen)}` : ''}`));
    const flags = (d.flags || []).map((f) => h('li', { class: 'flag' }, `${W('价格倒挂', 'Price inversion')}: ${f.sku} ${formatFen(f.observed_fen)} < ${formatFen(f.list_fen)}`));
    const tl = (d.timeline || []).map((e) => h('li', null, `${formatTs(e.at)} ${e.action} ${personName(e.actor)}${e.comment ? ` — ${e.comment}` : ''}`));
    return h('div', { class: 'field-detail' },
      pageHeader(`${cfg.title} ${number}`, coll === 'forecasts' ? h('a', { href: `/forecasts/${enc(number)}/grid`, class: 'btn btn-small', id: 'fc-grid-link' }, W('表格视图', 'Grid')) : null),
      h('section', { class: 'card doc-fields' }, fieldGrid(pairs)),
      flags.length ? h('section', { class: 'card', id: 'doc-flags' }, h('ul', null, flags)) : null,
      items.length ? h('section', { class: 'card' }, h('h2', { class: 'card-title' }, W('拜访安排', 'Visits')), h('ul', null, items)) : null,
      lines.length ? h('section', { class: 'card' }, h('h2', { class: 'card-title' }, W('明细', 'Lines')), h('ul', null, lines)) : null,
      card,
      coll === 'contracts' ? filesCard('contract', number) : null,
      h('section', { class: 'card' }, h('h2', { class: 'card-title' }, W('过程', 'Timeline')), h('ul', { id: 'doc-timeline' }, tl)));
  };
}

// ---- the work log and the call log on the phone (issue #13) ----------------------------------

/** 工作日志: today's entry (one a day) and the last ones of the caller. */
export async function workLogPage(ctx) {
  const me = ctx.user.username;
  const mine = await api.get('/work-logs', { user: me, limit: 14 });
  const list = (mine.items || []).map((w) => h('div', { class: 'field-log', dataset: { date: w.date } },
    h('div', { class: 'who' }, w.date), h('div', { class: 'log-text' }, w.text)));
  const form = phoneForm('work-log-form', [
    input('date', W('日期', 'Date'), { type: 'date', value: today() }),
    input('text', W('今天做了什么', 'What I did today'), { rows: 5 }),
  ], async (v, key) => {
    const body = { text: v.text };
    if (v.date) body.date = v.date;
    await api.post('/work-logs', body, { headers: { 'Idempotency-Key': key } });
    toast(W('工作日志已提交', 'Work log saved'));
    ctx.navigate('/work-logs');
  });
  return h('div', { class: 'field-day' }, pageHeader(W('工作日志', 'Work log')), form,
    h('h2', { class: 'card-title' }, W('最近的日志', 'Recent entries')),
    h('div', { id: 'work-logs' }, list.length ? list : [h('div', { class: 'state state-empty' }, W('还没有日志', 'No entries yet'))]));
}

/** 电话记录: log a call to a customer. */
export async function callLogPage(ctx) {
  const opts = await customerOptions(ctx.query.customer);
  const form = phoneForm('call-log-form', [
    h('label', { for: 'fld-customer' }, W('客户', 'Customer')),
    h('select', { id: 'fld-customer', name: 'customer' }, opts.map(([v, l, s]) => h('option', { value: v, selected: s }, l))),
    h('div', { class: 'err', id: 'fld-customer-err' }),
    input('kind', W('类型', 'Kind'), { value: ctx.query.kind, options: [['weekly_collection', W('每周回款电话', 'Weekly collection')], ['satisfaction', W('满意度回访', 'Satisfaction')], ['tracking', W('跟踪', 'Tracking')], ['consumer_follow_up', W('消费者回访', 'Consumer follow-up')], ['reminder', W('提醒', 'Reminder')]] }),
    input('rating', W('满意度评分（满意度回访）', 'Rating (satisfaction calls)'), { options: [['', '—'], ['5', '5'], ['4', '4'], ['3', '3'], ['2', '2'], ['1', '1']] }),
    input('reached', W('是否接通', 'Reached'), { options: [['true', W('已接通', 'Yes')], ['false', W('未接通', 'No')]] }),
    input('outcome', W('通话结果', 'Outcome'), { rows: 3 }),
    input('promised_pay_date', W('承诺付款日期', 'Promised pay date'), { type: 'date' }),
    input('promised_yuan', W('承诺金额（元）', 'Promised amount ¥'), { inputmode: 'decimal' }),
  ], async (v, key) => {
    const body = { customer: v.customer, kind: v.kind, reached: v.reached === 'true' };
    if (v.outcome) body.outcome = v.outcome;
    if (v.promised_pay_date) body.promised_pay_date = v.promised_pay_date;
    if (v.promised_yuan) body.promised_amount_fen = Number(parseYuan(v.promised_yuan));
    if (v.rating) body.rating = Number(v.rating);
    await api.post('/call-logs', body, { headers: { 'Idempotency-Key': key } });
    toast(W('电话记录已保存', 'Call logged'));
    ctx.navigate(ctx.query.back === 'satisfaction' ? '/satisfaction-calls' : '/field');
  });
  return h('div', null, pageHeader(W('电话记录', 'Log a call')), form);
}

// ---- the quarter's satisfaction calls (flows §9.7, issue 13) --------------------------------

/** 满意度回访: the quarter's customers, who calls each, and the calls made with their ratings. */
export async function satisfactionPage(ctx) {
  const quarter = ctx.query.quarter || '';
  const q = quarter ? { quarter } : {};
  if (ctx.query.mine) q.assignee = ctx.user.username;
  const got = await api.get('/satisfaction-calls', q);
  const rows = (got.items || []).map((r) => h('div', { class: 'field-visit sat-row', dataset: { customer: r.customer, called: String(r.called) } },
    h('div', { class: 'who' }, `${r.customer} ${r.customer_name || ''}`),
    h('div', { class: 'muted' }, `${W('回访人', 'Caller')}: ${personName(r.assignee) || r.assignee}`),
    r.called
      ? h('div', { class: 'done' }, `${W('已回访', 'Called')} ${formatTs(r.called_at)}${r.rating ? ` · ${W('评分', 'Rating')} ${r.rating}` : ''}`)
      : h('a', { class: 'btn btn-primary sat-call', href: `/call-logs/new?customer=${enc(r.customer)}&kind=satisfaction&back=satisfaction` }, W('记录回访', 'Log the call'))));
  const make = h('form', { class: 'field-form', id: 'sat-make' },
    input('quarter', W('季度（如 2030Q2）', 'Quarter (e.g. 2030Q2)'), { value: got.quarter }),
    h('button', { type: 'submit', class: 'btn btn-small', id: 'sat-make-submit' }, W('生成回访任务', 'Make the call tasks')));
  make.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(make).entries());
    try {
      await api.post('/satisfaction-calls', { quarter: v.quarter }, { headers: { 'Idempotency-Key': newIdempotencyKey() } });
      toast(W('回访任务已生成', 'Call tasks made'));
      ctx.navigate(`/satisfaction-calls?quarter=${enc(v.quarter)}`, { replace: true });
    } catch (err) {
      toast(err instanceof ApiError ? `${err.message} (${err.rule || err.code})` : String(err), 'bad');
    }
  });
  return h('div', { class: 'field-day' },
    pageHeader(W('满意度回访', 'Satisfaction calls')),
    h('div', { class: 'muted', id: 'sat-summary' }, `${got.quarter} · ${W('已回访', 'called')} ${got.called}/${got.total}`),
    h('div', { id: 'sat-list' }, rows.length ? rows : [h('div', { class: 'state state-empty' }, W('本季度没有回访任务', 'No call tasks this quarter'))]),
    ['csr', 'ssg_leader'].includes(ctx.user.role) ? make : null);
}
