// org.js — 市场与区域: the eight markets and their regions (click a market to filter regions).

import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, mount, card, pageHeader, table, activeBadge, select } from '../lib/ui.js';
import { person } from '../lib/people.js';

export async function orgPage(ctx) {
  const [markets, regions] = await Promise.all([api.all('/markets'), api.all('/regions')]);
  const mName = Object.fromEntries(markets.map((m) => [m.code, m.name]));
  let selected = ctx.query.market || '';
  const regionBox = h('div');
  const marketSel = select('market', markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })), selected, { label: t('f.market') });
  marketSel.id = 'region-market';
  marketSel.addEventListener('change', () => pick(marketSel.value));

  function showRegions() {
    const rows = regions.filter((r) => !selected || r.market === selected);
    mount(regionBox, table({
      columns: [
        { key: 'code', label: t('f.code'), cls: 'mono' },
        { key: 'name', label: t('f.name') },
        { key: 'market', label: t('f.market'), render: (r) => `${mName[r.market] || ''} ${r.market}` },
        { key: 'um', label: t('f.um'), render: (r) => person(r.um) },
        { key: 'active', label: t('f.active'), render: (r) => activeBadge(r.active) },
      ],
      rows,
      rowKey: (r) => r.code,
    }));
  }
  function pick(code) {
    selected = code;
    marketSel.value = code;
    ctx.setQuery({ market: code });
    for (const tr of marketTable.querySelectorAll('tbody tr')) tr.classList.toggle('selected', tr.dataset.key === code);
    showRegions();
  }
  const marketTable = table({
    columns: [
      { key: 'code', label: t('f.code'), cls: 'mono' },
      { key: 'name', label: t('f.name') },
      { key: 'slt_supervisor', label: t('f.slt_supervisor'), render: (r) => person(r.slt_supervisor) },
      { key: 'mm', label: t('f.mm'), render: (r) => person(r.mm) },
      { key: 'bcr', label: t('f.bcr'), render: (r) => person(r.bcr) },
      { key: 'default_csr', label: t('f.default_csr'), render: (r) => person(r.default_csr) },
      { key: 'regions', label: t('org.regions'), align: 'right', render: (m) => String(regions.filter((r) => r.market === m.code).length) },
      { key: 'active', label: t('f.active'), render: (r) => activeBadge(r.active) },
    ],
    rows: markets,
    rowKey: (m) => m.code,
  });
  for (const tr of marketTable.querySelectorAll('tbody tr')) {
    tr.classList.add('clickable');
    tr.tabIndex = 0;
    tr.addEventListener('click', () => pick(tr.dataset.key === selected ? '' : tr.dataset.key));
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(tr.dataset.key); });
  }
  showRegions();
  if (selected) pick(selected);
  return h('div', { class: 'page-org' },
    pageHeader(t('org.title')),
    card(t('org.markets'), marketTable),
    h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('org.regions')), h('label', { class: 'filter inline' }, h('span', { class: 'filter-label' }, t('f.market')), marketSel)),
      h('div', { class: 'card-body' }, regionBox)));
}
