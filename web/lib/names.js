// names.js — the names of the customers and products a list page shows (issue #17): asked for
// the codes on the page only (GET /customers/{code}, GET /products/{sku}), kept for the
// session, so a list of a distributor network with thousands of customers no longer reads them
// all to put a name beside each row. A code the caller may not read keeps an empty name. A
// table of more than MANY unknown codes at once (the unpaged stock list) reads the whole list
// once instead.

import { api } from './api.js';

const MANY = 50;
const kinds = {
  customers: { known: new Map(), key: 'code', label: (r) => r.name || '' },
  products: { known: new Map(), key: 'sku', label: (r) => `${r.name || ''} ${r.spec || ''}`.trim() },
};

async function load(kind, codes) {
  const k = kinds[kind];
  const want = [...new Set(codes.filter(Boolean))];
  const unknown = want.filter((c) => !k.known.has(c));
  if (unknown.length > MANY) {
    const all = api.all(`/${kind}`).catch(() => []);
    for (const code of unknown) k.known.set(code, all.then((rows) => k.label(rows.find((r) => r[k.key] === code) || {})));
  }
  for (const code of unknown) {
    if (!k.known.has(code)) {
      k.known.set(code, api.get(`/${kind}/${encodeURIComponent(code)}`).then(k.label, () => ''));
    }
  }
  return Object.fromEntries(await Promise.all(want.map((code) => k.known.get(code).then((name) => [code, name]))));
}

/** {code: name} of the customers whose codes are given (each asked once a session). */
export const customerNames = (codes) => load('customers', codes);
/** {sku: "name spec"} of the products whose SKUs are given. */
export const productNames = (skus) => load('products', skus);
/** Drops what was read (logout, after an edit). */
export function forgetNames() {
  kinds.customers.known.clear();
  kinds.products.known.clear();
}
