// password.js — 修改密码: one's own password (POST /me/password {old, new}). The server checks
// the old one and the strength of the new one (8+ characters, a letter and a digit, not the
// username), ends every session of the user and answers a new token, kept here so the user
// stays signed in on this tab (docs/operations.md "Security").

import { api, session } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, pageHeader, form, toast } from '../lib/ui.js';

export async function passwordPage(ctx) {
  const f = form({
    idPrefix: 'pw',
    submitLabel: t('pw.submit'),
    fields: [
      { name: 'old', label: t('pw.old'), type: 'password', required: true, autocomplete: 'current-password' },
      { name: 'new', label: t('pw.new'), type: 'password', required: true, autocomplete: 'new-password', hint: t('pw.hint') },
      { name: 'again', label: t('pw.again'), type: 'password', required: true, autocomplete: 'new-password' },
    ],
    onCancel: () => ctx.navigate('/'),
    submit: async (body) => {
      if (body.new !== body.again) {
        f.setError('again', t('pw.mismatch'));
        return;
      }
      const { token } = await api.post('/me/password', { old: body.old, new: body.new });
      session.save(token, session.user);
      toast(t('pw.done'));
      ctx.navigate('/');
    },
  });
  return h('div', { class: 'page-password' }, pageHeader(t('pw.title')), h('section', { class: 'card' }, f.el));
}
