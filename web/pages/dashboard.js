// dashboard.js — KPI 看板 for the SLT and the SSG: the five OSB targets of a month against their
// targets (GET /kpis), a 12-month trend per market, the documents behind each miss
// (GET /kpis/{name}/items), and the sales pictures people would rather look at than read:
// net sales by market per month (sales_by), the salesperson ranking (sales_ranking), the
// composition by credit grade (customer_composition) and receivables aging by market.
//
// Charts are ECharts, served by `osb serve` from web/node_modules (scripts/web-deps.sh installs
// it from web/package-lock.json; never committed). Under the UI's CSP (style-src 'self') the
// canvas renderer is used and tooltips are drawn on the canvas (renderMode 'richText'), so
// ECharts writes no style="" markup; it sets element styles through the CSSOM only. Without
// ECharts the page still shows every figure as a table.

import { api } from '../lib/api.js';
import { t, getLang } from '../lib/i18n.js';
import { h, mount, card, pageHeader, filterBar, select, loadInto, empty } from '../lib/ui.js';
import { formatBp, formatFen, formatQty, currentPeriod } from '../lib/fmt.js';

const W = {
  title: { zh: 'KPI 看板', en: 'KPI dashboard' },
  month: { zh: '月份', en: 'Month' },
  market: { zh: '市场', en: 'Market' },
  company: { zh: '全公司', en: 'Company' },
  target: { zh: '目标', en: 'Target' },
  met: { zh: '达标', en: 'Met' },
  missed: { zh: '未达标', en: 'Missed' },
  noData: { zh: '无数据', en: 'No data' },
  trend: { zh: '近12个月趋势（按市场）', en: '12-month trend by market' },
  kpi: { zh: '指标', en: 'KPI' },
  misses: { zh: '未达标明细', en: 'Misses' },
  missesOf: { zh: '{kpi}：未达标单据（{from} 至 {to}）', en: '{kpi}: documents that missed ({from} to {to})' },
  none: { zh: '本期没有未达标单据', en: 'No misses in this period' },
  document: { zh: '单据', en: 'Document' },
  date: { zh: '归属日期', en: 'Date' },
  deadline: { zh: '期限', en: 'Deadline' },
  done: { zh: '完成时间', en: 'Done' },
  salesByMarket: { zh: '各市场月度净销售额', en: 'Net sales by market and month' },
  ranking: { zh: '销售员排名（本月净销售额）', en: 'Salesperson ranking (net sales)' },
  composition: { zh: '销售构成（按信用等级）', en: 'Sales by credit grade' },
  aging: { zh: '应收账龄（按市场）', en: 'Receivables aging by market' },
  noCharts: { zh: '图表库未安装（scripts/web-deps.sh），以下以表格显示。', en: 'The chart library is not installed (scripts/web-deps.sh); figures are shown as tables.' },
  fraction: { zh: '{num} / {den}', en: '{num} / {den}' },
  fieldKpis: { zh: '外勤指标（拜访计划完成率、客户满意度）', en: 'Field KPIs (visit plans done, satisfaction)' },
  noTarget: { zh: '无目标', en: 'No target' },
  ratings: { zh: '{n} 个评分（售后 {tickets}，回访 {calls}）', en: '{n} ratings ({tickets} tickets, {calls} calls)' },
};

// kpis-and-reports §2.2, computed by the server from the field data (GET /kpis/{name})
export const FIELD_KPIS = [
  { name: 'visit_plan_completion', zh: '拜访计划完成率', en: 'Visit plan completion' },
  { name: 'satisfaction', zh: '客户满意度（1–5分）', en: 'Satisfaction (1–5)' },
];

export const KPIS = [
  { name: 'same_day_delivery_note', zh: '当日开具发货通知', en: 'Same-day delivery note' },
  { name: 'st_decided_next_day', zh: 'ST次日决策', en: 'ST decided next day' },
  { name: 'shipped_within_24h', zh: '24小时内发运', en: 'Shipped within 24 h' },
  { name: 'shipment_accuracy', zh: '发运准确率', en: 'Shipment accuracy' },
  { name: 'collected_within_5_days_of_due', zh: '到期5天内回款', en: 'Collected within 5 days of due' },
];

const BUCKETS = [
  ['current_fen', { zh: '未到期', en: 'Current' }],
  ['d1_30_fen', { zh: '1-30天', en: '1–30 d' }],
  ['d31_60_fen', { zh: '31-60天', en: '31–60 d' }],
  ['d61_90_fen', { zh: '61-90天', en: '61–90 d' }],
  ['d90_plus_fen', { zh: '90天以上', en: '90+ d' }],
];

const label = (x) => (getLang() === 'en' ? x.en : x.zh);

// ---- months -------------------------------------------------------------------------------

function prevMonth(period) {
  let [y, m] = period.split('-').map(Number);
  m -= 1;
  if (m === 0) { m = 12; y -= 1; }
  return `${y}-${String(m).padStart(2, '0')}`;
}

function monthRange(period) {
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}` };
}

/** The n months ending with period, oldest first. */
function monthsTo(period, n) {
  const out = [period];
  while (out.length < n) out.unshift(prevMonth(out[0]));
  return out;
}

// ---- ECharts --------------------------------------------------------------------------------

let echartsLoad = null;
/** ECharts as an ES module from web/node_modules, or null when it is not installed. */
export function loadECharts() {
  if (!echartsLoad) {
    echartsLoad = import('/node_modules/echarts/dist/echarts.esm.min.mjs').catch(() => null);
  }
  return echartsLoad;
}

/** Fen as a number of yuan for a chart axis (display only; every figure shown as text comes
    from formatFen on the integer). */
const yuan = (fen) => Number(fen) / 100;

/** A chart in a box of class `chart` (its size comes from app.css); resizes with the window. */
export function chartBox(echarts, option, id) {
  const el = h('div', { class: 'chart', id, role: 'img', 'aria-label': option.title?.text || id });
  // init once the node is in the document and has its CSS size
  requestAnimationFrame(() => {
    if (!el.isConnected) return;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    c.setOption({ tooltip: { renderMode: 'richText' }, animation: false, ...option });
    el.dataset.ready = '1';
    const onResize = () => { if (el.isConnected) c.resize(); else window.removeEventListener('resize', onResize); };
    window.addEventListener('resize', onResize);
  });
  return el;
}

// ---- small helpers ------------------------------------------------------------------------

/** Runs fns (each returning a promise) at most `width` at a time; answers their results. */
async function pool(fns, width = 6) {
  const out = new Array(fns.length);
  let next = 0;
  async function worker() {
    while (next < fns.length) {
      const i = next++;
      out[i] = await fns[i]().catch((e) => ({ error: e }));
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, fns.length) }, worker));
  return out;
}

function simpleTable(columns, rows, id) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id },
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.title)))),
    h('tbody', null, rows.map((r) => h('tr', null, columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell(r))))))));
}

function docHref(number) {
  // document numbers name their kind: …FH… shipments, …FP… invoices, …DD… orders
  if (/FH\d/.test(number)) return `/shipments/${encodeURIComponent(number)}`;
  if (/FP\d/.test(number)) return `/invoices/${encodeURIComponent(number)}`;
  return `/orders/${encodeURIComponent(number)}`;
}

// ---- the page -------------------------------------------------------------------------------

/** /dashboard?month=YYYY-MM&market= */
export async function dashboardPage(ctx) {
  // default: this month so far (a KPI counts an item once its deadline passed or it succeeded)
  const month = /^\d{4}-\d{2}$/.test(ctx.query.month || '') ? ctx.query.month : currentPeriod();
  const market = ctx.query.market || '';
  const [markets, echarts] = await Promise.all([api.all('/markets').catch(() => []), loadECharts()]);
  const range = monthRange(month);
  const mq = market ? { market } : {};

  const bar = filterBar([
    { label: t(W.month), control: h('input', { type: 'month', name: 'month', value: month }) },
    { label: t(W.market), control: select('market', markets.map((m) => ({ value: m.code, label: `${m.name} ${m.code}` })), market, { label: t(W.market) }) },
  ], (v) => {
    const q = {};
    if (v.month) q.month = v.month;
    if (v.market) q.market = v.market;
    ctx.setQuery(q);
    ctx.navigate(`/dashboard${Object.keys(q).length ? `?${new URLSearchParams(q)}` : ''}`);
  });

  const drill = h('div', { id: 'kpi-drill' });
  const cards = h('div', { class: 'kpi-cards', id: 'kpi-cards' });
  const fieldCards = h('div', { class: 'kpi-cards', id: 'field-kpi-cards' });
  const trendBox = h('div', { id: 'kpi-trend' });
  const salesBox = h('div', { id: 'chart-sales' });
  const rankBox = h('div', { id: 'chart-ranking' });
  const compBox = h('div', { id: 'chart-composition' });
  const agingBox = h('div', { id: 'chart-aging' });

  async function showMisses(k) {
    await loadInto(drill, async () => {
      const body = await api.get(`/kpis/${k.name}/items`, { ...range, ...mq });
      const misses = (body.items || []).filter((i) => !i.in_numerator);
      const head = h('h3', null, t(W.missesOf, { kpi: label(k), from: range.from, to: range.to }));
      if (!misses.length) return h('div', { class: 'card' }, head, empty(t(W.none)));
      return h('div', { class: 'card' }, head, simpleTable([
        { title: t(W.document), cell: (r) => h('a', { href: docHref(r.document), dataset: { doc: r.document } }, r.document) },
        { title: t(W.date), cell: (r) => r.attribution_date || '—' },
        { title: t(W.deadline), cell: (r) => (r.deadline || '—').replace('T', ' ').slice(0, 16) },
        { title: t(W.done), cell: (r) => (r.done_at || '—').replace('T', ' ').slice(0, 16) },
      ], misses, 'kpi-misses'));
    });
    drill.scrollIntoView?.({ block: 'nearest' });
  }

  // 1. the month's five figures against target
  loadInto(cards, async () => {
    const k = await api.get('/kpis', { ...range, ...mq });
    return h('div', { class: 'kpi-grid' }, KPIS.map((def) => {
      const f = k[def.name] || {};
      const pct = f.pct_bp;
      const ok = pct !== null && pct !== undefined && pct >= f.target_bp;
      const tone = pct === null || pct === undefined ? 'none' : ok ? 'met' : 'missed';
      return h('div', { class: `kpi-card kpi-${tone}`, dataset: { kpi: def.name } },
        h('div', { class: 'kpi-name' }, label(def)),
        h('div', { class: 'kpi-value' }, pct === null || pct === undefined ? t(W.noData) : formatBp(pct)),
        h('div', { class: 'kpi-meta muted small' },
          `${t(W.target)} ${formatBp(f.target_bp)} · ${t(W.fraction, { num: formatQty(f.num ?? 0), den: formatQty(f.den ?? 0) })}`),
        h('div', { class: 'kpi-state' }, tone === 'none' ? '' : ok ? t(W.met) : t(W.missed)),
        h('button', { type: 'button', class: 'btn btn-small', dataset: { drill: def.name }, onclick: () => showMisses(def) }, t(W.misses)));
    }));
  });

  // 1b. the field KPIs: plan items reported, the mean rating of tickets and satisfaction calls
  loadInto(fieldCards, async () => {
    const got = await Promise.all(FIELD_KPIS.map((def) => api.get(`/kpis/${def.name}`, { ...range, ...mq })));
    return h('div', { class: 'kpi-grid' }, FIELD_KPIS.map((def, i) => {
      const f = got[i];
      const mean = def.name === 'satisfaction';
      const v = mean ? f.mean_x100 : f.pct_bp;
      const shown = v === null || v === undefined ? t(W.noData) : mean ? (v / 100).toFixed(2) : formatBp(v);
      return h('div', { class: 'kpi-card kpi-none', dataset: { kpi: def.name } },
        h('div', { class: 'kpi-name' }, label(def)),
        h('div', { class: 'kpi-value' }, shown),
        h('div', { class: 'kpi-meta muted small' }, mean
          ? t(W.ratings, { n: formatQty(f.den ?? 0), tickets: formatQty(f.tickets ?? 0), calls: formatQty(f.calls ?? 0) })
          : `${t(W.noTarget)} · ${t(W.fraction, { num: formatQty(f.num ?? 0), den: formatQty(f.den ?? 0) })}`));
    }));
  });

  // 2. the 12-month trend per market of one KPI (a select picks it)
  loadInto(trendBox, async () => {
    const months = monthsTo(month, 12);
    const shown = market ? markets.filter((m) => m.code === market) : markets;
    const calls = [];
    for (const mo of months) {
      calls.push(() => api.get('/kpis', monthRange(mo)));
      for (const m of shown) calls.push(() => api.get('/kpis', { ...monthRange(mo), market: m.code }));
    }
    const res = await pool(calls);
    const per = 1 + shown.length;
    const series = (kpi) => [{ name: t(W.company), code: '' }, ...shown.map((m) => ({ name: m.name, code: m.code }))].map((s, si) => ({
      name: s.name,
      type: 'line',
      connectNulls: false,
      lineStyle: si === 0 ? { width: 3 } : { width: 1 },
      data: months.map((_, mi) => {
        const r = res[mi * per + si];
        const v = r && !r.error ? r[kpi]?.pct_bp : null;
        return v === null || v === undefined ? null : v / 100;
      }),
    }));
    const pick = select('trend-kpi', KPIS.map((k) => ({ value: k.name, label: label(k) })), KPIS[0].name, { noAll: true, label: t(W.kpi), id: 'trend-kpi' });
    const area = h('div');
    function draw() {
      const kpi = pick.value;
      const target = KPIS.find((k) => k.name === kpi);
      const first = res.find((r) => r && !r.error && r[kpi]);
      const targetPct = first ? first[kpi].target_bp / 100 : null;
      const s = series(kpi);
      if (targetPct !== null) s[0].markLine = { symbol: 'none', data: [{ yAxis: targetPct, name: t(W.target) }] };
      if (!echarts) {
        mount(area, simpleTable([{ title: t(W.month), cell: (r) => r.month },
          ...s.map((x, i) => ({ title: x.name, num: true, cell: (r) => (r.v[i] === null ? '—' : `${r.v[i].toFixed(2)}%`) }))],
        months.map((mo, mi) => ({ month: mo, v: s.map((x) => x.data[mi]) })), 'kpi-trend-table'));
        return;
      }
      mount(area, chartBox(echarts, {
        title: { text: label(target), left: 'center', textStyle: { fontSize: 14 } },
        legend: { bottom: 0, type: 'scroll' },
        grid: { left: 48, right: 24, top: 40, bottom: 48 },
        tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(2)}%`) },
        xAxis: { type: 'category', data: months },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        series: s,
      }, 'kpi-trend-chart'));
    }
    pick.addEventListener('change', draw);
    draw();
    return h('div', null, h('label', { class: 'filter' }, h('span', { class: 'filter-label' }, t(W.kpi)), pick), area);
  });

  // 3. sales pictures (the roles that read money; others see the API's answer)
  if (ctx.can('money.read')) loadInto(salesBox, async () => {
    const months = monthsTo(month, 6);
    const res = await Promise.all(months.map((mo) => api.get('/reports/sales_by', { ...monthRange(mo), dimension: 'market', ...mq })));
    const keys = [...new Set(res.flatMap((r) => r.rows.map((x) => x.key)))];
    const names = Object.fromEntries(res.flatMap((r) => r.rows.map((x) => [x.key, x.name || x.key])));
    const val = (mi, k) => res[mi].rows.find((x) => x.key === k)?.net_sales_fen ?? 0;
    if (!keys.length) return empty();
    if (!echarts) {
      return simpleTable([{ title: t(W.month), cell: (r) => r }, ...keys.map((k) => ({ title: names[k], num: true, cell: (mo) => formatFen(val(months.indexOf(mo), k)) }))], months, 'sales-table');
    }
    return chartBox(echarts, {
      legend: { bottom: 0, type: 'scroll' },
      grid: { left: 72, right: 24, top: 16, bottom: 48 },
      tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: (v) => formatFen(Math.round(v * 100)) },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => `¥${v.toLocaleString('zh-CN')}` } },
      series: keys.map((k) => ({ name: names[k], type: 'bar', stack: 'sales', data: months.map((_, mi) => yuan(val(mi, k))) })),
    }, 'sales-chart');
  });

  if (ctx.can('money.read')) loadInto(rankBox, async () => {
    const body = await api.get('/reports/sales_ranking', { ...range, ...mq });
    const rows = body.rows.slice(0, 15).reverse();
    if (!rows.length) return empty();
    if (!echarts) return simpleTable([{ title: '#', cell: (r) => r.rank }, { title: 'KAM', cell: (r) => r.name || r.salesperson }, { title: '¥', num: true, cell: (r) => formatFen(r.net_sales_fen) }], body.rows, 'ranking-table');
    return chartBox(echarts, {
      grid: { left: 96, right: 32, top: 16, bottom: 24 },
      tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: (v) => formatFen(Math.round(v * 100)) },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => `¥${v.toLocaleString('zh-CN')}` } },
      yAxis: { type: 'category', data: rows.map((r) => r.name || r.salesperson) },
      series: [{ type: 'bar', data: rows.map((r) => yuan(r.net_sales_fen)) }],
    }, 'ranking-chart');
  });

  if (ctx.can('money.read')) loadInto(compBox, async () => {
    const body = await api.get('/reports/customer_composition', { ...range, ...mq });
    const by = new Map();
    for (const r of body.rows) by.set(r.grade || '—', (by.get(r.grade || '—') || 0) + Number(r.net_sales_fen || 0));
    const data = [...by.entries()].filter(([, v]) => v > 0).map(([g, v]) => ({ name: g, value: yuan(v) }));
    if (!data.length) return empty();
    if (!echarts) return simpleTable([{ title: 'Grade', cell: (r) => r.name }, { title: '¥', num: true, cell: (r) => formatFen(Math.round(r.value * 100)) }], data, 'composition-table');
    return chartBox(echarts, {
      legend: { bottom: 0 },
      tooltip: { trigger: 'item', renderMode: 'richText', valueFormatter: (v) => formatFen(Math.round(v * 100)) },
      series: [{ type: 'pie', radius: ['35%', '65%'], data, label: { formatter: '{b} {d}%' } }],
    }, 'composition-chart');
  });

  if (ctx.can('money.read')) loadInto(agingBox, async () => {
    // the aging answer has no market column: one request per market shown, summed
    const shown = market ? markets.filter((m) => m.code === market) : markets;
    const res = await Promise.all(shown.map((m) => api.get('/receivables/aging', { as_of: range.to, market: m.code })));
    const byMarket = new Map();
    shown.forEach((m, i) => {
      const acc = Object.fromEntries(BUCKETS.map(([k]) => [k, 0]));
      for (const it of res[i].items || []) for (const [k] of BUCKETS) acc[k] += Number(it[k] || 0);
      if (BUCKETS.some(([k]) => acc[k] !== 0)) byMarket.set(m.code, acc);
    });
    const ms = [...byMarket.keys()].sort();
    if (!ms.length) return empty();
    if (!echarts) return simpleTable([{ title: t(W.market), cell: (m) => m }, ...BUCKETS.map(([k, l]) => ({ title: label(l), num: true, cell: (m) => formatFen(byMarket.get(m)[k]) }))], ms, 'aging-table');
    return chartBox(echarts, {
      legend: { bottom: 0 },
      grid: { left: 72, right: 24, top: 16, bottom: 48 },
      tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: (v) => formatFen(Math.round(v * 100)) },
      xAxis: { type: 'category', data: ms },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => `¥${v.toLocaleString('zh-CN')}` } },
      series: BUCKETS.map(([k, l]) => ({ name: label(l), type: 'bar', stack: 'aging', data: ms.map((m) => yuan(byMarket.get(m)[k])) })),
    }, 'aging-chart');
  });

  return h('div', { class: 'page-dashboard', dataset: { month } },
    pageHeader(t(W.title)),
    h('section', { class: 'card' }, bar, echarts ? null : h('p', { class: 'muted', id: 'no-charts' }, t(W.noCharts))),
    card(`${month} · ${market || t(W.company)}`, cards),
    drill,
    card(t(W.fieldKpis), fieldCards),
    card(t(W.trend), trendBox),
    // the money pictures only for the roles that read money (GET /me can: money.read)
    !ctx.can('money.read') ? null : h('div', { class: 'chart-grid' },
      card(t(W.salesByMarket), salesBox),
      card(t(W.ranking), rankBox),
      card(t(W.composition), compBox),
      card(t(W.aging), agingBox)));
}
