// shipments.js — 发运 (SP): the list (state / order filters, cursor pages) and the shipment page
// (lines with reserved and picked batches, the count, tracking, proof of delivery, timeline)
// with the warehouse's actions (receive, pick, check, book, dispatch, track, deliver) and the
// delivery-note PDF (api.md §3.4). Shipments carry no prices.

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import { h, card, pageHeader, fieldGrid, select, filterBar, pagedList, table, fileButton } from '../lib/ui.js';
import { formatTs, formatQty } from '../lib/fmt.js';
import { personName } from '../lib/people.js';
import { stateBadge, stateOptions, timelineTable, actionCard } from '../lib/doc.js';

import { discrepancyCard } from './corrections.js';

const enc = encodeURIComponent;
const batches = (list) => (list || []).map((b) => h('div', { class: 'nowrap' }, h('span', { class: 'mono' }, b.batch), ` × ${formatQty(b.qty)}`));

export async function shipmentsPage(ctx) {
  const q = ctx.query;
  let filters = { state: q.state || '', order: q.order || '' };
  const list = pagedList({
    load: (cursor) => api.get('/shipments', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'number', label: t('f.number'), render: (s) => h('a', { href: `/shipments/${enc(s.number)}`, class: 'mono' }, s.number) },
      { key: 'order', label: t('ship.order'), cls: 'mono' },
      { key: 'customer', label: t('f.customer'), cls: 'wrap', render: (s) => [h('span', { class: 'mono' }, s.customer), ' ', s.customer_name || ''] },
      { key: 'warehouse', label: t('f.warehouse'), cls: 'mono' },
      { key: 'state', label: t('f.state'), render: (s) => stateBadge('ship', s.state) },
      { key: 'released_at', label: t('ship.released_at'), render: (s) => formatTs(s.released_at), cls: 'nowrap' },
      { key: 'dispatched_at', label: t('ship.dispatched_at'), render: (s) => (s.dispatched_at ? formatTs(s.dispatched_at) : '—'), cls: 'nowrap' },
      { key: 'waybill', label: t('ship.waybill'), cls: 'mono' },
    ],
    rowHref: (s) => `/shipments/${enc(s.number)}`,
    rowKey: (s) => s.number,
  });
  const bar = filterBar([
    { label: t('f.state'), control: select('state', stateOptions('ship'), filters.state, { label: t('f.state') }) },
    { label: t('ship.order'), control: h('input', { type: 'text', name: 'order', value: filters.order, placeholder: 'SC…DD…' }) },
  ], (v) => {
    filters = { state: v.state || '', order: v.order || '' };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-shipments' }, pageHeader(t('ship.title')), h('section', { class: 'card' }, bar, list.el));
}

/** The forms this page has, in the order a shipment moves through them. */
const FORMS = ['receive', 'pick', 'check', 'book', 'dispatch', 'track', 'deliver'];

/** The caller's actions on the shipment now: the server's allowed_actions (role, scope,
    state) that this page has a form for (pick and check take per-line inputs). */
function shipActions(s, ctx, reload) {
  const st = s.state;
  const allowedNow = new Set(s.allowed_actions || []);
  const acts = FORMS.filter((a) => allowedNow.has(a));
  if (!acts.length) return null;
  const fields = [];
  const lines = s.lines || [];
  if (acts.includes('pick') && st === 'received') {
    lines.forEach((l, i) => {
      const def = (l.reserved || [])[0];
      fields.push({ name: `pick_batch_${i}`, label: t('ship.pick_batch', { sku: l.sku }), value: def ? def.batch : '', hint: t('ship.pick_batch_hint') });
      fields.push({ name: `pick_qty_${i}`, label: t('ship.pick_qty', { sku: l.sku }), value: String(l.qty_requested ?? ''), hint: t('ship.requested', { n: formatQty(l.qty_requested), cases: l.cases ?? '—' }) });
    });
  }
  if (acts.includes('check')) {
    lines.forEach((l, i) => {
      fields.push({ name: `count_${i}`, label: t('ship.count', { sku: l.sku }), value: String(l.qty_counted ?? l.qty_picked ?? ''), hint: t('ship.picked_n', { n: formatQty(l.qty_picked) }) });
    });
  }
  if (acts.includes('book')) {
    fields.push(
      { name: 'carrier', label: t('ship.carrier'), value: s.carrier || '' },
      { name: 'station', label: t('ship.station'), value: s.station || '' },
      { name: 'waybill', label: t('ship.waybill'), value: s.waybill || '' },
    );
  }
  if (acts.includes('track')) {
    fields.push({ name: 'status', label: t('ship.track_status') }, { name: 'location', label: t('ship.track_location') });
  }
  if (acts.includes('deliver')) fields.push({ name: 'signed_by', label: t('ship.signed_by') });
  fields.push({ name: 'comment', label: t('doc.comment'), type: 'textarea', wide: true });
  const comment = (v) => (v.comment ? { comment: v.comment } : {});
  const buttons = acts.map((a) => ({
    action: a, id: `ship-${a}`, label: tEnum('ship.act', a),
    tone: a === 'track' ? '' : 'primary',
    needs: a === 'book' ? ['carrier', 'station', 'waybill'] : a === 'deliver' ? ['signed_by'] : a === 'track' ? ['status'] : [],
    body: (v) => {
      if (a === 'pick' && st === 'received') {
        const out = [];
        lines.forEach((l, i) => {
          const batch = v[`pick_batch_${i}`];
          const qty = v[`pick_qty_${i}`];
          if (!batch && !qty) return;
          if (!/^\d+$/.test(qty || '')) throw new Error(t('ship.qty_int', { sku: l.sku }));
          out.push({ sku: l.sku, ...(batch ? { batch } : {}), qty: Number(qty) });
        });
        return out.length ? { lines: out, ...comment(v) } : comment(v);
      }
      if (a === 'check') {
        const out = lines.map((l, i) => {
          const q = v[`count_${i}`];
          if (q === '') return null;
          if (!/^\d+$/.test(q)) throw new Error(t('ship.qty_int', { sku: l.sku }));
          return { sku: l.sku, qty_counted: Number(q) };
        }).filter(Boolean);
        return out.length ? { lines: out, ...comment(v) } : comment(v);
      }
      if (a === 'book') return { carrier: v.carrier, station: v.station, waybill: v.waybill, ...comment(v) };
      if (a === 'track') return { status: v.status, ...(v.location ? { location: v.location } : {}), ...comment(v) };
      if (a === 'deliver') return { signed_by: v.signed_by, ...comment(v) };
      return comment(v);
    },
  }));
  return actionCard({ title: t('doc.actions'), base: `/shipments/${enc(s.number)}`, version: s.version, idPrefix: 'ship', fields, buttons, onDone: reload });
}

export async function shipmentDetailPage(ctx) {
  const number = ctx.params.number;
  const s = await api.get(`/shipments/${enc(number)}`);
  const reload = () => ctx.navigate(`/shipments/${enc(number)}`, { replace: true });
  const header = h('div', { class: 'page-header detail-header' },
    h('div', null,
      h('a', { href: '/shipments', class: 'back' }, `‹ ${t('ship.title')}`),
      h('h1', { id: 'shipment-number', class: 'mono' }, s.number),
      h('div', { class: 'detail-sub' },
        stateBadge('ship', s.state, 'shipment-state'),
        h('span', null, s.customer_name ? `${s.customer_name} (${s.customer})` : s.customer),
        h('span', { class: 'mono' }, s.warehouse))),
    h('div', { class: 'page-actions' },
      s.delivery_note ? fileButton(t('ord.delivery_note_pdf'), `/delivery-notes/${enc(s.delivery_note)}.pdf`, { id: 'dn-pdf' }) : null));

  const lines = table({
    columns: [
      { key: 'line_no', label: '#', align: 'right' },
      { key: 'sku', label: t('f.sku'), cls: 'mono' },
      { key: 'name', label: t('f.name'), cls: 'wrap', render: (l) => `${l.name || ''} ${l.spec || ''}`.trim() },
      { key: 'qty_requested', label: t('ship.qty_requested'), align: 'right', render: (l) => [formatQty(l.qty_requested), ' ', l.unit || ''] },
      { key: 'cases', label: t('ship.cases'), align: 'right', render: (l) => (l.cases === null || l.cases === undefined ? '—' : `${formatQty(l.cases)}${l.loose_units ? ` + ${formatQty(l.loose_units)}` : ''}`) },
      { key: 'reserved', label: t('ship.reserved'), render: (l) => batches(l.reserved) },
      { key: 'picks', label: t('ship.picks'), render: (l) => batches(l.picks) },
      { key: 'qty_counted', label: t('ship.qty_counted'), align: 'right', render: (l) => formatQty(l.qty_counted) },
      { key: 'qty_shipped', label: t('ship.qty_shipped'), align: 'right', render: (l) => formatQty(l.qty_shipped) },
      { key: 'discrepancy', label: t('ship.discrepancy'), render: (l) => (l.discrepancy ? tEnum('ship.disc', l.discrepancy) : '—') },
    ],
    rows: s.lines || [],
    rowKey: (l) => l.line_no,
  });

  const info = fieldGrid([
    [t('ship.order'), h('a', { href: `/orders/${enc(s.order)}`, class: 'mono' }, s.order)],
    [t('ord.delivery_note'), s.delivery_note ? h('span', { class: 'mono' }, s.delivery_note) : null],
    [t('f.warehouse'), s.warehouse], [t('f.scr'), personName(s.scr)],
    [t('ship.carrier'), s.carrier], [t('ship.station'), s.station], [t('ship.waybill'), s.waybill ? h('span', { class: 'mono', id: 'ship-waybill' }, s.waybill) : null],
    [t('ship.released_at'), formatTs(s.released_at)],
    [t('ship.dispatched_at'), s.dispatched_at ? formatTs(s.dispatched_at) : null],
    [t('ship.expected_by'), s.expected_delivery_by],
    [t('ship.backorder'), s.backorder],
  ]);
  const pod = s.pod ? card(t('ship.pod'), h('div', { id: 'ship-pod' }, fieldGrid([
    [t('ship.signed_by'), s.pod.signed_by], [t('f.at'), formatTs(s.pod.at)],
    [t('ship.recorded_by'), `${s.pod.recorded_by || ''} · ${formatTs(s.pod.recorded_at)}`], [t('ship.pod_note'), s.pod.note],
  ]))) : null;
  const tracking = card(t('ship.tracking'), !(s.tracking || []).length ? h('div', { class: 'empty-line' }, t('ship.no_tracking')) : table({
    columns: [
      { key: 'at', label: t('f.at'), render: (e) => formatTs(e.at), cls: 'nowrap' },
      { key: 'status', label: t('ship.track_status') },
      { key: 'location', label: t('ship.track_location') },
      { key: 'source', label: t('ship.track_source') },
      { key: 'note', label: t('doc.comment'), cls: 'wrap' },
    ],
    rows: s.tracking || [],
    emptyText: t('ship.no_tracking'),
  }));
  const backorders = (s.backorders || []).length ? card(t('ship.backorders'), table({
    columns: [
      { key: 'number', label: t('f.number'), cls: 'mono' },
      { key: 'sku', label: t('f.sku'), cls: 'mono' },
      { key: 'qty_open', label: t('ship.qty_open'), align: 'right', render: (b) => formatQty(b.qty_open) },
      { key: 'state', label: t('f.state') },
    ],
    rows: s.backorders,
  })) : null;

  return h('div', { class: 'page-shipment', dataset: { number: s.number, state: s.state } },
    header,
    shipActions(s, ctx, reload),
    card(t('ship.lines'), lines),
    h('div', { class: 'cards-2' }, card(t('ship.info'), info), pod),
    tracking,
    discrepancyCard(s, reload),
    backorders,
    card(t('doc.timeline'), (s.timeline || []).length ? timelineTable('ship', s.timeline) : h('div', { class: 'empty-line' }, t('common.empty'))),
    h('div', { class: 'meta-line' }, `${t('f.version')} ${s.version ?? '—'} · ${t('f.updated_at')} ${formatTs(s.updated_at)}`));
}
