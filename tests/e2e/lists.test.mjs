// lists.test.mjs — the list tools of issue #17: the Excel button of a list page downloads an
// XLSX of the rows shown (a zip holding a worksheet with the page's rows); the notifications
// page marks one read, marks all read, and searches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { login, apiToken, apiGet, apiPostOk, resultsDir, withPage } from './lib.mjs';

const T = { timeout: 180_000 };

/** The entries of a zip file: {name: Buffer} (stored or deflated, as XLSX writers make them). */
function unzip(buf) {
  const out = {};
  let i = 0;
  while (i + 30 <= buf.length && buf.readUInt32LE(i) === 0x04034b50) {
    const method = buf.readUInt16LE(i + 8);
    let size = buf.readUInt32LE(i + 18);
    const nameLen = buf.readUInt16LE(i + 26);
    const extra = buf.readUInt16LE(i + 28);
    const name = buf.toString('utf8', i + 30, i + 30 + nameLen);
    const start = i + 30 + nameLen + extra;
    if (buf.readUInt16LE(i + 6) & 8) {
      // sizes follow the data: find them in the central directory
      const cd = buf.lastIndexOf(Buffer.from(name), buf.length);
      size = buf.readUInt32LE(cd - 46 + 20);
    }
    const data = buf.subarray(start, start + size);
    out[name] = method === 8 ? inflateRawSync(data) : data;
    i = start + size + ((buf.readUInt16LE(i + 6) & 8) ? (buf.readUInt32LE(start + size) === 0x08074b50 ? 16 : 12) : 0);
  }
  return out;
}

test('the Excel button of the orders list downloads an XLSX with the rows shown', T, async () => {
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', '/orders');
    await page.waitForSelector('.paged-list tbody tr');
    const shown = await page.$$eval('.paged-list tbody tr', (trs) => trs.length);
    const firstNumber = (await page.locator('.paged-list tbody tr td').first().textContent()).trim();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('.list-export[data-export="xlsx"]'),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const path = join(resultsDir(), 'lists-orders.xlsx');
    await download.saveAs(path);
    const buf = readFileSync(path);
    assert.equal(buf.toString('latin1', 0, 2), 'PK', 'a zip file');
    const files = unzip(buf);
    const sheet = Object.keys(files).find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    assert.ok(sheet, `a worksheet in ${Object.keys(files).join(', ')}`);
    const xml = files[sheet].toString('utf8');
    const rows = (xml.match(/<row /g) || []).length;
    assert.ok(rows >= shown + 1, `the sheet has the ${shown} rows shown and a header (${rows} rows)`);
    const strings = (files['xl/sharedStrings.xml'] || Buffer.from('')).toString('utf8');
    assert.ok((xml + strings).includes(firstNumber), `the first order ${firstNumber} is in the file`);
  });
});

test('the notifications page: mark one read, mark all read, search', T, async () => {
  // make a few notifications for csr_a: submitted orders reach the CSR
  const kam = await apiToken('kam_GZ');
  const mm = await apiToken('mm_S');
  const numbers = [];
  for (let i = 0; i < 2; i++) {
    const o = await apiPostOk(kam, '/orders', { customer: 'GZ01', lines: [{ sku: 'M-IF1-900', qty: 12 }] });
    await apiPostOk(kam, `/orders/${o.number}/verify`);
    await apiPostOk(mm, `/orders/${o.number}/approve-market`);
    numbers.push(o.number);
  }
  const csr = await apiToken('csr_a');
  const unread = async () => (await apiGet(csr, '/notifications?unread=true&limit=200')).body.items;
  assert.ok((await unread()).length >= 2, 'csr_a has unread notifications');
  const target = numbers[1];
  const about = (await apiGet(csr, `/notifications?q=${target}`)).body.items;
  assert.ok(about.length >= 1, `a notification about ${target}`);

  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', '/notifications');
    await page.waitForSelector('.page-notifications .paged-list tbody tr');
    // search: only the rows about that order, and no event code on screen
    await page.fill('#notif-q', target.toLowerCase());
    await page.press('#notif-q', 'Enter');
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('.page-notifications tbody tr')];
      return rows.length > 0 && rows.every((r) => r.textContent.includes(n));
    }, target);
    assert.match(page.url(), new RegExp(`q=${target.toLowerCase()}`));
    const text = await page.locator('.page-notifications tbody').innerText();
    assert.doesNotMatch(text, /\b[a-z]+_[a-z_]+\b/, 'events in words, not codes');
    await page.screenshot({ path: join(resultsDir(), 'lists-notifications-search.png'), fullPage: true });

    // mark one read
    const before = (await unread()).length;
    const shownUnread = await page.locator('.page-notifications tbody tr.unread').count();
    const row = page.locator('.page-notifications tbody tr.unread').first();
    await row.locator('button').click();
    await page.waitForFunction((n) => document.querySelectorAll('.page-notifications tbody tr.unread').length < n, shownUnread);
    assert.equal((await unread()).length, before - 1, 'one fewer unread on the server');

    // mark all read: the list and the server agree, the bell's count goes away
    await page.fill('#notif-q', '');
    await page.press('#notif-q', 'Enter');
    await page.click('#notif-read-all');
    await page.waitForFunction(() => document.querySelectorAll('.page-notifications tbody tr.unread').length === 0
      && document.querySelectorAll('.page-notifications tbody tr').length > 0);
    assert.deepEqual(await unread(), [], 'nothing unread on the server');
    await page.waitForFunction(() => document.getElementById('notif-count')?.hidden === true);
  });
});
