// lib.mjs — shared helpers of the browser tests: launch Debian's Chromium through playwright-core
// (never a downloaded browser), sign in through the form, and call the API directly to check
// what the page shows against what the server answers.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS = process.env.OSB_RESULTS_DIR || join(REPO, 'build', 'results');
export const BASE = process.env.OSB_URL || 'http://127.0.0.1:18090';
export const CHROMIUM = process.env.OSB_CHROMIUM || '/usr/bin/chromium';

/**
 * Starts Chromium with a fresh profile (its own --user-data-dir, removed afterwards) and opens
 * one page in it that records console errors. Returns {context, page, close()}.
 * Playwright takes the profile directory as launchPersistentContext's first argument and puts
 * it on the command line as --user-data-dir itself.
 */
export async function launch(opts = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'osb-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1366, height: 900 },
    locale: 'zh-CN',
    ...opts,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  // CSP violations (an inline style or script the page tried) are collected by the page itself
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form and waits for the shell. */
export async function login(page, username, password = 'demo123', path = '/') {
  await page.goto(BASE + path);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#user-name');
}

/** POST /login over HTTP; returns the token. */
export async function apiToken(username, password = 'demo123') {
  const res = await fetch(`${BASE}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()).token;
}

export async function apiGet(token, path) {
  const res = await fetch(`${BASE}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export function resultsDir() {
  mkdirSync(RESULTS, { recursive: true });
  return RESULTS;
}

/**
 * Runs fn(page) in a fresh browser (launch options opts) and fails when the page logged script
 * errors. Chromium logs failed requests (e.g. the 401 of a wrong password) as console errors
 * too; those are expected answers, not script errors.
 */
export async function withPage(fn, opts = {}) {
  const b = await launch(opts);
  try {
    await fn(b.page);
    const errors = b.page.errors.filter((e) => !/Failed to load resource/.test(e));
    assert.deepEqual(errors, [], 'the page logged script errors');
  } finally {
    await b.close();
  }
}

/** Any method with a JSON body over HTTP; { status, body }. */
export async function apiSend(token, method, path, body) {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** POST with a JSON body (default {}); { status, body }. */
export const apiPost = (token, path, body = {}) => apiSend(token, 'POST', path, body);

/** POST that must succeed: the answer's body, or the test fails naming the call. */
export async function apiPostOk(token, path, body = {}) {
  const r = await apiPost(token, path, body);
  assert.ok(r.status >= 200 && r.status < 300, `POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The trimmed text of the first element matching sel. */
export const text = async (page, sel) => (await page.locator(sel).first().textContent()).trim();

/** Signs out and signs in as another user, landing on path. */
export async function switchUser(page, username, path) {
  await page.click('#logout');
  await page.waitForSelector('#login-username');
  await login(page, username, 'demo123', path);
}

/** Fails when the page is wider than a 390 px phone screen (2 px for rounding). */
export async function noSideScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 392, `${what}: the page is ${w}px wide on a 390px screen`);
}

/** A display name that looks like a login (csr_a): a person shown by login. */
export const LOGIN_LIKE = /\b[a-z]+_[a-z0-9]+\b/;

/**
 * Where the page shows people by login instead of by name, as a list of findings (empty when
 * none). people: Map login → display name. A person element (.person, web/lib/people.js) shows
 * the name, the login being its tooltip; and a login with '_' (kam_GZ: logins that are plain
 * words such as "finance" are left to the .person check) appears in the page's text only in an
 * element that shows logins on purpose (.login: the users page's column) or right after its
 * person's name, "name (login)".
 */
export async function loginsShown(page, people) {
  const { persons, shown } = await page.evaluate(() => {
    const persons = [...document.querySelectorAll('.person')].map((e) => [e.textContent.trim(), e.getAttribute('title') || '']);
    const kept = [...document.querySelectorAll('.login')].map((e) => [e, e.textContent]);
    for (const [e] of kept) e.textContent = '';
    const shown = document.body.innerText;
    for (const [e, t] of kept) e.textContent = t;
    return { persons, shown };
  });
  const found = [];
  for (const [name, login] of persons) {
    if (LOGIN_LIKE.test(name) || people.has(name)) found.push(`a person shown by login "${name}"`);
    if (!/^[A-Za-z0-9_]+$/.test(login)) found.push(`the person "${name}" has no login as tooltip`);
  }
  for (const [login, name] of people) {
    if (!login.includes('_')) continue;
    // a word of its own: not part of an e-mail address (csr_a@…) or a path, as in badWords
    const re = new RegExp(`(^|[^A-Za-z0-9_@./])${login.replace(/[^A-Za-z0-9_]/g, '\\$&')}(?![A-Za-z0-9_@./])`, 'g');
    for (const m of shown.matchAll(re)) {
      const before = shown.slice(0, m.index + m[1].length);
      if (name && /[(（]\s*$/.test(before) && before.replace(/\s*[(（]\s*$/, '').endsWith(name)) continue;
      found.push(`the login "${login}" shown instead of ${name ? `the name "${name}"` : 'a name'}`);
    }
  }
  return found;
}
