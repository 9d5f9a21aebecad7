// issues.js — OSB问题记录 (the OSB problem log, api.md §3.7, docs/deadlines.md): the list with
// state / rule / department filters, and one entry with explain (the people it names, or the
// SSG leader), resolve (SSG leader) and reopen (SSG leader, gm, SD, DD).

import { api } from '../lib/api.js';
import { t, tEnum } from '../lib/i18n.js';
import { h, card, pageHeader, fieldGrid, select, filterBar, pagedList, badge } from '../lib/ui.js';
import { formatTs } from '../lib/fmt.js';
import { personName } from '../lib/people.js';
import { stateBadge, stateOptions, timelineTable, actionCard, deadlineText } from '../lib/doc.js';

const enc = encodeURIComponent;
const CAUSES = ['staffing', 'stock_out', 'approval_delay', 'customer', 'carrier', 'system', 'other'];
const DEPTS = ['slt', 'ssg', 'sales', 'finance', 'warehouse', 'customer_service', 'marketing'];

function docHref(doc) {
  if (!doc) return null;
  if (/DD\d+$/.test(doc)) return `/orders/${enc(doc)}`;
  if (/FH\d+$/.test(doc)) return `/shipments/${enc(doc)}`;
  if (/FP\d+$/.test(doc)) return `/invoices/${enc(doc)}`;
  return null;
}
const docLink = (doc) => (docHref(doc) ? h('a', { href: docHref(doc), class: 'mono' }, doc) : doc ? h('span', { class: 'mono' }, doc) : '—');

export async function issuesPage(ctx) {
  const q = ctx.query;
  let filters = { state: q.state ?? 'open', department: q.department || '' };
  const list = pagedList({
    load: (cursor) => api.get('/osb-issues', { ...filters, limit: 20, cursor }),
    columns: [
      { key: 'number', label: t('f.number'), render: (i) => h('a', { href: `/osb-issues/${enc(i.number)}`, class: 'mono' }, i.number) },
      { key: 'rule', label: t('iss.rule'), cls: 'wrap', render: (i) => [tEnum('iss.rule', i.rule), i.description ? h('div', { class: 'muted small' }, i.description) : null] },
      { key: 'document', label: t('f.document'), render: (i) => docLink(i.document) },
      { key: 'department', label: t('f.department'), render: (i) => tEnum('dept', i.department) },
      { key: 'opened_at', label: t('iss.opened_at'), render: (i) => formatTs(i.opened_at), cls: 'nowrap' },
      { key: 'due_explanation_by', label: t('iss.due'), cls: 'nowrap', render: (i) => [deadlineText(i.due_explanation_by), i.explanation_overdue ? h('span', null, ' ', badge(t('iss.overdue'), 'bad')) : null] },
      { key: 'responsible', label: t('iss.responsible'), cls: 'wrap', render: (i) => (i.responsible || []).join(', ') },
      { key: 'state', label: t('f.state'), render: (i) => stateBadge('issue', i.state) },
    ],
    rowHref: (i) => `/osb-issues/${enc(i.number)}`,
    rowKey: (i) => i.number,
    emptyText: t('iss.none'),
  });
  const bar = filterBar([
    { label: t('f.state'), control: select('state', stateOptions('issue'), filters.state, { label: t('f.state') }) },
    { label: t('f.department'), control: select('department', DEPTS.map((d) => ({ value: d, label: tEnum('dept', d) })), filters.department, { label: t('f.department') }) },
  ], (v) => {
    filters = { state: v.state || '', department: v.department || '' };
    ctx.setQuery({ ...filters, state: filters.state || '' });
    list.reload();
  });
  list.reload();
  return h('div', { class: 'page-issues' }, pageHeader(t('iss.title')), h('section', { class: 'card' }, bar, list.el));
}

export async function issueDetailPage(ctx) {
  const number = ctx.params.number;
  const i = await api.get(`/osb-issues/${enc(number)}`);
  // The server's allowed_actions (role, scope, state) that this page has a form for.
  const allowedNow = new Set(i.allowed_actions || []);
  const acts = ['explain', 'resolve', 'reopen'].filter((a) => allowedNow.has(a));
  const fields = [];
  if (acts.includes('explain')) {
    fields.push({ name: 'explanation', label: t('iss.explanation'), type: 'textarea', wide: true, value: i.explanation || '' });
    fields.push({ name: 'cause', label: t('iss.cause'), type: 'select', value: i.cause || 'other', options: CAUSES.map((c) => ({ value: c, label: tEnum('iss.cause', c) })) });
  }
  if (acts.includes('resolve')) fields.push({ name: 'resolution', label: t('iss.resolution'), type: 'textarea', wide: true });
  if (acts.includes('reopen')) fields.push({ name: 'comment', label: t('doc.comment'), type: 'textarea', wide: true });
  const actions = actionCard({
    base: `/osb-issues/${enc(number)}`, version: i.version, idPrefix: 'iss', fields,
    buttons: acts.map((a) => ({
      action: a, id: `iss-${a}`, label: tEnum('issue.act', a), tone: a === 'reopen' ? '' : 'primary',
      needs: a === 'explain' ? ['explanation'] : a === 'resolve' ? ['resolution'] : ['comment'],
      body: (v) => (a === 'explain' ? { explanation: v.explanation, cause: v.cause } : a === 'resolve' ? { resolution: v.resolution } : { comment: v.comment }),
    })),
    onDone: () => ctx.navigate(`/osb-issues/${enc(number)}`, { replace: true }),
  });
  return h('div', { class: 'page-issue', dataset: { number: i.number, state: i.state } },
    h('div', { class: 'page-header detail-header' }, h('div', null,
      h('a', { href: '/osb-issues', class: 'back' }, `‹ ${t('iss.title')}`),
      h('h1', { class: 'mono' }, i.number),
      h('div', { class: 'detail-sub' }, stateBadge('issue', i.state, 'issue-state'), h('span', null, tEnum('iss.rule', i.rule)),
        i.explanation_overdue ? badge(t('iss.overdue'), 'bad') : null))),
    actions,
    card(t('iss.entry'), fieldGrid([
      [t('iss.rule'), [tEnum('iss.rule', i.rule), ' ', h('span', { class: 'muted mono' }, i.rule || '')]],
      [t('f.document'), docLink(i.document)],
      [t('f.department'), tEnum('dept', i.department)],
      [t('f.customer'), i.customer ? h('a', { href: `/customers/${enc(i.customer)}` }, i.customer) : null],
      [t('iss.deadline'), i.deadline ? deadlineText(i.deadline) : null],
      [t('iss.completed_at'), i.completed_at ? `${formatTs(i.completed_at)} · ${i.completed_by_action || ''}` : null],
      [t('iss.opened_at'), `${formatTs(i.opened_at)} · ${i.opened_by || ''}`],
      [t('iss.due'), deadlineText(i.due_explanation_by)],
      [t('iss.responsible'), (i.responsible || []).join(', ')],
      [t('iss.description'), i.description, { wide: true }],
      [t('iss.explanation'), i.explanation ? `${i.explanation}${i.cause ? ` （${tEnum('iss.cause', i.cause)}）` : ''}` : null, { wide: true }],
      [t('iss.explained'), i.explained_at ? `${formatTs(i.explained_at)} · ${personName(i.explained_by)}${i.explanation_late ? ` · ${t('iss.late')}` : ''}` : null],
      [t('iss.resolution'), i.resolution, { wide: true }],
      [t('iss.resolved'), i.resolved_at ? `${formatTs(i.resolved_at)} · ${personName(i.resolved_by)}` : null],
    ])),
    i.timeline ? card(t('doc.timeline'), timelineTable('issue', i.timeline)) : null);
}
