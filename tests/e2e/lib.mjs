// lib.mjs — shared helpers of the browser tests: launch Debian's Chromium through playwright-core
// (never a downloaded browser), sign in through the form, and call the API directly to check
// what the page shows against what the server answers.

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
