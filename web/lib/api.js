// api.js — the one way the UI talks to /api/v1: the session token (sessionStorage, sent as
// "Authorization: Bearer"), JSON in and out, and ApiError for every non-2xx answer
// ({"error":{"code","message","details":{"field","rule"}}}, api.md §1).

const BASE = '/api/v1';
const TOKEN_KEY = 'osb.token';
const USER_KEY = 'osb.user';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
  get field() {
    return this.details.field || null;
  }
  get rule() {
    return this.details.rule || null;
  }
}

const listeners = new Set();
/** Called with no arguments when the server says the session is gone (401 outside login). */
export function onUnauthenticated(fn) {
  listeners.add(fn);
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get user() {
    try {
      return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
    } catch {
      return null;
    }
  },
  save(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  setUser(user) {
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

/** A fresh key for Idempotency-Key (works outside secure contexts too). */
export function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * request('GET', '/customers', {query: {market: 'S'}}) → parsed JSON (null for 204).
 * Query values that are null, undefined or '' are left out. Throws ApiError.
 */
export async function request(method, path, opts = {}) {
  let url = BASE + path;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== null && v !== undefined && v !== '') qs.append(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, signal: opts.signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', String(e.message || e), {});
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const ae = new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.details);
    if (res.status === 401 && path !== '/login') {
      session.clear();
      for (const fn of listeners) fn(ae);
    }
    throw ae;
  }
  return data;
}

/**
 * GET a file (PDF, XLSX) with the bearer token → {blob, filename}. The token is not in the
 * URL, so a plain <a href> cannot fetch it; errors are ApiError like request().
 */
export async function requestBlob(path, query) {
  let url = BASE + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') qs.append(k, String(v));
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = {};
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let res;
  try {
    res = await fetch(url, { headers });
  } catch (e) {
    throw new ApiError(0, 'network', String(e.message || e), {});
  }
  if (!res.ok) {
    let err = {};
    try { err = (await res.json()).error || {}; } catch { /* not JSON */ }
    const ae = new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.details);
    if (res.status === 401) {
      session.clear();
      for (const fn of listeners) fn(ae);
    }
    throw ae;
  }
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  return { blob: await res.blob(), filename: m ? decodeURIComponent(m[1]) : path.split('/').pop() };
}

/** POST a JSON body and receive a file (the list export, POST /exports/xlsx) → Blob. */
export async function postBlob(path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let res;
  try {
    res = await fetch(BASE + path, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'network', String(e.message || e), {});
  }
  if (!res.ok) {
    let err = {};
    try { err = (await res.json()).error || {}; } catch { /* not JSON */ }
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.details);
  }
  return res.blob();
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  /** Every page of a list (for small reference lists such as markets); stops after `max` rows. */
  async all(path, query = {}, max = 2000) {
    const items = [];
    let cursor = null;
    do {
      const page = await request('GET', path, { query: { ...query, limit: 1000, cursor } });
      items.push(...(page.items || []));
      cursor = page.next_cursor;
    } while (cursor && items.length < max);
    return items;
  },
};
