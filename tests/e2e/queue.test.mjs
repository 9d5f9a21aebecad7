// queue.test.mjs — the work queue on every role's home page (GET /me/queue): the rows are the
// API's items, oldest first; a row opens its document; the order page says whom it waits for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { login, apiToken, apiGet, BASE, resultsDir, withPage, apiPostOk } from './lib.mjs';

const T = { timeout: 120_000 };

/** A new order of GZ01 taken to submitted; returns its number. */
async function submittedOrder() {
  const kam = await apiToken('kam_GZ');
  const o = await apiPostOk(kam, '/orders', { customer: 'GZ01', lines: [{ sku: 'M-IF1-900', qty: 12 }] });
  await apiPostOk(kam, `/orders/${o.number}/verify`);
  await apiPostOk(await apiToken('mm_S'), `/orders/${o.number}/approve-market`);
  return o.number;
}

const queueKeys = (page) => page.$$eval('#work-queue tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key));

test('the CSR finds a submitted order in its queue and opens it; the order says whom it waits for', T, async () => {
  const n = await submittedOrder();
  const token = await apiToken('csr_a');
  const api = await apiGet(token, '/me/queue');
  assert.equal(api.status, 200);
  const expected = api.body.items.map((i) => `${i.type}/${i.number}`);
  assert.ok(expected.includes(`orders/${n}`), 'the API queue has the order');
  await withPage(async (page) => {
    await login(page, 'csr_a');
    await page.waitForSelector('#work-queue');
    assert.deepEqual(await queueKeys(page), expected, 'the page shows the API queue in its order');
    const row = page.locator(`#work-queue tr[data-key="orders/${n}"]`);
    assert.match(await row.textContent(), /订单/);
    assert.match(await row.textContent(), /已提交/);
    await page.screenshot({ path: join(resultsDir(), 'queue-home-csr.png'), fullPage: true });
    await row.locator('a').click();
    await page.waitForSelector('#order-waiting');
    assert.match(page.url(), new RegExp(`/orders/${n}$`));
    const waiting = await page.locator('#order-waiting').textContent();
    assert.match(waiting, /等待：/);
    assert.match(waiting, /客户服务代表/);
  });
});

test('every role\'s home page shows its queue, as many rows as the API has', { timeout: 300_000 }, async () => {
  const users = ['gm', 'deputy', 'kam_GZ', 'mm_S', 'warehouse', 'finance', 'ssg_leader', 'service'];
  const expected = {};
  for (const user of users) {
    const api = await apiGet(await apiToken(user), '/me/queue');
    assert.equal(api.status, 200, `queue of ${user}`);
    expected[user] = api.body.items.map((i) => `${i.type}/${i.number}`);
  }
  await withPage(async (page) => {
    for (const user of users) {
      // One browser for all: the session lives in sessionStorage, cleared between users.
      await page.goto(BASE + '/');
      await page.evaluate(() => { sessionStorage.clear(); localStorage.removeItem('osb.lang'); });
      await login(page, user);
      await page.waitForSelector('#work-queue');
      const keys = await queueKeys(page);
      assert.deepEqual(keys, expected[user], `home of ${user}`);
      if (!keys.length) assert.match(await page.locator('#work-queue').textContent(), /没有等待您处理的单据/);
    }
  });
});

test('a user changes their own password on 修改密码; the old sessions end, the tab stays signed in', T, async () => {
  const admin = await apiToken('admin', 'admin123');
  const u = `pw${Date.now() % 100000000}`;
  await apiPostOk(admin, '/users', { username: u, name: '改密测试', password: 'start123', role: 'csr' });
  const other = await apiToken(u, 'start123'); // a session elsewhere
  await withPage(async (page) => {
    await login(page, u, 'start123');
    await page.click('a[data-nav="password"]');
    await page.waitForSelector('#pw-old');
    await page.fill('#pw-old', 'wrong999');
    await page.fill('#pw-new', 'Better2026');
    await page.fill('#pw-again', 'Better2026');
    await page.click('.page-password button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#pw-old-err')?.textContent.trim());
    assert.equal((await page.textContent('#pw-old-err')).trim(), '原密码不正确');
    await page.fill('#pw-old', 'start123');
    await page.fill('#pw-new', 'short1');
    await page.fill('#pw-again', 'short1');
    await page.click('.page-password button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#pw-new-err')?.textContent.trim());
    assert.match(await page.textContent('#pw-new-err'), /至少 8 位/);
    await page.fill('#pw-new', 'Better2026');
    await page.fill('#pw-again', 'Better2026');
    await page.click('.page-password button[type="submit"]');
    await page.waitForSelector('#work-queue');
    assert.equal((await apiGet(other, '/me')).status, 401, 'the other session ended');
    // this tab got the new token: another page still loads
    await page.click('a[data-nav="orders"]');
    await page.waitForSelector('.page-orders');
  });
  await apiToken(u, 'Better2026');
});
