// products.js — 产品: the product list and, for marketing and admin, the form for a new one.

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import { h, pageHeader, select, filterBar, pagedList, form, activeBadge, toast } from '../lib/ui.js';
import { formatFen, formatBp, formatQty } from '../lib/fmt.js';
import { ref } from '../lib/ref.js';

const KINDS = ['goods', 'sample', 'pop'];

export async function productsPage(ctx) {
  const q = ctx.query;
  let filters = { kind: q.kind || '', active: q.active || '' };
  const highlight = q.created || null;
  const list = pagedList({
    load: (cursor) => api.get('/products', { ...filters, limit: 50, cursor }),
    columns: [
      { key: 'sku', label: t('f.sku'), cls: 'mono' },
      { key: 'name', label: t('f.name'), cls: 'wrap' },
      { key: 'spec', label: t('f.spec') },
      { key: 'unit', label: t('f.unit') },
      { key: 'case_size', label: t('f.case_size'), align: 'right', render: (r) => formatQty(r.case_size) },
      { key: 'price_fen', label: t('f.price_fen'), align: 'right', render: (r) => h('span', { class: 'money' }, formatFen(r.price_fen)) },
      { key: 'tax_rate_bp', label: t('f.tax_rate_bp'), align: 'right', render: (r) => formatBp(r.tax_rate_bp) },
      { key: 'kind', label: t('f.kind'), render: (r) => tEnum('kind', r.kind) },
      { key: 'active', label: t('f.active'), render: (r) => activeBadge(r.active) },
    ],
    rowKey: (r) => r.sku,
    rowClass: (r) => (r.sku === highlight ? 'highlight' : ''),
  });
  const bar = filterBar([
    { label: t('prod.filter.kind'), control: select('kind', KINDS.map((k) => ({ value: k, label: tEnum('kind', k) })), filters.kind, { label: t('prod.filter.kind') }) },
    { label: t('prod.filter.active'), control: select('active', [{ value: 'true', label: t('common.active') }, { value: 'false', label: t('common.inactive') }], filters.active, { label: t('prod.filter.active') }) },
  ], (v) => {
    filters = { kind: v.kind || '', active: v.active || '' };
    ctx.setQuery(filters);
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-products' },
    pageHeader(t('prod.title'), ctx.can('product.create') ? h('a', { class: 'btn btn-primary', href: '/products/new', id: 'new-product' }, `+ ${t('prod.new')}`) : null),
    h('section', { class: 'card' }, bar, list.el));
}

export async function productNewPage(ctx) {
  const f = form({
    idPrefix: 'prod',
    keyField: 'sku',
    fields: [
      { name: 'sku', label: t('f.sku'), required: true, placeholder: 'M-IF3-900' },
      { name: 'name', label: t('f.name'), required: true, wide: true },
      { name: 'spec', label: t('f.spec'), required: true, placeholder: '900g/听' },
      { name: 'unit', label: t('f.unit'), required: true, placeholder: '听' },
      { name: 'case_size', label: t('f.case_size'), type: 'int', required: true, placeholder: '12' },
      { name: 'price_fen', label: t('f.price_fen'), type: 'money', required: true, hint: t('prod.price_hint'), placeholder: '268.00' },
      { name: 'kind', label: t('f.kind'), type: 'select', options: KINDS.map((k) => ({ value: k, label: tEnum('kind', k) })) },
      { name: 'tax_rate_bp', label: t('f.tax_rate_bp'), type: 'percent', hint: t('prod.tax_hint'), placeholder: '13' },
      { name: 'category', label: t('f.category') },
      { name: 'brand', label: t('f.brand') },
      { name: 'barcode', label: t('f.barcode') },
      { name: 'shelf_life_days', label: t('f.shelf_life_days'), type: 'int' },
      { name: 'cost_fen', label: t('f.cost_fen'), type: 'money' },
      { name: 'active', label: t('common.active'), type: 'bool', value: true, sendFalse: true },
    ],
    onCancel: () => ctx.navigate('/products'),
    submit: async (body, key) => {
      const p = await api.post('/products', body, { headers: { 'Idempotency-Key': key } });
      ref.forget('products');
      toast(t('common.created', { what: `${p.name} (${p.sku})` }));
      ctx.navigate(`/products?created=${encodeURIComponent(p.sku)}`);
    },
  });
  return h('div', { class: 'page-product-new' }, pageHeader(t('prod.new')), h('section', { class: 'card' }, f.el));
}
