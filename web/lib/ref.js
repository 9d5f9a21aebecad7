// ref.js — reference lists that many pages show by name (markets, regions, products), read
// once per session and kept in memory. forget() drops them (logout, after an admin change).

import { api } from './api.js';

const cache = new Map();

function cached(key, load) {
  if (!cache.has(key)) {
    const p = load().catch((e) => {
      cache.delete(key);
      throw e;
    });
    cache.set(key, p);
  }
  return cache.get(key);
}

export const ref = {
  markets: () => cached('markets', () => api.all('/markets')),
  regions: () => cached('regions', () => api.all('/regions')),
  products: () => cached('products', () => api.all('/products')),
  warehouses: () => cached('warehouses', () => api.all('/warehouses')),
  /** {code: name} of a list, for labels. */
  async names(kind, key = 'code') {
    const rows = await ref[kind]();
    return Object.fromEntries(rows.map((r) => [r[key], r.name]));
  },
  forget(key) {
    if (key) cache.delete(key);
    else cache.clear();
  },
};
