// reports.js — 报表: the list of reports (GET /reports) and one report page (GET /reports/{name}):
// the filters that report takes, a table that sorts by any column, the totals row, and
// CSV / XLSX buttons (each file is watermarked and logged by the server). Words are inline
// {zh, en} pairs; the report and column titles come from the server in both languages.

import { api, ApiError } from '../lib/api.js';
import { t, getLang } from '../lib/i18n.js';
import { h, mount, card, pageHeader, filterBar, select, loadInto, errorState, empty, fileButton } from '../lib/ui.js';
import { formatFen, formatBp, formatQty, formatTs, toBigFen } from '../lib/fmt.js';
import { loadECharts, chartBox } from './dashboard.js';

// Reports people would rather look at than read get a chart above their table (ECharts from
// web/node_modules; without it the table alone): the label column against the money column.
const CHARTS = {
  sales_by: { label: 'name', value: 'net_sales_fen', type: 'bar' },
  sales_ranking: { label: 'name', value: 'net_sales_fen', type: 'bar' },
  regional_sales: { label: 'region', value: 'net_sales_fen', type: 'bar' },
  customer_composition: { label: 'grade', value: 'net_sales_fen', type: 'pie' },
  distributor_purchases: { label: 'customer', value: 'amount_fen', type: 'bar', sum: true },
};

async function reportChart(name, body) {
  const spec = CHARTS[name];
  if (!spec || !body.rows.length) return null;
  const echarts = await loadECharts();
  if (!echarts) return null;
  const by = new Map();
  for (const r of body.rows) {
    const k = String(r[spec.label] ?? r.key ?? '—');
    by.set(k, (spec.sum || spec.type === 'pie' ? by.get(k) || 0 : 0) + Number(r[spec.value] || 0));
  }
  const data = [...by.entries()].slice(0, 30);
  const money = (v) => formatFen(Math.round(v * 100));
  if (spec.type === 'pie') {
    return chartBox(echarts, {
      legend: { bottom: 0 },
      tooltip: { trigger: 'item', renderMode: 'richText', valueFormatter: money },
      series: [{ type: 'pie', radius: ['35%', '65%'], data: data.map(([k, v]) => ({ name: k, value: v / 100 })), label: { formatter: '{b} {d}%' } }],
    }, 'report-chart');
  }
  return chartBox(echarts, {
    grid: { left: 80, right: 24, top: 16, bottom: 56 },
    tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: money },
    xAxis: { type: 'category', data: data.map(([k]) => k), axisLabel: { rotate: data.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => `¥${v.toLocaleString('zh-CN')}` } },
    series: [{ type: 'bar', data: data.map(([, v]) => v / 100) }],
  }, 'report-chart');
}

const W = {
  title: { zh: '报表', en: 'Reports' },
  pick: { zh: '选择报表', en: 'Choose a report' },
  from: { zh: '开始日期', en: 'From' },
  to: { zh: '结束日期', en: 'To' },
  as_of: { zh: '截至日期', en: 'As of' },
  market: { zh: '市场', en: 'Market' },
  region: { zh: '区域', en: 'Region' },
  customer: { zh: '客户编码', en: 'Customer' },
  sku: { zh: '产品编码', en: 'SKU' },
  batch: { zh: '批号', en: 'Batch' },
  period: { zh: '期间(YYYY-MM)', en: 'Period (YYYY-MM)' },
  dimension: { zh: '维度', en: 'Dimension' },
  total: { zh: '合计', en: 'Total' },
  rows: { zh: '共 {n} 行', en: '{n} rows' },
  csv: { zh: '导出 CSV', en: 'Export CSV' },
  xlsx: { zh: '导出 Excel', en: 'Export Excel' },
  watermark: { zh: '导出文件带水印（导出人、时间、导出编号）并记入审计日志。', en: 'Exported files carry a watermark (user, time, export id) and are logged in the audit trail.' },
  range: { zh: '期间 {from} 至 {to}', en: 'Period {from} to {to}' },
};

const DIMENSIONS = [
  { value: 'market', label: { zh: '市场', en: 'Market' } },
  { value: 'region', label: { zh: '区域', en: 'Region' } },
  { value: 'salesperson', label: { zh: '销售员', en: 'Salesperson' } },
  { value: 'product', label: { zh: '产品', en: 'Product' } },
  { value: 'customer', label: { zh: '客户', en: 'Customer' } },
];

const title = (x) => (getLang() === 'en' ? x.title_en : x.title_zh) || x.title_zh;

/** /reports — every report of this build, as links. */
export async function reportsPage() {
  const { items } = await api.get('/reports');
  const list = h('ul', { class: 'report-list', id: 'report-list' }, items.map((r) => h('li', null,
    h('a', { href: `/reports/${encodeURIComponent(r.name)}`, dataset: { report: r.name } }, title(r)))));
  return h('div', { class: 'page-reports' }, pageHeader(t(W.title)), card(t(W.pick), list));
}

function show(col, v) {
  if (v === null || v === undefined || v === '') return '—';
  switch (col.kind) {
    case 'money': return formatFen(v);
    case 'bp': return formatBp(v);
    case 'int': return formatQty(v);
    case 'time': return formatTs(v);
    default: return String(v);
  }
}

const numeric = (col) => ['money', 'bp', 'int'].includes(col.kind);

function compare(col, a, b) {
  const x = a[col.key];
  const y = b[col.key];
  if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
  if (y === null || y === undefined) return -1;
  if (numeric(col)) {
    const bx = toBigFen(x);
    const by = toBigFen(y);
    return bx < by ? -1 : bx > by ? 1 : 0;
  }
  return String(x).localeCompare(String(y), 'zh-CN');
}

/** The table of one answer: headers sort (click again to reverse), totals in the footer. */
function reportTable(body) {
  const cols = body.columns;
  const wrap = h('div', { class: 'table-wrap' });
  let sortKey = null;
  let asc = true;
  function draw() {
    const rows = body.rows.slice();
    if (sortKey) {
      const col = cols.find((c) => c.key === sortKey);
      rows.sort((a, b) => (asc ? 1 : -1) * compare(col, a, b));
    }
    const thead = h('thead', null, h('tr', null, cols.map((c) => {
      const mark = sortKey === c.key ? (asc ? ' ▲' : ' ▼') : '';
      return h('th', {
        scope: 'col', class: numeric(c) ? 'num sortable' : 'sortable', dataset: { key: c.key },
        'aria-sort': sortKey === c.key ? (asc ? 'ascending' : 'descending') : 'none',
        onclick: () => { if (sortKey === c.key) asc = !asc; else { sortKey = c.key; asc = true; } draw(); },
      }, (getLang() === 'en' ? c.title_en : c.title_zh) + mark);
    })));
    const tbody = h('tbody', null, rows.map((r) => h('tr', null, cols.map((c) => h('td', { class: numeric(c) ? 'num' : null }, show(c, r[c.key]))))));
    const tot = body.totals || {};
    const tfoot = h('tfoot', null, h('tr', { class: 'totals', id: 'report-totals' }, cols.map((c, i) => {
      if (c.key in tot) return h('td', { class: numeric(c) ? 'num' : null, dataset: { key: c.key } }, h('strong', null, show(c, tot[c.key])));
      return i === 0 ? h('th', { scope: 'row' }, t(W.total)) : h('td', null, '');
    })));
    mount(wrap, h('table', { class: 'data report-table', id: 'report-table' }, thead, tbody, tfoot));
  }
  draw();
  return wrap;
}

/** /reports/:name — the filters the report takes, the table, the export buttons. */
export async function reportPage(ctx) {
  const name = ctx.params.name;
  const { items } = await api.get('/reports');
  const meta = items.find((r) => r.name === name);
  if (!meta) return h('div', null, pageHeader(t(W.title)), errorState(new ApiError(404, 'not_found', '', {})));
  const takes = new Set(meta.filters || []);
  let query = {};
  for (const k of takes) if (ctx.query[k]) query[k] = ctx.query[k];
  const [markets, regions] = await Promise.all([
    takes.has('market') ? api.all('/markets').catch(() => []) : [],
    takes.has('region') ? api.all('/regions').catch(() => []) : [],
  ]);

  const controls = [];
  const dateInput = (k) => h('input', { type: 'date', name: k, value: query[k] || '' });
  const textInput = (k) => h('input', { type: 'text', name: k, value: query[k] || '', size: 12 });
  for (const k of ['from', 'to', 'as_of']) if (takes.has(k)) controls.push({ label: t(W[k]), control: dateInput(k) });
  if (takes.has('market')) controls.push({ label: t(W.market), control: select('market', markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })), query.market, { label: t(W.market) }) });
  if (takes.has('region')) controls.push({ label: t(W.region), control: select('region', regions.map((r) => ({ value: r.code, label: `${r.name} ${r.code}` })), query.region, { label: t(W.region) }) });
  if (takes.has('dimension')) controls.push({ label: t(W.dimension), control: select('dimension', DIMENSIONS.map((d) => ({ value: d.value, label: t(d.label) })), query.dimension || 'market', { noAll: true, label: t(W.dimension) }) });
  for (const k of ['customer', 'sku', 'batch', 'period']) if (takes.has(k)) controls.push({ label: t(W[k]), control: textInput(k) });

  const box = h('div', { class: 'report-body', id: 'report-body' });
  const files = h('div', { class: 'report-files' });
  const info = h('div', { class: 'muted', id: 'report-range' });

  function drawFiles() {
    mount(files,
      fileButton(t(W.csv), `/reports/${encodeURIComponent(name)}`, { id: 'export-csv', download: `${name}.csv`, query: { ...query, format: 'csv' } }),
      ' ',
      fileButton(t(W.xlsx), `/reports/${encodeURIComponent(name)}`, { id: 'export-xlsx', download: `${name}.xlsx`, query: { ...query, format: 'xlsx' }, primary: true }),
      h('span', { class: 'muted small' }, ` ${t(W.watermark)}`));
  }

  async function load() {
    const body = await api.get(`/reports/${encodeURIComponent(name)}`, query);
    const p = body.params || {};
    info.textContent = p.from ? t(W.range, { from: p.from, to: p.to }) : '';
    if (!body.rows.length) return h('div', null, empty());
    const chart = await reportChart(name, body).catch(() => null);
    return h('div', null, chart, reportTable(body), h('div', { class: 'muted small' }, t(W.rows, { n: body.rows.length })));
  }

  const bar = filterBar(controls, (v) => {
    query = {};
    for (const [k, val] of Object.entries(v)) if (val) query[k] = val;
    ctx.setQuery(query);
    drawFiles();
    loadInto(box, load);
  });
  drawFiles();
  loadInto(box, load);
  return h('div', { class: 'page-report', dataset: { report: name } },
    pageHeader(title(meta), files),
    h('section', { class: 'card' }, bar, info, box));
}
