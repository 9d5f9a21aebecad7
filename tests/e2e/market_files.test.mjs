// market_files.test.mjs — the market's files and records through the web UI
// (web/pages/market_files.js, issue #12), with real uploads from the file pickers: a distributor's
// inventory file imported (a CSV with wrong rows named by line in Chinese, then an XLSX written
// here), a travel claim checked against visit reports, support-request documents internal /
// external (sending an internal one is refused with a clear message), photos with thumbnails on
// an expense application, a file over 5 MiB stopped before it is sent, and consumer records with
// masked phones and a follow-up call. Phone width (390 px) without side scroll.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { login, apiToken, apiGet, apiPost, apiPostOk, BASE, resultsDir, withPage, text, switchUser, noSideScroll } from './lib.mjs';
import { currentPeriod } from '../../web/lib/fmt.js';

const T = { timeout: 240_000 };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

// ---- a small XLSX, laid out as Excel does (first sheet named through workbook.xml) ----------

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function zip(files) {
  const parts = [];
  const central = [];
  let off = 0;
  for (const [name, content] of files) {
    const data = Buffer.from(content, 'utf8');
    const comp = deflateRawSync(data);
    const nm = Buffer.from(name, 'utf8');
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x0800, 6); head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(data), 14); head.writeUInt32LE(comp.length, 18); head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(nm.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(0x0800, 8); cen.writeUInt16LE(8, 10);
    cen.writeUInt32LE(crc32(data), 16); cen.writeUInt32LE(comp.length, 20); cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(nm.length, 28); cen.writeUInt32LE(off, 42);
    parts.push(head, nm, comp);
    central.push(cen, nm);
    off += head.length + nm.length + comp.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...parts, cd, end]);
}
function xlsx(rows) {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const col = (i) => String.fromCharCode(65 + i);
  const sheet = `<?xml version="1.0" encoding="UTF-8"?><worksheet ${ns}><sheetData>${rows.map((r, i) => `<row r="${i + 1}">${r.map((v, j) => (
    typeof v === 'number' ? `<c r="${col(j)}${i + 1}"><v>${v}</v></c>` : `<c r="${col(j)}${i + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`)).join('')}</row>`).join('')}</sheetData></worksheet>`;
  const wb = `<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="库存" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';
  return zip([['[Content_Types].xml', '<Types/>'], ['xl/workbook.xml', wb], ['xl/_rels/workbook.xml.rels', rels], ['xl/worksheets/sheet1.xml', sheet]]);
}

const HEAD_ZH = ['产品编码', '期初库存', '本月进货', '其他入库', '本月销售', '退货', '期末库存', '近效期'];

test('inventory import: a CSV with wrong rows shows them by line in Chinese, then an XLSX goes in', T, async () => {
  const period = currentPeriod();
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', '/market/inventory');
    await page.click('#inventory-import');
    await page.waitForSelector('#imp-file');
    await page.fill('#imp-customer', 'SZ01');
    await page.fill('#imp-period', period);
    const csv = `\ufeff${HEAD_ZH.join(',')}\r\nM-IF1-900,100,0,0,80,0,20,0\r\nM-IF2-900,10,0,0,4,0,9,0\r\nNOPE-1,1,0,0,0,0,1,0\r\n`;
    await page.setInputFiles('#imp-file', { name: '库存.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('.page-inventory-import button[type="submit"]');
    await page.waitForSelector('#imp-errors table');
    const rows = await page.locator('#imp-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    assert.deepEqual(rows.map((r) => r[0]), ['3', '4'], 'the wrong rows by their line in the file');
    assert.match(rows[0][2], /不平衡/);
    assert.match(rows[1][2], /没有这个产品编码/);
    assert.match(await text(page, '#imp-errors .form-banner'), /未导入任何数据/);
    const none = (await apiGet(await apiToken('csr_a'), `/inventory-reports?customer=SZ01&period=${period}`)).body;
    assert.equal(none.items.length, 0, 'nothing imported');

    await page.setInputFiles('#imp-file', { name: '库存.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx([HEAD_ZH, ['M-IF1-900', 100, 0, 0, 80, 0, 20, 2], ['M-IF2-900', 10, 0, 0, 4, 0, 6, 0]]) });
    await page.click('.page-inventory-import button[type="submit"]');
    await page.waitForSelector('.page-inventory-report #doc-state[data-state="submitted"]');
    const number = await page.locator('.page-inventory-report').getAttribute('data-number');
    assert.match(number, /KC/);
    const k = (await apiGet(await apiToken('csr_a'), `/inventory-reports/${number}`)).body;
    assert.deepEqual(k.lines.map((l) => [l.sku, l.closing_qty, l.near_expiry_qty]), [['M-IF1-900', 20, 2], ['M-IF2-900', 6, 0]]);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${BASE}/market/inventory/import`);
    await page.waitForSelector('#imp-file');
    await noSideScroll(page, 'the import page');
  });
});

test('a travel claim is checked against visit reports on its page', T, async () => {
  const kam = await apiToken('kam_GZ');
  const days = ['2026-11-02', '2026-11-03'];
  const a = await apiPostOk(kam, '/expense-applications', { category: 'travel', amount_fen: 30000, purpose: '出差拜访经销商', travel_dates: days, period: currentPeriod() });
  // the MM approves within a budget; without a travel budget it is the supervising SLT member's
  const mm = await apiPost(await apiToken('mm_S'), `/expense-applications/${a.number}/approve`, {});
  if (mm.status !== 200) await apiPostOk(await apiToken('deputy'), `/expense-applications/${a.number}/approve`, {});
  await apiPostOk(kam, `/expense-applications/${a.number}/execute`, { actual_fen: 30000, evidence: '车票' });
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', `/market/expenses/${a.number}`);
    await page.waitForSelector('#mkt-check-travel');
    assert.match(await text(page, '#travel-check'), /待客服代表核对/);
    await page.click('#mkt-check-travel');
    await page.waitForSelector('#travel-check[data-flagged="true"]');
    const shown = await text(page, '#travel-check');
    assert.match(shown, /无拜访记录的日期/);
    for (const day of days) assert.ok(shown.includes(day), `${day} shown as without a visit`);
    await page.screenshot({ path: join(resultsDir(), 'market-travel-check.png') });
  });
});

test('support documents: internal and external, an internal one refused for sending, thumbnails, 5 MiB', T, async () => {
  const um = await apiToken('um_GZ');
  const z = await apiPostOk(um, '/support-requests', { kind: 'ad_design', customer: 'GZ01', details: '门店开业海报' });
  const path = `/support-requests/${z.number}/documents`;
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', `/market/support/${z.number}`);
    await page.waitForSelector('#files-support #files-upload');
    // internal (the default) photo
    await page.setInputFiles('#files-input-support', { name: '设计稿.png', mimeType: 'image/png', buffer: PNG });
    await page.fill('#files-title', '设计稿内部版');
    await page.click('#files-upload');
    await page.waitForSelector('#files-support .file-row[data-visibility="internal"] img.thumb');
    // an external PDF
    await page.setInputFiles('#files-input-support', { name: '定稿.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.fill('#files-title', '定稿');
    await page.selectOption('#files-visibility', 'external');
    await page.click('#files-upload');
    await page.waitForSelector('#files-support .file-row[data-visibility="external"]');
    assert.equal(await page.locator('#files-support .file-row').count(), 2);
    assert.equal(await text(page, '#files-support .file-row[data-visibility="internal"] .badge'), '内部');
    // sending the internal one: a clear refusal, in Chinese
    await page.click('#files-support .file-row[data-visibility="internal"] .file-send');
    await page.waitForSelector('#files-msg:not([hidden])');
    assert.match(await text(page, '#files-msg'), /内部资料不能发送给经销商/);
    // the external one goes
    await page.click('#files-support .file-row[data-visibility="external"] .file-send');
    await page.waitForSelector('#files-support .file-row[data-visibility="external"] .file-sent');
    const ext = (await apiGet(await apiToken('csr_a'), `${path}?visibility=external`)).body.items;
    assert.equal(ext.length, 1);
    assert.equal(ext[0].sent_by, 'csr_a');
    // over 5 MiB: said at once, nothing sent
    // (from a file on disk: a 5 MiB buffer through the browser protocol is slow on a busy machine)
    const dir = mkdtempSync(join(tmpdir(), 'osb-e2e-big-'));
    const big = join(dir, '大图.png');
    writeFileSync(big, Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]));
    await page.setInputFiles('#files-input-support', big); // (removed after the check: the browser reads it lazily)
    await page.click('#files-upload');
    await page.waitForFunction(() => /5 MiB/.test(document.getElementById('files-msg').textContent));
    assert.match(await text(page, '#files-msg'), /文件超过 5 MiB/);
    assert.equal((await apiGet(await apiToken('csr_a'), path)).body.items.length, 2, 'nothing stored');
    rmSync(dir, { recursive: true, force: true });
    await page.screenshot({ path: join(resultsDir(), 'market-support-documents.png') });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.reload();
    await page.waitForSelector('#files-support .file-row');
    await noSideScroll(page, 'a support request with its documents');
    const csp = await page.evaluate(() => window.cspViolations);
    assert.deepEqual(csp, [], 'no CSP violations');
  });
});

test('an expense application takes photo evidence from its applicant, shown as a thumbnail', T, async () => {
  const kam = await apiToken('kam_GZ');
  const a = await apiPostOk(kam, '/expense-applications', { customer: 'GZ02', category: 'promotion', amount_fen: 100000, purpose: '门店堆头', period: currentPeriod() });
  await withPage(async (page) => {
    await login(page, 'kam_GZ', 'demo123', `/market/expenses/${a.number}`);
    await page.waitForSelector('#files-expense #files-upload');
    await page.setInputFiles('#files-input-expense', { name: '堆头.png', mimeType: 'image/png', buffer: PNG });
    await page.click('#files-upload');
    await page.waitForSelector('#files-expense img.thumb');
    const files = (await apiGet(kam, `/expense-applications/${a.number}/attachments`)).body.items;
    assert.deepEqual(files.map((f) => [f.name, f.mime, f.kind]), [['堆头.png', 'image/png', 'evidence']]);
    // someone else may not attach: the refusal is a sentence, not a code
    await switchUser(page, 'mm_S', `/market/expenses/${a.number}`);
    await page.waitForSelector('#files-expense img.thumb');
    await page.setInputFiles('#files-input-expense', { name: 'x.png', mimeType: 'image/png', buffer: PNG });
    await page.click('#files-upload');
    await page.waitForSelector('#files-msg:not([hidden])');
    assert.match(await text(page, '#files-msg'), /无权限/);
  });
});

test('consumer records: the CSR adds one (phone masked for her), customer service calls it', T, async () => {
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', '/market/consumers');
    await page.click('.page-consumers details summary');
    await page.fill('#cons-customer', 'GZ01');
    await page.fill('#cons-consumer_name', '王女士');
    await page.fill('#cons-phone', '13812345678');
    await page.fill('#cons-store', '人民路门店');
    await page.click('.page-consumers details button[type="submit"]');
    await page.waitForSelector('.page-consumer #consumer-phone');
    assert.match(await text(page, '#consumer-phone'), /^138\*\*\*\*5678/);
    const id = await page.locator('.page-consumer').getAttribute('data-id');
    await page.goto(`${BASE}/market/consumers?q=${encodeURIComponent('王女士')}`);
    await page.waitForSelector('.consumer-phone');
    assert.ok((await page.locator('.consumer-phone').allTextContents()).every((p) => p.includes('****')), 'masked in the list');

    await switchUser(page, 'service', `/market/consumers/${id}`);
    await page.waitForSelector('#fu-result');
    assert.equal(await text(page, '#consumer-phone'), '13812345678');
    await page.fill('#fu-result', '已使用两周，反馈良好');
    await page.check('#fu-reached');
    await page.click('.page-consumer button[type="submit"]');
    await page.waitForFunction(() => /反馈良好/.test(document.querySelector('.page-consumer')?.textContent || ''));
    const rec = (await apiGet(await apiToken('service'), `/consumer-records/${id}`)).body;
    assert.equal(rec.follow_ups.length, 1);
    assert.equal(rec.follow_ups[0].reached, true);
    // the list's state filter: waiting for a call, or followed up
    await page.goto(`${BASE}/market/consumers?state=followed_up&q=${encodeURIComponent('王女士')}`);
    await page.waitForSelector('.page-consumers .state-badge[data-state="followed_up"]');
    assert.equal(await text(page, '.page-consumers .state-badge'), '已回访');
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${BASE}/market/consumers`);
    await page.waitForSelector('.consumer-phone');
    await noSideScroll(page, 'the consumer list');
  });
});
