// notifications.js — 通知: the signed-in user's in-app notifications; mark one read.

import { api } from '../lib/api.js';
import { t, hasKey } from '../lib/i18n.js';
import { h, pageHeader, pagedList, badge } from '../lib/ui.js';
import { formatTs } from '../lib/fmt.js';
import { docHref } from '../lib/links.js';

/** Updates the unread count in the header's envelope. */
export async function refreshUnread() {
  const el = document.getElementById('notif-count');
  if (!el) return;
  const res = await api.get('/notifications', { unread: 'true', limit: 100 });
  const n = (res.items || []).length;
  el.textContent = n >= 100 && res.next_cursor ? '99+' : String(n);
  el.hidden = n === 0;
}

/**
 * The event of a notification in words: event.<code> from the dictionary; a document event
 * "<kind>_<state>" (order_accepted, shipment_dispatched) as the kind and its state's word;
 * otherwise the general word for a notice, never the code itself.
 */
export function eventLabel(ev) {
  if (!ev) return '—';
  if (hasKey(`event.${ev}`)) return t(`event.${ev}`);
  const m = /^(order|shipment|return|refund|backorder|statement)_(.+)$/.exec(ev);
  if (m && hasKey(`${m[1]}.state.${m[2]}`)) return `${t(`event.kind.${m[1]}`)} · ${t(`${m[1]}.state.${m[2]}`)}`;
  return t('event.other');
}

export async function notificationsPage(ctx) {
  let unreadOnly = ctx.query.unread === 'true';
  let q = ctx.query.q || '';
  const list = pagedList({
    load: (cursor) => api.get('/notifications', { unread: unreadOnly ? 'true' : '', q, limit: 50, cursor }),
    columns: [
      { key: 'created_at', label: t('f.at'), render: (n) => formatTs(n.created_at), cls: 'nowrap' },
      { key: 'event', label: t('f.event'), render: (n) => eventLabel(n.event) },
      { key: 'subject', label: t('f.subject'), cls: 'wrap' },
      { key: 'document', label: t('f.document'), cls: 'mono', render: (n) => (docHref(n.type, n.document) ? h('a', { href: docHref(n.type, n.document) }, n.document) : n.document || '—') },
      { key: 'read', label: t('f.state'), render: (n) => (n.read ? badge(t('notif.read'), 'muted') : badge(t('notif.unread'), 'info')) },
      { key: 'act', label: t('common.actions'), render: (n) => (n.read ? '' : h('button', {
        class: 'btn btn-small', type: 'button',
        onclick: async (ev) => {
          ev.target.disabled = true;
          await api.post(`/notifications/${n.id}/read`);
          refreshUnread().catch(() => {});
          list.reload();
        },
      }, t('notif.mark_read'))) },
    ],
    rowKey: (n) => n.id,
    rowClass: (n) => (n.read ? '' : 'unread'),
  });
  const toggle = h('input', { type: 'checkbox', id: 'unread-only', checked: unreadOnly });
  toggle.addEventListener('change', () => {
    unreadOnly = toggle.checked;
    ctx.setQuery({ unread: unreadOnly ? 'true' : '' });
    list.reload();
  });
  const search = h('input', { type: 'search', id: 'notif-q', name: 'q', value: q, placeholder: t('common.search'), 'aria-label': t('common.search') });
  search.addEventListener('change', () => {
    q = search.value.trim();
    ctx.setQuery({ unread: unreadOnly ? 'true' : '', q });
    list.reload();
  });
  const readAll = h('button', {
    class: 'btn btn-small', type: 'button', id: 'notif-read-all',
    onclick: async () => {
      readAll.disabled = true;
      try {
        await api.post('/notifications/read-all', {});
        refreshUnread().catch(() => {});
        list.reload();
      } finally {
        readAll.disabled = false;
      }
    },
  }, t('notif.read_all'));
  list.reload();
  return h('div', { class: 'page-notifications' },
    pageHeader(t('notif.title'), search, h('label', { class: 'check', for: 'unread-only' }, toggle, ` ${t('notif.unread_only')}`), readAll),
    h('section', { class: 'card' }, list.el));
}
