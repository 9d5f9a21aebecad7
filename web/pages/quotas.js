// quotas.js — 配额: monthly quotas per customer or region with used and remaining.

import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, pageHeader, table, select, filterBar, loadInto } from '../lib/ui.js';
import { formatQty, pctOf } from '../lib/fmt.js';
import { skuFilter } from '../lib/typeahead.js';
import { productNames } from '../lib/names.js';

export async function quotasPage(ctx) {
  let filters = { period: ctx.query.period || '', sku: ctx.query.sku || '' };
  let bar = null;
  const skuF = await skuFilter(filters.sku, () => bar.requestSubmit());
  let pName = {};
  const box = h('div');
  // The periods come from the quotas themselves (all of them, once).
  const all = await api.get('/quotas');
  const periods = [...new Set((all.items || []).map((q) => q.period))].sort();

  async function load() {
    const res = filters.period || filters.sku ? await api.get('/quotas', filters) : all;
    pName = { ...pName, ...await productNames((res.items || []).map((x) => x.sku)) };
    return table({
      columns: [
        { key: 'period', label: t('f.period'), cls: 'mono' },
        { key: 'sku', label: t('f.sku'), cls: 'mono' },
        { key: 'name', label: t('f.name'), render: (q) => pName[q.sku] || '—', cls: 'wrap' },
        { key: 'target', label: t('quota.target'), render: (q) => (q.customer ? h('a', { href: `/customers/${encodeURIComponent(q.customer)}` }, t('quota.target.customer', { code: q.customer })) : t('quota.target.region', { code: q.region })) },
        { key: 'qty', label: t('f.qty'), align: 'right', render: (q) => formatQty(q.qty) },
        { key: 'used', label: t('f.used'), align: 'right', render: (q) => formatQty(q.used) },
        { key: 'remaining', label: t('f.remaining'), align: 'right', render: (q) => h('strong', null, formatQty(q.remaining)) },
        { key: 'progress', label: t('quota.progress'), render: (q) => {
          const pct = pctOf(q.used, q.qty);
          return h('div', { class: 'mini-bar', title: `${pct}%` }, h('div', { class: `bar-fill ${pct >= 100 ? 'bar-bad' : pct >= 80 ? 'bar-warn' : ''}`, style: { width: `${pct}%` } }), h('span', { class: 'mini-bar-text' }, `${pct}%`));
        } },
      ],
      rows: res.items || [],
      rowKey: (q) => q.id,
    });
  }
  bar = filterBar([
    { label: t('quota.filter.period'), control: select('period', periods.map((p) => ({ value: p, label: p })), filters.period, { label: t('quota.filter.period') }) },
    { label: t('f.sku'), ...skuF },
  ], (v) => {
    filters = { period: v.period || '', sku: v.sku || '' };
    ctx.setQuery(filters);
    loadInto(box, load);
  });
  loadInto(box, load);
  return h('div', { class: 'page-quotas' }, pageHeader(t('quota.title')), h('section', { class: 'card' }, bar, box));
}
