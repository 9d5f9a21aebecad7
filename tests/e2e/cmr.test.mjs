// cmr.test.mjs — CMR in the browser (web/pages/credit.js; api.md §5.3): the review worksheet (with where G and T come from) an
// MM works through line by line (formula terms, adjustment, reason, what-if; the 422
// reason_required shown at the line), the SLT member's approval view, and the grade list with
// compute, override and publish. Every figure on the page is checked against the API.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, apiToken, apiGet, withPage, apiPost } from './lib.mjs';
import { formatFen, formatBp } from '../../web/lib/fmt.js';

const T = { timeout: 180_000 };

/** The quarter after today's (its first day is in the future: approved lines wait for it). */
function nextQuarter() {
  const d = new Date();
  let y = d.getFullYear();
  let q = Math.floor(d.getMonth() / 3) + 2;
  if (q > 4) { q = 1; y++; }
  return `${y}Q${q}`;
}

/** Polls the API until the line of cust satisfies ok (the page's action has been saved). */
async function waitLine(token, url, cust, ok) {
  for (let i = 0; i < 100; i++) {
    const l = (await apiGet(token, url)).body.lines.find((x) => x.customer === cust);
    if (ok(l)) return l;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the line of ${cust} did not change`);
}

const cell = (page, cust, sel) => page.locator(`.page-credit-review tr[data-key="${cust}"] ${sel}`).first();

test('the MM works through the review worksheet, the SLT member approves', T, async () => {
  const ssg = await apiToken('ssg_leader');
  const created = await apiPost(ssg, '/credit-reviews', { quarter: nextQuarter() });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const number = created.body.number;
  const url = `/credit-reviews/${number}`;
  const mmToken = await apiToken('mm_S');
  const before = (await apiGet(mmToken, url)).body;
  const line = before.lines.find((l) => l.customer === 'GZ01');
  assert.ok(line, 'GZ01 has a line');
  await withPage(async (page) => {
    await login(page, 'mm_S', 'demo123', url);
    await page.waitForSelector('.page-credit-review tr[data-key="GZ01"]');
    // every line the MM sees is of market S, with the formula's terms as the API has them
    const shown = await page.locator('.page-credit-review tbody tr[data-key]').evaluateAll((els) => els.map((e) => e.dataset.key));
    assert.deepEqual(shown.sort(), before.lines.map((l) => l.customer).sort(), 'the lines the API shows the MM');
    const row = await page.locator('.page-credit-review tr[data-key="GZ01"]').textContent();
    assert.ok(row.includes(formatFen(line.current_limit_fen)), 'current limit');
    assert.ok(row.includes(formatFen(line.s_avg_fen)), 'S avg');
    assert.ok(row.includes(formatFen(line.proposed_limit_fen)), 'proposal');
    assert.match(await cell(page, 'GZ01', '.line-what-if').textContent(), new RegExp(`^${line.what_if.orders}单`));
    // an adjustment without a reason: the server's 422 reason_required shows at the line
    await cell(page, 'GZ01', '.line-adjustment').fill('1000');
    await page.click('#act-review-GZ01');
    await page.waitForSelector('.page-credit-review tr[data-key="GZ01"] .line-error:not(:empty)');
    await cell(page, 'GZ01', '.line-reason').fill('新开门店');
    await page.click('#act-review-GZ01');
    const after = await waitLine(mmToken, url, 'GZ01', (l) => l.state === 'reviewed');
    assert.equal(after.adjustment_fen, 100000, '¥1,000.00 as fen');
    assert.equal(after.adjustment_reason, '新开门店');
    await page.waitForFunction((p) => document.querySelector('.page-credit-review tr[data-key="GZ01"] .line-proposed')?.textContent === p, formatFen(after.proposed_limit_fen));

    // the deputy (supervising market S): only the lines waiting for him, approve on GZ01
    await page.click('#logout');
    await page.waitForSelector('#login-username');
    await login(page, 'deputy', 'demo123', `${url}?mine=1`);
    await page.waitForSelector('#act-approve-GZ01');
    const mine = await page.locator('.page-credit-review tbody tr[data-key]').evaluateAll((els) => els.map((e) => e.dataset.key));
    const depView = (await apiGet(await apiToken('deputy'), url)).body;
    assert.deepEqual(mine.sort(), depView.lines.filter((l) => l.allowed_actions.length).map((l) => l.customer).sort(), 'only lines waiting for him');
    await page.click('#act-approve-GZ01');
    const approved = await waitLine(await apiToken('deputy'), url, 'GZ01', (l) => l.slt_approved_by === 'deputy');
    assert.equal(approved.state, after.needs_gm ? 'reviewed' : 'approved', 'approved (or waiting for the GM)');
    await page.waitForFunction(() => !document.querySelector('#act-approve-GZ01'));
  });
});

test('the grade list: compute, override with a reason, publish', T, async () => {
  // a past month: no invoice falls due in its window, so every grade is kept and publishing
  // changes no customer's credit (the other browser tests share this database)
  const month = '2024-06';
  const ssg = await apiToken('ssg_leader');
  await withPage(async (page) => {
    await login(page, 'ssg_leader', 'demo123', `/credit-grades?month=${month}`);
    await page.waitForSelector('#grade-not-computed');
    await page.click('#grade-compute');
    await page.waitForSelector('.page-credit-grades tr[data-key="GZ01"]');
    const api = (await apiGet(ssg, `/credit-grades?month=${month}`)).body;
    const shown = await page.locator('.page-credit-grades tbody tr[data-key]').count();
    assert.equal(shown, api.items.length, 'a row per customer');
    const gz = api.items.find((r) => r.customer === 'GZ01');
    assert.equal((await page.locator('tr[data-key="GZ01"] .grade-final').textContent()).trim(), gz.grade);
    // an override needs a reason; then another grade than the computed one, with a reason
    const other = gz.grade === 'A' ? 'B' : 'A';
    await page.selectOption('tr[data-key="GZ01"] select', other);
    await page.click('#grade-override-GZ01');
    await page.waitForSelector('#grade-error:not(:empty)');
    await page.selectOption('tr[data-key="GZ01"] select', other);
    await page.fill('tr[data-key="GZ01"] .grade-reason', '长期合作');
    await page.click('#grade-override-GZ01');
    await page.waitForFunction((g) => document.querySelector('tr[data-key="GZ01"] .grade-final')?.textContent === g, other);
    const row = (await apiGet(ssg, `/credit-grades?month=${month}`)).body.items.find((r) => r.customer === 'GZ01');
    assert.deepEqual([row.override_grade, row.override_reason, row.grade], [other, '长期合作', other]);
    await page.click('#grade-publish');
    await page.waitForSelector(`.page-credit-grades [data-published="true"]`);
    assert.equal(await page.locator('#grade-compute, #grade-publish, #grade-override-GZ01').count(), 0, 'nothing left to do');
    const c = (await apiGet(ssg, '/customers/GZ01')).body;
    assert.equal(c.grade, other, 'the customer takes the published grade');
  });
});

/** YYYY-MM of the month k months after today's (company time, UTC+8). */
function monthAfter(k) {
  const d = new Date(Date.now() + 8 * 3600_000);
  const i = d.getUTCFullYear() * 12 + d.getUTCMonth() + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

test('the worksheet shows where G and T come from: the approved forecasts and the order cycle', T, async () => {
  // An approved forecast of GZ02 for the three months after this one: an ad hoc review's
  // coming quarter (flows.md §11.2 G).
  const kam = await apiToken('kam_GZ');
  const sku = (await apiGet(kam, '/products?limit=1')).body.items[0].sku;
  const made = await apiPost(kam, '/forecasts', {
    customer: 'GZ02', base_month: monthAfter(0),
    lines: [1, 2, 3].map((k) => ({ month: monthAfter(k), sku, qty: 10 * k })),
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const fc = made.body.number;
  for (const [user, action, body] of [['kam_GZ', 'submit', {}], ['csr_a', 'assess', { lines: [] }],
    ['ssg_leader', 'aggregate', {}], ['mm_S', 'approve', {}]]) {
    const r = await apiPost(await apiToken(user), `/forecasts/${fc}/${action}`, body);
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  }
  const created = await apiPost(await apiToken('ssg_leader'), '/credit-reviews', { adhoc: true, customers: ['GZ02'] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const url = `/credit-reviews/${created.body.number}`;
  const line = created.body.lines.find((l) => l.customer === 'GZ02');
  assert.equal(line.growth.sources.length, 3, 'three forecast months');
  assert.ok(line.growth.sources.every((s) => s.forecast === fc), 'all from the approved forecast');
  await withPage(async (page) => {
    await login(page, 'mm_S', 'demo123', url);
    await page.waitForSelector('.page-credit-review tr[data-key="GZ02"] .line-g-source');
    assert.equal((await cell(page, 'GZ02', '.line-g').textContent()).trim(), formatBp(line.g_bp), 'G as the API has it');
    const src = await cell(page, 'GZ02', '.line-g-source').textContent();
    assert.ok(src.includes(formatFen(line.growth.forecast_fen)), `the forecast's value: ${src}`);
    assert.ok(src.includes(formatFen(line.growth.f_fen)), `F: ${src}`);
    assert.match(src, /已批准预期/, 'zh-CN first');
    await cell(page, 'GZ02', '.line-g-sources summary').click();
    const months = await page.locator('.page-credit-review tr[data-key="GZ02"] .line-g-sources li').evaluateAll((els) => els.map((e) => e.dataset.month));
    assert.deepEqual(months, [1, 2, 3].map(monthAfter), 'the months of the coming quarter');
    assert.equal(await cell(page, 'GZ02', `.line-g-sources a[href="/forecasts/${fc}"]`).count(), 1, 'links the forecast');
    const tSrc = await cell(page, 'GZ02', '.line-t-source').textContent();
    assert.ok(tSrc.includes(String(line.cycle_days)) && tSrc.includes(String(line.t_days - line.cycle_days)), `T's parts: ${tSrc}`);
  });
});
