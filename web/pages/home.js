// home.js — 工作台: the caller's work queue (GET /me/queue: what waits on them, oldest first,
// each with its deadline and OSB rule, each row opening its document), who is signed in, the
// modules the role may open, unread notifications.

import { api } from '../lib/api.js';
import { t, tEnum, hasKey } from '../lib/i18n.js';
import { h, card, table, badge } from '../lib/ui.js';
import { formatTs } from '../lib/fmt.js';
import { stateBadge, deadlineText } from '../lib/doc.js';
import { awaySwitch } from './customer_lifecycle.js';
import { docHref } from '../lib/links.js';


// The word prefix (lib/i18n.js, lib/doc.js) of each collection's states and actions.
const KIND = { orders: 'order', shipments: 'ship', 'osb-issues': 'issue' };
const ACT = { orders: 'order.act', shipments: 'ship.act', 'osb-issues': 'iss.act' };

function typeLabel(type) {
  return hasKey(`queue.type.${type}`) ? t(`queue.type.${type}`) : type;
}

function stateOf(item) {
  const kind = KIND[item.type];
  return kind ? stateBadge(kind, item.state) : badge(item.state);
}

function actionsOf(item) {
  const prefix = ACT[item.type];
  return item.allowed_actions.map((a) => (prefix && hasKey(`${prefix}.${a}`) ? t(`${prefix}.${a}`) : a)).join('、');
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

export async function homePage(ctx) {
  const u = ctx.user;
  let unread = null;
  const [queue] = await Promise.all([
    queueCard(),
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
    awaySwitch(u),
    card(t('home.modules'), h('div', { class: 'tiles' }, tiles)));
}
