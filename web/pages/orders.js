// orders.js — 订单 (OP): the list (state / customer / market / date filters, cursor pages), the
// order page (lines with cuts, totals, credit check, QC, ST votes, memo, timeline, delivery
// note and shipments) with the actions the signed-in user may take in the order's state
// (api.md §3.3, docs/api.md), and the form for a new order (kam, rep) or an amendment (kam).

import { api, ApiError } from '../lib/api.js';
import { t, tEnum, getLang } from '../lib/i18n.js';
import {
  h, mount, card, pageHeader, fieldGrid, select, filterBar, pagedList, table, form, badge, toast,
  fileButton, ruleMessage,
} from '../lib/ui.js';
import { formatFen, formatTs, formatQty, formatBp, toBigFen } from '../lib/fmt.js';
import { person, personName } from '../lib/people.js';
import { ref } from '../lib/ref.js';
import { typeahead, customerFilter } from '../lib/typeahead.js';
import { customerNames } from '../lib/names.js';
import { stateBadge, stateOptions, timelineTable, actionCard, deadlineText } from '../lib/doc.js';

const PAGE_SIZE = 20;

const enc = encodeURIComponent;
const money = (v) => h('span', { class: 'money' }, formatFen(v));

// ---- list ---------------------------------------------------------------------------------

export async function ordersPage(ctx) {
  const q = ctx.query;
  let filters = { q: q.q || '', state: q.state || '', customer: q.customer || '', market: q.market || '', from: q.from || '', to: q.to || '' };
  let bar = null;
  const [cust, markets] = await Promise.all([customerFilter(filters.customer, () => bar.requestSubmit()), ref.markets().catch(() => [])]);
  let names = {};
  const items = [
    { label: t('common.search'), control: h('input', { type: 'search', name: 'q', value: filters.q, placeholder: t('ord.q_hint'), autocomplete: 'off' }) },
    { label: t('f.state'), control: select('state', stateOptions('order'), filters.state, { label: t('f.state') }) },
    { label: t('f.customer'), ...cust },
  ];
  if (markets.length > 1) items.push({ label: t('f.market'), control: select('market', markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })), filters.market, { label: t('f.market') }) });
  items.push(
    { label: t('ord.filter.from'), control: h('input', { type: 'date', name: 'from', value: filters.from }) },
    { label: t('ord.filter.to'), control: h('input', { type: 'date', name: 'to', value: filters.to }) },
  );
  const mNames = Object.fromEntries(markets.map((m) => [m.code, m.name]));
  const list = pagedList({
    load: async (cursor) => {
      const page = await api.get('/orders', { ...filters, limit: PAGE_SIZE, cursor });
      names = { ...names, ...await customerNames((page.items || []).map((o) => o.customer)) };
      return page;
    },
    columns: [
      { key: 'number', label: t('f.number'), render: (o) => h('a', { href: `/orders/${enc(o.number)}`, class: 'mono' }, o.number) },
      { key: 'customer', label: t('f.customer'), cls: 'wrap', render: (o) => [h('span', { class: 'mono' }, o.customer), ' ', names[o.customer] || ''] },
      { key: 'market', label: t('f.market'), render: (o) => mNames[o.market] || o.market },
      { key: 'state', label: t('f.state'), render: (o) => stateBadge('order', o.state) },
      { key: 'total_fen', label: t('f.total_fen'), align: 'right', optional: true, render: (o) => money(o.total_fen) },
      { key: 'kam', label: t('f.kam'), render: (o) => personName(o.kam) },
      { key: 'created_at', label: t('f.created_at'), render: (o) => formatTs(o.created_at), cls: 'nowrap' },
      { key: 'requested_date', label: t('f.requested_date') },
    ],
    rowHref: (o) => `/orders/${enc(o.number)}`,
    rowKey: (o) => o.number,
  });
  bar = filterBar(items, (v) => {
    filters = { q: v.q || '', state: v.state || '', customer: v.customer || '', market: v.market || '', from: v.from || '', to: v.to || '' };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-orders' },
    pageHeader(t('ord.title'), ctx.can('order.create') ? h('a', { class: 'btn btn-primary', href: '/orders/new', id: 'new-order' }, `+ ${t('ord.new')}`) : null),
    h('section', { class: 'card' }, bar, list.el));
}

// ---- who may do what (api.md §3.3 and docs/api.md; the API still decides) -----------------------

/**
 * The actions the user may take on the order now, as {action, proxy}: the server's
 * allowed_actions (role, scope, state); proxy is the principal when a secretary signs for its
 * SLT member (the order's proxy_actions, with on_behalf_of = the user's proxy_for).
 */
export function availableActions(o, user) {
  const viaProxy = new Set(o.proxy_actions || []);
  return (o.allowed_actions || []).map((action) => ({
    action, proxy: viaProxy.has(action) ? user.proxy_for || null : null,
  }));
}

const PRIMARY = new Set(['verify', 'approve-market', 'accept', 'check', 'approve', 'print-delivery-note', 'release']);
const DANGER = new Set(['reject', 'cancel']);
const NEEDS_COMMENT = new Set(['send-back', 'return-for-fix']);

function orderActions(o, ctx, reload) {
  const acts = availableActions(o, ctx.user);
  if (!acts.length) return null;
  const proxyFor = acts.find((a) => a.proxy)?.proxy || null;
  const fields = [{ name: 'comment', label: t('doc.comment'), type: 'textarea', wide: true, placeholder: t('ord.comment_ph') }];
  if (acts.some((a) => a.action === 'request-st')) {
    fields.push({ name: 'reason', label: t('ord.st_reason'), type: 'select', value: 'other', options: ['order_conference', 'growth_above_plan', 'other'].map((v) => ({ value: v, label: tEnum('st.reason', v) })) });
  }
  if (proxyFor) {
    fields.push({ name: 'confirmed_by_phone', label: t('ord.confirmed_by_phone', { who: proxyFor }), type: 'bool', hint: t('ord.proxy_hint') });
  }
  const withProxy = (a, body) => (a.proxy ? { ...body, on_behalf_of: a.proxy, confirmed_by_phone: true } : body);
  const comment = (v) => (v.comment ? { comment: v.comment } : {});
  const buttons = [];
  for (const a of acts) {
    const label = tEnum('order.act', a.action);
    const needs = [...(NEEDS_COMMENT.has(a.action) ? ['comment'] : []), ...(a.proxy ? ['confirmed_by_phone'] : [])];
    if (a.action === 'amend') continue; // a page of its own
    if (a.action === 'st-vote') {
      for (const vote of ['yes', 'no']) {
        buttons.push({
          action: 'st-vote', id: `act-st-vote-${vote}`, label: t(`ord.vote.${vote}`), tone: vote === 'yes' ? 'primary' : 'danger', needs,
          body: (v) => withProxy(a, { vote, ...comment(v) }),
        });
      }
      continue;
    }
    buttons.push({
      action: a.action, id: `act-${a.action}`, label, needs,
      tone: PRIMARY.has(a.action) ? 'primary' : DANGER.has(a.action) ? 'danger' : '',
      confirm: DANGER.has(a.action),
      body: (v) => {
        if (a.action === 'request-st') return { reason: v.reason || 'other', ...(v.comment ? { reason_text: v.comment } : {}) };
        return withProxy(a, comment(v));
      },
    });
  }
  const amend = acts.some((a) => a.action === 'amend')
    ? h('a', { class: 'btn btn-primary', href: `/orders/${enc(o.number)}/amend`, id: 'act-amend' }, tEnum('order.act', 'amend')) : null;
  const note = proxyFor ? h('div', { class: 'note', id: 'proxy-note' }, t('ord.proxy_note', { who: proxyFor })) : null;
  const c = actionCard({
    title: t('doc.actions'), base: `/orders/${enc(o.number)}`, version: o.version, idPrefix: 'act', fields, buttons, note,
    onDone: () => reload(),
  });
  if (c && amend) c.querySelector('.action-buttons').prepend(amend);
  return c || (amend ? card(t('doc.actions'), amend) : null);
}

// ---- detail -------------------------------------------------------------------------------

function creditCard(cc) {
  if (!cc) return null;
  const lang = getLang();
  const reason = lang === 'en' ? cc.reason_en || cc.reason_zh : cc.reason_zh || cc.reason_en;
  const fig = (k) => [t(`cc.${k}`), money(cc[k])];
  const prepayCase = ['prepay_required', 'prepaid', 'st_approved'].includes(cc.result) || (cc.reasons || []).includes('prepay_only');
  const pairs = [
    [t('cc.result'), h('span', { id: 'cc-result' }, stateBadge('credit', cc.result))],
    [t('cc.row'), cc.row !== undefined && cc.row !== null ? h('span', { id: 'cc-row' }, t('cc.row_n', { n: cc.row })) : null],
    fig('exposure_fen'), fig('limit_fen'),
    [t('cc.over_pct_bp'), toBigFen(cc.limit_fen) === 0n ? t('cc.no_limit') : formatBp(cc.over_pct_bp)],
    fig('overdue_fen'), fig('open_receivables_fen'), fig('open_orders_fen'), fig('prepayment_fen'),
    // The prepayment figures matter when money decides (prepay-only, prepay required, prepaid).
    ...(prepayCase ? [fig('free_prepayment_fen'), fig('shortfall_fen')] : []),
    [t('cc.checked_at'), formatTs(cc.checked_at)],
  ].filter((p) => p[0] && (p[1] !== undefined));
  return card(t('cc.title'),
    reason ? h('div', { class: `cc-reason cc-${cc.result}`, id: 'cc-reason' }, reason) : null,
    (cc.reasons || []).length ? h('div', { class: 'cc-reasons' }, cc.reasons.map((x) => badge(tEnum('cc.reason', x), 'muted'))) : null,
    fieldGrid(pairs));
}

function qcCard(qc) {
  const failed = qc && qc.failed;
  if (!failed || !failed.length) return null;
  return h('section', { class: 'card card-alert', id: 'qc-failed' },
    h('h2', { class: 'card-title' }, t('qc.title')),
    h('div', { class: 'card-body' }, h('ul', { class: 'qc-list' }, failed.map((f) => h('li', { dataset: { rule: f.rule } },
      h('strong', null, tEnum('qc.rule', f.rule)), f.line ? ` · ${t('ord.line_n', { n: f.line })}` : '', f.sku ? ` · ${f.sku}` : '',
      h('div', { class: 'muted small' }, f.message))))));
}

function stCard(st, names) {
  if (!st) return null;
  const votes = st.votes || [];
  return card(t('st.title'),
    fieldGrid([
      [t('st.reason'), tEnum('st.reason', st.reason)],
      [t('st.reason_text'), st.reason_text, { wide: true }],
      [t('st.requested'), `${formatTs(st.requested_at)} · ${personName(st.requested_by)}`],
      [t('st.decide_by'), deadlineText(st.decide_by)],
      [t('st.result'), st.result ? tEnum('st.result', st.result) : t('st.pending')],
    ]),
    h('h3', { class: 'sub-title' }, t('st.votes')),
    table({
      columns: [
        { key: 'member', label: t('st.member'), render: (v) => names[v.member] || person(v.member) },
        { key: 'vote', label: t('st.vote'), render: (v) => badge(t(`ord.vote.${v.vote}`), v.vote === 'yes' ? 'ok' : 'bad') },
        { key: 'cast_by', label: t('st.cast_by'), render: (v) => [person(v.cast_by), v.on_behalf_of ? ` · ${t('doc.obo', { who: personName(v.on_behalf_of) })}` : '', v.confirmed_by_phone ? ` · ${t('st.phone')}` : ''] },
        { key: 'at', label: t('f.at'), render: (v) => formatTs(v.at), cls: 'nowrap' },
        { key: 'comment', label: t('doc.comment'), cls: 'wrap' },
      ],
      rows: votes,
      rowKey: (v) => v.member,
      emptyText: t('st.no_votes'),
    }));
}

function linesTable(o, pNames) {
  const showMoney = 'total_fen' in o;
  const cols = [
    { key: 'line_no', label: '#', align: 'right' },
    { key: 'sku', label: t('f.sku'), cls: 'mono' },
    { key: 'name', label: t('f.name'), cls: 'wrap', render: (l) => pNames[l.sku] || '—' },
    { key: 'qty', label: t('ord.qty'), align: 'right', render: (l) => [formatQty(l.qty), l.loose_units ? h('span', null, ' ', badge(t('ord.loose'), 'warn')) : null] },
    { key: 'qty_cut', label: t('ord.qty_cut'), align: 'right', render: (l) => (l.qty_cut ? h('strong', { class: 'neg' }, `-${formatQty(l.qty_cut)}`) : '0') },
    { key: 'cut_reasons', label: t('ord.cut_reasons'), cls: 'wrap', render: (l) => (l.cut_reasons || []).map((c) => (typeof c === 'string' ? badge(tEnum('cut', c), 'warn')
      : h('div', { class: 'cut-reason', dataset: { kind: c.kind } }, badge(tEnum('cut', c.kind), 'warn'), c.qty ? ` -${formatQty(c.qty)}` : ''))) },
  ];
  if (showMoney) {
    cols.push(
      { key: 'price_fen', label: t('f.price_fen'), align: 'right', render: (l) => money(l.price_fen) },
      { key: 'amount_fen', label: t('ord.amount'), align: 'right', render: (l) => money(l.amount_fen) },
    );
  }
  cols.push(
    { key: 'qty_shipped', label: t('ord.qty_shipped'), align: 'right', render: (l) => formatQty(l.qty_shipped) },
    { key: 'qty_backordered', label: t('ord.qty_backordered'), align: 'right', render: (l) => formatQty(l.qty_backordered) },
  );
  const el = table({ columns: cols, rows: o.lines || [], rowKey: (l) => l.line_no });
  const tb = el.querySelector('table');
  if (tb && showMoney) {
    const before = cols.findIndex((c) => c.key === 'amount_fen');
    tb.appendChild(h('tfoot', null, h('tr', null,
      h('th', { colspan: before, scope: 'row', class: 'num' }, t('ord.total')),
      h('td', { class: 'num', id: 'order-total' }, money(o.total_fen)),
      h('td', { colspan: cols.length - before - 1 }))));
  }
  return el;
}

/** Whom the order waits for (its waiting_for roles), by person where the order names one. */
function waitingLine(o, cust, markets) {
  const roles = o.waiting_for || [];
  if (!roles.length) return h('div', { class: 'waiting muted', id: 'order-waiting' }, t('ord.waiting_none'));
  const supervisor = (markets.find((m) => m.code === o.market) || {}).slt_supervisor;
  const person = {
    kam: o.kam, mm: o.mm, um: o.um, csr: o.csr || (cust && cust.csr), warehouse: o.scr,
  };
  const who = new Set(roles.map((r) => {
    // Of the two SLT roles only the member supervising the customer's market approves.
    if ((r === 'sales_director' || r === 'deputy_director') && supervisor) return `${t('f.slt_supervisor')} ${personName(supervisor)}`;
    return person[r] ? `${tEnum('role', r)} ${personName(person[r])}` : tEnum('role', r);
  }));
  return h('div', { class: 'waiting', id: 'order-waiting', dataset: { roles: roles.join(',') } },
    t('ord.waiting_for', { who: [...who].join('、') }));
}

export async function orderDetailPage(ctx) {
  const number = ctx.params.number;
  const [o, markets, products] = await Promise.all([
    api.get(`/orders/${enc(number)}`),
    ref.markets().catch(() => []),
    ref.products().catch(() => []),
  ]);
  let cust = null;
  try {
    cust = await api.get(`/customers/${enc(o.customer)}`);
  } catch {
    cust = null;
  }
  const pNames = Object.fromEntries(products.map((p) => [p.sku, `${p.name} ${p.spec || ''}`.trim()]));
  const mName = (markets.find((m) => m.code === o.market) || {}).name;
  const reload = () => ctx.navigate(`/orders/${enc(number)}`, { replace: true });

  const header = h('div', { class: 'page-header detail-header' },
    h('div', null,
      h('a', { href: '/orders', class: 'back' }, `‹ ${t('ord.title')}`),
      h('h1', { id: 'order-number', class: 'mono' }, o.number),
      h('div', { class: 'detail-sub' },
        stateBadge('order', o.state, 'order-state'),
        h('a', { href: `/customers/${enc(o.customer)}` }, cust ? `${cust.name} (${o.customer})` : o.customer),
        h('span', null, [mName || o.market, o.region].filter(Boolean).join(' / ')),
        'total_fen' in o ? h('strong', { class: 'money header-total' }, formatFen(o.total_fen)) : null),
      waitingLine(o, cust, markets)),
    h('div', { class: 'page-actions' },
      // corrections: a return or exchange of dispatched goods (the roles that order file them)
      ['released', 'closed'].includes(o.state) && ctx.can('order.create')
        ? h('a', { class: 'btn', id: 'new-return', href: `/returns/new?order=${enc(o.number)}` }, t('ret.new')) : null,
      o.delivery_note ? fileButton(t('ord.delivery_note_pdf'), `/delivery-notes/${enc(o.delivery_note)}.pdf`, { id: 'dn-pdf' }) : null));

  const warnings = (o.warnings || []).length ? h('div', { class: 'note note-warn', id: 'order-warnings' },
    o.warnings.map((w) => h('div', { dataset: { rule: w.rule } }, h('strong', null, tEnum('qc.rule', w.rule)), w.line ? ` · ${t('ord.line_n', { n: w.line })}` : '', w.sku ? ` · ${w.sku}` : '', ' — ', tEnum('warn.text', w.rule)))) : null;

  const shipLinks = (o.shipments || []).map((s) => h('a', { href: `/shipments/${enc(s)}`, class: 'mono ship-link' }, s));
  const summary = fieldGrid([
    [t('f.customer'), h('a', { href: `/customers/${enc(o.customer)}` }, cust ? `${cust.name} (${o.customer})` : o.customer)],
    [t('f.kam'), personName(o.kam)], [t('f.mm'), personName(o.mm)], [t('f.um'), personName(o.um)],
    [t('f.csr'), personName(o.csr)], [t('f.scr'), personName(o.scr)], [t('f.bcr'), personName(o.bcr)], [t('f.warehouse'), o.warehouse],
    [t('f.requested_date'), o.requested_date],
    [t('ord.created'), `${formatTs(o.created_at)} · ${personName(o.created_by)}`],
    [t('ord.delivery_note'), o.delivery_note ? h('span', { class: 'mono', id: 'order-dn' }, o.delivery_note) : null],
    [t('ord.shipments'), shipLinks.length ? h('span', { class: 'links', id: 'order-shipments' }, shipLinks) : null],
    o.contract ? [t('ord.contract'), o.contract] : null,
    o.supersedes ? [t('ord.supersedes'), h('a', { href: `/orders/${enc(o.supersedes)}` }, o.supersedes)] : null,
    'earmark_fen' in o && toBigFen(o.earmark_fen) > 0n ? [t('ord.earmark'), money(o.earmark_fen)] : null,
    [t('ord.note'), o.note, { wide: true }],
  ].filter(Boolean));

  const memo = (o.memo || []).length ? card(t('ord.memo'), h('ul', { class: 'memo-list', id: 'order-memo' },
    o.memo.map((m) => h('li', null, h('div', { class: 'muted small' }, `${formatTs(m.at)} · ${personName(m.by)}`), h('div', null, m.text))))) : null;

  return h('div', { class: 'page-order', dataset: { number: o.number, state: o.state, version: String(o.version) } },
    header,
    warnings,
    qcCard(o.qc),
    orderActions(o, ctx, reload),
    card(t('ord.lines'), linesTable(o, pNames)),
    h('div', { class: 'cards-2' },
      card(t('ord.summary'), summary),
      creditCard(o.credit_check)),
    stCard(o.st, {}),
    memo,
    card(t('doc.timeline'), timelineTable('order', o.timeline)),
    h('div', { class: 'meta-line' }, `${t('f.version')} ${o.version ?? '—'} · ${t('f.updated_at')} ${formatTs(o.updated_at)}`));
}

// ---- new order / amend --------------------------------------------------------------------

/** The line editor: rows of product + quantity, with the case check and the amount as typed. */
/** Picks a select's value from a type-ahead above it (issue #17), adding the option if absent. */
function pickInto(sel, value, label) {
  if (![...sel.options].some((o) => o.value === value)) sel.appendChild(h('option', { value }, label));
  sel.value = value;
  sel.dispatchEvent(new Event('change', { bubbles: true }));
}

function skuPicker(skuSel, i) {
  return typeahead({
    endpoint: '/products', id: `sku-ta-${i}`, placeholder: t('ta.sku'), label: t('ta.sku'),
    option: (p) => ({ value: p.sku, label: `${p.sku} ${p.name || ''}` }),
    onPick: (v, p) => pickInto(skuSel, v, `${p.sku} ${p.name || ''}`),
  });
}

/** A customer as the order form names it: code, name, and a status or prepay-only note. */
function customerLabel(c) {
  return `${c.code} ${c.name || ''}${c.status && c.status !== 'active' ? ` · ${tEnum('status', c.status)}` : ''}${c.prepay_only ? ` · ${t('credit.prepay_only')}` : ''}`;
}

/** The order form's customer: only the type-ahead (the server searches, ten at a time), so a
    KAM with thousands of customers does not load them all; typing again clears the pick. */
function customerPicker(set, preset) {
  return typeahead({
    endpoint: '/customers', id: 'customer-ta', placeholder: t('ta.customer'), label: t('f.customer'),
    value: preset ? customerLabel(preset) : '',
    option: (c) => ({ value: c.code, label: customerLabel(c) }),
    onPick: (v) => set(v),
    onEdit: () => set(''),
  });
}

function lineEditor(products, initial) {
  const goods = products.filter((p) => p.active !== false);
  const bySku = Object.fromEntries(products.map((p) => [p.sku, p]));
  const body = h('tbody');
  const total = h('td', { class: 'num money', id: 'lines-total' }, '—');
  const rows = [];
  function recalc() {
    let sum = 0n;
    let any = false;
    for (const r of rows) {
      const p = bySku[r.sku.value];
      const q = /^\d+$/.test(r.qty.value.trim()) ? BigInt(r.qty.value.trim()) : null;
      const price = p ? toBigFen(p.price_fen) : null;
      mount(r.amount, p && q !== null && price !== null ? formatFen(price * q) : '—');
      if (p && q !== null && price !== null) { sum += price * q; any = true; }
      let hint = '';
      r.hint.className = 'field-hint';
      if (p && q !== null && q > 0n) {
        const cs = BigInt(p.case_size || 1);
        if (q % cs !== 0n) {
          hint = t('ord.not_whole_cases', { cs: p.case_size, unit: p.unit || '', cases: (q / cs).toString(), loose: (q % cs).toString() });
          r.hint.className = 'field-hint warn-text whole-cases-warning';
        } else {
          hint = t('ord.cases', { n: (q / cs).toString(), cs: p.case_size, unit: p.unit || '' });
        }
      } else if (p) {
        hint = t('ord.case_size', { cs: p.case_size, unit: p.unit || '' });
      }
      r.hint.textContent = hint;
    }
    mount(total, any ? formatFen(sum) : '—');
  }
  function addRow(sku = '', qty = '') {
    const i = rows.length;
    const skuSel = h('select', { name: `sku-${i}`, class: 'line-sku', 'aria-label': t('f.sku') },
      h('option', { value: '' }, t('ord.pick_product')),
      goods.map((p) => h('option', { value: p.sku }, `${p.sku} ${p.name} ${p.spec || ''}`)));
    skuSel.value = sku;
    const qtyIn = h('input', { type: 'text', inputmode: 'numeric', name: `qty-${i}`, class: 'line-qty', value: String(qty), placeholder: '0', 'aria-label': t('ord.qty'), autocomplete: 'off' });
    const hint = h('div', { class: 'field-hint' });
    const err = h('div', { class: 'field-error line-error' });
    const amount = h('td', { class: 'num money' }, '—');
    const price = h('td', { class: 'num money' }, '—');
    const rm = h('button', { class: 'btn btn-small btn-ghost line-remove', type: 'button', title: t('ord.remove_line') }, '✕');
    const tr = h('tr', { class: 'line-row' },
      h('td', { class: 'line-no num' }, String(i + 1)),
      h('td', { class: 'line-sku-cell' }, skuPicker(skuSel, i), skuSel, err),
      h('td', null, qtyIn, hint),
      price, amount, h('td', null, rm));
    const row = { tr, sku: skuSel, qty: qtyIn, hint, err, amount, price };
    const showPrice = () => { const p = bySku[skuSel.value]; mount(price, p ? formatFen(p.price_fen) : '—'); };
    skuSel.addEventListener('change', () => { showPrice(); recalc(); });
    qtyIn.addEventListener('input', recalc);
    rm.addEventListener('click', () => {
      if (rows.length === 1) { skuSel.value = ''; qtyIn.value = ''; showPrice(); recalc(); return; }
      rows.splice(rows.indexOf(row), 1);
      tr.remove();
      rows.forEach((r, k) => { r.tr.querySelector('.line-no').textContent = String(k + 1); });
      recalc();
    });
    rows.push(row);
    body.appendChild(tr);
    showPrice();
    recalc();
  }
  (initial && initial.length ? initial : [{ sku: '', qty: '' }]).forEach((l) => addRow(l.sku, l.qty));
  const el = h('div', { class: 'line-editor', id: 'line-editor' },
    h('div', { class: 'table-wrap' }, h('table', { class: 'data lines-edit' },
      h('thead', null, h('tr', null, h('th', { class: 'num' }, '#'), h('th', null, t('wh.filter.sku')), h('th', null, t('ord.qty')), h('th', { class: 'num' }, t('f.price_fen')), h('th', { class: 'num' }, t('ord.amount')), h('th'))),
      body,
      h('tfoot', null, h('tr', null, h('th', { colspan: 4, class: 'num' }, t('ord.total')), total, h('td'))))),
    h('button', { class: 'btn btn-small', type: 'button', id: 'add-line', onclick: () => addRow() }, `+ ${t('ord.add_line')}`));
  return {
    el,
    clearErrors() { rows.forEach((r) => { r.err.textContent = ''; r.sku.classList.remove('invalid'); r.qty.classList.remove('invalid'); }); },
    mark(i, field, msg) {
      const r = rows[i];
      if (!r) return false;
      r.err.textContent = msg;
      (field === 'qty' ? r.qty : r.sku).classList.add('invalid');
      return true;
    },
    /** [{sku, qty}] or throws after marking the rows. */
    collect() {
      const out = [];
      let bad = false;
      rows.forEach((r, i) => {
        const sku = r.sku.value;
        const raw = r.qty.value.trim();
        if (!sku && !raw && rows.length > 1) return;
        if (!sku) { this.mark(i, 'sku', t('ord.pick_product')); bad = true; return; }
        if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) { this.mark(i, 'qty', t('ord.qty_positive')); bad = true; return; }
        out.push({ sku, qty: Number(raw) });
      });
      if (bad) throw new Error(t('common.fix_fields'));
      if (!out.length) { this.mark(0, 'sku', t('ord.pick_product')); throw new Error(t('ord.no_lines')); }
      return out;
    },
    /** Marks the line an API error names (details.field "lines[2].qty" or details.line 3). */
    markApiError(err) {
      const m = /^lines\[(\d+)\](?:\.(\w+))?/.exec(err.field || '');
      const i = m ? Number(m[1]) : err.details && err.details.line ? Number(err.details.line) - 1 : null;
      if (i === null) return false;
      return this.mark(i, m && m[2] === 'qty' ? 'qty' : err.rule === 'negative_qty' || err.rule === 'whole_cases' ? 'qty' : 'sku', ruleMessage(err));
    },
  };
}

export async function orderNewPage(ctx) {
  const code = ctx.query.customer || '';
  const [preset, products] = await Promise.all([code ? api.get(`/customers/${enc(code)}`).catch(() => null) : null, ref.products()]);
  const editor = lineEditor(products.filter((p) => p.active !== false), []);
  const f = form({
    idPrefix: 'ord',
    fields: [
      {
        name: 'customer', label: t('f.customer'), type: 'picker', required: true, value: preset ? preset.code : '', wide: true,
        picker: (set) => customerPicker(set, preset),
      },
      { name: 'requested_date', label: t('f.requested_date'), placeholder: 'YYYY-MM-DD', hint: t('ord.date_hint') },
      { name: 'note', label: t('ord.note'), type: 'textarea', wide: true },
    ],
    submitLabel: t('ord.create'),
    onCancel: () => ctx.navigate('/orders'),
    submit: async (body, key) => {
      editor.clearErrors();
      body.lines = editor.collect();
      let o;
      try {
        o = await api.post('/orders', body, { headers: { 'Idempotency-Key': key } });
      } catch (err) {
        if (err instanceof ApiError) editor.markApiError(err);
        throw err;
      }
      toast(t('common.created', { what: o.number }));
      if ((o.warnings || []).some((w) => w.rule === 'whole_cases')) toast(t('ord.whole_cases_toast'), 'warn');
      ctx.navigate(`/orders/${enc(o.number)}`);
    },
  });
  f.el.querySelector('.form-actions').before(h('div', { class: 'form-section' }, h('h3', { class: 'sub-title' }, t('ord.lines')), editor.el));
  return h('div', { class: 'page-order-new' }, pageHeader(t('ord.new')), h('section', { class: 'card' }, f.el));
}

export async function orderAmendPage(ctx) {
  const number = ctx.params.number;
  const [o, products] = await Promise.all([api.get(`/orders/${enc(number)}`), ref.products()]);
  const editor = lineEditor(products, (o.lines || []).map((l) => ({ sku: l.sku, qty: l.qty })));
  const f = form({
    idPrefix: 'amend',
    fields: [{ name: 'comment', label: t('doc.comment'), type: 'textarea', wide: true }],
    submitLabel: tEnum('order.act', 'amend'),
    onCancel: () => ctx.navigate(`/orders/${enc(number)}`),
    submit: async (body) => {
      editor.clearErrors();
      const req = { lines: editor.collect() };
      if (body.comment && body.comment.trim()) req.comment = body.comment.trim();
      try {
        await api.post(`/orders/${enc(number)}/amend`, req, { headers: { 'If-Match': String(o.version) } });
      } catch (err) {
        if (err instanceof ApiError) editor.markApiError(err);
        throw err;
      }
      toast(t('doc.done', { what: tEnum('order.act', 'amend') }));
      ctx.navigate(`/orders/${enc(number)}`);
    },
  });
  f.el.querySelector('.form-actions').before(h('div', { class: 'form-section' }, h('h3', { class: 'sub-title' }, t('ord.lines')), editor.el));
  return h('div', { class: 'page-order-amend' },
    pageHeader(`${tEnum('order.act', 'amend')} · ${o.number}`),
    qcCard(o.qc),
    h('section', { class: 'card' }, f.el));
}
