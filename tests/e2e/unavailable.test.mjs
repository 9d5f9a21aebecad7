// unavailable.test.mjs — the follow-up of issue #15 (a PostgreSQL failover): the server answers
// 503 unavailable (Retry-After) when the database is away, and with details.rule outcome_unknown
// when a write's COMMIT got no answer. The UI says so in Chinese, not as a bare code: a list that
// cannot load, and a document action whose outcome is unknown (check before sending it again).
// The 503s are made by the browser test (page.route), the server itself is the real one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, apiToken, apiGet, apiSend, withPage } from './lib.mjs';

const T = { timeout: 180_000 };

function answer503(rule) {
  return {
    status: 503,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '5' },
    body: JSON.stringify({
      error: {
        code: 'unavailable',
        message: rule ? 'the database connection was lost while the change was being committed' : 'the database is unavailable, try again',
        details: rule ? { rule } : {},
      },
    }),
  };
}

const bodyHas = (page, s) => page.waitForFunction((x) => document.body.textContent.includes(x), s);

test('a list whose load answers 503 unavailable says the database is away for a moment', T, async () => {
  await withPage(async (page) => {
    await login(page, 'kam_GZ', 'demo123', '/');
    await page.route((url) => url.pathname === '/api/v1/customers', (route) =>
      (route.request().method() === 'GET' ? route.fulfill(answer503(null)) : route.continue()));
    await page.goto(new URL('/customers', page.url()).href);
    await page.waitForSelector('.state-error[data-status="503"]');
    const shown = await page.locator('.state-error').first().textContent();
    assert.ok(shown.includes('数据库暂时不可用'), `the state says so: ${shown}`);
    assert.ok(!shown.includes('unavailable'), `no bare code on a Chinese screen: ${shown}`);
  });
});

test('an action whose outcome is unknown (503 outcome_unknown) says to look before sending it again', T, async () => {
  const code = `E2E503${Date.now() % 1000000}`;
  const kam = await apiToken('kam_SZ');
  const made = await apiSend(kam, 'POST', '/customers', {
    code, name: '断线测试客户', market: 'S', region: 'SZ', kam: 'kam_SZ', status: 'prospect',
    consignee: '王收货', consignee_phone: '13800000009', consignment_station: '深圳站',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await withPage(async (page) => {
    await login(page, 'kam_SZ', 'demo123', `/customers/${code}`);
    await page.waitForSelector('#cust-act-submit');
    const action = (url) => url.pathname === `/api/v1/customers/${code}/submit`;
    await page.route(action, (route) => route.fulfill(answer503('outcome_unknown')));
    await page.click('#cust-act-submit');
    await bodyHas(page, '无法确定是否已保存');
    await page.unroute(action);
    // the real server then takes it
    await page.waitForSelector('#cust-act-submit:not([disabled])');
    await page.click('#cust-act-submit');
    for (let i = 0; i < 100 && (await apiGet(kam, `/customers/${code}`)).body.status !== 'pending_review'; i++) await page.waitForTimeout(100);
  });
  assert.equal((await apiGet(kam, `/customers/${code}`)).body.status, 'pending_review');
});
