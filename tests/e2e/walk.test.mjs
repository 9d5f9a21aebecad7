// walk.test.mjs — every role that has a menu signs in and opens every page its menu reaches, in
// zh-CN and in English, on a desktop screen and on a 390 px phone. A page fails the walk when it
// says 页面不存在 / "尚未开放" or shows an error panel, when a raw snake_case or kebab-case code
// (a state, action or field name) is visible, when a person is shown by login instead of by
// name (lib.mjs loginsShown), when an English server sentence stands on a
// Chinese screen, when it scrolls sideways at 390 px, or when the browser reports a CSP
// violation. Each failure names the user, the language and the page; all of them are listed at
// once so one run shows everything that is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, launch, login, resultsDir, apiToken, apiGet, loginsShown } from './lib.mjs';

// One user of every role with a menu (osb demo); admin signs in with its own password.
const USERS = [
  ['admin', 'admin123'], ['gm'], ['director'], ['deputy'], ['ssg_leader'], ['csr_a'], ['finance'],
  ['warehouse'], ['service'], ['marketing'], ['auditor'], ['mm_S'], ['um_GZ'], ['kam_GZ'], ['rep_GZ'],
];

const T = { timeout: 2_400_000 }; // a walk takes 5–7 min on a quiet machine, over 15 at load 40

/**
 * What is wrong with the text on the screen, as a list of findings. Words that are codes on
 * purpose stay: document numbers and SKUs are upper case (DD2026…, M-IF1-900), e-mail addresses
 * carry '@', paths start with '/', and login names (csr_a, kam_GZ: what a user types to sign in,
 * listed in `logins`) are identifiers like document numbers.
 */
export function badWords(text, lang, logins = new Set()) {
  const found = [];
  const words = text.split(/[\s,，;；:：()（）[\]【】"'“”‘’<>《》|·、。!?！？]+/).filter(Boolean);
  for (const w of words) {
    if (w.includes('@') || w.includes('/') || w.includes('.') || logins.has(w)) continue;
    // snake_case in lower case: invalid_state, pending_approval; on a Chinese screen also
    // kebab-case (recheck-on-money) — in English "follow-up" and "sign-ins" are words
    if (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(w) || (lang === 'zh' && /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(w))) found.push(`code "${w}"`);
  }
  if (lang === 'zh') {
    // three or more English words in a row on a Chinese screen: a server sentence
    const m = text.match(/\b[A-Za-z][a-z]+(?:[ ,]+[a-z][a-z']*){3,}/g) || [];
    for (const s of m) found.push(`English "${s}"`);
  }
  return found;
}

/** Waits until the page's requests are answered and no loading panel is left. */
async function settle(page) {
  await page.waitForFunction(() => (window.__osbInflight || 0) === 0 && !document.querySelector('#main .state-loading'),
    null, { timeout: 20_000 }).catch(() => {});
  await page.waitForTimeout(60);
  await page.waitForFunction(() => (window.__osbInflight || 0) === 0 && !document.querySelector('#main .state-loading'),
    null, { timeout: 20_000 }).catch(() => {});
}

async function countRequests(page) {
  await page.addInitScript(() => {
    window.__osbInflight = 0;
    const f = window.fetch.bind(window);
    window.fetch = (...a) => {
      window.__osbInflight++;
      return f(...a).finally(() => { window.__osbInflight--; });
    };
  });
}

/** Walks every menu page of every user in one language on one screen; returns the findings. */
async function walk(lang, viewport) {
  const problems = [];
  const logins = new Set();
  const people = new Map(); // login → name
  const admin = await apiToken('admin', 'admin123');
  for (let cursor = null, i = 0; i < 50; i++) {
    const r = await apiGet(admin, `/users?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const u of r.body.items) {
      logins.add(u.username);
      people.set(u.username, u.name);
    }
    cursor = r.body.next_cursor;
    if (!cursor) break;
  }
  const b = await launch({ viewport });
  const { page } = b;
  await countRequests(page);
  const phone = viewport.width <= 390;
  try {
    for (const [user, password] of USERS) {
      await page.goto(BASE + '/login');
      await page.evaluate((l) => { sessionStorage.clear(); localStorage.setItem('osb.lang', l); }, lang);
      await page.goto(BASE + '/login');
      await login(page, user, password || 'demo123');
      await settle(page);
      const paths = await page.$$eval('nav.sidebar a.nav-link', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(paths.length > 0, `${user} has a menu`);
      for (const path of paths) {
        const where = `${user} ${lang}${phone ? ' 390px' : ''} ${path}`;
        await page.evaluate((p) => window.osbNavigate(p), path);
        await settle(page);
        const s = await page.evaluate(() => ({
          text: document.body.innerText,
          notFound: !!document.querySelector('#not-open') || /页面不存在|Page not found/.test(document.querySelector('#main')?.innerText || ''),
          error: [...document.querySelectorAll('#main .state-error')].map((e) => e.innerText.replace(/\s+/g, ' ')),
          width: document.documentElement.scrollWidth,
          csp: window.cspViolations.splice(0),
        }));
        if (s.notFound) problems.push(`${where}: not-found page`);
        for (const e of s.error) problems.push(`${where}: error panel "${e}"`);
        for (const w of badWords(s.text, lang, logins)) problems.push(`${where}: ${w}`);
        for (const w of await loginsShown(page, people)) problems.push(`${where}: ${w}`);
        if (phone && s.width > 392) {
          problems.push(`${where}: ${s.width}px wide on a 390px screen`);
          await page.screenshot({ path: join(resultsDir(), `walk-wide-${user}-${path.replace(/\W+/g, '_')}.png`), fullPage: true });
        }
        for (const v of s.csp) problems.push(`${where}: CSP violation ${v}`);
      }
      await page.click('#logout');
      await page.waitForSelector('#login-username');
    }
    const errors = page.errors.filter((e) => !/Failed to load resource/.test(e));
    for (const e of errors) problems.push(`${lang}: script error ${e}`);
  } finally {
    await b.close();
  }
  return problems;
}

test('the text filter catches codes and English sentences (the walk can fail)', () => {
  assert.deepEqual(badWords('状态 pending_approval 订单', 'zh'), ['code "pending_approval"']);
  assert.deepEqual(badWords('动作 recheck-on-money', 'zh'), ['code "recheck-on-money"']);
  assert.equal(badWords('line 1: 25 is not a whole number of cases of 12', 'zh').length, 1);
  assert.deepEqual(badWords('DD20260001 M-IF1-900 kam_GZ a@b.cn /api/v1/orders csr_a', 'zh', new Set(['csr_a'])), []);
  assert.deepEqual(badWords('csr_a', 'zh'), ['code "csr_a"']);
  assert.deepEqual(badWords('Orders waiting for approval, follow-up', 'en'), []);
  assert.deepEqual(badWords('state pending_approval', 'en'), ['code "pending_approval"']);
});

test('the people check catches a login shown for a person (the walk can fail)', T, async () => {
  const b = await launch();
  try {
    await b.page.setContent('<main><span class="person" title="kam_GZ">kam_GZ</span> 负责人 kam_GZ'
      + ' <span class="person" title="csr_a">张三</span> 李四 (kam_GZ) <table><tr><td class="login">csr_a</td></tr></table></main>');
    const people = new Map([['kam_GZ', '李四'], ['csr_a', '张三']]);
    assert.deepEqual(await loginsShown(b.page, people), [
      'a person shown by login "kam_GZ"', 'the login "kam_GZ" shown instead of the name "李四"',
      'the login "kam_GZ" shown instead of the name "李四"']);
  } finally {
    await b.close();
  }
});

// Both languages on a phone screen: the narrow layout is where pages break, and its text is
// the desktop's (a desktop walk doubled the run time and found nothing more).
for (const [lang, viewport] of [['zh', { width: 390, height: 844 }], ['en', { width: 390, height: 844 }]]) {
  test(`every menu page of every role, ${lang} at ${viewport.width}px: no not-found page, raw code, person by login, English sentence on zh, side scroll or CSP violation`, T, async () => {
    const problems = await walk(lang, viewport);
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
  });
}
