// fmt.js — formatting and parsing of money, quantities and times. Pure functions, no DOM:
// tests/e2e/fmt.test.mjs imports this file directly under Node.
//
// Money is integer fen (分) everywhere (api.md §1). It is never computed with floating point:
// formatting converts to BigInt and splits yuan and fen by integer division and modulo, and
// parsing a typed amount reads the digits as a string.

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Converts a fen value from JSON (number, string of digits or BigInt) to BigInt, or null. */
export function toBigFen(v) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return null;
}

/** Groups the digits of a non-negative integer string by thousands: "1234567" → "1,234,567". */
export function groupDigits(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return out;
}

/**
 * Formats integer fen as yuan: 123450 → "¥1,234.50", -5 → "-¥0.05".
 * A value that is not an integer (null, undefined, 1.5) gives the placeholder "—".
 * opts.symbol = false leaves out the "¥".
 */
export function formatFen(v, opts = {}) {
  const fen = toBigFen(v);
  if (fen === null) return opts.empty ?? '—';
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  const yuan = abs / 100n;
  const cents = abs % 100n;
  const sym = opts.symbol === false ? '' : '¥';
  return `${neg ? '-' : ''}${sym}${groupDigits(yuan.toString())}.${cents.toString().padStart(2, '0')}`;
}

/**
 * Parses an amount typed in yuan ("1234.5", "¥1,234.50", "12") into fen as BigInt.
 * Returns null when the text is not an amount with at most two decimals.
 */
export function parseYuan(text) {
  if (text === null || text === undefined) return null;
  const s = String(text).trim().replace(/^¥/, '').replace(/[,，\s]/g, '');
  const m = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const fen = BigInt(m[2]) * 100n + BigInt((m[3] || '').padEnd(2, '0'));
  return m[1] === '-' ? -fen : fen;
}

/** A BigInt fen value as a JSON-safe number, or null when it is beyond 2^53 - 1. */
export function fenToJson(fen) {
  if (fen > MAX_SAFE || fen < -MAX_SAFE) return null;
  return Number(fen);
}

/** Parses a percentage with at most two decimals ("13", "13.5") into basis points (1350). */
export function parsePercentBp(text) {
  const fen = parseYuan(String(text ?? '').replace(/%$/, '')); // same shape: 2 decimals
  return fen === null ? null : fen;
}

/** Formats basis points as a percentage: 1350 → "13.50%". */
export function formatBp(bp) {
  const v = toBigFen(bp);
  if (v === null) return '—';
  return `${formatFen(v, { symbol: false })}%`;
}

/** Formats an integer quantity with thousands separators: 12000 → "12,000". */
export function formatQty(v) {
  const q = toBigFen(v);
  if (q === null) return '—';
  return (q < 0n ? '-' : '') + groupDigits((q < 0n ? -q : q).toString());
}

/** Integer percentage of part/whole, rounded down, clamped to 0..100 (for progress bars). */
export function pctOf(part, whole) {
  const p = toBigFen(part);
  const w = toBigFen(whole);
  if (p === null || w === null || w <= 0n) return 0;
  const pct = (p * 100n) / w;
  return Number(pct < 0n ? 0n : pct > 100n ? 100n : pct);
}

/**
 * Formats a timestamp for people: an RFC 3339 string "2026-11-23T21:40:05+08:00" keeps its own
 * wall-clock time ("2026-11-23 21:40:05"); an integer of microseconds since the epoch (some
 * master-data answers) is shown in Asia/Shanghai.
 */
export function formatTs(v) {
  if (typeof v === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)/.exec(v);
    return m ? `${m[1]} ${m[2]}` : v;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    // microseconds → milliseconds by integer division; +8 h for Asia/Shanghai (no DST).
    const ms = Math.trunc(v / 1000) + 8 * 3600 * 1000;
    const d = new Date(ms);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  }
  return '—';
}

/** The current month as YYYY-MM in Asia/Shanghai. */
export function currentPeriod(now = Date.now()) {
  const d = new Date(now + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
