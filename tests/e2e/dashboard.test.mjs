// dashboard.test.mjs — the KPI dashboard (web/pages/dashboard.js) and two of the monthly report
// pages against a real server with the demo company: the five KPI cards show what GET /kpis
// answers, the ECharts charts draw on canvas (ECharts served from web/node_modules) without a
// CSP violation, a drill-down lists the misses GET /kpis/{name}/items answers, the distributor
// and OSB meeting reports show their rows and totals, and the XLSX button saves a workbook
// whose sheet holds the report's header. Screenshots go to build/results/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { login, apiToken, apiGet, resultsDir, BASE, withPage } from './lib.mjs';
import { formatBp, formatFen } from '../../web/lib/fmt.js';

const T = { timeout: 180_000 };

function thisMonth() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const p = `${y}-${String(m).padStart(2, '0')}`;
  return { month: p, from: `${p}-01`, to: `${p}-${String(last).padStart(2, '0')}` };
}

const withDownloads = (fn) => withPage(fn, { acceptDownloads: true });

test('gm opens the KPI dashboard: cards, charts on canvas, a drill-down', T, async () => {
  const token = await apiToken('gm');
  const { month, from, to } = thisMonth();
  const kpis = await apiGet(token, `/kpis?from=${from}&to=${to}`);
  assert.equal(kpis.status, 200);
  const lib = await fetch(`${BASE}/node_modules/echarts/dist/echarts.esm.min.mjs`);
  assert.equal(lib.status, 200, 'osb serve serves ECharts from web/node_modules');
  assert.match(lib.headers.get('content-type'), /javascript/);

  await withDownloads(async (page) => {
    await login(page, 'gm');
    await page.click('a[data-nav="dashboard"]');
    await page.waitForSelector('#kpi-cards .kpi-card');
    assert.equal(await page.locator('.page-dashboard').getAttribute('data-month'), month, 'this month by default');
    const cards = await page.$$eval('#kpi-cards .kpi-card', (cs) => cs.map((c) => ({ kpi: c.dataset.kpi, value: c.querySelector('.kpi-value').textContent })));
    assert.deepEqual(cards.map((c) => c.kpi), ['same_day_delivery_note', 'st_decided_next_day', 'shipped_within_24h',
      'shipment_accuracy', 'collected_within_5_days_of_due'], 'the five OSB targets');
    for (const c of cards) {
      const f = kpis.body[c.kpi];
      assert.equal(c.value, f.pct_bp === null ? '无数据' : formatBp(f.pct_bp), `${c.kpi} as the API answers`);
    }
    assert.equal(await page.locator('h1').first().textContent(), 'KPI 看板', 'zh-CN first');
    // the field KPIs of §2.2 (issue 13), as GET /kpis/{name} answers them
    await page.waitForSelector('#field-kpi-cards .kpi-card');
    const fcards = await page.$$eval('#field-kpi-cards .kpi-card', (cs) => cs.map((c) => ({ kpi: c.dataset.kpi, value: c.querySelector('.kpi-value').textContent })));
    assert.deepEqual(fcards.map((c) => c.kpi), ['visit_plan_completion', 'satisfaction']);
    const vp = (await apiGet(token, `/kpis/visit_plan_completion?from=${from}&to=${to}`)).body;
    const sat = (await apiGet(token, `/kpis/satisfaction?from=${from}&to=${to}`)).body;
    assert.equal(fcards[0].value, vp.pct_bp === null ? '无数据' : formatBp(vp.pct_bp), 'visit_plan_completion as the API answers');
    assert.equal(fcards[1].value, sat.mean_x100 === null ? '无数据' : (sat.mean_x100 / 100).toFixed(2), 'satisfaction as the API answers');

    // the charts: canvas, drawn by ECharts
    await page.waitForSelector('#kpi-trend-chart[data-ready="1"] canvas', { timeout: 60_000 });
    for (const id of ['sales-chart', 'ranking-chart', 'composition-chart', 'aging-chart']) {
      await page.waitForSelector(`#${id}[data-ready="1"] canvas, #chart-${id.replace('-chart', '')} .state-empty`, { timeout: 60_000 });
    }
    assert.equal(await page.locator('#no-charts').count(), 0, 'ECharts loaded');
    // another KPI in the trend
    await page.selectOption('#trend-kpi', 'shipped_within_24h');
    await page.waitForSelector('#kpi-trend-chart[data-ready="1"] canvas');
    await page.screenshot({ path: join(resultsDir(), 'dashboard.png'), fullPage: true });

    // the drill-down: the misses of same-day delivery notes
    const items = await apiGet(token, `/kpis/same_day_delivery_note/items?from=${from}&to=${to}`);
    const misses = items.body.items.filter((i) => !i.in_numerator);
    await page.click('button[data-drill="same_day_delivery_note"]');
    await page.waitForSelector('#kpi-drill h3');
    if (misses.length) {
      await page.waitForSelector('#kpi-misses tbody tr');
      const docs = await page.$$eval('#kpi-misses a[data-doc]', (as) => as.map((a) => a.dataset.doc));
      assert.deepEqual(docs, misses.map((m) => m.document), 'the orders behind each miss');
    } else {
      assert.equal(await page.locator('#kpi-drill .state-empty').count(), 1, 'no misses said so');
    }
    await page.screenshot({ path: join(resultsDir(), 'dashboard-drill.png'), fullPage: true });
    const violations = await page.evaluate(() => window.cspViolations);
    assert.deepEqual(violations, [], 'no CSP violation (style-src/script-src self)');
  });
});

test('gm opens the distributor and OSB meeting reports and exports an XLSX', T, async () => {
  const token = await apiToken('gm');
  const { from, to } = thisMonth();
  const dmm = await apiGet(token, `/reports/distributor_management_monthly?from=${from}&to=${to}`);
  assert.equal(dmm.status, 200);

  await withDownloads(async (page) => {
    await login(page, 'gm');
    await page.click('a[data-nav="reports"]');
    await page.waitForSelector('#report-list');
    await page.click('a[data-report="distributor_management_monthly"]');
    await page.waitForSelector('#report-body table, #report-body .state-empty');
    await page.goto(`${BASE}/reports/distributor_management_monthly?from=${from}&to=${to}`);
    await page.waitForSelector('#report-body table, #report-body .state-empty');
    if (dmm.body.rows.length) {
      assert.equal(await page.locator('#report-table tbody tr').count(), dmm.body.rows.length, 'all rows');
      assert.equal(await page.locator('#report-totals td[data-key="purchases_fen"]').textContent(),
        formatFen(dmm.body.totals.purchases_fen), 'purchases total in ¥');
    }
    await page.screenshot({ path: join(resultsDir(), 'report-distributor_management_monthly.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
    assert.equal(download.suggestedFilename(), 'distributor_management_monthly.xlsx');
    const path = join(resultsDir(), 'distributor_management_monthly.xlsx');
    await download.saveAs(path);
    assert.equal(readFileSync(path).subarray(0, 2).toString('latin1'), 'PK', 'a zip file');
    // read it back with a real reader: unzip, then the sheet and its shared strings
    const strings = execFileSync('unzip', ['-p', path, 'xl/sharedStrings.xml']).toString('utf8');
    assert.ok(strings.includes('经销商') && strings.includes('进货金额'), 'Chinese header');
    const sheet = execFileSync('unzip', ['-p', path, 'xl/worksheets/sheet1.xml']).toString('utf8');
    assert.ok(sheet.includes('state="frozen"'), 'frozen header');

    // the OSB meeting report of the same month
    await page.goto(`${BASE}/reports/osb_meeting_report?period=${from.slice(0, 7)}`);
    await page.waitForSelector('#report-body table, #report-body .state-empty');
    const meeting = await apiGet(token, `/reports/osb_meeting_report?period=${from.slice(0, 7)}`);
    assert.equal(await page.locator('#report-table tbody tr').count(), meeting.body.rows.length, 'meeting rows');
    await page.screenshot({ path: join(resultsDir(), 'report-osb_meeting_report.png'), fullPage: true });
    // a report people would rather look at: sales by market with its chart above the table
    const sb = await apiGet(token, `/reports/sales_by?from=${from}&to=${to}`);
    await page.goto(`${BASE}/reports/sales_by?from=${from}&to=${to}`);
    await page.waitForSelector('#report-body table, #report-body .state-empty');
    if (sb.body.rows.length) {
      await page.waitForSelector('#report-chart[data-ready="1"] canvas');
      await page.screenshot({ path: join(resultsDir(), 'report-sales_by.png'), fullPage: true });
    }
    const violations = await page.evaluate(() => window.cspViolations);
    assert.deepEqual(violations, [], 'no CSP violation');
  });
});
