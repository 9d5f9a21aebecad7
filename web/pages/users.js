// users.js — 用户: the users (SLT, SSG leader, auditor and admin may read them).

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import { h, pageHeader, select, filterBar, pagedList, activeBadge } from '../lib/ui.js';
import { ref } from '../lib/ref.js';
import { ALL } from '../lib/roles.js';
import { person } from '../lib/people.js';

export async function usersPage(ctx) {
  const markets = await ref.markets();
  const q = ctx.query;
  let filters = { role: q.role || '', market: q.market || '', active: q.active || '' };
  const list = pagedList({
    load: (cursor) => api.get('/users', { ...filters, limit: 50, cursor }),
    columns: [
      // the login on purpose (what the user types to sign in); people elsewhere by name
      { key: 'username', label: t('f.username'), cls: 'mono login' },
      { key: 'name', label: t('f.name') },
      { key: 'role', label: t('f.role'), render: (u) => tEnum('role', u.role) },
      { key: 'department', label: t('f.department'), render: (u) => tEnum('dept', u.department) },
      { key: 'market', label: t('f.market') },
      { key: 'region', label: t('f.region') },
      { key: 'manager', label: t('f.manager'), render: (u) => person(u.manager) },
      { key: 'proxy_for', label: t('f.proxy_for'), render: (u) => person(u.proxy_for) },
      { key: 'email', label: t('f.email') },
      { key: 'active', label: t('f.active'), render: (u) => activeBadge(u.active) },
    ],
    rowKey: (u) => u.username,
  });
  const bar = filterBar([
    { label: t('users.filter.role'), control: select('role', ALL.map((r) => ({ value: r, label: tEnum('role', r) })), filters.role, { label: t('users.filter.role') }) },
    { label: t('f.market'), control: select('market', markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })), filters.market, { label: t('f.market') }) },
    { label: t('f.active'), control: select('active', [{ value: 'true', label: t('common.active') }, { value: 'false', label: t('common.inactive') }], filters.active, { label: t('f.active') }) },
  ], (v) => {
    filters = { role: v.role || '', market: v.market || '', active: v.active || '' };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-users' }, pageHeader(t('users.title')), h('section', { class: 'card' }, bar, list.el));
}
