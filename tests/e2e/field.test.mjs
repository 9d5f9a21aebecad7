// field.test.mjs — field sales in the browser (docs/field-sales.md): a rep's day on a phone
// (390 × 844): today's visits from the rep's plan, filing the report of one of them, registering
// an inquiry; a KAM taking a complaint on the phone; and the managers' desktop views (1366 px):
// the MM decides the inquiry, the rep's manager comments the visit report; the forecast grid at
// 390 px (totals as typed, assess / aggregate / approve from allowed_actions). Every page is checked
// against what the API answers, and the phone pages must not scroll sideways.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, login, apiToken, apiGet, BASE, resultsDir, apiPost, noSideScroll, withPage, text } from './lib.mjs';
import { formatFen } from '../../web/lib/fmt.js';

const T = { timeout: 120_000 };
/** withPage with launch options first: the phone's or none. */
const withDevice = (opts, fn) => withPage(fn, opts);

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const shared = {};

test("a rep's day at 390 px: today's visits, file the report, register an inquiry", T, async () => {
  const rep = await apiToken('rep_GZ');
  const plan = await apiPost(rep, '/visit-plans', {
    period_type: 'day', period: today(),
    items: [{ customer: 'GZ01', date: today(), purpose: '回款与新品推广', key: true }],
  });
  assert.equal(plan.status, 201, JSON.stringify(plan.body));
  assert.equal((await apiPost(rep, `/visit-plans/${plan.body.number}/submit`, {})).status, 200);
  const item = `${plan.body.number}/1`;

  await withDevice(PHONE, async (page) => {
    await login(page, 'rep_GZ', 'demo123', '/field');
    await page.waitForSelector('#today-visits');
    await page.waitForSelector(`[data-item="${item}"] a.file-report`);
    await noSideScroll(page, 'my day');
    await page.screenshot({ path: join(resultsDir(), 'field-day-390.png') });
    await page.click(`[data-item="${item}"] a.file-report`);
    await page.waitForSelector('#visit-form');
    assert.equal(await page.inputValue('#fld-customer'), 'GZ01', 'the planned customer is chosen');
    await page.fill('#fld-dealer_operations', '经营正常，库存偏高');
    await page.fill('#fld-competitor_products', '某品牌降价促销');
    await page.fill('#fld-price_sku', 'M-IF1-900');
    await page.fill('#fld-price_yuan', '0.01');
    await page.setInputFiles('#fld-photo', { name: 'shop.png', mimeType: 'image/png', buffer: Buffer.from('iVBORw0KGgo=', 'base64') });
    // what the visit found for the archive (issue 13): written into GZ01's archive on filing
    await page.fill('#fld-arch_phone', '020-86660001');
    await page.fill('#fld-arch_competitor_relations', '同时代理某品牌');
    await noSideScroll(page, 'the visit form');
    await page.click('#visit-form-submit');
    await page.waitForSelector('#doc-state[data-state="filed"]');
    const number = page.url().split('/').pop();
    assert.match(number, /BF\d{4,5}$/);
    const v = await apiGet(rep, `/visits/${number}`);
    assert.equal(v.body.plan_item, item);
    assert.equal(v.body.price_inversion, true, 'a price below the list is flagged');
    assert.ok(v.body.photo.startsWith('data:image/png'), 'the photo is kept');
    assert.deepEqual(v.body.archive_updates, { phone: '020-86660001', competitor_relations: '同时代理某品牌' });
    const gz01 = await apiGet(rep, '/customers/GZ01');
    assert.deepEqual([gz01.body.phone, gz01.body.competitor_relations], ['020-86660001', '同时代理某品牌'],
      "the customer's archive has the visit's findings");
    await page.waitForSelector('#doc-flags');
    await noSideScroll(page, 'the visit report');
    shared.visit = number;

    // back to the day: the visit shows as filed
    await page.goto(`${BASE}/field`);
    await page.waitForSelector(`[data-item="${item}"] a.done`);

    // register an inquiry
    await page.click('#go-inquiry');
    await page.waitForSelector('#quotation-form');
    await page.selectOption('#fld-customer', 'GZ01');
    await page.selectOption('#fld-source', 'tender');
    await page.fill('#fld-title', '县农业局集中采购');
    await page.fill('#fld-item', 'M-IF1-900');
    await page.fill('#fld-qty', '100');
    await page.fill('#fld-price_yuan', '95.50');
    await noSideScroll(page, 'the inquiry form');
    await page.click('#quotation-form-submit');
    await page.waitForSelector('#doc-state[data-state="registered"]');
    const q = page.url().split('/').pop();
    assert.match(q, /TB\d{4,5}$/, 'a tender is a bid (TB)');
    const qa = await apiGet(rep, `/quotations/${q}`);
    assert.equal(qa.body.total_fen, 955000);
    shared.quotation = q;
    await page.screenshot({ path: join(resultsDir(), 'field-quotation-390.png') });
  });
});

test('a KAM takes a complaint at 390 px; a form error names its field', T, async () => {
  await withDevice(PHONE, async (page) => {
    await login(page, 'kam_GZ', 'demo123', '/field');
    await page.click('#go-complaint');
    await page.waitForSelector('#after-sales-form');
    await page.selectOption('#fld-customer', 'GZ02');
    await page.selectOption('#fld-type', 'damage');
    await page.click('#after-sales-form-submit');
    await page.waitForSelector('#after-sales-form-banner:not([hidden])');
    assert.notEqual((await page.textContent('#fld-description-err')).trim(), '', 'the description is required');
    await page.fill('#fld-description', '运输途中外箱破损20箱');
    await page.click('#after-sales-form-submit');
    await page.waitForSelector('#doc-state[data-state="received"]');
    const n = page.url().split('/').pop();
    assert.match(n, /SH\d{4,5}$/);
    await noSideScroll(page, 'the ticket');
    const token = await apiToken('mm_S');
    const t = await apiGet(token, `/after-sales/${n}`);
    assert.deepEqual(t.body.allowed_actions, ['confirm', 'reject'], 'the MM confirms it');
  });
});

test('managers at 1366 px: the MM decides the bid, the KAM comments the visit report', T, async () => {
  assert.ok(shared.quotation && shared.visit, 'the phone test ran first');
  await withDevice({}, async (page) => {
    await login(page, 'mm_S', 'demo123', '/quotations');
    await page.waitForSelector(`tr[data-key="${shared.quotation}"]`);
    await page.goto(`${BASE}/quotations/${shared.quotation}`);
    await page.waitForSelector('#fact-decide');
    await page.selectOption('#fact-decide__participate', 'true');
    await page.click('#fact-decide');
    await page.waitForSelector('#doc-state[data-state="preparing"]');
    await page.screenshot({ path: join(resultsDir(), 'field-quotation-1366.png') });
  });
  await withDevice({}, async (page) => {
    await login(page, 'kam_GZ', 'demo123', `/visits/${shared.visit}`);
    await page.waitForSelector('#fact-comment');
    await page.fill('#fact-remark', '注意竞品降价，下周复访');
    await page.click('#fact-comment');
    await page.waitForSelector('#doc-state[data-state="commented"]');
    const token = await apiToken('rep_GZ');
    const v = await apiGet(token, `/visits/${shared.visit}`);
    assert.equal(v.body.manager_comment, '注意竞品降价，下周复访');
  });
});

test("a KAM's work log and a call at 390 px, read back by the API", T, async () => {
  await withDevice(PHONE, async (page) => {
    await login(page, 'kam_GZ', 'demo123', '/field');
    await page.waitForSelector('#go-work-log');
    await page.click('#go-work-log');
    await page.waitForSelector('#work-log-form');
    await noSideScroll(page, 'the work log');
    await page.fill('#fld-text', '上午拜访GZ01，下午整理回款计划');
    await page.click('#work-log-form-submit');
    await page.waitForSelector('#work-logs .field-log .log-text');
    assert.equal(await page.textContent('#work-logs .field-log .log-text'), '上午拜访GZ01，下午整理回款计划');
    await page.screenshot({ path: join(resultsDir(), 'field-work-log-390.png') });
    await page.goto(`${BASE}/call-logs/new?customer=GZ01`);
    await page.waitForSelector('#call-log-form');
    await noSideScroll(page, 'the call log');
    await page.selectOption('#fld-kind', 'weekly_collection');
    await page.fill('#fld-outcome', '答应周五付款');
    await page.fill('#fld-promised_yuan', '1234.50');
    await page.click('#call-log-form-submit');
    await page.waitForSelector('#today-visits');
  });
  const token = await apiToken('kam_GZ');
  const logs = await apiGet(token, '/work-logs?user=kam_GZ');
  assert.equal(logs.body.items[0].text, '上午拜访GZ01，下午整理回款计划');
  const calls = await apiGet(token, '/call-logs?customer=GZ01&by=kam_GZ');
  assert.deepEqual([calls.body.items[0].kind, calls.body.items[0].reached, calls.body.items[0].promised_amount_fen],
    ['weekly_collection', true, 123450]);
});

test('the forecast grid at 390 px: a KAM enters SKUs × months with totals as typed; the CSR assesses, the MM approves with the buttons the server allows', { timeout: 240_000 }, async () => {
  const kam = await apiToken('kam_GZ');
  const goods = (await apiGet(kam, '/products?limit=50')).body.items.filter((p) => p.active !== false && p.price_fen > 0);
  const [a, b] = goods;
  assert.ok(a && b, 'two products with a price');
  const fen = (x) => formatFen(x);
  let number;
  await withDevice(PHONE, async (page) => {
    await login(page, 'kam_GZ', 'demo123', '/forecasts/new');
    await page.waitForSelector('#fc-grid');
    await page.selectOption('#fc-customer', 'GZ01');
    const months = await page.locator('#fc-grid thead th[data-month]').evaluateAll((els) => els.map((e) => e.dataset.month));
    assert.equal(months.length, 3, 'three months across');
    await page.selectOption('#fc-grid tbody tr:nth-child(1) .fc-sku', a.sku);
    const qty = page.locator('#fc-grid tbody tr:nth-child(1) .fc-qty');
    await qty.nth(0).fill('10');
    await qty.nth(1).fill('20');
    // totals as one types: after two cells, then the third
    assert.equal(await text(page, '#fc-total'), fen(30 * a.price_fen), 'total after two cells');
    await qty.nth(2).fill('30');
    await page.click('#fc-add-row');
    await page.selectOption('#fc-grid tbody tr:nth-child(2) .fc-sku', b.sku);
    await page.locator('#fc-grid tbody tr:nth-child(2) .fc-qty').nth(1).fill('5');
    const total = 60 * a.price_fen + 5 * b.price_fen;
    assert.equal(await text(page, '#fc-total'), fen(total), 'grand total');
    assert.equal(await text(page, `#fc-grid tfoot td[data-month="${months[1]}"] .fc-col-qty`), '25', 'the month column adds up');
    assert.equal(await text(page, '#fc-grid tbody tr:nth-child(1) .fc-row-total'), fen(60 * a.price_fen), 'the row adds up');
    assert.match(await text(page, '#fc-grid tfoot th'), /合计/, 'zh-CN first');
    await noSideScroll(page, 'forecast grid');
    await page.screenshot({ path: join(resultsDir(), 'forecast-grid-390.png') });
    await page.click('#fc-save');
    await page.waitForURL(/\/forecasts\/[^/]+\/grid$/);
    number = decodeURIComponent(page.url().split('/').slice(-2)[0]);
    const d = (await apiGet(kam, `/forecasts/${encodeURIComponent(number)}`)).body;
    assert.equal(d.state, 'draft');
    assert.deepEqual(d.lines.map((l) => [l.month, l.sku, l.qty]).sort(),
      [[months[0], a.sku, 10], [months[1], a.sku, 20], [months[2], a.sku, 30], [months[1], b.sku, 5]].sort(), 'the lines typed');
    assert.equal(d.total_fen, total, 'the server values the grid as the page did');
    await page.waitForSelector('#fc-grid');
    const buttons = await page.locator('#fc-actions button').evaluateAll((els) => els.map((e) => e.dataset.action));
    assert.deepEqual(buttons, d.allowed_actions, 'buttons from allowed_actions only');
    assert.equal(await text(page, '#fc-total'), fen(total), 'the saved grid totals');
    await noSideScroll(page, 'forecast grid (saved)');
    await page.click('#fc-act-submit');
    await page.waitForSelector('#fc-state[data-state="submitted"]');
    assert.equal(await page.locator('#fc-actions button').count(), 0, 'nothing left for the KAM');
  });
  const url = `/forecasts/${encodeURIComponent(number)}/grid`;
  await withDevice({}, async (page) => {
    // the CSR assesses: an adjusted cell needs a comment (the server's 422 shows), then saves
    await login(page, 'csr_a', 'demo123', url);
    await page.waitForSelector('#fc-act-assess');
    const row = page.locator(`#fc-grid tbody tr[data-sku="${a.sku}"]`);
    const months = await page.locator('#fc-grid thead th[data-month]').evaluateAll((els) => els.map((e) => e.dataset.month));
    await row.locator(`.fc-adj[data-month="${months[1]}"]`).fill('26');
    const adjTotal = (10 + 26 + 30) * a.price_fen + 5 * b.price_fen;
    assert.equal(await text(page, '#fc-total'), fen(adjTotal), 'totals follow the adjustment as typed');
    await page.click('#fc-act-assess');
    await page.waitForSelector('#fc-error:not(:empty)');
    await row.locator('.fc-comment').fill('与代理商核实');
    await page.click('#fc-act-assess');
    await page.waitForSelector('#fc-state[data-state="assessed"]');
    const csr = await apiToken('csr_a');
    const d = (await apiGet(csr, `/forecasts/${encodeURIComponent(number)}`)).body;
    const l = d.lines.find((x) => x.sku === a.sku && x.month === months[1]);
    assert.deepEqual([l.assessment.adjusted_qty, l.assessment.comment], [26, '与代理商核实']);
    assert.deepEqual(await page.locator('#fc-actions button').evaluateAll((els) => els.map((e) => e.dataset.action)), d.allowed_actions);
    // the SSG leader aggregates, the MM approves, each with the one button shown
    for (const [user, action, next] of [['ssg_leader', 'aggregate', 'aggregated'], ['mm_S', 'approve', 'approved']]) {
      await page.click('#logout');
      await page.waitForSelector('#login-username');
      await login(page, user, 'demo123', url);
      await page.waitForSelector(`#fc-act-${action}`);
      assert.deepEqual(await page.locator('#fc-actions button').evaluateAll((els) => els.map((e) => e.dataset.action)), [action]);
      await page.click(`#fc-act-${action}`);
      await page.waitForSelector(`#fc-state[data-state="${next}"]`);
    }
    assert.equal(await text(page, '#fc-total'), fen(adjTotal), 'the approved grid counts the adjusted quantity');
  });
});

// #13: the phone pages at a desktop width as well (1366 × 900, the managers' screens): every
// field page renders without side scroll, and a complaint is taken there as on the phone.
const DESKTOP = { viewport: { width: 1366, height: 900 } };

test('the field pages at 1366 px as well: no side scroll, a complaint taken on the desktop', T, async () => {
  assert.ok(shared.quotation && shared.visit, 'the phone test ran first');
  const pages = [
    ['/field', '#today-visits'], ['/visits/new', '#visit-form'], ['/quotations/new', '#quotation-form'],
    ['/after-sales/new', '#after-sales-form'], ['/work-logs', '#work-log-form'], ['/forecasts/new', '#fc-grid'],
    ...['quotations', 'visits', 'visit-plans', 'after-sales', 'forecasts', 'plans']
      .map((c) => [`/${c}`, '#main table, #main .state-empty']),
    [`/visits/${shared.visit}`, '#doc-state'], [`/quotations/${shared.quotation}`, '#doc-state'],
  ];
  await withDevice(DESKTOP, async (page) => {
    await login(page, 'kam_GZ', 'demo123', '/field');
    for (const [path, sel] of pages) {
      await page.goto(`${BASE}${path}`);
      await page.waitForSelector(sel);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 1366, `${path}: the page is ${w}px wide on a 1366px screen`);
    }
    await page.goto(`${BASE}/field`);
    await page.waitForSelector('#today-visits');
    await page.screenshot({ path: join(resultsDir(), 'field-day-1366.png') });
    await page.click('#go-complaint');
    await page.waitForSelector('#after-sales-form');
    await page.selectOption('#fld-customer', 'GZ01');
    await page.selectOption('#fld-type', 'damage');
    await page.fill('#fld-description', '桌面端受理：外箱受潮5箱');
    await page.click('#after-sales-form-submit');
    await page.waitForSelector('#doc-state[data-state="received"]');
    const n = page.url().split('/').pop();
    assert.match(n, /SH\d{4,5}$/);
    await page.screenshot({ path: join(resultsDir(), 'field-complaint-1366.png') });
    const t = await apiGet(await apiToken('kam_GZ'), `/after-sales/${n}`);
    assert.equal(t.body.description, '桌面端受理：外箱受潮5箱');
  });
});

test("a contract's attachments at 1366 px: the KAM uploads the fax copy, the list shows it", T, async () => {
  const kam = await apiToken('kam_GZ');
  const k = await apiPost(kam, '/contracts', { customer: 'GZ01', kind: 'sales', value_fen: 1000000 });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const n = k.body.number;
  await withDevice({}, async (page) => {
    await login(page, 'kam_GZ', 'demo123', `/contracts/${n}`);
    await page.waitForSelector('#files-contract');
    assert.equal((await text(page, '#files-contract .card-title')), '附件', 'the card is the attachments');
    await page.setInputFiles('#files-input-contract', { name: '合同传真件.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await page.click('#files-upload');
    await page.waitForSelector('#files-contract .file-row');
    assert.equal(await text(page, '#files-contract .file-name'), '合同传真件.pdf');
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 1366, `the contract: the page is ${w}px wide on a 1366px screen`);
    await page.screenshot({ path: join(resultsDir(), 'field-contract-files-1366.png') });
  });
  await withDevice(PHONE, async (page) => { // and on the rep's phone
    await login(page, 'kam_GZ', 'demo123', `/contracts/${n}`);
    await page.waitForSelector('#files-contract .file-row');
    await noSideScroll(page, 'the contract with its files');
  });
  const files = await apiGet(kam, `/contracts/${n}/attachments`);
  assert.deepEqual(files.body.items.map((f) => [f.name, f.mime, f.kind]), [['合同传真件.pdf', 'application/pdf', 'attachment']]);
});

test("customer service's satisfaction calls at 390 px: the quarter's tasks, a call with its rating", T, async () => {
  const csr = await apiToken('csr_a');
  const d = today();
  const quarter = `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
  const made = await apiPost(csr, '/satisfaction-calls', { quarter });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const task = made.body.items.find((x) => x.customer === 'GZ02');
  assert.ok(task, 'GZ02 has a task');
  await withDevice(PHONE, async (page) => {
    await login(page, task.assignee, 'demo123', `/satisfaction-calls?quarter=${quarter}`);
    await page.waitForSelector('#sat-list');
    await noSideScroll(page, 'the satisfaction calls');
    await page.click('[data-customer="GZ02"] a.sat-call');
    await page.waitForSelector('#call-log-form');
    assert.equal(await page.inputValue('#fld-kind'), 'satisfaction', 'a satisfaction call');
    await page.selectOption('#fld-rating', '5');
    await page.fill('#fld-outcome', '对送货及时性满意');
    await page.click('#call-log-form-submit');
    await page.waitForSelector('[data-customer="GZ02"][data-called="true"]');
    await page.screenshot({ path: join(resultsDir(), 'field-satisfaction-390.png') });
  });
  const got = await apiGet(csr, `/satisfaction-calls?quarter=${quarter}`);
  const row = got.body.items.find((x) => x.customer === 'GZ02');
  assert.deepEqual([row.called, row.rating], [true, 5]);
});
