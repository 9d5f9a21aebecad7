// notifications.js — 通知: the signed-in user's in-app notifications; mark one read.

import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, pageHeader, pagedList, badge } from '../lib/ui.js';
import { formatTs } from '../lib/fmt.js';

/** Updates the unread count in the header's envelope. */
export async function refreshUnread() {
  const el = document.getElementById('notif-count');
  if (!el) return;
  const res = await api.get('/notifications', { unread: 'true', limit: 100 });
  const n = (res.items || []).length;
  el.textContent = n >= 100 && res.next_cursor ? '99+' : String(n);
  el.hidden = n === 0;
}

export async function notificationsPage(ctx) {
  let unreadOnly = ctx.query.unread === 'true';
  const list = pagedList({
    load: (cursor) => api.get('/notifications', { unread: unreadOnly ? 'true' : '', limit: 50, cursor }),
    columns: [
      { key: 'created_at', label: t('f.at'), render: (n) => formatTs(n.created_at), cls: 'nowrap' },
      { key: 'event', label: t('f.event'), cls: 'mono' },
      { key: 'subject', label: t('f.subject'), cls: 'wrap' },
      { key: 'document', label: t('f.document'), cls: 'mono' },
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
  list.reload();
  return h('div', { class: 'page-notifications' },
    pageHeader(t('notif.title'), h('label', { class: 'check', for: 'unread-only' }, toggle, ` ${t('notif.unread_only')}`)),
    h('section', { class: 'card' }, list.el));
}
