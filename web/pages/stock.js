// stock.js — 仓库与库存: the warehouses, and GET /stock by batch (on hand, reserved, available).

import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, card, pageHeader, table, select, filterBar, activeBadge, loadInto } from '../lib/ui.js';
import { formatQty, toBigFen } from '../lib/fmt.js';
import { skuFilter } from '../lib/typeahead.js';
import { productNames } from '../lib/names.js';

export async function stockPage(ctx) {
  let filters = { warehouse: ctx.query.warehouse || '', sku: ctx.query.sku || '' };
  let bar = null;
  const [warehouses, skuF] = await Promise.all([api.all('/warehouses'), skuFilter(filters.sku, () => bar.requestSubmit())]);
  const wName = Object.fromEntries(warehouses.map((w) => [w.code, w.name]));
  let pName = {};
  const stockBox = h('div');

  async function loadStock() {
    const res = await api.get('/stock', filters);
    const rows = res.items || [];
    pName = { ...pName, ...await productNames(rows.map((r) => r.sku)) };
    const sum = (k) => rows.reduce((acc, r) => acc + (toBigFen(r[k]) ?? 0n), 0n);
    const tbl = table({
      columns: [
        { key: 'warehouse', label: t('f.warehouse'), render: (r) => wName[r.warehouse] || r.warehouse },
        { key: 'sku', label: t('f.sku'), cls: 'mono' },
        { key: 'name', label: t('f.name'), render: (r) => pName[r.sku] || '—', cls: 'wrap' },
        { key: 'batch', label: t('f.batch'), cls: 'mono' },
        { key: 'expires', label: t('f.expires'), cls: 'nowrap' },
        { key: 'on_hand', label: t('f.on_hand'), align: 'right', render: (r) => formatQty(r.on_hand) },
        { key: 'reserved', label: t('f.reserved'), align: 'right', render: (r) => formatQty(r.reserved) },
        { key: 'available', label: t('f.available'), align: 'right', render: (r) => h('strong', null, formatQty(r.available)) },
      ],
      rows,
      rowKey: (r) => `${r.warehouse}/${r.sku}/${r.batch}`,
    });
    const tb = tbl.querySelector('table');
    if (tb) {
      tb.appendChild(h('tfoot', null, h('tr', null,
        h('th', { colspan: 5, scope: 'row' }, `${t('wh.total')} · ${t('common.rows', { n: rows.length })}`),
        h('td', { class: 'num' }, formatQty(sum('on_hand'))),
        h('td', { class: 'num' }, formatQty(sum('reserved'))),
        h('td', { class: 'num' }, h('strong', null, formatQty(sum('available')))))));
    }
    return tbl;
  }

  bar = filterBar([
    { label: t('wh.filter.warehouse'), control: select('warehouse', warehouses.map((w) => ({ value: w.code, label: `${w.name} ${w.code}` })), filters.warehouse, { label: t('wh.filter.warehouse') }) },
    { label: t('wh.filter.sku'), ...skuF },
  ], (v) => {
    filters = { warehouse: v.warehouse || '', sku: v.sku || '' };
    ctx.setQuery(filters);
    loadInto(stockBox, loadStock);
  });
  loadInto(stockBox, loadStock);

  const whTable = table({
    columns: [
      { key: 'code', label: t('f.code'), cls: 'mono' },
      { key: 'name', label: t('f.name') },
      { key: 'address', label: t('f.address'), cls: 'wrap' },
      { key: 'scr', label: t('f.scr'), cls: 'mono' },
      { key: 'active', label: t('f.active'), render: (w) => activeBadge(w.active) },
    ],
    rows: warehouses,
    rowKey: (w) => w.code,
  });
  return h('div', { class: 'page-stock' },
    pageHeader(t('wh.title')),
    card(t('wh.warehouses'), whTable),
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('wh.stock')), bar, stockBox));
}
