// billing.js — 发票与收款 (BC): invoices (list and one invoice with its settlements), receipts
// (list and finance's 登记收款 form: an amount typed in yuan, sent as exact integer fen), the
// customer's statement of account (on the customer page, with PDF / XLSX) and the aging table
// (api.md §3.5, docs/billing.md).

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import {
  h, mount, card, pageHeader, fieldGrid, select, filterBar, pagedList, table, form, badge, toast,
  fileButton, loadInto,
} from '../lib/ui.js';
import { formatFen, formatTs, formatQty, formatBp, toBigFen, parseYuan, fenToJson } from '../lib/fmt.js';
import { ref } from '../lib/ref.js';
import { stateBadge, stateOptions } from '../lib/doc.js';
import { customerFilter } from '../lib/typeahead.js';
import { customerNames } from '../lib/names.js';

const enc = encodeURIComponent;
const money = (v) => h('span', { class: 'money' }, formatFen(v));
const METHODS = ['bank_transfer', 'cash', 'cheque', 'acceptance_bill', 'bank_draft', 'offset'];

/** Today in Asia/Shanghai as YYYY-MM-DD. */
export function todayCN(now = Date.now()) {
  const d = new Date(now + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

async function customerList() {
  try {
    return await api.all('/customers');
  } catch {
    return [];
  }
}

// ---- invoices -----------------------------------------------------------------------------

export async function invoicesPage(ctx) {
  const q = ctx.query;
  let filters = { state: q.state || '', customer: q.customer || '', order: q.order || '' };
  let bar = null;
  const cust = await customerFilter(filters.customer, () => bar.requestSubmit());
  let names = {};
  const list = pagedList({
    load: async (cursor) => {
      const page = await api.get('/invoices', { ...filters, limit: 20, cursor });
      names = { ...names, ...await customerNames((page.items || []).map((i) => i.customer)) };
      return page;
    },
    columns: [
      { key: 'number', label: t('f.number'), render: (i) => h('a', { href: `/invoices/${enc(i.number)}`, class: 'mono' }, i.number) },
      { key: 'customer', label: t('f.customer'), cls: 'wrap', render: (i) => [h('span', { class: 'mono' }, i.customer), ' ', names[i.customer] || ''] },
      { key: 'order', label: t('ship.order'), render: (i) => (i.order ? h('a', { href: `/orders/${enc(i.order)}`, class: 'mono' }, i.order) : '—') },
      { key: 'invoice_date', label: t('inv.invoice_date'), cls: 'nowrap' },
      { key: 'due_date', label: t('inv.due_date'), cls: 'nowrap' },
      { key: 'amount_fen', label: t('inv.amount'), align: 'right', render: (i) => money(i.amount_fen) },
      { key: 'open_fen', label: t('inv.open'), align: 'right', render: (i) => h('strong', { class: 'money inv-open' }, formatFen(i.open_fen)) },
      { key: 'state', label: t('f.state'), render: (i) => stateBadge('inv', i.state) },
    ],
    rowHref: (i) => `/invoices/${enc(i.number)}`,
    rowKey: (i) => i.number,
  });
  bar = filterBar([
    { label: t('f.state'), control: select('state', stateOptions('inv'), filters.state, { label: t('f.state') }) },
    { label: t('f.customer'), ...cust },
  ], (v) => {
    filters = { state: v.state || '', customer: v.customer || '', order: '' };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-invoices' },
    pageHeader(t('inv.title'), ctx.can('payment.create') ? h('a', { class: 'btn btn-primary', href: `/payments/new${filters.customer ? `?customer=${enc(filters.customer)}` : ''}`, id: 'new-payment' }, `+ ${t('pay.new')}`) : null),
    h('section', { class: 'card' }, bar, list.el));
}

export async function invoiceDetailPage(ctx) {
  const inv = await api.get(`/invoices/${enc(ctx.params.number)}`);
  let cname = '';
  try {
    cname = (await api.get(`/customers/${enc(inv.customer)}`)).name;
  } catch { /* name only */ }
  const header = h('div', { class: 'page-header detail-header' },
    h('div', null,
      h('a', { href: '/invoices', class: 'back' }, `‹ ${t('inv.title')}`),
      h('h1', { class: 'mono', id: 'invoice-number' }, inv.number),
      h('div', { class: 'detail-sub' }, stateBadge('inv', inv.state, 'invoice-state'),
        h('a', { href: `/customers/${enc(inv.customer)}` }, cname ? `${cname} (${inv.customer})` : inv.customer))),
    h('div', { class: 'page-actions' }, ctx.can('payment.create') && ['open', 'partial'].includes(inv.state)
      ? h('a', { class: 'btn btn-primary', href: `/payments/new?customer=${enc(inv.customer)}&invoice=${enc(inv.number)}`, id: 'pay-invoice' }, `+ ${t('pay.new')}`) : null));
  const amounts = h('div', { class: 'stats' },
    [['amount_fen', 'inv.amount'], ['settled_fen', 'inv.settled'], ['credited_fen', 'inv.credited'], ['open_fen', 'inv.open']].map(([k, l]) =>
      h('div', { class: `stat${k === 'open_fen' ? ' stat-key' : ''}${k === 'open_fen' && toBigFen(inv[k]) > 0n ? ' stat-warn' : ''}`, dataset: { amount: k } },
        h('div', { class: 'stat-label' }, t(l)), h('div', { class: 'stat-value money' }, formatFen(inv[k])))));
  const info = fieldGrid([
    [t('ship.order'), inv.order ? h('a', { href: `/orders/${enc(inv.order)}`, class: 'mono' }, inv.order) : null],
    [t('inv.shipment'), inv.shipment ? h('a', { href: `/shipments/${enc(inv.shipment)}`, class: 'mono' }, inv.shipment) : null],
    [t('inv.invoice_date'), inv.invoice_date], [t('inv.due_date'), inv.due_date],
    [t('inv.tax'), money(inv.tax_fen)], [t('inv.written_off'), money(inv.written_off_fen)],
  ]);
  const lines = table({
    columns: [
      { key: 'line_no', label: '#', align: 'right' },
      { key: 'sku', label: t('f.sku'), cls: 'mono' },
      { key: 'qty', label: t('ord.qty'), align: 'right', render: (l) => formatQty(l.qty) },
      { key: 'price_fen', label: t('f.price_fen'), align: 'right', render: (l) => money(l.price_fen) },
      { key: 'amount_fen', label: t('ord.amount'), align: 'right', render: (l) => money(l.amount_fen) },
      { key: 'tax_rate_bp', label: t('f.tax_rate_bp'), align: 'right', render: (l) => formatBp(l.tax_rate_bp) },
      { key: 'tax_fen', label: t('inv.tax'), align: 'right', render: (l) => money(l.tax_fen) },
    ],
    rows: inv.lines || [],
  });
  const allocs = table({
    columns: [
      { key: 'settle_date', label: t('inv.settle_date'), cls: 'nowrap' },
      { key: 'source_kind', label: t('inv.source_kind'), render: (a) => tEnum('ledger.kind', a.source_kind) },
      { key: 'source', label: t('f.document'), cls: 'mono' },
      { key: 'amount_fen', label: t('inv.amount'), align: 'right', render: (a) => money(a.amount_fen) },
      { key: 'reversed_by', label: t('inv.reversed_by'), render: (a) => (a.reversed_by ? badge(a.reversed_by, 'muted') : '—') },
    ],
    rows: inv.allocations || [],
    emptyText: t('inv.no_allocations'),
  });
  return h('div', { class: 'page-invoice', dataset: { number: inv.number, state: inv.state } },
    header,
    card(null, amounts),
    h('div', { class: 'cards-2' }, card(t('inv.info'), info), card(t('inv.allocations'), allocs)),
    card(t('inv.lines'), lines),
    (inv.credit_notes || []).length ? card(t('inv.credit_notes'), h('ul', null, inv.credit_notes.map((c) => h('li', { class: 'mono' }, typeof c === 'string' ? c : `${c.number || ''} ${formatFen(c.amount_fen)}`)))) : null,
    h('div', { class: 'meta-line' }, `${t('f.version')} ${inv.version ?? '—'} · ${t('f.updated_at')} ${formatTs(inv.updated_at)}`));
}

// ---- receipts -----------------------------------------------------------------------------

export async function paymentsPage(ctx) {
  let filters = { customer: ctx.query.customer || '', kind: ctx.query.kind || '' };
  let bar = null;
  const cust = await customerFilter(filters.customer, () => bar.requestSubmit());
  let names = {};
  const list = pagedList({
    load: async (cursor) => {
      const page = await api.get('/payments', { ...filters, limit: 20, cursor });
      names = { ...names, ...await customerNames((page.items || []).map((p) => p.customer)) };
      return page;
    },
    columns: [
      { key: 'number', label: t('f.number'), render: (p) => h('a', { href: `/payments/${enc(p.number)}`, class: 'mono' }, p.number) },
      { key: 'customer', label: t('f.customer'), cls: 'wrap', render: (p) => [h('span', { class: 'mono' }, p.customer), ' ', names[p.customer] || ''] },
      { key: 'received_on', label: t('pay.received_on'), cls: 'nowrap' },
      { key: 'kind', label: t('pay.kind'), render: (p) => tEnum('pay.kind', p.kind) },
      { key: 'method', label: t('pay.method'), render: (p) => tEnum('pay.method', p.method) },
      { key: 'reference', label: t('pay.reference'), cls: 'mono' },
      { key: 'amount_fen', label: t('inv.amount'), align: 'right', render: (p) => money(p.amount_fen) },
      { key: 'unapplied_fen', label: t('pay.unapplied'), align: 'right', render: (p) => money(p.unapplied_fen) },
      { key: 'allocations', label: t('inv.allocations'), cls: 'wrap', render: (p) => (p.allocations || []).filter((a) => !a.reversed_by).map((a) => h('div', { class: 'nowrap' }, h('a', { href: `/invoices/${enc(a.invoice)}`, class: 'mono' }, a.invoice), ' ', formatFen(a.amount_fen))) },
      { key: 'state', label: t('f.state'), render: (p) => tEnum('pay.state', p.state) },
    ],
    rowHref: (p) => `/payments/${enc(p.number)}`,
    rowKey: (p) => p.number,
  });
  bar = filterBar([
    { label: t('f.customer'), ...cust },
    { label: t('pay.kind'), control: select('kind', ['payment', 'expense'].map((k) => ({ value: k, label: tEnum('pay.kind', k) })), filters.kind, { label: t('pay.kind') }) },
  ], (v) => {
    filters = { customer: v.customer || '', kind: v.kind || '' };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-payments' },
    pageHeader(t('pay.title'), ctx.can('payment.create') ? h('a', { class: 'btn btn-primary', href: '/payments/new', id: 'new-payment' }, `+ ${t('pay.new')}`) : null),
    h('section', { class: 'card' }, bar, list.el));
}

export async function paymentNewPage(ctx) {
  const customers = await customerList();
  const preset = ctx.query.customer || '';
  // Issue #17: paying from an invoice allocates to that invoice (apply_to); finance may split
  // the receipt over several open invoices. What is left goes oldest first, then to 预收.
  const fromInvoice = ctx.query.invoice || '';
  const allocInputs = new Map(); // invoice number → its 分配 input
  const openBox = h('div', { class: 'open-invoices', id: 'open-invoices' });
  async function showOpen(code) {
    allocInputs.clear();
    if (!code) { mount(openBox, h('div', { class: 'empty-line' }, t('pay.pick_customer'))); return; }
    await loadInto(openBox, async () => {
      const { items } = await api.get('/invoices', { customer: code, state: 'open,partial', limit: 100 });
      const rows = [...items].sort((x, y) => (x.due_date < y.due_date ? -1 : x.due_date > y.due_date ? 1 : 0));
      const sum = rows.reduce((s, r) => s + (toBigFen(r.open_fen) ?? 0n), 0n);
      const allocInput = (i) => {
        const input = h('input', {
          type: 'text', inputmode: 'decimal', class: 'alloc-input', name: `alloc-${i.number}`,
          dataset: { invoice: i.number }, 'aria-label': `${t('pay.allocate')} ${i.number}`,
          placeholder: '0.00',
          value: i.number === fromInvoice ? formatFen(i.open_fen, { symbol: false }).replace(/,/g, '') : '',
        });
        allocInputs.set(i.number, input);
        return input;
      };
      return h('div', null,
        h('h3', { class: 'sub-title' }, t('pay.open_invoices'), ' · ', h('span', { class: 'money', id: 'open-total' }, formatFen(sum))),
        table({
          columns: [
            { key: 'number', label: t('f.number'), render: (i) => h('a', { href: `/invoices/${enc(i.number)}`, class: 'mono', target: '_blank' }, i.number) },
            { key: 'due_date', label: t('inv.due_date'), cls: 'nowrap' },
            { key: 'amount_fen', label: t('inv.amount'), align: 'right', render: (i) => money(i.amount_fen) },
            { key: 'open_fen', label: t('inv.open'), align: 'right', render: (i) => money(i.open_fen) },
            { key: 'state', label: t('f.state'), render: (i) => stateBadge('inv', i.state) },
            { key: 'alloc', label: t('pay.allocate'), align: 'right', render: allocInput },
          ],
          rows,
          rowKey: (i) => i.number,
          emptyText: t('pay.no_open'),
        }),
        h('div', { class: 'field-hint' }, t('pay.apply_hint')));
    });
  }
  /** The typed allocations as apply_to lines; throws with a message on a bad amount. */
  function applyTo() {
    const lines = [];
    for (const [invoice, input] of allocInputs) {
      const raw = input.value.trim();
      if (!raw) continue;
      const fen = parseYuan(raw);
      const n = fen === null ? null : fenToJson(fen);
      if (n === null || n < 0) throw new Error(`${invoice}: ${t('err.field.money')}`);
      if (n > 0) lines.push({ invoice, amount_fen: n });
    }
    return lines;
  }
  let presetAmount;
  if (fromInvoice) {
    try {
      const inv = await api.get(`/invoices/${enc(fromInvoice)}`);
      presetAmount = formatFen(inv.open_fen, { symbol: false }).replace(/,/g, '');
    } catch { /* the form still works without it */ }
  }
  const f = form({
    idPrefix: 'pay',
    keyField: 'reference',
    fields: [
      {
        name: 'customer', label: t('f.customer'), type: 'select', required: true, value: preset || undefined, wide: true,
        options: customers.map((c) => ({ value: c.code, label: `${c.code} ${c.name}${c.prepay_only ? ` · ${t('credit.prepay_only')}` : ''}` })),
        onchange: (input) => showOpen(input.value),
      },
      { name: 'amount_fen', label: t('pay.amount'), type: 'money', required: true, placeholder: '10000.00', hint: t('prod.price_hint'), value: presetAmount },
      { name: 'method', label: t('pay.method'), type: 'select', required: true, value: 'bank_transfer', options: METHODS.map((m) => ({ value: m, label: tEnum('pay.method', m) })) },
      { name: 'reference', label: t('pay.reference'), required: true, placeholder: t('pay.reference_ph') },
      { name: 'received_on', label: t('pay.received_on'), required: true, value: todayCN(), placeholder: 'YYYY-MM-DD' },
      { name: 'kind', label: t('pay.kind'), type: 'select', required: true, value: 'payment', options: ['payment', 'expense'].map((k) => ({ value: k, label: tEnum('pay.kind', k) })) },
      { name: 'note', label: t('pay.note'), type: 'textarea', wide: true },
    ],
    submitLabel: t('pay.submit'),
    onCancel: () => ctx.navigate('/invoices'),
    submit: async (body, key) => {
      const lines = applyTo();
      if (lines.length) body.apply_to = lines;
      const p = await api.post('/payments', body, { headers: { 'Idempotency-Key': key } });
      const applied = (p.allocations || []).reduce((s, a) => s + (toBigFen(a.amount_fen) ?? 0n), 0n);
      toast(t('pay.done', { number: p.number, applied: formatFen(applied), rest: formatFen(p.unapplied_fen) }));
      ctx.navigate(fromInvoice ? `/invoices/${enc(fromInvoice)}` : `/invoices?customer=${enc(p.customer)}`);
    },
  });
  showOpen(preset);
  return h('div', { class: 'page-payment-new' },
    pageHeader(t('pay.new')),
    h('div', { class: 'cards-2 cards-form' }, h('section', { class: 'card' }, f.el), h('section', { class: 'card' }, h('div', { class: 'card-body' }, openBox))));
}

// ---- statement on the customer page -------------------------------------------------------

const firstOfYear = () => `${todayCN().slice(0, 4)}-01-01`;

/** The 往来账 card of the customer page: the statement for a period, PDF and XLSX. */
export function statementCard(code) {
  let from = firstOfYear();
  let to = todayCN();
  const box = h('div', { id: 'statement' });
  const fromIn = h('input', { type: 'date', name: 'from', value: from, id: 'stmt-from' });
  const toIn = h('input', { type: 'date', name: 'to', value: to, id: 'stmt-to' });
  const path = `/customers/${enc(code)}/statement`;
  function load() {
    from = fromIn.value;
    to = toIn.value;
    return loadInto(box, async () => {
      const s = await api.get(path, { from, to, format: 'json' });
      const rows = s.items || [];
      const tbl = table({
        columns: [
          { key: 'date', label: t('stmt.date'), cls: 'nowrap' },
          { key: 'kind', label: t('stmt.kind'), render: (r) => tEnum('ledger.kind', r.kind) },
          { key: 'document', label: t('f.document'), render: (r) => docLink(r.kind, r.document) },
          { key: 'order', label: t('ship.order'), render: (r) => (r.order ? h('a', { href: `/orders/${enc(r.order)}`, class: 'mono' }, r.order) : '—') },
          { key: 'debit_fen', label: t('stmt.debit'), align: 'right', render: (r) => (toBigFen(r.debit_fen) ? money(r.debit_fen) : '') },
          { key: 'credit_fen', label: t('stmt.credit'), align: 'right', render: (r) => (toBigFen(r.credit_fen) ? money(r.credit_fen) : '') },
          { key: 'balance_fen', label: t('stmt.balance'), align: 'right', render: (r) => money(r.balance_fen) },
        ],
        rows,
        rowKey: (r) => r.seq,
        emptyText: t('stmt.no_entries'),
      });
      const tb = tbl.querySelector('table');
      if (tb) {
        tb.querySelector('thead').after(h('tbody', { class: 'stmt-opening' }, h('tr', null,
          h('th', { colspan: 6, scope: 'row' }, t('stmt.opening', { date: s.from })), h('td', { class: 'num' }, money(s.opening_fen)))));
        tb.appendChild(h('tfoot', null,
          h('tr', null, h('th', { colspan: 4, scope: 'row' }, t('stmt.totals')), h('td', { class: 'num' }, money(s.debits_fen)), h('td', { class: 'num' }, money(s.credits_fen)), h('td')),
          h('tr', null, h('th', { colspan: 6, scope: 'row' }, t('stmt.closing', { date: s.to })), h('td', { class: 'num', id: 'stmt-closing' }, money(s.closing_fen)))));
      }
      return h('div', null,
        h('div', { class: 'stmt-sum' },
          h('span', null, t('stmt.opening_short'), ' ', money(s.opening_fen)),
          h('span', null, t('stmt.cash'), ' ', money(s.cash_fen)),
          h('span', null, t('stmt.expense'), ' ', money(s.expense_fen)),
          h('span', null, h('strong', null, t('stmt.closing_short'), ' ', money(s.closing_fen)))),
        tbl);
    });
  }
  const bar = h('form', { class: 'filters', role: 'search', onsubmit: (ev) => { ev.preventDefault(); load(); } },
    h('label', { class: 'filter', for: 'stmt-from' }, h('span', { class: 'filter-label' }, t('ord.filter.from')), fromIn),
    h('label', { class: 'filter', for: 'stmt-to' }, h('span', { class: 'filter-label' }, t('ord.filter.to')), toIn),
    h('div', { class: 'filter-buttons' }, h('button', { class: 'btn btn-primary btn-small', type: 'submit' }, t('common.search')),
      periodFile(t('stmt.pdf'), path, 'pdf', fromIn, toIn, 'stmt-pdf'),
      periodFile(t('stmt.xlsx'), path, 'xlsx', fromIn, toIn, 'stmt-xlsx', `对账单-${code}.xlsx`),
      h('a', { class: 'btn btn-small', href: `/invoices?customer=${enc(code)}` }, t('inv.title'))));
  load();
  return h('section', { class: 'card', id: 'statement-card' },
    h('h2', { class: 'card-title' }, t('stmt.title')), bar, h('div', { class: 'card-body' }, box));
}

/** A file button whose period comes from two date inputs at the moment it is pressed. */
function periodFile(label, path, format, fromIn, toIn, id, download) {
  const wrap = h('span', { class: 'file-btn' });
  const make = () => fileButton(label, path, { id, download, query: { from: fromIn.value, to: toIn.value, format } });
  let btn = make();
  wrap.appendChild(btn);
  const refresh = () => { const n = make(); btn.replaceWith(n); btn = n; };
  fromIn.addEventListener('change', refresh);
  toIn.addEventListener('change', refresh);
  return wrap;
}

function docLink(kind, number) {
  if (!number) return '—';
  if (kind === 'invoice') return h('a', { href: `/invoices/${enc(number)}`, class: 'mono' }, number);
  return h('span', { class: 'mono' }, number);
}

// ---- aging --------------------------------------------------------------------------------

const BUCKETS = ['current_fen', 'd1_30_fen', 'd31_60_fen', 'd61_90_fen', 'd90_plus_fen', 'total_fen'];

export async function agingPage(ctx) {
  const [markets, regions] = await Promise.all([ref.markets().catch(() => []), ref.regions().catch(() => [])]);
  let filters = { as_of: ctx.query.as_of || todayCN(), market: ctx.query.market || '', region: ctx.query.region || '' };
  const box = h('div');
  async function load() {
    const res = await api.get('/receivables/aging', filters);
    const rows = res.items || [];
    const names = await customerNames(rows.map((r) => r.customer));
    const tbl = table({
      columns: [
        { key: 'customer', label: t('f.customer'), cls: 'wrap', render: (r) => h('a', { href: `/customers/${enc(r.customer)}` }, h('span', { class: 'mono' }, r.customer), ' ', names[r.customer] || '') },
        ...BUCKETS.map((b) => ({ key: b, label: t(`aging.${b}`), align: 'right', render: (r) => {
          const v = toBigFen(r[b]);
          return h(b === 'total_fen' ? 'strong' : 'span', { class: `money${b !== 'current_fen' && b !== 'total_fen' && v > 0n ? ' neg' : ''}` }, v ? formatFen(v) : '—');
        } })),
      ],
      rows,
      rowKey: (r) => r.customer,
      emptyText: t('aging.none'),
    });
    const tb = tbl.querySelector('table');
    if (tb && res.totals) {
      tb.appendChild(h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, `${t('wh.total')} · ${t('common.rows', { n: rows.length })}`),
        BUCKETS.map((b) => h('td', { class: 'num', dataset: { total: b } }, formatFen(res.totals[b]))))));
    }
    return h('div', null, h('div', { class: 'meta-line pad' }, t('aging.as_of', { date: res.as_of })), tbl);
  }
  const regionSel = select('region', regions.map((r) => ({ value: r.code, label: `${r.name} ${r.code}` })), filters.region, { label: t('f.region') });
  const bar = filterBar([
    { label: t('aging.as_of_label'), control: h('input', { type: 'date', name: 'as_of', value: filters.as_of }) },
    { label: t('f.market'), control: select('market', markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })), filters.market, { label: t('f.market') }) },
    { label: t('f.region'), control: regionSel },
  ], (v) => {
    filters = { as_of: v.as_of || '', market: v.market || '', region: v.region || '' };
    ctx.setQuery(filters);
    loadInto(box, load);
  });
  loadInto(box, load);
  return h('div', { class: 'page-aging' }, pageHeader(t('aging.title')), h('section', { class: 'card' }, bar, box));
}
