// customer_lifecycle.js — 客户生命周期: the customer page's lifecycle buttons (drawn from the
// customer's allowed_actions; a secretary signs with on_behalf_of while the SLT member is away),
// its credit incidents (list and, for finance and the SSG leader, an add form), and the
// "我出差了 / I am away" switch an SLT member sets on the home page (api.md §5.2, §5.3).
// Words are inline {zh, en} pairs so this file brings its own.

import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, card, table, form, toast, loadInto, mount } from '../lib/ui.js';
import { actionCard } from '../lib/doc.js';
import { formatTs } from '../lib/fmt.js';
import { person } from '../lib/people.js';

const enc = encodeURIComponent;

const ACT = {
  submit: { zh: '提交审核', en: 'Submit for review' },
  qualify: { zh: '资格审核通过', en: 'Qualify' },
  approve: { zh: '批准为正式客户', en: 'Approve' },
  reject: { zh: '退回', en: 'Reject' },
  suspend: { zh: '暂停', en: 'Suspend' },
  reactivate: { zh: '恢复', en: 'Reactivate' },
  close: { zh: '关闭客户', en: 'Close' },
  'lift-credit-hold': { zh: '解除信用冻结', en: 'Lift credit hold' },
  'set-payment-term': { zh: '设定回款期', en: 'Set payment term' },
  'set-tier': { zh: '调整客户类别', en: 'Override tier' },
  'propose-payment-term': { zh: '建议回款期', en: 'Propose payment term' },
};
// The body field each action asks for (flows.md §1, api.md §5.2).
const NEEDS = {
  qualify: ['note'], reject: ['comment'], suspend: ['reason'], 'lift-credit-hold': ['reason'],
  'set-payment-term': ['payment_term_days', 'reason'], 'set-tier': ['tier', 'reason'],
  'propose-payment-term': ['payment_term_days', 'reason'],
};
const PRIMARY = new Set(['submit', 'qualify', 'approve', 'reactivate']);
const DANGER = new Set(['reject', 'suspend', 'close']);

/** The lifecycle card of customer c (null when the user may take no action now). */
export function lifecycleCard(c, ctx, reload) {
  const acts = c.allowed_actions || [];
  if (!acts.length) return null;
  const viaProxy = new Set(c.proxy_actions || []);
  const principal = ctx.user.proxy_for || null;
  const wanted = new Set(acts.flatMap((a) => NEEDS[a] || []));
  const fields = [];
  if (wanted.has('note')) fields.push({ name: 'note', label: t({ zh: '审核意见', en: 'Qualification note' }), type: 'textarea', wide: true });
  if (wanted.has('comment')) fields.push({ name: 'comment', label: t({ zh: '退回原因', en: 'Comment' }), type: 'textarea', wide: true });
  if (wanted.has('reason')) fields.push({ name: 'reason', label: t({ zh: '原因', en: 'Reason' }), type: 'textarea', wide: true });
  if (wanted.has('payment_term_days')) fields.push({ name: 'payment_term_days', label: t({ zh: '回款期（天，0–365）', en: 'Payment term (days, 0–365)' }), value: String(c.payment_term_days ?? '') });
  if (wanted.has('tier')) {
    const tiers = { key: { zh: '主要客户', en: 'Key' }, general: { zh: '一般客户', en: 'General' }, scattered: { zh: '零散客户', en: 'Scattered' } };
    fields.push({ name: 'tier', label: t({ zh: '客户类别', en: 'Tier' }), type: 'select', value: c.tier || 'general', options: Object.keys(tiers).map((k) => ({ value: k, label: t(tiers[k]) })) });
  }
  if (viaProxy.size && principal) {
    fields.push({ name: 'confirmed_by_phone', label: t({ zh: `已电话征得 ${principal} 同意`, en: `${principal} agreed by phone` }), type: 'bool' });
  }
  const buttons = acts.map((action) => {
    const proxy = viaProxy.has(action) && principal;
    const needs = [...(NEEDS[action] || []), ...(proxy ? ['confirmed_by_phone'] : [])];
    return {
      action,
      id: `cust-act-${action}`,
      label: t(ACT[action] || { zh: action, en: action }),
      tone: PRIMARY.has(action) ? 'primary' : DANGER.has(action) ? 'danger' : '',
      confirm: DANGER.has(action),
      needs,
      body: (v) => {
        const b = {};
        for (const n of NEEDS[action] || []) b[n] = n === 'payment_term_days' ? Number.parseInt(v[n], 10) : v[n];
        if (proxy) Object.assign(b, { on_behalf_of: principal, confirmed_by_phone: true });
        return b;
      },
    };
  });
  const note = viaProxy.size && principal
    ? h('div', { class: 'note', id: 'cust-proxy-note' }, t({ zh: `${principal} 出差中，您可代签（需电话确认）。`, en: `${principal} is away: you may sign on their behalf (confirm by phone).` }))
    : null;
  return actionCard({
    title: t({ zh: '客户审批', en: 'Customer lifecycle' }),
    base: `/customers/${enc(c.code)}`,
    version: c.version,
    idPrefix: 'cust-act',
    fields,
    buttons,
    note,
    onDone: () => reload(),
  });
}

const KINDS = ['bounced_cheque', 'legal', 'other'];
const KIND_WORDS = {
  bounced_cheque: { zh: '退票', en: 'Bounced cheque' },
  legal: { zh: '法律纠纷', en: 'Legal' },
  other: { zh: '其他', en: 'Other' },
  dispute: { zh: '争议', en: 'Dispute' },
  overdue_90: { zh: '逾期90天', en: 'Overdue 90 days' },
};

async function incidentsTable(code) {
  const res = await api.get(`/customers/${enc(code)}/credit-incidents`);
  return table({
    columns: [
      { key: 'date', label: t({ zh: '日期', en: 'Date' }), cls: 'nowrap' },
      { key: 'kind', label: t({ zh: '类型', en: 'Kind' }), render: (r) => t(KIND_WORDS[r.kind] || { zh: r.kind, en: r.kind }) },
      { key: 'note', label: t({ zh: '说明', en: 'Note' }), cls: 'wrap' },
      { key: 'recorded_by', label: t({ zh: '记录人', en: 'Recorded by' }), render: (r) => person(r.recorded_by) },
      { key: 'created_at', label: t({ zh: '录入时间', en: 'Entered' }), render: (r) => formatTs(r.created_at), cls: 'nowrap' },
    ],
    rows: res.items || [],
    emptyText: t({ zh: '无信用问题记录', en: 'No credit incidents' }),
  });
}

/** The credit incidents of customer code; canAdd: finance and the SSG leader record new ones. */
export function incidentsCard(code, canAdd) {
  const box = h('div', { id: 'incidents-list' });
  const reload = () => loadInto(box, () => incidentsTable(code));
  let addForm = null;
  if (canAdd) {
    const f = form({
      fields: [
        { name: 'kind', label: t({ zh: '类型', en: 'Kind' }), type: 'select', required: true, value: 'bounced_cheque', options: KINDS.map((k) => ({ value: k, label: t(KIND_WORDS[k]) })) },
        { name: 'occurred_on', label: t({ zh: '发生日期', en: 'Occurred on' }), required: true, placeholder: 'YYYY-MM-DD' },
        { name: 'note', label: t({ zh: '说明', en: 'Note' }), required: true, wide: true },
      ],
      idPrefix: 'incident',
      submitLabel: t({ zh: '记录信用问题', en: 'Record incident' }),
      submit: async (body, key) => {
        await api.post(`/customers/${enc(code)}/credit-incidents`, body, key ? { headers: { 'Idempotency-Key': key } } : {});
        toast(t({ zh: '已记录', en: 'Recorded' }));
        reload();
      },
    });
    addForm = h('div', { class: 'incident-form', id: 'incident-form' }, f.el);
  }
  reload();
  return card(t({ zh: '信用问题', en: 'Credit incidents' }), box, addForm);
}

const SLT = new Set(['gm', 'sales_director', 'deputy_director']);

/** 我出差了: an SLT member's out_of_office switch (proxy signing needs it on). */
export function awaySwitch(user) {
  if (!SLT.has(user.role)) return null;
  const box = h('label', { class: 'check away-switch', for: 'away-switch' });
  const input = h('input', { type: 'checkbox', id: 'away-switch', name: 'out_of_office' });
  const state = h('span', { class: 'away-state', id: 'away-state' });
  const show = (on) => {
    input.checked = !!on;
    mount(state, on
      ? t({ zh: '出差中：秘书可代签', en: 'Away: your secretary may sign for you' })
      : t({ zh: '在岗：秘书不能代签', en: 'In the office: no proxy signatures' }));
  };
  input.disabled = true;
  api.get(`/users/${enc(user.username)}`).then((u) => { show(u.out_of_office); input.disabled = false; })
    .catch(() => { state.textContent = '—'; });
  input.addEventListener('change', async () => {
    const want = input.checked;
    input.disabled = true;
    try {
      const u = await api.patch(`/users/${enc(user.username)}`, { out_of_office: want });
      show(u.out_of_office);
      toast(t(want ? { zh: '已设为出差', en: 'Marked away' } : { zh: '已设为在岗', en: 'Back in the office' }));
    } catch (e) {
      show(!want);
      toast(String(e.message || e), 'bad');
    } finally {
      input.disabled = false;
    }
  });
  mount(box, input, ' ', t({ zh: '我出差了', en: 'I am away' }), ' ', state);
  return card(t({ zh: '出差代签', en: 'Travel and proxy signing' }), box);
}
