// people.js — people by name (issue #17): documents carry logins (created_by, kam, actor …);
// the screens show the person's display name, the login only as the tooltip. GET /people is
// read once per session (app.js awaits loadPeople() before drawing a page), so that personName()
// and person() can answer synchronously inside any render function.

import { api, session } from './api.js';
import { h } from './ui.js';

let names = new Map();
let loadedFor = null;
let loading = null;

/** Reads GET /people once per signed-in session; a failure leaves logins shown as they are. */
export function loadPeople() {
  const token = session.token;
  if (!token) return Promise.resolve();
  if (loadedFor === token) return loading || Promise.resolve();
  loadedFor = token;
  loading = api.get('/people')
    .then((b) => { names = new Map((b.items || []).map((p) => [p.username, p.name])); })
    .catch(() => { loadedFor = null; })
    .finally(() => { loading = null; });
  return loading;
}

/** Drops the names (after an admin renames someone). */
export function forgetPeople() {
  names = new Map();
  loadedFor = null;
}

/** The display name of a login (the login itself when unknown), '' for none. */
export function personName(login) {
  if (!login) return '';
  return names.get(login) || login;
}

/** A person as an element: the name, with the login as the tooltip; '—' for none. */
export function person(login) {
  if (!login) return '—';
  return h('span', { class: 'person', title: login, dataset: { login } }, personName(login));
}
