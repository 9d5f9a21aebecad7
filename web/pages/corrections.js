// corrections.js — 更正 (api.md §5.5, docs/billing.md): one receipt with finance's reversal
// (冲回, with a reason) and re-allocation (重新核销) between the customer's invoices; the
// discrepancy card of the shipment page (签收后差错); the return / exchange form (退货/换货).
// Every button comes from the document's allowed_actions.

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import { h, card, fieldGrid, table, form, toast, badge, loadInto } from '../lib/ui.js';
import { formatFen, formatTs, formatQty, toBigFen, parseYuan, fenToJson } from '../lib/fmt.js';
import { person, personName } from '../lib/people.js';
import { actionCard } from '../lib/doc.js';

const enc = encodeURIComponent;
const money = (v) => h('span', { class: 'money' }, formatFen(v));
const yuan = (fen) => formatFen(fen, { symbol: false }).replace(/,/g, '');

/** A typed yuan amount as fen (a JSON-safe integer), null when empty; throws when bad. */
function fenOf(raw, what) {
  const s = String(raw ?? '').trim();
  if (!s) return null;
  const fen = parseYuan(s);
  const n = fen === null ? null : fenToJson(fen);
  if (n === null || n < 0) throw new Error(`${what}: ${t('err.field.money')}`);
  return n;
}

// ---- one receipt ---------------------------------------------------------------------------

export async function paymentDetailPage(ctx) {
  const number = ctx.params.number;
  const p = await api.get(`/payments/${enc(number)}`);
  const reload = () => ctx.navigate(`/payments/${enc(number)}`, { replace: true });
  const allowed = new Set(p.allowed_actions || []);
  const live = (p.allocations || []).filter((a) => !a.reversed_by);
  const header = h('div', { class: 'page-header detail-header' },
    h('div', null,
      h('a', { href: '/payments', class: 'back' }, `‹ ${t('pay.back')}`),
      h('h1', { class: 'mono', id: 'payment-number' }, p.number),
      h('div', { class: 'detail-sub' },
        h('span', { class: `badge badge-${p.state === 'reversed' ? 'muted' : 'ok'} state-badge`, id: 'payment-state', dataset: { state: p.state } }, tEnum('pay.state', p.state)),
        h('a', { href: `/customers/${enc(p.customer)}`, class: 'mono' }, p.customer))));
  const amounts = h('div', { class: 'stats' },
    [['amount_fen', 'pay.amount'], ['unapplied_fen', 'pay.unapplied']].map(([k, l]) =>
      h('div', { class: 'stat', dataset: { amount: k } },
        h('div', { class: 'stat-label' }, t(l)), h('div', { class: 'stat-value money', id: `payment-${k}` }, formatFen(p[k])))));
  const info = fieldGrid([
    [t('pay.received_on'), p.received_on],
    [t('pay.kind'), tEnum('pay.kind', p.kind)],
    [t('pay.method'), tEnum('pay.method', p.method)],
    [t('pay.reference'), p.reference ? h('span', { class: 'mono' }, p.reference) : null],
    [t('pay.note'), p.note],
    [t('f.created_at'), `${formatTs(p.created_at)} · ${personName(p.created_by)}`],
  ]);
  const reversed = p.state === 'reversed'
    ? h('div', { class: 'form-banner', id: 'payment-reversed' }, t('pay.reversed_info', { at: formatTs(p.reversed_at), by: p.reversed_by || '', reason: p.reversal_reason || '' }))
    : null;
  const allocs = table({
    columns: [
      { key: 'invoice', label: t('f.number'), render: (a) => h('a', { href: `/invoices/${enc(a.invoice)}`, class: 'mono' }, a.invoice) },
      { key: 'settle_date', label: t('inv.settle_date'), cls: 'nowrap' },
      { key: 'amount_fen', label: t('inv.amount'), align: 'right', render: (a) => money(a.amount_fen) },
      { key: 'reversed_by', label: t('inv.reversed_by'), render: (a) => (a.reversed_by ? badge(t('inv.reversed_by'), 'muted') : '—') },
    ],
    rows: p.allocations || [],
    emptyText: t('inv.no_allocations'),
  });

  // 冲回 with its reason
  const reverseCard = allowed.has('reverse') ? actionCard({
    title: t('pay.reverse'), base: `/payments/${enc(p.number)}`, version: p.version, idPrefix: 'rev',
    fields: [{ name: 'reason', label: t('pay.reverse_reason'), type: 'textarea', wide: true }],
    buttons: [{ action: 'reverse', id: 'pay-reverse', label: t('pay.reverse'), tone: 'danger', confirm: true, needs: ['reason'], body: (v) => ({ reason: v.reason }) }],
    onDone: reload,
  }) : null;

  // 重新核销: one amount per open invoice of the customer (and those this receipt settles now)
  let reallocCard = null;
  if (allowed.has('reallocate')) {
    const box = h('div', { id: 'realloc' });
    reallocCard = card(t('pay.reallocate'), box);
    loadInto(box, async () => {
      const { items } = await api.get('/invoices', { customer: p.customer, state: 'open,partial,paid', limit: 200 });
      const mine = {};
      for (const a of live) mine[a.invoice] = (mine[a.invoice] ?? 0n) + (toBigFen(a.amount_fen) ?? 0n);
      const rows = items.filter((i) => (toBigFen(i.open_fen) ?? 0n) > 0n || mine[i.number]);
      if (!rows.length) return h('div', { class: 'empty-line' }, t('pay.nothing_to_allocate'));
      const inputs = new Map();
      const tbl = table({
        columns: [
          { key: 'number', label: t('f.number'), render: (i) => h('a', { href: `/invoices/${enc(i.number)}`, class: 'mono' }, i.number) },
          { key: 'due_date', label: t('inv.due_date'), cls: 'nowrap' },
          { key: 'open_fen', label: t('inv.open'), align: 'right', render: (i) => money(i.open_fen) },
          { key: 'mine', label: t('pay.current_alloc'), align: 'right', render: (i) => (mine[i.number] ? money(mine[i.number].toString()) : '—') },
          {
            key: 'alloc', label: t('pay.allocate'), align: 'right', render: (i) => {
              const input = h('input', { type: 'text', inputmode: 'decimal', class: 'alloc-input', name: `realloc-${i.number}`, dataset: { invoice: i.number }, 'aria-label': `${t('pay.allocate')} ${i.number}`, placeholder: '0.00', value: mine[i.number] ? yuan(mine[i.number].toString()) : '' });
              inputs.set(i.number, input);
              return input;
            },
          },
        ],
        rows,
        rowKey: (i) => i.number,
      });
      const ac = actionCard({
        title: null, base: `/payments/${enc(p.number)}`, version: p.version, idPrefix: 'realloc',
        buttons: [{
          action: 'reallocate', id: 'pay-reallocate', label: t('pay.reallocate'), tone: 'primary',
          body: () => {
            const apply = [];
            for (const [invoice, input] of inputs) {
              const n = fenOf(input.value, invoice);
              if (n) apply.push({ invoice, amount_fen: n });
            }
            return { apply_to: apply };
          },
        }],
        onDone: reload,
      });
      return h('div', null, h('div', { class: 'field-hint' }, t('pay.reallocate_hint')), tbl, ac);
    });
  }

  return h('div', { class: 'page-payment', dataset: { number: p.number, state: p.state } },
    header,
    reversed,
    card(null, amounts),
    h('div', { class: 'cards-2' }, card(t('inv.info'), info), card(t('inv.allocations'), allocs)),
    reallocCard,
    reverseCard,
    h('div', { class: 'meta-line' }, `${t('f.version')} ${p.version ?? '—'}`));
}

// ---- the shipment page's discrepancy card --------------------------------------------------

const KINDS = ['short', 'excess', 'wrong_item', 'damaged'];

/** 签收后差错: the list, and (when allowed) the report form. null when there is nothing to show. */
export function discrepancyCard(s, reload) {
  const list = s.discrepancies || [];
  const may = (s.allowed_actions || []).includes('report-discrepancy');
  if (!list.length && !may) return null;
  const tbl = list.length ? table({
    columns: [
      { key: 'reported_at', label: t('f.at'), render: (d) => formatTs(d.reported_at), cls: 'nowrap' },
      { key: 'sku', label: t('f.sku'), cls: 'mono' },
      { key: 'kind', label: t('ship.disc_kind'), render: (d) => tEnum('ship.disc_kind', d.kind) },
      { key: 'qty', label: t('ship.disc_qty'), align: 'right', render: (d) => formatQty(d.qty) },
      { key: 'counts', label: t('ship.disc_counts'), render: (d) => badge(t(d.counts ? 'ship.disc_counts_yes' : 'ship.disc_counts_no'), d.counts ? 'bad' : 'muted') },
      { key: 'backorder', label: t('ship.backorder'), render: (d) => (d.backorder ? h('span', { class: 'mono' }, d.backorder) : '—') },
      { key: 'reported_by', label: t('f.actor'), render: (d) => person(d.reported_by) },
      { key: 'note', label: t('ship.disc_note'), cls: 'wrap' },
    ],
    rows: list,
  }) : h('div', { class: 'empty-line' }, t('ship.no_discrepancies'));
  const skus = (s.lines || []).map((l) => ({ value: l.sku, label: `${l.sku} ${l.name || ''}`.trim() }));
  const form = may ? actionCard({
    title: null, base: `/shipments/${enc(s.number)}`, version: s.version, idPrefix: 'disc',
    fields: [
      { name: 'sku', label: t('ship.disc_sku'), type: 'select', options: skus, value: skus[0]?.value },
      { name: 'kind', label: t('ship.disc_kind'), type: 'select', options: KINDS.map((k) => ({ value: k, label: tEnum('ship.disc_kind', k) })), value: 'short' },
      { name: 'qty', label: t('ship.disc_qty') },
      { name: 'backorder', label: t('ship.disc_backorder'), type: 'bool' },
      { name: 'note', label: t('ship.disc_note'), type: 'textarea', wide: true },
    ],
    buttons: [{
      action: 'report-discrepancy', id: 'ship-report-discrepancy', label: tEnum('ship.act', 'report-discrepancy'), tone: 'primary', needs: ['qty'],
      body: (v) => {
        if (!/^\d+$/.test(v.qty)) throw new Error(t('ship.qty_int', { sku: v.sku }));
        const line = { sku: v.sku, qty: Number(v.qty), kind: v.kind };
        if (v.backorder && v.kind === 'short') line.resolution = 'backorder';
        return { lines: [line], ...(v.note ? { note: v.note } : {}) };
      },
    }],
    onDone: reload,
  }) : null;
  return card(t('ship.discrepancies'), h('div', { id: 'ship-discrepancies' }, tbl), may ? h('div', { class: 'field-hint' }, t('ship.disc_hint')) : null, form);
}

// ---- the return / exchange form ------------------------------------------------------------

export async function returnNewPage(ctx) {
  const order = ctx.query.order || '';
  let lines = [];
  if (order) {
    try {
      lines = (await api.get(`/orders/${enc(order)}`)).lines || [];
    } catch { /* typed by hand then */ }
  }
  const hint = h('div', { class: 'field-hint', id: 'ret-exchange-hint', hidden: true }, t('ret.exchange_hint'));
  const f = form({
    idPrefix: 'ret',
    fields: [
      { name: 'order', label: t('ret.order'), required: true, value: order || undefined },
      {
        name: 'kind', label: t('ret.kind'), type: 'select', required: true, value: ctx.query.kind === 'exchange' ? 'exchange' : 'return',
        options: ['return', 'exchange'].map((k) => ({ value: k, label: t(`ret.kind.${k}`) })),
        onchange: (input) => { hint.hidden = input.value !== 'exchange'; },
      },
      { name: 'sku', label: t('ret.sku'), required: true, value: lines[0]?.sku, list: lines.map((l) => ({ value: l.sku, label: l.sku })) },
      { name: 'batch', label: t('ret.batch'), required: true },
      { name: 'qty', label: t('ret.qty'), type: 'int', required: true },
      { name: 'reason', label: t('ret.reason'), type: 'textarea', required: true, wide: true },
    ],
    submitLabel: t('ret.submit'),
    onCancel: () => ctx.navigate(order ? `/orders/${enc(order)}` : '/orders'),
    submit: async (v, key) => {
      const body = { order: v.order, kind: v.kind, lines: [{ sku: v.sku, batch: v.batch, qty: v.qty, reason: v.reason }] };
      const r = await api.post('/returns', body, { headers: { 'Idempotency-Key': key } });
      toast(t('ret.done', { kind: t(`ret.kind.${r.kind}`), number: r.number }));
      ctx.navigate(`/orders/${enc(r.order)}`);
    },
  });
  hint.hidden = ctx.query.kind !== 'exchange';
  return h('div', { class: 'page-return-new' },
    h('div', { class: 'page-header' }, h('h1', null, t('ret.new'))),
    h('section', { class: 'card' }, hint, f.el));
}

