// forecast.js — 销售预期 as a grid (flows.md §17, api.md §5.7, issue #13): one row per SKU, the
// months of the rolling horizon across, totals (quantity and value) as one types. A new forecast
// is entered on /forecasts/new; an existing one is shown on /forecasts/{number}/grid where the
// CSR assesses it cell by cell (adjusted quantity, a comment per row) and the buttons — submit,
// assess, aggregate, approve — come from the forecast's allowed_actions only.
//
// On a 390 px phone the grid scrolls sideways inside its own container (.fc-grid-wrap), never
// the page; the SKU column stays put. Money is integer fen (BigInt), never floats.

import { api, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, mount, pageHeader, fieldGrid, toast, ruleMessage } from '../lib/ui.js';
import { formatFen, currentPeriod } from '../lib/fmt.js';
import { ref } from '../lib/ref.js';

const enc = encodeURIComponent;
const W = (zh, en) => t({ zh, en });
const HORIZON = 3; // forecast_horizon_months' default (numbering-and-rules.md §9)

/** "YYYY-MM" k months after month m. */
export function monthPlus(m, k) {
  const [y, mo] = m.split('-').map(Number);
  const i = y * 12 + (mo - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

const qtyOf = (v) => {
  const s = String(v ?? '').trim();
  return /^\d{1,9}$/.test(s) ? BigInt(s) : 0n;
};

function errText(err) {
  if (err instanceof ApiError) return ruleMessage(err) || err.message;
  return String(err && err.message || err);
}

const ACTION_WORDS = {
  submit: ['提交', 'Submit'],
  assess: ['评估', 'Assess'],
  aggregate: ['汇总', 'Aggregate'],
  approve: ['批准', 'Approve'],
};
const STATE_WORDS = {
  draft: ['草稿', 'Draft'],
  submitted: ['已提交', 'Submitted'],
  assessed: ['已评估', 'Assessed'],
  aggregated: ['已汇总', 'Aggregated'],
  approved: ['已批准', 'Approved'],
};

/** The totals footer: quantity and value per month and in all. */
function totalsRow(months, colQty, colFen, allFen) {
  return h('tr', { class: 'fc-totals' },
    h('th', { scope: 'row' }, W('合计', 'Total')),
    months.map((m, k) => h('td', { class: 'num', dataset: { month: m } },
      h('div', { class: 'fc-col-qty' }, String(colQty[k])),
      h('div', { class: 'muted small fc-col-fen' }, formatFen(colFen[k])))),
    h('td', { class: 'num' }, h('strong', { id: 'fc-total' }, formatFen(allFen))));
}

// ---- a new forecast ------------------------------------------------------------------------

export async function forecastNewPage(ctx) {
  const [products, customers] = await Promise.all([
    ref.products().catch(() => []),
    api.all('/customers').catch(() => []),
  ]);
  const goods = products.filter((p) => p.active !== false);
  const price = Object.fromEntries(goods.map((p) => [p.sku, BigInt(p.price_fen || 0)]));
  let base = ctx.query.base_month || currentPeriod();
  const months = () => Array.from({ length: HORIZON }, (_, k) => monthPlus(base, k + 1));

  const custSel = h('select', { id: 'fc-customer', name: 'customer' },
    h('option', { value: '' }, W('— 选择客户 —', '— choose a customer —')),
    customers.map((c) => h('option', { value: c.code, selected: c.code === ctx.query.customer }, `${c.code} ${c.name}`)));
  const baseIn = h('input', { id: 'fc-base', name: 'base_month', type: 'month', value: base });
  const basisIn = h('textarea', { id: 'fc-basis', name: 'basis', rows: 2, placeholder: W('市场容量、代理商能力等依据', 'Basis: market and agent capacity') });
  const err = h('div', { class: 'form-error', id: 'fc-error', role: 'alert' });
  const body = h('tbody');
  const foot = h('tfoot');
  const head = h('thead');

  function skuSelect(value) {
    return h('select', { class: 'fc-sku', 'aria-label': W('SKU', 'SKU'), onchange: recompute },
      h('option', { value: '' }, '—'),
      goods.map((p) => h('option', { value: p.sku, selected: p.sku === value }, `${p.sku} ${p.name || ''}`)));
  }

  function addRow(sku = '') {
    const tr = h('tr', { class: 'fc-row' },
      h('th', { scope: 'row' }, skuSelect(sku)),
      months().map((m) => h('td', null, h('input', {
        class: 'fc-qty', inputmode: 'numeric', pattern: '[0-9]*', size: 5, dataset: { month: m },
        'aria-label': `${m}`, oninput: recompute,
      }))),
      h('td', { class: 'num fc-row-total' }, formatFen(0)));
    body.appendChild(tr);
    recompute();
    return tr;
  }

  function renderHead() {
    mount(head, h('tr', null, h('th', null, W('SKU', 'SKU')),
      months().map((m) => h('th', { class: 'num', dataset: { month: m } }, m)),
      h('th', { class: 'num' }, W('金额', 'Value'))));
    for (const tr of body.querySelectorAll('tr')) {
      tr.querySelectorAll('.fc-qty').forEach((inp, k) => { inp.dataset.month = months()[k]; inp.setAttribute('aria-label', months()[k]); });
    }
  }

  // Totals as one types: each row's value (qty × list price), each month's qty and value.
  function recompute() {
    const ms = months();
    const colQty = ms.map(() => 0n);
    const colFen = ms.map(() => 0n);
    let all = 0n;
    for (const tr of body.querySelectorAll('tr')) {
      const p = price[tr.querySelector('.fc-sku').value] || 0n;
      let row = 0n;
      tr.querySelectorAll('.fc-qty').forEach((inp, k) => {
        const q = qtyOf(inp.value);
        inp.classList.toggle('invalid', inp.value.trim() !== '' && !/^\d{1,9}$/.test(inp.value.trim()));
        colQty[k] += q;
        colFen[k] += q * p;
        row += q * p;
      });
      tr.querySelector('.fc-row-total').textContent = formatFen(row);
      all += row;
    }
    mount(foot, totalsRow(ms, colQty, colFen, all));
  }

  baseIn.addEventListener('change', () => {
    if (/^\d{4}-\d{2}$/.test(baseIn.value)) base = baseIn.value;
    renderHead();
    recompute();
  });

  async function save(button) {
    mount(err);
    const lines = [];
    for (const tr of body.querySelectorAll('tr')) {
      const sku = tr.querySelector('.fc-sku').value;
      tr.querySelectorAll('.fc-qty').forEach((inp) => {
        const v = inp.value.trim();
        if (sku && v !== '') lines.push({ month: inp.dataset.month, sku, qty: Number(qtyOf(v)) });
      });
    }
    const req = { base_month: base, lines };
    if (custSel.value) req.customer = custSel.value;
    if (basisIn.value.trim()) req.basis = basisIn.value.trim();
    button.disabled = true;
    try {
      const f = await api.post('/forecasts', req);
      toast(W('预期已保存为草稿', 'Forecast saved as a draft'));
      ctx.navigate(`/forecasts/${enc(f.number)}/grid`);
    } catch (e) {
      button.disabled = false;
      mount(err, errText(e));
    }
  }

  renderHead();
  addRow();
  return h('div', { class: 'fc-page' },
    pageHeader(W('录入销售预期', 'Enter a forecast')),
    h('section', { class: 'card fc-form' },
      h('label', { for: 'fc-customer' }, W('客户', 'Customer')), custSel,
      h('label', { for: 'fc-base' }, W('基准月（预期其后三个月）', 'Base month (the three months after it)')), baseIn,
      h('label', { for: 'fc-basis' }, W('依据', 'Basis')), basisIn),
    h('section', { class: 'card' },
      h('div', { class: 'fc-grid-wrap' }, h('table', { class: 'fc-grid', id: 'fc-grid' }, head, body, foot)),
      h('div', { class: 'fc-buttons' },
        h('button', { type: 'button', class: 'btn btn-small', id: 'fc-add-row', onclick: () => addRow() }, W('添加SKU行', 'Add a SKU row')),
        h('button', { type: 'button', class: 'btn btn-primary', id: 'fc-save', onclick: (ev) => save(ev.target) }, W('保存草稿', 'Save draft'))),
      err));
}

// ---- an existing forecast as a grid --------------------------------------------------------

export async function forecastGridPage(ctx) {
  const number = ctx.params.number;
  const box = h('div');

  async function render() {
    const d = await api.get(`/forecasts/${enc(number)}`);
    const acts = d.allowed_actions || [];
    const assessing = acts.includes('assess');
    const lines = d.lines || [];
    const months = [...new Set(lines.map((l) => l.month))].sort();
    const skus = [...new Set(lines.map((l) => l.sku))].sort();
    const at = Object.fromEntries(lines.map((l) => [`${l.sku}|${l.month}`, l]));
    // A cell's value: the CSR's adjusted quantity where assessed, at the line's unit value.
    const eff = (l) => {
      const adj = l.assessment && Number.isInteger(l.assessment.adjusted_qty) ? l.assessment.adjusted_qty : null;
      return adj === null ? l.qty : adj;
    };
    const fenOf = (l, q) => (l.qty > 0 ? (BigInt(l.amount_fen) * BigInt(q) * 2n + BigInt(l.qty)) / (2n * BigInt(l.qty)) : 0n);
    const err = h('div', { class: 'form-error', id: 'fc-error', role: 'alert' });
    const foot = h('tfoot');

    function recompute() {
      const colQty = months.map(() => 0n);
      const colFen = months.map(() => 0n);
      let all = 0n;
      for (const tr of body.querySelectorAll('tr')) {
        let row = 0n;
        months.forEach((m, k) => {
          const l = at[`${tr.dataset.sku}|${m}`];
          if (!l) return;
          const inp = tr.querySelector(`.fc-adj[data-month="${m}"]`);
          const q = inp && inp.value.trim() !== '' ? Number(qtyOf(inp.value)) : eff(l);
          const f = fenOf(l, q);
          colQty[k] += BigInt(q);
          colFen[k] += f;
          row += f;
        });
        tr.querySelector('.fc-row-total').textContent = formatFen(row);
        all += row;
      }
      mount(foot, totalsRow(months, colQty, colFen, all));
    }

    const body = h('tbody', null, skus.map((sku) => h('tr', { class: 'fc-row', dataset: { sku } },
      h('th', { scope: 'row', class: 'mono' }, sku),
      months.map((m) => {
        const l = at[`${sku}|${m}`];
        if (!l) return h('td', { class: 'muted' }, '—');
        const adj = l.assessment && Number.isInteger(l.assessment.adjusted_qty) ? l.assessment.adjusted_qty : null;
        const flag = l.spot_check ? h('span', { class: 'fc-flag', title: W('偏离近三月平均超过30%，需核实', 'Deviates > 30 % from the last 3 months') }, '⚑') : null;
        return h('td', { class: 'num fc-cell', dataset: { month: m } },
          h('div', { class: 'fc-q' }, adj === null ? String(l.qty) : h('span', null, h('s', { class: 'muted' }, String(l.qty)), ' ', h('strong', null, String(adj))), flag),
          assessing ? h('input', { class: 'fc-adj', inputmode: 'numeric', size: 5, dataset: { month: m }, placeholder: String(l.qty), 'aria-label': `${sku} ${m}`, oninput: recompute }) : null,
          l.accuracy_bp !== null && l.accuracy_bp !== undefined ? h('div', { class: 'muted small' }, `${W('实际', 'actual')} ${l.actual_qty}`) : null);
      }),
      h('td', { class: 'num fc-row-total' }),
      assessing ? h('td', null, h('input', { class: 'fc-comment', size: 10, placeholder: W('调整说明', 'Why adjusted'), 'aria-label': `${W('调整说明', 'Why adjusted')} ${sku}` })) : null)));
    const head = h('thead', null, h('tr', null, h('th', null, 'SKU'),
      months.map((m) => h('th', { class: 'num', dataset: { month: m } }, m)),
      h('th', { class: 'num' }, W('金额', 'Value')),
      assessing ? h('th', null, W('说明', 'Comment')) : null));
    recompute();

    async function act(button, a) {
      mount(err);
      const req = {};
      if (a === 'assess') {
        req.lines = [];
        for (const tr of body.querySelectorAll('tr')) {
          const comment = tr.querySelector('.fc-comment').value.trim();
          tr.querySelectorAll('.fc-adj').forEach((inp) => {
            const v = inp.value.trim();
            if (v === '') return;
            const line = { month: inp.dataset.month, sku: tr.dataset.sku, adjusted_qty: Number(qtyOf(v)) };
            if (comment) line.comment = comment;
            req.lines.push(line);
          });
        }
      }
      button.disabled = true;
      try {
        await api.post(`/forecasts/${enc(number)}/${a}`, req);
        toast(W('已保存', 'Saved'));
        mount(box, await render());
      } catch (e) {
        button.disabled = false;
        mount(err, errText(e));
      }
    }

    const sw = STATE_WORDS[d.state] || [d.state, d.state];
    return h('div', { dataset: { state: d.state, version: String(d.version) } },
      h('section', { class: 'card doc-fields' }, fieldGrid([
        [W('状态', 'State'), h('span', { id: 'fc-state', dataset: { state: d.state } }, W(sw[0], sw[1]))],
        [W('客户', 'Customer'), d.customer || '—'],
        [W('基准月', 'Base month'), d.base_month || '—'],
        [W('依据', 'Basis'), d.basis || '—'],
      ])),
      h('section', { class: 'card' },
        h('div', { class: 'fc-grid-wrap' }, h('table', { class: 'fc-grid', id: 'fc-grid' }, head, body, foot)),
        h('div', { class: 'fc-buttons', id: 'fc-actions' }, acts.map((a) => h('button', {
          type: 'button', class: 'btn btn-primary', id: `fc-act-${a}`, dataset: { action: a },
          onclick: (ev) => act(ev.target, a),
        }, W(...(ACTION_WORDS[a] || [a, a]))))),
        err),
      h('a', { href: `/forecasts/${enc(number)}`, class: 'small' }, W('查看过程与详情', 'History and details')));
  }

  mount(box, await render());
  return h('div', { class: 'fc-page', dataset: { number } },
    h('div', { class: 'page-header detail-header' }, h('div', null,
      h('a', { href: '/forecasts', class: 'back' }, `‹ ${W('销售预期', 'Forecasts')}`),
      h('h1', { class: 'mono', id: 'fc-number' }, number))),
    box);
}
