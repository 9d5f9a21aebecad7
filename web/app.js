/*
 * app.js — the OSB web UI: page table, router, shell (header, left navigation) and start-up.
 * Plain ES modules, no build step. Chinese first; the header's button switches to English.
 *
 * ─── HOW TO ADD A PAGE ──────────────────────────────────────────────────────────────────────
 * Add ONE entry to the PAGES table below. The router, the left navigation, the role check and
 * the browser title all come from that entry:
 *
 *   {
 *     id: 'shipments',                        // stable name; the nav link gets data-nav="<id>"
 *     path: '/shipments/:number',             // ':name' segments arrive as ctx.params.name
 *     title: { zh: '发运单', en: 'Shipments' },
 *     nav: 'logistics',                       // a NAV_GROUPS id to show it in the left nav;
 *                                             // leave out for detail and form pages
 *     cap: 'money.read',                      // optional: the capability (GET /me `can`) the
 *                                             // page needs; without it every user may open it
 *                                             // and the API decides what they see
 *     render: (ctx) => node,                  // returns a DOM node (or a promise of one);
 *                                             // ctx = {params, query, user, navigate, can, setQuery,
 *                                             //        pages, navGroups}
 *     // or, for a plain list, no code at all:
 *     list: { endpoint: '/shipments', columns: [{ key: 'number', label: 'f.number' }, ...],
 *             rowHref: (row) => `/shipments/${row.number}` },
 *   }
 *
 * A `list` page whose endpoint the server does not have yet (404) shows "尚未开放", so an entry
 * can go in before the API. Page code lives in web/pages/*.js; shared pieces in web/lib/:
 * api.js (requests, session, ApiError), ui.js (h(), tables, pager, forms, states),
 * fmt.js (money from integer fen, never floats), i18n.js (zh/en words), ref.js (cached lists).
 * ────────────────────────────────────────────────────────────────────────────────────────────
 */

import { api, session, onUnauthenticated, ApiError } from './lib/api.js';
import { t, tEnum, getLang, setLang } from './lib/i18n.js';
import { h, mount, loading, errorState, pagedList, pageHeader } from './lib/ui.js';
import { formatFen, formatTs, formatQty } from './lib/fmt.js';
import { ref } from './lib/ref.js';
import { loadPeople, forgetPeople } from './lib/people.js';
import { loginPage } from './pages/login.js';
import { homePage } from './pages/home.js';
import { customersPage, customerDetailPage, customerNewPage } from './pages/customers.js';
import { productsPage, productNewPage } from './pages/products.js';
import { orgPage } from './pages/org.js';
import { usersPage } from './pages/users.js';
import { stockPage } from './pages/stock.js';
import { quotasPage } from './pages/quotas.js';
import { auditPage } from './pages/audit.js';
import { notificationsPage, refreshUnread } from './pages/notifications.js';
import { ordersPage, orderDetailPage, orderNewPage, orderAmendPage } from './pages/orders.js';
import { shipmentsPage, shipmentDetailPage } from './pages/shipments.js';
import { invoicesPage, invoiceDetailPage, paymentsPage, paymentNewPage, agingPage } from './pages/billing.js';
import { issuesPage, issueDetailPage } from './pages/issues.js';
import { creditReviewsPage, creditReviewPage, creditGradesPage } from './pages/credit.js';
import { priceListsPage, priceListNewPage, priceListDetailPage } from './pages/prices.js';
import { paymentDetailPage, returnNewPage } from './pages/corrections.js';
import { bankPoolPage, bankLinePage, collectionRequestsPage, collectionRequestPage, callListPage } from './pages/collection.js';
import {
  budgetsPage, expensesPage, expenseNewPage, expenseDetailPage, popPage, popDetailPage, samplesPage, sampleDetailPage,
  inventoryPage, inventoryNewPage, inventoryDetailPage, supportPage, supportDetailPage,
} from './pages/market.js';
import { inventoryImportPage, consumersPage, consumerDetailPage } from './pages/market_files.js';
import { reportsPage, reportPage } from './pages/reports.js';
import { dashboardPage } from './pages/dashboard.js';
import { passwordPage } from './pages/password.js';
import { forecastNewPage, forecastGridPage } from './pages/forecast.js';
import { fieldDayPage, visitNewPage, quotationNewPage, afterSalesNewPage, fieldDetailPage, fieldListColumns, workLogPage, callLogPage, satisfactionPage } from './pages/field.js';



/**
 * What the user may do beyond documents comes from the server (GET /me `can`, from the
 * permissions matrix); each document's buttons come from its `allowed_actions`. The UI keeps
 * no copy of either: a page names the capability it needs (`cap`), nothing more.
 */

// ---- the left navigation's groups, in order -----------------------------------------------

export const NAV_GROUPS = [
  { id: 'home', title: 'nav.group.home' },
  { id: 'sales', title: 'nav.group.sales' },
  { id: 'finance', title: 'nav.group.finance' },
  { id: 'logistics', title: 'nav.group.logistics' },
  { id: 'market', title: { zh: '市场支持', en: 'Market support' } },
  { id: 'master', title: 'nav.group.master' },
  { id: 'system', title: 'nav.group.system' },
];

// ---- THE PAGE TABLE ----------------------------------------------------------------------

export const PAGES = [
  { id: 'home', path: '/', title: { zh: '工作台', en: 'Home' }, nav: 'home', icon: '⌂', render: homePage },
  { id: 'dashboard', path: '/dashboard', title: { zh: 'KPI 看板', en: 'KPI dashboard' }, nav: 'home', icon: '◫', render: dashboardPage },
  { id: 'reports', path: '/reports', title: { zh: '报表', en: 'Reports' }, nav: 'home', icon: '▤', render: reportsPage },
  { id: 'report', path: '/reports/:name', title: { zh: '报表', en: 'Report' }, navPath: '/reports', render: reportPage },

  { id: 'customers', path: '/customers', title: { zh: '客户', en: 'Customers' }, nav: 'sales', icon: '◎', render: customersPage },
  { id: 'customer-new', path: '/customers/new', title: { zh: '新建客户', en: 'New customer' }, navPath: '/customers', cap: 'customer.create', render: customerNewPage },
  { id: 'customer', path: '/customers/:code', title: { zh: '客户档案', en: 'Customer' }, navPath: '/customers', render: customerDetailPage },
  { id: 'orders', path: '/orders', title: { zh: '订单', en: 'Orders' }, nav: 'sales', icon: '☰', render: ordersPage },
  { id: 'order-new', path: '/orders/new', title: { zh: '新建订单', en: 'New order' }, navPath: '/orders', cap: 'order.create', render: orderNewPage },
  { id: 'order', path: '/orders/:number', title: { zh: '订单', en: 'Order' }, navPath: '/orders', render: orderDetailPage },
  { id: 'order-amend', path: '/orders/:number/amend', title: { zh: '修改订单', en: 'Amend order' }, navPath: '/orders', render: orderAmendPage },
  { id: 'quotas', path: '/quotas', title: { zh: '配额', en: 'Quotas' }, nav: 'sales', icon: '◔', cap: 'quota.read', render: quotasPage },

  // field sales (docs/field-sales.md): a rep's day on a phone, the forms, lists and details
  { id: 'field-day', path: '/field', title: { zh: '我的一天', en: 'My day' }, nav: 'sales', icon: '☀', render: fieldDayPage },
  { id: 'visit-new', path: '/visits/new', title: { zh: '填写拜访记录', en: 'File a visit report' }, navPath: '/visits', render: visitNewPage },
  { id: 'quotation-new', path: '/quotations/new', title: { zh: '登记询价/招标', en: 'Register an inquiry' }, navPath: '/quotations', render: quotationNewPage },
  { id: 'work-logs', path: '/work-logs', title: { zh: '工作日志', en: 'Work log' }, nav: 'sales', icon: '✍', cap: 'work_log.read', render: workLogPage },
  { id: 'call-log-new', path: '/call-logs/new', title: { zh: '电话记录', en: 'Log a call' }, navPath: '/field', render: callLogPage },
  { id: 'satisfaction-calls', path: '/satisfaction-calls', title: { zh: '满意度回访', en: 'Satisfaction calls' }, nav: 'sales', icon: '☎', cap: 'call_log.read', render: satisfactionPage },
  // the forecast grid (#13): one row per SKU, months across, totals as one types
  { id: 'forecast-new', path: '/forecasts/new', title: { zh: '录入销售预期', en: 'Enter a forecast' }, navPath: '/forecasts', render: forecastNewPage },
  { id: 'forecast-grid', path: '/forecasts/:number/grid', title: { zh: '销售预期', en: 'Forecast' }, navPath: '/forecasts', render: forecastGridPage },
  { id: 'after-sales-new', path: '/after-sales/new', title: { zh: '受理投诉/售后', en: 'Take a complaint' }, navPath: '/after-sales', render: afterSalesNewPage },
  ...[['quotations', '报价/投标', 'Quotations', '✎'], ['contracts', '合同', 'Contracts', '▤'], ['after-sales', '售后服务', 'After-sales', '✚'],
    ['visit-plans', '拜访计划', 'Visit plans', '▥'], ['visits', '拜访记录', 'Visit reports', '⚐'], ['forecasts', '销售预期', 'Forecasts', '↗'],
    ['plans', '计划', 'Plans', '▧']].flatMap(([c, zh, en, icon]) => [
    { id: c, path: `/${c}`, title: { zh, en }, nav: 'sales', icon, list: { endpoint: `/${c}`, columns: fieldListColumns(c), rowHref: (r) => `/${c}/${encodeURIComponent(r.number)}` } },
    { id: `${c}-one`, path: `/${c}/:number`, title: { zh, en }, navPath: `/${c}`, render: fieldDetailPage(c) },
  ]),

  { id: 'invoices', path: '/invoices', title: { zh: '发票与收款', en: 'Invoices & payments' }, nav: 'finance', icon: '¥', cap: 'money.read', render: invoicesPage },
  { id: 'invoice', path: '/invoices/:number', title: { zh: '发票', en: 'Invoice' }, navPath: '/invoices', cap: 'money.read', render: invoiceDetailPage },
  { id: 'payments', path: '/payments', title: { zh: '收款记录', en: 'Receipts' }, nav: 'finance', icon: '⊕', cap: 'money.read', render: paymentsPage },
  { id: 'payment-new', path: '/payments/new', title: { zh: '登记收款', en: 'Register payment' }, navPath: '/payments', cap: 'payment.create', render: paymentNewPage },
  // credit (CMR): reviews, the review worksheet / approval view, the grade list
  { id: 'credit-reviews', path: '/credit-reviews', title: { zh: '信用额评审', en: 'Credit reviews' }, nav: 'finance', icon: '≋', cap: 'credit_review.read', render: creditReviewsPage },
  { id: 'credit-review', path: '/credit-reviews/:number', title: { zh: '信用额评审', en: 'Credit review' }, navPath: '/credit-reviews', cap: 'credit.read', render: creditReviewPage },
  { id: 'credit-grades', path: '/credit-grades', title: { zh: '客户信用等级', en: 'Credit grades' }, nav: 'finance', icon: '★', cap: 'credit_grade.read', render: creditGradesPage },
  // corrections (api.md §5.5): one receipt with reversal and re-allocation; the return / exchange form
  { id: 'payment', path: '/payments/:number', title: { zh: '收款', en: 'Receipt' }, navPath: '/payments', cap: 'money.read', render: paymentDetailPage },
  { id: 'return-new', path: '/returns/new', title: { zh: '新建退货/换货', en: 'New return / exchange' }, navPath: '/orders', render: returnNewPage },
  // collection (flows §4.3-4.4, web/pages/collection.js): the bank pool, collection requests, the weekly call list
  { id: 'bank-receipts', path: '/bank-receipts', title: { zh: '到款池', en: 'Bank receipts' }, nav: 'finance', icon: '⇩', cap: 'bank.read', render: bankPoolPage },
  { id: 'bank-receipt', path: '/bank-receipts/:number', title: { zh: '到款', en: 'Bank line' }, navPath: '/bank-receipts', cap: 'bank.read', render: bankLinePage },
  { id: 'collection-requests', path: '/collection-requests', title: { zh: '收款申请单', en: 'Collection requests' }, nav: 'finance', icon: '✆', cap: 'collection_request.read', render: collectionRequestsPage },
  { id: 'collection-request', path: '/collection-requests/:number', title: { zh: '收款申请单', en: 'Collection request' }, navPath: '/collection-requests', cap: 'collection_request.read', render: collectionRequestPage },
  { id: 'call-list', path: '/call-list', title: { zh: '每周电话拜访', en: 'Weekly call list' }, nav: 'finance', icon: '☏', cap: 'call_list.read', render: callListPage },
  { id: 'aging', path: '/receivables/aging', title: { zh: '应收账龄', en: 'Receivables aging' }, nav: 'finance', icon: '◴', cap: 'money.read', render: agingPage },

  { id: 'shipments', path: '/shipments', title: { zh: '发运', en: 'Shipments' }, nav: 'logistics', icon: '⇶', render: shipmentsPage },
  { id: 'shipment', path: '/shipments/:number', title: { zh: '发运单', en: 'Shipment' }, navPath: '/shipments', render: shipmentDetailPage },
  { id: 'stock', path: '/stock', title: { zh: '仓库与库存', en: 'Warehouses & stock' }, nav: 'logistics', icon: '▦', render: stockPage },

  // market support (api.md §5.6, web/pages/market.js)
  { id: 'budgets', path: '/market/budgets', title: { zh: '费用预算', en: 'Expense budgets' }, nav: 'market', icon: '▤', cap: 'budget.read', render: budgetsPage },
  { id: 'expenses', path: '/market/expenses', title: { zh: '费用申请', en: 'Expense applications' }, nav: 'market', icon: '¥', render: expensesPage },
  { id: 'expense-new', path: '/market/expenses/new', title: { zh: '新建费用申请', en: 'New expense application' }, navPath: '/market/expenses', render: expenseNewPage },
  { id: 'expense', path: '/market/expenses/:number', title: { zh: '费用申请', en: 'Expense application' }, navPath: '/market/expenses', render: expenseDetailPage },
  { id: 'pop', path: '/market/pop', title: { zh: '物料(POP)申请', en: 'POP requests' }, nav: 'market', icon: '⚐', render: popPage },
  { id: 'pop-request', path: '/market/pop/:number', title: { zh: '物料申请', en: 'POP request' }, navPath: '/market/pop', render: popDetailPage },
  { id: 'samples', path: '/market/samples', title: { zh: '样品发放', en: 'Sample issues' }, nav: 'market', icon: '◍', render: samplesPage },
  { id: 'sample', path: '/market/samples/:number', title: { zh: '样品发放', en: 'Sample issue' }, navPath: '/market/samples', render: sampleDetailPage },
  { id: 'inventory', path: '/market/inventory', title: { zh: '经销商库存报表', en: 'Inventory reports' }, nav: 'market', icon: '▥', render: inventoryPage },
  { id: 'inventory-new', path: '/market/inventory/new', title: { zh: '填报库存报表', en: 'New inventory report' }, navPath: '/market/inventory', render: inventoryNewPage },
  // the distributor's file, consumer records (web/pages/market_files.js)
  { id: 'inventory-import', path: '/market/inventory/import', title: { zh: '导入库存报表', en: 'Import an inventory report' }, navPath: '/market/inventory', render: inventoryImportPage },
  { id: 'consumers', path: '/market/consumers', title: { zh: '消费者名单', en: 'Consumer records' }, nav: 'market', icon: '☎', cap: 'consumer.read', render: consumersPage },
  { id: 'consumer', path: '/market/consumers/:id', title: { zh: '消费者', en: 'Consumer' }, navPath: '/market/consumers', cap: 'consumer.read', render: consumerDetailPage },
  { id: 'support', path: '/market/support', title: { zh: '支持申请', en: 'Support requests' }, nav: 'market', icon: '✎', render: supportPage },
  { id: 'support-request', path: '/market/support/:number', title: { zh: '支持申请', en: 'Support request' }, navPath: '/market/support', render: supportDetailPage },
  { id: 'inventory-report', path: '/market/inventory/:number', title: { zh: '库存报表', en: 'Inventory report' }, navPath: '/market/inventory', render: inventoryDetailPage },

  { id: 'products', path: '/products', title: { zh: '产品', en: 'Products' }, nav: 'master', icon: '◫', render: productsPage },
  { id: 'product-new', path: '/products/new', title: { zh: '新建产品', en: 'New product' }, navPath: '/products', cap: 'product.create', render: productNewPage },
  // prices: price lists (JG)
  { id: 'price-lists', path: '/price-lists', title: { zh: '价目表', en: 'Price lists' }, nav: 'master', icon: '¤', cap: 'price_list.read', render: priceListsPage },
  { id: 'price-list-new', path: '/price-lists/new', title: { zh: '新建价目表', en: 'New price list' }, navPath: '/price-lists', cap: 'price_list.create', render: priceListNewPage },
  { id: 'price-list', path: '/price-lists/:number', title: { zh: '价目表', en: 'Price list' }, navPath: '/price-lists', cap: 'price_list.read', render: priceListDetailPage },
  { id: 'org', path: '/org', title: { zh: '市场与区域', en: 'Markets & regions' }, nav: 'master', icon: '◇', render: orgPage },
  { id: 'users', path: '/users', title: { zh: '用户', en: 'Users' }, nav: 'master', icon: '☺', cap: 'users.read', render: usersPage },

  { id: 'notifications', path: '/notifications', title: { zh: '通知', en: 'Notifications' }, nav: 'system', icon: '✉', render: notificationsPage },
  { id: 'osb-issues', path: '/osb-issues', title: { zh: 'OSB问题记录', en: 'OSB problem log' }, nav: 'system', icon: '⚑', render: issuesPage },
  { id: 'osb-issue', path: '/osb-issues/:number', title: { zh: 'OSB问题', en: 'OSB problem' }, navPath: '/osb-issues', render: issueDetailPage },
  { id: 'audit', path: '/audit', title: { zh: '审计日志', en: 'Audit log' }, nav: 'system', icon: '⚖', cap: 'audit.read', render: auditPage },
  { id: 'password', path: '/me/password', title: { zh: '修改密码', en: 'Change password' }, nav: 'system', icon: '⚿', render: passwordPage },
];

// ---- routing -------------------------------------------------------------------------------

const compiled = PAGES.map((p) => {
  const names = [];
  const re = new RegExp(`^${p.path.replace(/\/:(\w+)/g, (_, n) => { names.push(n); return '/([^/]+)'; })}/?$`);
  return { page: p, re, names };
});

function matchRoute(pathname) {
  // Literal segments beat parameters: '/customers/new' before '/customers/:code'.
  let best = null;
  for (const c of compiled) {
    const m = c.re.exec(pathname);
    if (!m) continue;
    const params = {};
    c.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
    const score = c.names.length;
    if (!best || score < best.score) best = { page: c.page, params, score };
  }
  return best;
}

/** May this user open the page (and see its nav entry or home tile)? */
export function pageAllowed(page, user) {
  return !!user && (!page.cap || can(page.cap, user));
}

export function can(action, user = session.user) {
  return !!user && Array.isArray(user.can) && user.can.includes(action);
}

let renderSeq = 0;

export function navigate(path, opts = {}) {
  if (opts.replace) history.replaceState(null, '', path);
  else if (path !== location.pathname + location.search) history.pushState(null, '', path);
  window.scrollTo(0, 0);
  return render();
}
window.osbNavigate = navigate;

/** Rewrites the query string of the current page without re-rendering it (filters). */
function setQuery(values) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== '' && v !== null && v !== undefined) qs.set(k, v);
  const s = qs.toString();
  history.replaceState(null, '', location.pathname + (s ? `?${s}` : ''));
}

// ---- the shell -----------------------------------------------------------------------------

const root = () => document.getElementById('app');
let shell = null; // {main, nav, header} while signed in

function langButton() {
  return h('button', {
    class: 'btn btn-ghost lang-toggle', type: 'button', id: 'lang-toggle', title: t('lang.toggle.title'),
    onclick: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); shell = null; render(); },
  }, t('lang.toggle'));
}

function buildShell(user) {
  const nav = h('nav', { class: 'sidebar', 'aria-label': 'main' });
  for (const g of NAV_GROUPS) {
    const entries = PAGES.filter((p) => p.nav === g.id && pageAllowed(p, user));
    if (!entries.length) continue;
    nav.appendChild(h('div', { class: 'nav-group' },
      g.id === 'home' ? null : h('div', { class: 'nav-group-title' }, t(g.title)),
      entries.map((p) => h('a', { href: p.path, class: 'nav-link', dataset: { nav: p.id, path: p.path } },
        h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, p.icon || '•'), h('span', { class: 'nav-label' }, t(p.title))))));
  }
  const bell = h('a', { href: '/notifications', class: 'header-bell', id: 'notif-bell', title: t('header.notifications') },
    h('span', { 'aria-hidden': 'true' }, '✉'), h('span', { class: 'bell-count', id: 'notif-count', hidden: true }, ''));
  const where = [user.market, user.region].filter(Boolean).join(' / ');
  const header = h('header', { class: 'topbar' },
    h('a', { href: '/', class: 'brand' }, h('span', { class: 'brand-mark' }, 'OSB'), h('span', { class: 'brand-name' }, t('app.name'))),
    h('div', { class: 'topbar-spacer' }),
    langButton(),
    bell,
    h('div', { class: 'user-box', id: 'user-box' },
      h('span', { class: 'user-avatar', 'aria-hidden': 'true' }, (user.name || user.username).slice(0, 1)),
      h('span', { class: 'user-text' },
        h('span', { class: 'user-name', id: 'user-name' }, user.name || user.username),
        h('span', { class: 'user-role', id: 'user-role' }, tEnum('role', user.role), where ? ` · ${where}` : ''))),
    h('button', { class: 'btn btn-ghost', type: 'button', id: 'logout', onclick: logout }, t('header.logout')));
  const main = h('main', { class: 'main', id: 'main', tabIndex: -1 });
  mount(root(), h('div', { class: 'shell' }, header, h('div', { class: 'body' }, nav, main)));
  shell = { main, nav, header, user: user.username, lang: getLang() };
  refreshUnread().catch(() => {});
}

function markActive(page) {
  const target = page.navPath || page.path;
  for (const a of shell.nav.querySelectorAll('a.nav-link')) {
    const on = a.dataset.path === target;
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function logout() {
  try {
    await api.post('/logout');
  } catch {
    /* the session may be gone already */
  }
  session.clear();
  ref.forget();
  shell = null;
  navigate('/login', { replace: true });
}

// ---- generic list pages ------------------------------------------------------------------

function listPage(page) {
  const cfg = page.list;
  return async () => {
    // Probe the endpoint once: a 404 means the server does not offer it yet.
    let first;
    try {
      first = await api.get(cfg.endpoint, { limit: 20 });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        return h('div', null, pageHeader(t(page.title)),
          h('div', { class: 'state state-empty state-not-open', id: 'not-open' },
            h('div', { class: 'state-icon', 'aria-hidden': 'true' }, '◷'),
            h('div', { class: 'state-title' }, t('err.not_open')),
            h('div', { class: 'state-text' }, t('err.not_open.text'))));
      }
      throw err;
    }
    const columns = cfg.columns.map((c) => ({
      key: c.key,
      label: t(c.label),
      align: c.money || c.qty ? 'right' : c.align,
      render: c.render || (c.money ? (r) => formatFen(r[c.key]) : c.qty ? (r) => formatQty(r[c.key]) : c.ts ? (r) => formatTs(r[c.key]) : undefined),
    }));
    let used = false;
    const list = pagedList({
      load: (cursor) => {
        if (!used && !cursor) { used = true; return Promise.resolve(first); }
        return api.get(cfg.endpoint, { limit: 20, cursor });
      },
      columns,
      rowHref: cfg.rowHref,
      rowKey: (r) => r[cfg.columns[0].key],
    });
    list.reload();
    return h('div', null, pageHeader(t(page.title)), h('section', { class: 'card' }, list.el));
  };
}

// ---- rendering ---------------------------------------------------------------------------

async function render() {
  const my = ++renderSeq;
  const path = location.pathname;
  const user = session.user;
  document.documentElement.lang = getLang() === 'en' ? 'en' : 'zh-CN';

  if (!session.token || !user) {
    shell = null;
    if (path !== '/login') sessionStorage.setItem('osb.after_login', path + location.search);
    if (path !== '/login') history.replaceState(null, '', '/login');
    document.title = `${t('login.title')} · OSB`;
    mount(root(), loginPage({ onLogin, langButton }));
    return;
  }
  if (path === '/login') {
    history.replaceState(null, '', '/');
    return render();
  }
  if (!shell || shell.user !== user.username || shell.lang !== getLang()) buildShell(user);

  const m = matchRoute(path);
  const main = shell.main;
  if (!m) {
    document.title = `${t('err.page_not_found')} · OSB`;
    mount(main, h('div', { class: 'state state-error' }, h('div', { class: 'state-title' }, t('err.page_not_found')),
      h('a', { href: '/' }, t('nav.group.home'))));
    return;
  }
  markActive(m.page);
  document.title = `${t(m.page.title)} · OSB`;
  if (!pageAllowed(m.page, user)) {
    mount(main, pageHeader(t(m.page.title)), errorState(new ApiError(403, 'forbidden', '', {})));
    return;
  }
  mount(main, loading());
  const ctx = {
    params: m.params,
    query: Object.fromEntries(new URLSearchParams(location.search)),
    user,
    navigate,
    can: (a) => can(a, user),
    // The pages this user may open, and the nav groups, for the home page's tiles (passed in
    // so that no page module imports this one).
    pages: PAGES.filter((p) => pageAllowed(p, user)),
    navGroups: NAV_GROUPS,
    setQuery,
    page: m.page,
  };
  try {
    await loadPeople(); // people by name (lib/people.js)
    const fn = m.page.list ? listPage(m.page) : m.page.render;
    const node = await fn(ctx);
    if (my !== renderSeq) return;
    mount(main, node);
  } catch (err) {
    if (my !== renderSeq) return;
    if (err instanceof ApiError && err.status === 401) return; // handled by onUnauthenticated
    mount(main, errorState(err, { retry: () => render() }));
  }
}

async function onLogin(token, user) {
  session.save(token, user);
  // /me carries what the user may do (`can`); the login answer names the user only.
  try { session.setUser(await api.get('/me')); } catch { /* the page shows the error */ }
  ref.forget();
  forgetPeople();
  const next = sessionStorage.getItem('osb.after_login') || '/';
  sessionStorage.removeItem('osb.after_login');
  navigate(next === '/login' ? '/' : next, { replace: true });
}

onUnauthenticated(() => {
  ref.forget();
  shell = null;
  sessionStorage.setItem('osb.login_message', 'err.session_expired');
  render();
});

// Same-origin links are handled here instead of by a page load.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  ev.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => render());


// Start: check that a kept token still works, then draw the page.
(async function start() {
  setLang(getLang());
  if (session.token) {
    mount(root(), loading());
    try {
      const me = await api.get('/me');
      session.setUser(me);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) {
        /* server unreachable: keep the session and let the page show the error */
      }
    }
  }
  render();
})();
