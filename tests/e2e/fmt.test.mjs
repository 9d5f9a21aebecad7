// fmt.test.mjs — the UI's money and number formatting (web/lib/fmt.js), run under Node without a
// browser: integer fen in, "¥1,234.50" out, and typed yuan parsed without floating point.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFen, parseYuan, formatQty, pctOf, formatBp, formatTs, fenToJson, parsePercentBp } from '../../web/lib/fmt.js';

test('formatFen formats integer fen as yuan with grouping', () => {
  assert.equal(formatFen(123450), '¥1,234.50');
  assert.equal(formatFen(0), '¥0.00');
  assert.equal(formatFen(5), '¥0.05');
  assert.equal(formatFen(100), '¥1.00');
  assert.equal(formatFen(50000000), '¥500,000.00');
  assert.equal(formatFen(-123456789), '-¥1,234,567.89');
  assert.equal(formatFen('900719925474099199'), '¥9,007,199,254,740,991.99'); // beyond 2^53 as a string
  assert.equal(formatFen(9007199254740991n), '¥90,071,992,547,409.91');
  assert.equal(formatFen(123450, { symbol: false }), '1,234.50');
});

test('formatFen refuses what is not integer fen', () => {
  assert.equal(formatFen(null), '—');
  assert.equal(formatFen(undefined), '—');
  assert.equal(formatFen(12.5), '—');
  assert.equal(formatFen('12.5'), '—');
  assert.equal(formatFen(Number.MAX_SAFE_INTEGER + 2), '—');
});

test('parseYuan reads typed amounts into fen without floats', () => {
  assert.equal(parseYuan('1234.5'), 123450n);
  assert.equal(parseYuan('¥1,234.50'), 123450n);
  assert.equal(parseYuan(' 12 '), 1200n);
  assert.equal(parseYuan('0.07'), 7n);
  assert.equal(parseYuan('0.1'), 10n);
  assert.equal(parseYuan('-3.3'), -330n);
  assert.equal(parseYuan('19.99'), 1999n); // 19.99 * 100 in floats is 1998.9999999999998
  assert.equal(parseYuan('1.005'), null);
  assert.equal(parseYuan('abc'), null);
  assert.equal(parseYuan(''), null);
  assert.equal(parseYuan('1e5'), null);
  assert.equal(fenToJson(123450n), 123450);
  assert.equal(fenToJson(2n ** 60n), null);
});

test('quantities, percentages, basis points and timestamps', () => {
  assert.equal(formatQty(12000), '12,000');
  assert.equal(formatQty(-5), '-5');
  assert.equal(pctOf(1, 3), 33);
  assert.equal(pctOf(5, 0), 0);
  assert.equal(pctOf(300, 200), 100);
  assert.equal(formatBp(1300), '13.00%');
  assert.equal(parsePercentBp('13.5'), 1350n);
  assert.equal(formatTs('2026-11-23T21:40:05+08:00'), '2026-11-23 21:40:05');
  assert.equal(formatTs(1795441205018952), '2026-11-23 21:40:05');
  assert.equal(formatTs(null), '—');
});
