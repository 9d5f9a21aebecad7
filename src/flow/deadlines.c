/*
 * deadlines.c — the deadline job (kpis-and-reports.md §3.1; flows.md §20): every minute, and
 * at once on POST /jobs/run, it opens one OSB problem-log entry per missed deadline.
 *
 * Each rule is one row of `rules` below: the rule's code and department, its time limit (a
 * rules/deadline.h kind, re-timed by a setting where §9 names one), who must explain, and one
 * SQL query for its candidates — the documents whose clock started, each with the instant the
 * awaited step happened (done_at) or NULL. The job computes each candidate's deadline from the
 * working calendar and opens an entry when the deadline has passed (deadline <= now: exactly at
 * the deadline, never a minute early) without the step happening by then. The problem log's
 * key (rule, document, deadline) makes that idempotent: the job may run as often as it likes.
 *
 * Because done_at is part of the candidate, a step done late is still a miss even when the job
 * did not run between the deadline and the step (server down, or a frozen test clock); the
 * entry then notes the late completion at once, as it does for entries opened earlier.
 * Candidates are documents whose clock started in the last LOOKBACK_DAYS (every limit here ends
 * within two weeks, even over the Spring Festival), plus every document still waiting, however
 * old; so a step done late is caught without a run in between unless the server was down for
 * about three weeks.
 *
 * Settings: osb_rules_off (comma-separated rule codes switched off), oa_minutes,
 * sp_hours_target, sp_hours_explain, sp_working_days_max, pod_grace_days,
 * collection_days_after_due, collection_days_working.
 */
#include "flow/deadlines.h"

#include "core/json.h"
#include "core/sb.h"
#include "flow/flow.h"
#include "flow/osb_issue.h"
#include "rules/deadline.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

#define LOOKBACK_DAYS 21

/* Who explains: one bit per kind of person, each one query. The argument is the candidate's
   document ('d') or its ref ('r', e.g. the ST request id), once per '?'. */
enum {
    EX_ORDER_CSR = 1 << 0,
    EX_SSG_LEADER = 1 << 1,
    EX_FINANCE = 1 << 2,
    EX_SUPERVISOR = 1 << 3, /* the market's supervising SLT member and their secretary */
    EX_SLT_NOT_VOTED = 1 << 4,
    EX_SCR = 1 << 5,
    EX_WAREHOUSE_HEAD = 1 << 6,
    EX_SHIPMENT_CSR = 1 << 7,
    EX_BCR = 1 << 8,
    EX_KAM = 1 << 9,
    EX_RECEIVER = 1 << 10,      /* who received the instrument */
    EX_STATEMENT_KAM = 1 << 11, /* the statement's customer's KAM */
    EX_CONTRACT_KAM = 1 << 12,
    EX_CONTRACT_CSR = 1 << 13,  /* the customer's CSR, else the market's default CSR */
};

static const struct {
    unsigned bit;
    const char *args;
    const char *sql; /* one column u */
} explainers[] = {
    /* Before acceptance the order has no CSR yet: the one acceptance will assign (api.md §4
       order roles). */
    {EX_ORDER_CSR, "d",
     "SELECT coalesce(nullif(o.csr, ''), nullif(cu.csr, ''), nullif(m.default_csr, ''),"
     " (SELECT username FROM users WHERE role = 'csr' AND active = 1 ORDER BY username"
     " LIMIT 1)) AS u FROM orders o JOIN customers cu ON cu.code = o.customer"
     " JOIN markets m ON m.code = cu.market WHERE o.number = ?"},
    {EX_SSG_LEADER, "",
     "SELECT username AS u FROM users WHERE role = 'ssg_leader' AND active = 1"
     " ORDER BY username"},
    {EX_FINANCE, "",
     "SELECT username AS u FROM users WHERE role = 'finance' AND active = 1 ORDER BY username"},
    {EX_SUPERVISOR, "dd",
     "SELECT m.slt_supervisor AS u FROM orders o JOIN customers cu ON cu.code = o.customer"
     " JOIN markets m ON m.code = cu.market WHERE o.number = ?"
     " UNION SELECT p.username AS u FROM users p WHERE p.active = 1 AND p.proxy_for ="
     " (SELECT m.slt_supervisor FROM orders o JOIN customers cu ON cu.code = o.customer"
     " JOIN markets m ON m.code = cu.market WHERE o.number = ?)"},
    {EX_SLT_NOT_VOTED, "rr",
     "SELECT u.username AS u FROM users u WHERE u.active = 1 AND u.role IN ('gm',"
     " 'sales_director', 'deputy_director') AND NOT EXISTS (SELECT 1 FROM st_votes v"
     " WHERE v.st_id = ? AND v.member = u.username)"
     " UNION SELECT p.username AS u FROM users p JOIN users u ON u.username = p.proxy_for"
     " WHERE p.active = 1 AND u.active = 1 AND u.role IN ('gm', 'sales_director',"
     " 'deputy_director') AND NOT EXISTS (SELECT 1 FROM st_votes v WHERE v.st_id = ?"
     " AND v.member = u.username)"},
    {EX_SCR, "d",
     "SELECT coalesce(nullif(s.scr, ''), nullif(w.scr, ''), (SELECT username FROM users"
     " WHERE role = 'warehouse' AND active = 1 ORDER BY username LIMIT 1)) AS u"
     " FROM shipments s LEFT JOIN warehouses w ON w.code = s.warehouse WHERE s.number = ?"},
    {EX_WAREHOUSE_HEAD, "",
     "SELECT username AS u FROM users WHERE department = 'warehouse' AND active = 1"
     " AND duties LIKE '%\"head\"%' ORDER BY username"},
    {EX_SHIPMENT_CSR, "d",
     "SELECT nullif(o.csr, '') AS u FROM shipments s JOIN orders o ON o.number = s.order_no"
     " WHERE s.number = ?"},
    {EX_BCR, "d",
     "SELECT coalesce(nullif(o.bcr, ''), nullif(m.bcr, ''), (SELECT username FROM users"
     " WHERE role = 'ssg_leader' AND active = 1 ORDER BY username LIMIT 1)) AS u"
     " FROM invoices i JOIN customers cu ON cu.code = i.customer"
     " JOIN markets m ON m.code = cu.market LEFT JOIN orders o ON o.number = i.order_no"
     " WHERE i.number = ?"},
    {EX_KAM, "d",
     "SELECT cu.kam AS u FROM invoices i JOIN customers cu ON cu.code = i.customer"
     " WHERE i.number = ?"},
    {EX_RECEIVER, "d", "SELECT received_by AS u FROM instruments WHERE number = ?"},
    {EX_STATEMENT_KAM, "d",
     "SELECT cu.kam AS u FROM statements s JOIN customers cu ON cu.code = s.customer"
     " WHERE s.number = ?"},
    {EX_CONTRACT_KAM, "d",
     "SELECT cu.kam AS u FROM contracts k JOIN customers cu ON cu.code = k.customer"
     " WHERE k.number = ?"},
    {EX_CONTRACT_CSR, "d",
     "SELECT coalesce(nullif(cu.csr, ''), nullif(m.default_csr, '')) AS u FROM contracts k"
     " JOIN customers cu ON cu.code = k.customer JOIN markets m ON m.code = cu.market"
     " WHERE k.number = ?"},
};

/* Candidate queries answer: document, start_at (instant) or start_date (YYYY-MM-DD), done_at
   and done_action (NULL while waiting), ref; the row's `owner` query gives the customer and
   market of a document when its entry is opened (most candidates never need them). Their parameters
   are named by the row's params string: 'n' now, 's' now − lookback, 't' today, 'd' today −
   lookback. A missing start_at is CAST(NULL AS INTEGER), not NULL: PostgreSQL types a bare
   NULL column as text and would refuse to compare it with the integer parameters. */

/* An order's stay in state S, from its timeline: entered by an event to S (from another
   state), left by the first later event out of S. Recent stays, and the stays of orders
   still in S. */
#define ORDER_STAY_COLS(S, TO)                                                                     \
    "SELECT e.order_no AS document, e.at AS start_at, NULL AS start_date, x.at AS done_at,"        \
    " x.action AS done_action, 0 AS ref FROM order_events e"                                       \
    " LEFT JOIN order_events x ON x.id = (SELECT min(y.id) FROM order_events y"                    \
    "  WHERE y.order_no = e.order_no AND y.id > e.id AND y.from_state = '" S "'"                   \
    "  AND y.to_state <> '" S "')"                                                                 \
    " WHERE " TO " = '" S "' AND coalesce(e.from_state, '') <> '" S "' AND e.at <= ?"
/* The second half starts from the orders still in S (index orders_state): "e.to_state || ''"
   (portable SQL, unlike unary +) keeps the planner from scanning every stay ever recorded
   through order_events_to_state. */
#define ORDER_STAYS(S)                                                                             \
    ORDER_STAY_COLS(S, "e.to_state")                                                               \
    " AND e.at >= ? UNION " ORDER_STAY_COLS(                                                       \
        S, "e.to_state || ''") " AND e.order_no IN (SELECT number FROM orders WHERE state = '" S   \
                               "')"
#define ORDER_STAY_PARAMS "nsn"

/* A shipment from release to dispatch (short-closed: it left without dispatch): the recent
   ones, and those still waiting for dispatch. */
#define SHIPMENT_DISPATCH_COLS                                                                     \
    "SELECT s.number AS document, s.released_at AS start_at, NULL AS start_date,"                  \
    " coalesce(s.dispatched_at, CASE WHEN s.state = 'cancelled' THEN"                              \
    "  coalesce(s.updated_at, s.created_at) END) AS done_at,"                                      \
    " CASE WHEN s.dispatched_at IS NOT NULL THEN 'dispatch' WHEN s.state = 'cancelled'"            \
    "  THEN 'short-close' END AS done_action, 0 AS ref FROM shipments s"                           \
    " WHERE s.released_at <= ?"
#define SHIPMENT_DISPATCH                                                                          \
    SHIPMENT_DISPATCH_COLS " AND s.released_at >= ? UNION " SHIPMENT_DISPATCH_COLS                 \
                           " AND s.state IN ('new', 'received', 'picked', 'checked', 'booked')"
#define SHIPMENT_DISPATCH_PARAMS "nsn"

/* A dispatched shipment until its POD. Recent dispatches (index shipments_dispatched), and
   every one still waiting; the clock starts at expected_delivery_by (>= the dispatch date). */
#define SHIPMENT_POD_COLS                                                                          \
    "SELECT s.number AS document, CAST(NULL AS INTEGER) AS start_at,"                              \
    " s.expected_delivery_by AS start_date,"                                                       \
    " s.delivered_at AS done_at, CASE WHEN s.delivered_at IS NOT NULL THEN 'deliver' END"          \
    " AS done_action, 0 AS ref FROM shipments s WHERE s.state <> 'cancelled'"                      \
    " AND s.expected_delivery_by <= ?"

/* An invoice from its due date until paid: recent due dates, and every invoice still open
   (the second half appends "|| ''" to the due date so that it reads the partial index of open
   invoices, not every invoice ever due). */
#define INVOICE_PAID_COLS(DUE)                                                                     \
    "SELECT i.number AS document, CAST(NULL AS INTEGER) AS start_at, i.due_date AS start_date,"    \
    " CASE WHEN i.state IN ('paid', 'written_off', 'cancelled') THEN coalesce(i.updated_at,"       \
    "  i.created_at) END AS done_at, CASE WHEN i.state IN ('paid', 'written_off',"                 \
    "  'cancelled') THEN i.state END AS done_action, 0 AS ref FROM invoices i"                     \
    " WHERE " DUE " <= ?"
#define INVOICE_PAID                                                                               \
    INVOICE_PAID_COLS("i.due_date")                                                                \
    " AND i.due_date >= ? UNION " INVOICE_PAID_COLS(                                               \
        "i.due_date || ''") " AND i.state IN ('open', 'partial')"

#define OWNER_ORDER                                                                                \
    "SELECT o.customer AS customer, cu.market AS market FROM orders o"                             \
    " JOIN customers cu ON cu.code = o.customer WHERE o.number = ?"
#define OWNER_SHIPMENT                                                                             \
    "SELECT o.customer AS customer, cu.market AS market FROM shipments s"                          \
    " JOIN orders o ON o.number = s.order_no JOIN customers cu ON cu.code = o.customer"            \
    " WHERE s.number = ?"
#define OWNER_INVOICE                                                                              \
    "SELECT i.customer AS customer, cu.market AS market FROM invoices i"                           \
    " JOIN customers cu ON cu.code = i.customer WHERE i.number = ?"

#define OWNER_OF(TABLE)                                                                            \
    "SELECT x.customer AS customer, cu.market AS market FROM " TABLE " x"                          \
    " JOIN customers cu ON cu.code = x.customer WHERE x.number = ?"

/* A signed sales contract until the first order naming it reaches submitted (flows.md §7):
   recent signatures, and every contract still without one. */
#define CONTRACT_ORDER_COLS                                                                        \
    "SELECT k.number AS document, k.signed_at AS start_at, NULL AS start_date,"                    \
    " (SELECT min(o.submitted_at) FROM orders o WHERE o.contract = k.number) AS done_at,"          \
    " CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.contract = k.number"                        \
    "  AND o.submitted_at IS NOT NULL) THEN 'order_submitted' END AS done_action, 0 AS ref"        \
    " FROM contracts k WHERE k.kind = 'sales' AND k.signed_at <= ?"

static const struct deadline_rule_row {
    const char *rule;
    const char *department;
    struct deadline_rule dl;
    const char *n_setting; /* settings key re-timing dl.n, or NULL */
    unsigned explains;
    bool tell_slt; /* sp_48h: the written explanation is addressed to the SLT */
    const char *params;
    const char *sql;
    const char *owner; /* customer and market of a document */
    const char *what;  /* the entry's description */
} rules[] = {
    {"oa_30min",
     "ssg",
     {DL_WORKING_MINUTES, 30, 0},
     "oa_minutes",
     EX_ORDER_CSR | EX_SSG_LEADER,
     false,
     ORDER_STAY_PARAMS,
     ORDER_STAYS("submitted"),
     OWNER_ORDER,
     "订单提交后30个工作分钟内未接收(OA)"},
    {"check_same_day",
     "ssg",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_ORDER_CSR,
     false,
     ORDER_STAY_PARAMS,
     ORDER_STAYS("accepted"),
     OWNER_ORDER,
     "订单接收当日未完成检查(QC/AC/CC)"},
    {"ma_same_day",
     "slt",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_SUPERVISOR,
     false,
     ORDER_STAY_PARAMS,
     ORDER_STAYS("pending_approval"),
     OWNER_ORDER,
     "订单待批准当日未获经理批准(MA)"},
    {"st_next_day",
     "slt",
     {DL_NEXT_WORKING_DAY, 1, 0},
     NULL,
     EX_SLT_NOT_VOTED,
     false,
     "ns",
     "SELECT s.order_no AS document, s.requested_at AS start_at, NULL AS start_date,"
     " coalesce(s.decided_at, CASE WHEN o.state IN ('cancelled', 'rejected') THEN o.updated_at"
     "  END) AS done_at, coalesce(s.result, CASE WHEN o.state IN ('cancelled', 'rejected')"
     "  THEN o.state END) AS done_action, s.id AS ref FROM st_requests s"
     " JOIN orders o ON o.number = s.order_no WHERE s.requested_at <= ?"
     " AND (s.requested_at >= ? OR s.decided_at IS NULL)",
     OWNER_ORDER,
     "特别处理(ST)申请次一工作日内未获SLT决定"},
    {"bg_print_same_day",
     "finance",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_FINANCE,
     false,
     ORDER_STAY_PARAMS,
     ORDER_STAYS("approved"),
     OWNER_ORDER,
     "订单批准当日财务未打印送货单(BG-2)"},
    {"bg_release_same_day",
     "ssg",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_ORDER_CSR,
     false,
     ORDER_STAY_PARAMS,
     ORDER_STAYS("billed"),
     OWNER_ORDER,
     "送货单打印当日未交储运部(BG-3)"},
    {"sp_24h",
     "warehouse",
     {DL_WC_HOURS, 24, 0},
     "sp_hours_target",
     EX_SCR,
     false,
     SHIPMENT_DISPATCH_PARAMS,
     SHIPMENT_DISPATCH,
     OWNER_SHIPMENT,
     "收到送货单后24小时内未发货"},
    {"sp_48h",
     "warehouse",
     {DL_WC_HOURS, 48, 0},
     "sp_hours_explain",
     EX_SCR | EX_WAREHOUSE_HEAD,
     true,
     SHIPMENT_DISPATCH_PARAMS,
     SHIPMENT_DISPATCH,
     OWNER_SHIPMENT,
     "收到送货单后48小时仍未发货，须向SLT书面说明"},
    {"sp_3wd",
     "warehouse",
     {DL_WORKING_DAYS, 3, 0},
     "sp_working_days_max",
     EX_WAREHOUSE_HEAD,
     false,
     SHIPMENT_DISPATCH_PARAMS,
     SHIPMENT_DISPATCH,
     OWNER_SHIPMENT,
     "送货单数量第3个工作日仍未发货或转欠货"},
    {"pod_overdue",
     "warehouse",
     {DL_CALENDAR_DAYS, 2, 0},
     "pod_grace_days",
     EX_SCR | EX_SHIPMENT_CSR,
     false,
     "tst",
     SHIPMENT_POD_COLS " AND s.dispatched_at >= ? UNION " SHIPMENT_POD_COLS
                       " AND s.state = 'dispatched'",
     OWNER_SHIPMENT,
     "预计到货日后逾期未取得客户签收(POD)"},
    {"bc_due_5d",
     "sales",
     {DL_CALENDAR_DAYS, 5, 0},
     "collection_days_after_due",
     EX_BCR | EX_KAM,
     false,
     "tdt",
     INVOICE_PAID,
     OWNER_INVOICE,
     "发票到期后5天内未全部回款"},
    {"contract_1wd",
     "sales",
     {DL_NEXT_WORKING_DAY, 1, 0},
     "contract_to_order_working_days",
     EX_CONTRACT_KAM | EX_CONTRACT_CSR,
     false,
     "nsn",
     CONTRACT_ORDER_COLS " AND k.signed_at >= ? UNION " CONTRACT_ORDER_COLS
                         " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.contract = k.number"
                         " AND o.submitted_at IS NOT NULL)",
     OWNER_OF("contracts"),
     "合同签订后次一工作日内未下第一张订单"},
    /* Handed over (or signed for by finance directly) ends the stay in the salesperson's
       hand. */
    {"instrument_same_day",
     "sales",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_RECEIVER,
     false,
     "ns",
     "SELECT i.number AS document, i.received_at AS start_at, NULL AS start_date,"
     " coalesce(i.handed_over_at, i.finance_signed_at) AS done_at, CASE WHEN"
     " i.handed_over_at IS NOT NULL THEN 'hand-over' WHEN i.finance_signed_at IS NOT NULL"
     " THEN 'sign' END AS done_action, 0 AS ref FROM instruments i WHERE i.received_at <= ?"
     " AND (i.received_at >= ? OR i.state = 'in_hand')",
     OWNER_OF("instruments"),
     "收取的票据当日未交财务签收"},
    /* 24:00 of the 15th of the month after the half-year's end (30 June → 15 July). Done when
       the customer confirmed and the KAM reported; the candidates are few (two a year per
       customer), so every one not done is read. */
    {"recon_semiannual",
     "sales",
     {DL_DAY_OF_MONTH, 15, 1},
     NULL,
     EX_STATEMENT_KAM,
     false,
     "d",
     "SELECT s.number AS document, CAST(NULL AS INTEGER) AS start_at, s.period_to AS start_date,"
     " CASE WHEN s.state = 'reported' AND s.response = 'confirmed' THEN s.reported_to_mm_at"
     " END AS done_at, CASE WHEN s.state = 'reported' AND s.response = 'confirmed'"
     " THEN 'report' END AS done_action, 0 AS ref FROM statements s"
     " WHERE s.kind = 'semiannual' AND (s.period_to >= ? OR s.state <> 'reported'"
     " OR s.response <> 'confirmed')",
     OWNER_OF("statements"),
     "半年对账未在15日前取得客户确认并报告"},
};


static bool switched_off(const char *off, const char *rule)
{
    size_t n = strlen(rule);
    for (const char *p = off; p && *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == n && strncmp(p, rule, n) == 0)
            return true;
        p += len;
    }
    return false;
}

static int explainers_of(struct ctx *c, unsigned bits, const char *doc, int64_t ref, json_t *out,
                         struct osb_err *e)
{
    for (size_t i = 0; i < sizeof explainers / sizeof explainers[0]; i++) {
        if (!(bits & explainers[i].bit))
            continue;
        json_t *p = json_array();
        for (const char *a = explainers[i].args; *a; a++)
            json_array_append_new(p, *a == 'd' ? json_string(doc) : json_integer(ref));
        json_t *rows = db_rows_a(c->db, e, explainers[i].sql, p);
        json_decref(p);
        if (!rows)
            return -1;
        size_t k;
        json_t *r;
        json_array_foreach(rows, k, r)
        {
            const char *u = jstr(r, "u");
            bool dup = !u || !*u;
            size_t j;
            json_t *v;
            json_array_foreach(out, j, v) dup = dup || strcmp(json_string_value(v), u) == 0;
            if (!dup)
                json_array_append_new(out, json_string(u));
        }
        json_decref(rows);
    }
    return 0;
}

static int slt_members(struct ctx *c, json_t *out, struct osb_err *e)
{
    json_t *rows = db_rows(c->db, e,
                           "SELECT username FROM users WHERE active = 1 AND role IN ('gm',"
                           " 'sales_director', 'deputy_director') ORDER BY username",
                           NULL);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(out, json_object_get(r, "username"));
    json_decref(rows);
    return 0;
}

/* One candidate: open (or note on) its entry when its deadline passed without the step. */
static int judge(struct ctx *c, const struct calendar *cal, const struct deadline_rule_row *rr,
                 const struct deadline_rule *dl, json_t *row, int *opened, struct osb_err *e)
{
    ts_t start;
    json_t *sa = json_object_get(row, "start_at");
    if (json_is_integer(sa)) {
        start = json_integer_value(sa);
    } else {
        date_t d;
        if (!date_parse(jstr(row, "start_date"), &d))
            return 0;
        start = date_start_ts(d, c->cfg->tz_min);
    }
    ts_t deadline = deadline_at(cal, dl, start);
    if (deadline == INT64_MAX || deadline > c->now)
        return 0; /* still in time */
    json_t *da = json_object_get(row, "done_at");
    bool done = json_is_integer(da);
    if (done && json_integer_value(da) <= deadline)
        return 0; /* done in time */
    const char *doc = jstr(row, "document");
    char number[32];
    /* Most late candidates are still waiting and already have their entry: look first. */
    int rc = osb_issue_find(c, rr->rule, doc, deadline, number, e);
    if (rc != 0) {
        if (rc > 0 && done)
            rc =
                osb_issue_note_done(c, number, json_integer_value(da), jstr(row, "done_action"), e);
        return rc < 0 ? -1 : 0;
    }
    json_t *who = json_array(), *slt = rr->tell_slt ? json_array() : NULL;
    rc = explainers_of(c, rr->explains, doc, json_integer_value(json_object_get(row, "ref")), who,
                       e);
    if (rc == 0 && slt)
        rc = slt_members(c, slt, e);
    json_t *owner = NULL;
    if (rc == 0 && db_row(c->db, e, &owner, rr->owner, "s", doc) < 0)
        rc = -1;
    if (rc == 0) {
        struct osb_open o = {rr->rule,
                             rr->department,
                             doc,
                             deadline,
                             owner ? jstr(owner, "customer") : NULL,
                             owner ? jstr(owner, "market") : NULL,
                             rr->what,
                             who,
                             slt};
        rc = osb_issue_open(c, cal, &o, number, e);
        if (rc == 1)
            (*opened)++;
    }
    json_decref(owner);
    json_decref(who);
    json_decref(slt);
    if (rc >= 0 && done)
        rc = osb_issue_note_done(c, number, json_integer_value(da), jstr(row, "done_action"), e);
    return rc < 0 ? -1 : 0;
}

static int setting_n(struct ctx *c, const char *key, int dflt)
{
    if (!key)
        return dflt;
    char *v = settings_get(c->db, key, NULL);
    int n = dflt;
    if (v && *v) {
        char *end;
        long l = strtol(v, &end, 10);
        if (!*end && l >= 0 && l <= 100000)
            n = (int)l;
    }
    free(v);
    return n;
}

/* Leaves out, in SQL, stays done before the earliest instant their deadline can be: every
   limit lasts at least its minutes or hours, and a day-based one ends no earlier than 24:00 of
   the start's date + k days (working days are calendar days or later). Only a saving: what it
   leaves out, judge() would find done in time. */
static void done_floor_sql(const struct deadline_rule *dl, int tz_min, struct sb *sql, json_t *p)
{
    int64_t n = dl->n < 0 ? 0 : dl->n, tz = (int64_t)tz_min * TS_PER_MIN;
    switch (dl->kind) {
    case DL_WORKING_MINUTES:
    case DL_WC_HOURS:
        sb_add(sql, " AND (cand.done_at IS NULL OR cand.start_at IS NULL"
                    " OR cand.done_at > cand.start_at + ?)");
        json_array_append_new(
            p, json_integer(n * (dl->kind == DL_WC_HOURS ? TS_PER_HOUR : TS_PER_MIN)));
        break;
    case DL_SAME_WORKING_DAY:
    case DL_NEXT_WORKING_DAY:
    case DL_WORKING_DAYS:
    case DL_CALENDAR_DAYS:
        sb_add(sql, " AND (cand.done_at IS NULL OR cand.start_at IS NULL"
                    " OR cand.done_at > ((cand.start_at + ?) / ? + ?) * ? - ?)");
        json_array_append_new(p, json_integer(tz));
        json_array_append_new(p, json_integer(TS_PER_DAY));
        json_array_append_new(p, json_integer(dl->kind == DL_SAME_WORKING_DAY ? 1 : n + 1));
        json_array_append_new(p, json_integer(TS_PER_DAY));
        json_array_append_new(p, json_integer(tz));
        break;
    case DL_DAY_OF_MONTH:
    case DL__COUNT:
        break;
    }
}

int deadlines_job(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    char *off = settings_get(c->db, "osb_rules_off", "");
    char *working = settings_get(c->db, "collection_days_working", "false");
    ts_t since = c->now - LOOKBACK_DAYS * TS_PER_DAY;
    char today[11], since_day[11];
    date_format(ts_to_date(c->now, c->cfg->tz_min), today);
    date_format(ts_to_date(since, c->cfg->tz_min), since_day);
    int rc = 0, opened = 0;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0] && rc == 0; i++) {
        const struct deadline_rule_row *rr = &rules[i];
        if (switched_off(off, rr->rule))
            continue;
        struct deadline_rule dl = rr->dl;
        dl.n = setting_n(c, rr->n_setting, dl.n);
        if (strcmp(rr->rule, "bc_due_5d") == 0 &&
            (strcmp(working, "true") == 0 || strcmp(working, "1") == 0))
            dl.kind = DL_NEXT_WORKING_DAY; /* "configurable to working days" (§2.1 notes) */
        json_t *p = json_array();
        for (const char *a = rr->params; *a; a++)
            json_array_append_new(p, *a == 'n'   ? json_integer(c->now)
                                     : *a == 's' ? json_integer(since)
                                     : *a == 't' ? json_string(today)
                                                 : json_string(since_day)); /* 'd' */
        /* Leave out in SQL what needs no work: candidates whose entry exists (still waiting),
           or exists with the late completion noted (done). An entry belongs to this stay when
           its deadline is not before the stay's start (an earlier stay's entry ended before
           it); a rule with a date start (an invoice's due date, a POD's expected date) has one
           stay per document. */
        struct sb sql = SB_INIT;
        sb_addf(&sql,
                "SELECT * FROM (%s) cand WHERE NOT EXISTS (SELECT 1 FROM osb_issues x"
                " WHERE x.rule = ? AND x.document = cand.document AND (cand.start_at IS NULL"
                " OR x.deadline >= cand.start_at) AND (cand.done_at IS NULL"
                " OR x.completed_at IS NOT NULL))",
                rr->sql);
        json_array_append_new(p, json_string(rr->rule));
        done_floor_sql(&dl, c->cfg->tz_min, &sql, p);
        json_t *rows = db_rows_a(c->db, e, sb_str(&sql), p);
        sb_free(&sql);
        json_decref(p);
        if (!rows) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < json_array_size(rows) && rc == 0; k++)
            rc = judge(c, &cal, rr, &dl, json_array_get(rows, k), &opened, e);
        json_decref(rows);
    }
    free(off);
    free(working);
    settings_calendar_release(&cal);
    return rc;
}
