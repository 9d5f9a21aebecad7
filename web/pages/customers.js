// customers.js — 客户: the list (filters market / region / status / grade, cursor pages), the
// archive page of one customer with its credit block, and the form for a new customer.

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import {
  h, mount, card, pageHeader, fieldGrid, select, filterBar, pagedList, table, form, badge,
  statusBadge, loadInto, toast,
} from '../lib/ui.js';
import { formatFen, formatTs, pctOf, toBigFen } from '../lib/fmt.js';
import { ref } from '../lib/ref.js';
import { person } from '../lib/people.js';
import { statementCard } from './billing.js';
import { lifecycleCard, incidentsCard } from './customer_lifecycle.js';

const PAGE_SIZE = 20;
const STATUSES = ['prospect', 'pending_review', 'active', 'suspended', 'closed'];
const GRADES = ['A', 'B', 'C', 'D', 'E'];
const TIERS = ['key', 'general', 'scattered'];
const CHANNELS = ['distributor', 'wholesaler', 'sub_distributor', 'key_account', 'end_user'];

const codeName = (names, code) => (code ? (names[code] ? `${names[code]} (${code})` : code) : '—');

// ---- list ---------------------------------------------------------------------------------

export async function customersPage(ctx) {
  const [markets, regions] = await Promise.all([ref.markets(), ref.regions()]);
  const mNames = Object.fromEntries(markets.map((m) => [m.code, m.name]));
  const rNames = Object.fromEntries(regions.map((r) => [r.code, r.name]));
  const showCredit = ctx.can('credit.read');
  const q = ctx.query;
  let filters = { market: q.market || '', region: q.region || '', status: q.status || '', grade: q.grade || '' };

  const marketSel = select('market', markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })), filters.market, { label: t('cust.filter.market') });
  const regionSel = select('region', [], '', { label: t('cust.filter.region') });
  function fillRegions() {
    const keep = regionSel.value || filters.region;
    mount(regionSel, h('option', { value: '' }, t('common.all')),
      regions.filter((r) => !marketSel.value || r.market === marketSel.value)
        .map((r) => h('option', { value: r.code }, `${r.name} ${r.code}`)));
    regionSel.value = [...regionSel.options].some((o) => o.value === keep) ? keep : '';
  }
  fillRegions();
  marketSel.addEventListener('change', fillRegions);

  const items = [
    { label: t('cust.filter.market'), control: marketSel },
    { label: t('cust.filter.region'), control: regionSel },
    { label: t('cust.filter.status'), control: select('status', STATUSES.map((s) => ({ value: s, label: tEnum('status', s) })), filters.status, { label: t('cust.filter.status') }) },
  ];
  if (showCredit) items.push({ label: t('cust.filter.grade'), control: select('grade', GRADES.map((g) => ({ value: g, label: g })), filters.grade, { label: t('cust.filter.grade') }) });

  const columns = [
    { key: 'code', label: t('f.code'), render: (r) => h('a', { href: `/customers/${encodeURIComponent(r.code)}`, class: 'mono' }, r.code) },
    { key: 'name', label: t('f.name'), cls: 'wrap', render: (r) => [r.name, r.prepay_only ? h('span', null, ' ', badge(t('credit.prepay_only'), 'warn')) : null, r.credit_hold ? h('span', null, ' ', badge(t('credit.hold'), 'bad')) : null] },
    { key: 'market', label: t('f.market'), render: (r) => mNames[r.market] || r.market },
    { key: 'region', label: t('f.region'), render: (r) => rNames[r.region] || r.region },
    { key: 'kam', label: t('f.kam'), render: (c) => person(c.kam) },
    { key: 'tier', label: t('f.tier'), render: (r) => tEnum('tier', r.tier), optional: true },
  ];
  if (showCredit) {
    columns.push({ key: 'grade', label: t('f.grade'), render: (r) => (r.grade ? badge(r.grade, 'grade') : '—') });
  }
  columns.push({ key: 'status', label: t('f.status'), render: (r) => statusBadge(r.status) });
  if (showCredit) {
    columns.push(
      { key: 'credit_limit_fen', label: t('credit.limit_fen'), align: 'right', render: (r) => formatFen(r.credit_limit_fen) },
      { key: 'available', label: t('credit.available_fen'), align: 'right', render: (r) => creditAmount(r.credit?.available_fen) },
      { key: 'overdue', label: t('credit.overdue_fen'), align: 'right', render: (r) => creditAmount(r.credit?.overdue_fen, true) },
    );
  }

  const list = pagedList({
    load: (cursor) => api.get('/customers', { ...filters, limit: PAGE_SIZE, cursor }),
    columns,
    rowHref: (r) => `/customers/${encodeURIComponent(r.code)}`,
    rowKey: (r) => r.code,
  });
  const bar = filterBar(items, (v) => {
    filters = { market: v.market || '', region: v.region || '', status: v.status || '', grade: v.grade || '' };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();

  return h('div', { class: 'page-customers' },
    pageHeader(t('cust.title'), ctx.can('customer.create') ? h('a', { class: 'btn btn-primary', href: '/customers/new', id: 'new-customer' }, `+ ${t('cust.new')}`) : null),
    h('section', { class: 'card' }, bar, list.el));
}

function creditAmount(v, alarm) {
  const fen = toBigFen(v);
  if (fen === null) return '—';
  const cls = fen < 0n || (alarm && fen > 0n) ? 'money neg' : 'money';
  return h('span', { class: cls }, formatFen(fen));
}

// ---- detail -------------------------------------------------------------------------------

const CREDIT_KEYS = ['limit_fen', 'exposure_fen', 'available_fen', 'open_receivables_fen', 'open_orders_fen', 'prepayment_fen', 'overdue_fen', 'oldest_overdue_days'];

function creditBlock(c) {
  const tiles = CREDIT_KEYS.map((k) => {
    let value;
    let tone = '';
    if (k === 'oldest_overdue_days') {
      value = c[k] ? t('credit.days', { n: c[k] }) : '—';
      if (c[k] > 0) tone = 'bad';
    } else {
      value = formatFen(c[k]);
      const fen = toBigFen(c[k]);
      if (k === 'available_fen') tone = fen !== null && fen < 0n ? 'bad' : 'good';
      if (k === 'overdue_fen' && fen !== null && fen > 0n) tone = 'bad';
    }
    return h('div', { class: `stat ${tone ? `stat-${tone}` : ''} ${k === 'available_fen' || k === 'limit_fen' ? 'stat-key' : ''}`, dataset: { credit: k } },
      h('div', { class: 'stat-label' }, t(`credit.${k}`)),
      h('div', { class: 'stat-value money' }, value));
  });
  const pct = pctOf(c.exposure_fen, c.limit_fen);
  const over = toBigFen(c.exposure_fen) !== null && toBigFen(c.limit_fen) !== null && toBigFen(c.exposure_fen) > toBigFen(c.limit_fen);
  return h('div', { class: 'credit', id: 'credit-block' },
    h('div', { class: 'stats' }, tiles),
    h('div', { class: 'usage' },
      h('div', { class: 'usage-label' }, t('credit.usage'), h('span', { class: 'usage-pct' }, `${pct}%${over ? ' ↑' : ''}`)),
      h('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': pct, 'aria-valuemin': 0, 'aria-valuemax': 100 },
        h('div', { class: `bar-fill ${pct >= 100 ? 'bar-bad' : pct >= 80 ? 'bar-warn' : ''}`, style: { width: `${pct}%` } }))));
}

const TEXT_SECTIONS = {
  traits: ['service_area', 'sales_force_size', 'company_size', 'development_potential', 'development_potential_note', 'business_philosophy', 'business_policy', 'business_features', 'staff_quality', 'staff_quality_note', 'competitor_relations', 'cooperation_attitude', 'cooperation_attitude_note'],
  trade: ['activities', 'problems', 'advantages', 'future_plans', 'reputation', 'credit_status_note', 'trade_terms'],
  invoice: ['invoice_title', 'tax_id', 'bank_name', 'bank_account', 'reg_address', 'reg_phone', 'mailing_address', 'mailing_contact', 'mailing_phone'],
};
const LONG = new Set(['development_potential_note', 'business_philosophy', 'business_policy', 'business_features', 'staff_quality_note', 'competitor_relations', 'cooperation_attitude_note', 'activities', 'problems', 'advantages', 'future_plans', 'reputation', 'credit_status_note', 'trade_terms', 'qualified_note']);

function show(c, k) {
  const v = c[k];
  if (v === null || v === undefined || v === '') return null;
  if (k.endsWith('_fen')) return h('span', { class: 'money' }, formatFen(v));
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (k === 'company_size') return tEnum('size', v);
  if (k === 'channel') return tEnum('channel', v);
  if (k === 'tier') return tEnum('tier', v);
  if (k === 'nature') return tEnum('nature', v);
  return String(v);
}

/** [label, value] pairs of the keys present in the object (all, or only the filled ones). */
function pairs(c, keys, onlyFilled) {
  return keys.filter((k) => k in c && (!onlyFilled || show(c, k) !== null))
    .map((k) => [t(`f.${k}`), show(c, k), { wide: LONG.has(k) }]);
}

export async function customerDetailPage(ctx) {
  const code = ctx.params.code;
  const [c, markets, regions] = await Promise.all([
    api.get(`/customers/${encodeURIComponent(code)}`),
    ref.markets().catch(() => []),
    ref.regions().catch(() => []),
  ]);
  const mNames = Object.fromEntries(markets.map((m) => [m.code, m.name]));
  const rNames = Object.fromEntries(regions.map((r) => [r.code, r.name]));

  const flags = [statusBadge(c.status)];
  if (c.tier) flags.push(badge(tEnum('tier', c.tier), 'info'));
  if (c.grade) flags.push(badge(`${t('f.grade')} ${c.grade}`, 'grade'));
  if (c.prepay_only) flags.push(badge(t('credit.prepay_only'), 'warn'));
  if (c.credit_hold) flags.push(badge(t('credit.hold'), 'bad'));

  const header = h('div', { class: 'page-header detail-header' },
    h('div', null,
      h('a', { href: '/customers', class: 'back' }, `‹ ${t('cust.title')}`),
      h('h1', { id: 'customer-name' }, c.name),
      h('div', { class: 'detail-sub' }, h('span', { class: 'mono code-chip' }, c.code), c.short_name ? h('span', null, c.short_name) : null, flags)),
    h('div', { class: 'page-actions' },
      h('a', { class: 'btn', href: `/orders?customer=${encodeURIComponent(c.code)}`, id: 'customer-orders' }, t('ord.title')),
      ctx.can('order.create') && c.status === 'active' ? h('a', { class: 'btn btn-primary', href: `/orders/new?customer=${encodeURIComponent(c.code)}`, id: 'customer-new-order' }, `+ ${t('ord.new')}`) : null,
      ctx.can('payment.create') ? h('a', { class: 'btn', href: `/payments/new?customer=${encodeURIComponent(c.code)}` }, `+ ${t('pay.new')}`) : null));

  const creditCard = c.credit ? card(t('cust.credit'), creditBlock(c.credit)) : null;

  const salesKeys = ['market', 'region', 'kam', 'rep', 'csr', 'credit_limit_fen', 'payment_term_days', 'prepay_only', 'credit_hold', 'credit_hold_reason', 'grade', 'tier', 'channel', 'nature', 'direct', 'parent', 'price_list', 'zone', 'route', 'route_seq', 'qualified', 'qualified_note'];
  // Always shown; the rest of a section only when filled in.
  const ALWAYS = new Set(['market', 'region', 'kam', 'rep', 'csr', 'credit_limit_fen', 'payment_term_days', 'prepay_only', 'credit_hold', 'grade', 'tier', 'channel', 'nature', 'direct', 'qualified',
    'owner', 'phone', 'address', 'consignee', 'consignee_phone', 'consignment_station', 'arrival_address', 'transit_days']);
  const keep = (k) => k in c && (ALWAYS.has(k) || show(c, k) !== null);
  const salesPairs = salesKeys.filter((k) => keep(k) && !(k === 'credit_hold_reason' && !c.credit_hold)).map((k) => {
    let v = show(c, k);
    if (k === 'market') v = codeName(mNames, c.market);
    if (k === 'region') v = codeName(rNames, c.region);
    if (k === 'payment_term_days' && c[k] !== null) v = t('credit.days', { n: c[k] });
    if (k === 'parent' && c.parent) v = h('a', { href: `/customers/${encodeURIComponent(c.parent)}` }, c.parent);
    return [t(`f.${k}`), v, { wide: LONG.has(k) }];
  });

  const basicPairs = pairs(c, ['owner', 'phone', 'address', 'operating_manager', 'legal_rep', 'founded_on', 'trading_since', 'org_type', 'industry', 'assets_fen', 'website'].filter(keep), false);
  const logisticsPairs = pairs(c, ['consignee', 'consignee_phone', 'consignment_station', 'carrier', 'delivery_address', 'arrival_address', 'transit_days', 'last_confirmed_on'].filter(keep), false);

  const sectionCard = (titleKey, keys) => {
    const p = pairs(c, keys, true);
    if (!keys.some((k) => k in c)) return null; // not visible to this role
    return card(t(titleKey), p.length ? fieldGrid(p) : h('div', { class: 'empty-line' }, t('common.empty')));
  };

  const contacts = Array.isArray(c.contacts) ? c.contacts : [];
  const contactsCard = 'contacts' in c ? card(t('cust.section.contacts'), table({
    columns: [
      { key: 'name', label: t('f.contact_name'), render: (r) => [r.name, r.primary ? h('span', null, ' ', badge(t('cust.contact.primary'), 'info')) : null] },
      { key: 'title', label: t('f.title') },
      { key: 'phone', label: t('f.phone'), cls: 'mono' },
    ],
    rows: contacts,
  })) : null;

  const historyBox = h('div', null, h('button', { class: 'btn btn-small', type: 'button', id: 'load-history', onclick: () => loadInto(historyBox, () => historyTable(code)) }, t('cust.history.load')));

  const reload = () => ctx.navigate(`/customers/${encodeURIComponent(c.code)}`, { replace: true });
  const canIncident = ['finance', 'ssg_leader'].includes(ctx.user.role);
  return h('div', { class: 'page-customer', dataset: { code: c.code, status: c.status } },
    header,
    lifecycleCard(c, ctx, reload),
    creditCard || (ctx.can('credit.read') ? null : h('div', { class: 'note' }, t('cust.credit.none'))),
    h('div', { class: 'cards-2' },
      card(t('cust.section.sales'), fieldGrid(salesPairs)),
      basicPairs.length ? card(t('cust.section.basic'), fieldGrid(basicPairs)) : null,
      logisticsPairs.length ? card(t('cust.section.logistics'), fieldGrid(logisticsPairs)) : null,
      contactsCard,
      sectionCard('cust.section.invoice', TEXT_SECTIONS.invoice),
      sectionCard('cust.section.traits', TEXT_SECTIONS.traits),
      sectionCard('cust.section.trade', TEXT_SECTIONS.trade)),
    ctx.can('money.read') ? statementCard(c.code) : null,
    ctx.can('credit.read') ? incidentsCard(c.code, canIncident) : null,
    card(t('cust.section.history'), historyBox),
    h('div', { class: 'meta-line' }, `${t('f.version')} ${c.version ?? '—'} · ${t('f.updated_at')} ${formatTs(c.updated_at)}`));
}

async function historyTable(code) {
  const res = await api.get(`/customers/${encodeURIComponent(code)}/history`);
  const rows = (res.items || []).slice().reverse();
  return table({
    columns: [
      { key: 'at', label: t('f.at'), render: (r) => formatTs(r.at), cls: 'nowrap' },
      { key: 'actor', label: t('f.actor'), render: (r) => person(r.actor) },
      { key: 'action', label: t('f.action'), render: (r) => tEnum('action', r.action) },
      { key: 'changes', label: t('audit.changes'), render: (r) => changedKeys(r.before, r.after), cls: 'wrap' },
    ],
    rows,
  });
}

/** The names of the fields that differ between two versions of an object. */
export function changedKeys(before, after) {
  const skip = new Set(['version', 'updated_at', 'created_at']);
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const out = [];
  for (const k of keys) {
    if (skip.has(k)) continue;
    if (JSON.stringify((before || {})[k] ?? null) !== JSON.stringify((after || {})[k] ?? null)) out.push(k);
  }
  if (!before) return t('action.create');
  return out.length ? out.join(', ') : '—';
}

// ---- new customer -------------------------------------------------------------------------

export async function customerNewPage(ctx) {
  const [markets, regions] = await Promise.all([ref.markets(), ref.regions()]);
  let kams = null;
  if (ctx.can('users.read')) {
    try {
      kams = await api.all('/users', { role: 'kam', active: 'true' });
    } catch {
      kams = null;
    }
  }
  const me = ctx.user;
  const opt = (list, pfx) => list.map((v) => ({ value: v, label: tEnum(pfx, v) }));
  // Credit terms are the administrator's (and later a credit review's): others create prospects
  // without them (api.md §5.2).
  const terms = new Set(['credit_limit_fen', 'payment_term_days', 'grade', 'prepay_only']);
  const fields = [
    { name: 'code', label: t('f.code'), required: true, placeholder: 'GZ03' },
    { name: 'name', label: t('f.name'), required: true, wide: true },
    { name: 'short_name', label: t('f.short_name') },
    { name: 'market', label: t('f.market'), type: 'select', required: true, value: me.market || undefined, options: markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })) },
    { name: 'region', label: t('f.region'), type: 'select', required: true, value: me.region || undefined, options: regions.map((r) => ({ value: r.code, label: `${r.name} ${r.code}` })) },
    kams
      ? { name: 'kam', label: t('f.kam'), type: 'select', required: true, options: kams.map((u) => ({ value: u.username, label: `${u.name} (${u.username})` })) }
      : { name: 'kam', label: t('f.kam'), required: true, value: me.role === 'kam' ? me.username : '' },
    { name: 'credit_limit_fen', label: t('f.credit_limit_fen'), type: 'money', required: true, hint: t('prod.price_hint'), placeholder: '100000.00' },
    { name: 'payment_term_days', label: t('f.payment_term_days'), type: 'int', required: true, value: '30', hint: t('cust.term_hint') },
    { name: 'grade', label: t('f.grade'), type: 'select', options: GRADES.map((g) => ({ value: g, label: g })) },
    { name: 'tier', label: t('f.tier'), type: 'select', options: opt(TIERS, 'tier') },
    { name: 'channel', label: t('f.channel'), type: 'select', options: opt(CHANNELS, 'channel') },
    { name: 'prepay_only', label: t('f.prepay_only'), type: 'bool' },
    { name: 'owner', label: t('f.owner') },
    { name: 'phone', label: t('f.phone'), placeholder: '020-87654321' },
    { name: 'address', label: t('f.address'), wide: true },
    { name: 'tax_id', label: t('f.tax_id') },
    { name: 'consignee', label: t('f.consignee') },
    { name: 'consignee_phone', label: t('f.consignee_phone') },
    { name: 'consignment_station', label: t('f.consignment_station') },
  ].filter((x) => me.role === 'admin' || !terms.has(x.name));
  const f = form({
    fields,
    keyField: 'code',
    idPrefix: 'cust',
    submitLabel: t('common.save'),
    onCancel: () => ctx.navigate('/customers'),
    submit: async (body, key) => {
      const created = await api.post('/customers', me.role === 'admin' ? body : { ...body, status: 'prospect' }, { headers: { 'Idempotency-Key': key } });
      toast(t('common.created', { what: `${created.name} (${created.code})` }));
      ctx.navigate(`/customers/${encodeURIComponent(created.code)}`);
    },
  });
  // Regions follow the chosen market; KAMs follow the chosen region.
  const mSel = f.input('market');
  const rSel = f.input('region');
  const kSel = kams ? f.input('kam') : null;
  function syncRegions() {
    const keep = rSel.value;
    mount(rSel, h('option', { value: '', disabled: true }, '—'),
      regions.filter((r) => !mSel.value || r.market === mSel.value).map((r) => h('option', { value: r.code }, `${r.name} ${r.code}`)));
    rSel.value = [...rSel.options].some((o) => o.value === keep && o.value) ? keep : '';
    syncKams();
  }
  function syncKams() {
    if (!kSel) return;
    const keep = kSel.value;
    const list = kams.filter((u) => !rSel.value || u.region === rSel.value);
    mount(kSel, h('option', { value: '', disabled: true }, '—'), (list.length ? list : kams).map((u) => h('option', { value: u.username }, `${u.name} (${u.username})`)));
    kSel.value = [...kSel.options].some((o) => o.value === keep && o.value) ? keep : (list.length === 1 ? list[0].username : '');
  }
  mSel.addEventListener('change', syncRegions);
  rSel.addEventListener('change', syncKams);
  syncRegions();
  return h('div', { class: 'page-customer-new' },
    pageHeader(t('cust.new')),
    h('section', { class: 'card' }, f.el));
}

