// login.js — the sign-in screen: POST /login, then the token goes to sessionStorage.

import { api, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h } from '../lib/ui.js';

export function loginPage({ onLogin, langButton }) {
  const user = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { id: 'login-error', class: 'form-banner', role: 'alert', hidden: true });
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit', id: 'login-submit' }, t('login.submit'));

  const kept = sessionStorage.getItem('osb.login_message');
  if (kept) {
    sessionStorage.removeItem('osb.login_message');
    error.textContent = t(kept);
    error.hidden = false;
  }

  const form = h('form', { class: 'login-form', novalidate: true },
    h('label', { for: 'login-username' }, t('login.username')), user,
    h('label', { for: 'login-password' }, t('login.password')), pass,
    error, submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const username = user.value.trim();
    if (!username || !pass.value) {
      error.textContent = t('login.bad');
      error.hidden = false;
      (username ? pass : user).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.submitting');
    try {
      const res = await api.post('/login', { username, password: pass.value });
      onLogin(res.token, res.user);
    } catch (err) {
      let msg = err.message;
      if (err instanceof ApiError) {
        if (err.status === 401) msg = t('login.bad');
        else if (err.status === 429) msg = t('login.rate_limited');
        else if (err.status === 0) msg = t('err.network');
        else if (err.status === 503) msg = t('err.unavailable');
      }
      error.textContent = msg;
      error.hidden = false;
      pass.select();
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });

  return h('div', { class: 'login-screen' },
    h('div', { class: 'login-top' }, langButton()),
    h('div', { class: 'login-card' },
      h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark brand-mark-lg' }, 'OSB'),
        h('div', null, h('div', { class: 'login-app' }, t('app.name')), h('div', { class: 'login-sub' }, t('app.subtitle')))),
      h('h1', { class: 'login-title' }, t('login.title')),
      form));
}
