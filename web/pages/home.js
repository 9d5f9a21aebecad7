// home.js — 工作台: the caller's work queue (GET /me/queue: what waits on them, oldest first,
// each with its deadline and OSB rule, each row opening its document), the role's own figures
// of this month (from the KPI and report endpoints, each opening the page behind it), who is
// signed in, the modules the role may open, unread notifications.

import { api } from '../lib/api.js';
import { t, tEnum, hasKey, getLang } from '../lib/i18n.js';
import { h, card, table, badge, statusBadge } from '../lib/ui.js';
import { formatTs, formatFen, formatBp, formatQty } from '../lib/fmt.js';
import { KPIS } from './dashboard.js';
import { stateBadge, deadlineText } from '../lib/doc.js';
import { awaySwitch } from './customer_lifecycle.js';
import { docHref } from '../lib/links.js';


// The word prefix (lib/i18n.js, lib/doc.js) of each collection's states and actions.
const KIND = { orders: 'order', shipments: 'ship', 'osb-issues': 'issue' };
const ACT = { orders: 'order.act', shipments: 'ship.act', 'osb-issues': 'iss.act' };

function typeLabel(type) {
  return hasKey(`queue.type.${type}`) ? t(`queue.type.${type}`) : type;
}

// A customer waits as a document by its status (prospect, pending_review …); the other
// documents' states are worded by their own module's words where the home page has them, else
// by the common document states (draft, submitted, approved …), never as a bare code.
function stateOf(item) {
  const kind = KIND[item.type];
  if (kind) return stateBadge(kind, item.state);
  if (item.type === 'customers') return statusBadge(item.state);
  if (item.state && hasKey(`order.state.${item.state}`)) return stateBadge('order', item.state);
  return badge(item.state);
}

function actionsOf(item) {
  const prefix = ACT[item.type];
  const word = (a) => (prefix && hasKey(`${prefix}.${a}`) ? t(`${prefix}.${a}`) : hasKey(`act.${a}`) ? t(`act.${a}`) : a);
  return item.allowed_actions.map(word).join(getLang() === 'zh' ? '、' : ', ');
}

function deadlineOf(item, now) {
  if (!item.deadline) return '—';
  const late = Date.parse(item.deadline) <= now;
  return h('span', { class: late ? 'queue-late' : null, title: late ? t('queue.late') : null },
    deadlineText(item.deadline), late ? ` · ${t('queue.late')}` : '');
}

/** The work queue card: every item a row that opens its document. */
async function queueCard() {
  let items;
  try {
    items = (await api.get('/me/queue')).items;
  } catch {
    return card(t('queue.title'), h('p', { class: 'muted' }, t('queue.unavailable')));
  }
  const now = Date.now();
  const body = table({
    columns: [
      { key: 'type', label: t('queue.col.type'), render: (i) => typeLabel(i.type) },
      { key: 'number', label: t('f.number'), render: (i) => h('a', { href: docHref(i.type, i.number), class: 'mono' }, i.number) },
      { key: 'state', label: t('f.state'), render: stateOf },
      { key: 'customer', label: t('f.customer'), cls: 'mono' },
      { key: 'waiting_since', label: t('queue.col.since'), cls: 'nowrap', render: (i) => formatTs(i.waiting_since) },
      { key: 'deadline', label: t('queue.col.deadline'), cls: 'nowrap', render: (i) => deadlineOf(i, now) },
      { key: 'rule', label: t('queue.col.rule'), render: (i) => (i.rule ? tEnum('iss.rule', i.rule) : '—') },
      { key: 'allowed_actions', label: t('queue.col.actions'), cls: 'wrap', render: actionsOf },
    ],
    rows: items,
    rowHref: (i) => docHref(i.type, i.number),
    rowKey: (i) => `${i.type}/${i.number}`,
    emptyText: t('queue.empty'),
  });
  const el = card(`${t('queue.title')} (${items.length})`, body);
  el.id = 'work-queue';
  return el;
}

// The role's own figures (issue #14/#17: "every role's home page shows its own queue and its
// own figures"): month to date, each read from an endpoint that already exists and limited by
// the server to the caller's scope; a figure the role may not read (403) is left out.
const FW = {
  title: { zh: '本月指标', en: 'This month' },
  netSales: { zh: '本月净销售额', en: 'Net sales this month' },
  orders: { zh: '本月订单数', en: 'Orders this month' },
  inventory: { zh: '本月经销商库存行', en: 'Distributor stock lines this month' },
  overdue: { zh: '逾期未收', en: 'Overdue receivables' },
  overdueCount: { zh: '逾期发票', en: 'Overdue invoices' },
  receipts: { zh: '本月回款', en: 'Receipts this month' },
  backorders: { zh: '欠货行', en: 'Backorder lines' },
  afterSales: { zh: '本月售后工单', en: 'After-sales tickets this month' },
  users: { zh: '用户数', en: 'Users' },
  target: { zh: '目标 {t}', en: 'target {t}' },
  none: { zh: '无数据', en: 'no data' },
};
const word = (w) => (getLang() === 'en' ? w.en : w.zh);

const kpi = (name) => ({ kind: 'kpi', name });
const total = (report, key, w, fmt) => ({ kind: 'total', report, key, w, fmt });
const rows = (report, w) => ({ kind: 'rows', report, w });
const SLT = ['same_day_delivery_note', 'st_decided_next_day', 'shipped_within_24h', 'shipment_accuracy',
  'collected_within_5_days_of_due'].map(kpi);
const SALES = [total('monthly_sales', 'net_sales_fen', FW.netSales, 'fen'), total('monthly_sales', 'orders', FW.orders, 'int'),
  total('overdue_list', 'open_fen', FW.overdue, 'fen')];
export const ROLE_FIGURES = {
  gm: SLT,
  sales_director: SLT,
  deputy_director: SLT,
  ssg_leader: SLT,
  auditor: SLT,
  csr: [kpi('same_day_delivery_note'), kpi('st_decided_next_day'), kpi('shipped_within_24h'), rows('backorders', FW.backorders)],
  mm: SALES,
  um: SALES,
  kam: SALES,
  rep: SALES,
  finance: [total('daily_receipts', 'amount_fen', FW.receipts, 'fen'), total('overdue_list', 'open_fen', FW.overdue, 'fen'),
    kpi('collected_within_5_days_of_due')],
  warehouse: [kpi('shipped_within_24h'), kpi('shipment_accuracy'), rows('backorders', FW.backorders)],
  // marketing reads no customers' money (money reports answer 403): stock and backorders
  marketing: [rows('distributor_inventory_summary', FW.inventory), rows('backorders', FW.backorders)],
  customer_service: [rows('backorders', FW.backorders), rows('after_sales', FW.afterSales), kpi('shipped_within_24h')],
  admin: [{ kind: 'users', w: FW.users }],
};

function monthToDate(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return { from: ymd(new Date(now.getFullYear(), now.getMonth(), 1)), to: ymd(now) };
}

function showValue(v, fmt) {
  if (v === null || v === undefined) return word(FW.none);
  return fmt === 'fen' ? formatFen(v) : formatQty(v);
}

/** One figure: {id, label, value, sub, href}, or null when the role may not read it. */
async function figure(f, range, kpis) {
  try {
    if (f.kind === 'kpi') {
      const k = (await kpis())[f.name];
      const def = KPIS.find((x) => x.name === f.name);
      if (!k) return null;
      return {
        id: f.name,
        label: getLang() === 'en' ? def.en : def.zh,
        value: k.den ? formatBp(k.pct_bp) : word(FW.none),
        sub: `${k.num} / ${k.den} · ${word(FW.target).replace('{t}', formatBp(k.target_bp))}`,
        href: '/dashboard',
        miss: k.den > 0 && k.pct_bp < k.target_bp,
      };
    }
    if (f.kind === 'users') {
      const b = await api.get('/users', { limit: 500 });
      return { id: 'users', label: word(f.w), value: formatQty(b.items.length) + (b.next_cursor ? '+' : ''), href: '/users' };
    }
    const params = f.report === 'overdue_list' || f.report === 'backorders' ? {} : range;
    const b = await api.get(`/reports/${f.report}`, params);
    const value = f.kind === 'rows' ? formatQty(b.rows.length) : showValue(b.totals?.[f.key], f.fmt);
    return { id: `${f.report}.${f.key || 'rows'}`, label: word(f.w), value, href: `/reports/${f.report}` };
  } catch {
    return null;
  }
}

/** The figures card of the role (null for a role without figures). */
async function figuresCard(role) {
  const specs = ROLE_FIGURES[role];
  if (!specs) return null;
  const range = monthToDate();
  let kp = null;
  const kpis = () => (kp ||= api.get('/kpis', range));
  const figs = (await Promise.all(specs.map((f) => figure(f, range, kpis)))).filter(Boolean);
  if (!figs.length) return null;
  const el = card(`${word(FW.title)}（${range.from} – ${range.to}）`, h('div', { class: 'home-figures' },
    figs.map((f) => h('a', { class: f.miss ? 'home-figure home-figure-miss' : 'home-figure', href: f.href, dataset: { figure: f.id } },
      h('span', { class: 'home-figure-label' }, f.label),
      h('span', { class: 'home-figure-value' }, f.value),
      f.sub ? h('span', { class: 'home-figure-sub' }, f.sub) : null))));
  el.id = 'home-figures';
  return el;
}

export async function homePage(ctx) {
  const u = ctx.user;
  let unread = null;
  const [queue, figures] = await Promise.all([
    queueCard(),
    figuresCard(u.role),
    api.get('/notifications', { unread: 'true', limit: 100 }).then((n) => {
      unread = n.items.length + (n.next_cursor ? '+' : '');
    }).catch(() => {
      unread = null;
    }),
  ]);
  const scopeText = ['kam', 'rep', 'um', 'mm', 'deputy_director'].includes(u.role)
    ? [u.market, u.region].filter(Boolean).join(' / ') || tEnum('role', u.role)
    : t('home.scope.all');
  const tiles = [];
  for (const g of ctx.navGroups) {
    for (const p of ctx.pages) {
      if (p.nav !== g.id || p.id === 'home') continue;
      tiles.push(h('a', { class: 'tile', href: p.path, dataset: { tile: p.id } },
        h('span', { class: 'tile-icon', 'aria-hidden': 'true' }, p.icon || '•'),
        h('span', { class: 'tile-title' }, t(p.title)),
        h('span', { class: 'tile-group' }, t(g.title))));
    }
  }
  return h('div', { class: 'home' },
    h('div', { class: 'welcome' },
      h('h1', null, t('home.welcome', { name: u.name || u.username })),
      h('div', { class: 'welcome-meta' },
        h('span', null, t('home.role', { role: tEnum('role', u.role) })),
        h('span', null, t('home.scope', { scope: scopeText })),
        unread !== null ? h('a', { href: '/notifications' }, t('home.unread', { n: unread })) : null)),
    queue,
    figures,
    awaySwitch(u),
    card(t('home.modules'), h('div', { class: 'tiles' }, tiles)));
}
