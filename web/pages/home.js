// home.js — 工作台: who is signed in, the modules the role may open, unread notifications.

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import { h, card } from '../lib/ui.js';
import { awaySwitch } from './customer_lifecycle.js';

export async function homePage(ctx) {
  const u = ctx.user;
  let unread = null;
  try {
    const n = await api.get('/notifications', { unread: 'true', limit: 100 });
    unread = n.items.length + (n.next_cursor ? '+' : '');
  } catch {
    unread = null;
  }
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
    awaySwitch(u),
    card(t('home.modules'), h('div', { class: 'tiles' }, tiles)));
}
