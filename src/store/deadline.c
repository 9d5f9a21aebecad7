/*
 * deadline.c (store) — the deadline job's SQL (store/deadline.h).
 */
#include "store/deadline.h"

#include "core/json.h"
#include "core/sb.h"
#include "rules/field.h"

#include <stdio.h>
#include <string.h>

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
    /* field sales */
    {EX_FIELD_MM, "d",
     "SELECT u.username AS u FROM field_docs d JOIN users u ON u.market = d.market"
     " AND u.role = 'mm' AND u.active = 1 WHERE d.number = ? ORDER BY u.username"},
    {EX_FIELD_SUPERVISOR, "d",
     "SELECT m.slt_supervisor AS u FROM field_docs d JOIN markets m ON m.code = d.market"
     " WHERE d.number = ?"},
    {EX_FIELD_OWNER, "d", "SELECT owner AS u FROM field_docs WHERE number = ?"},
    {EX_FIELD_HANDLER, "d", "SELECT ref AS u FROM field_docs WHERE number = ?"},
    {EX_FIELD_ITEM_OWNER, "d",
     "SELECT p.owner AS u FROM field_items i JOIN field_docs p ON p.number = i.document"
     " WHERE i.document || '/' || i.seq = ?"},
    {EX_FIELD_CSR, "d",
     "SELECT coalesce(nullif(cu.csr, ''), nullif(m.default_csr, ''), (SELECT username FROM users"
     " WHERE role = 'csr' AND active = 1 ORDER BY username LIMIT 1)) AS u FROM field_docs d"
     " LEFT JOIN customers cu ON cu.code = d.customer LEFT JOIN markets m ON m.code = d.market"
     " WHERE d.number = ?"},
    /* a weekly visit plan's "YYYY-Www:<user>" (flows.md §9.2) */
    {EX_WEEK_PLANNER, "d", "SELECT username AS u FROM users WHERE username = substr(?, 10)"},
    {EX_WEEK_MANAGER, "d",
     "SELECT nullif(manager, '') AS u FROM users WHERE username = substr(?, 10)"},
};

/* Candidate queries answer: document, start_at (instant) or start_date (YYYY-MM-DD), done_at
   and done_action (NULL while waiting), ref; the row's `owner` query gives the customer and
   market of a document when its entry is opened (most candidates never need them). Their parameters
   are named by the row's params string: 'n' the latest start that may be due (now, or less
   where the rule's limit has a floor: floor_bound), 's' now − lookback, 't' today, 'd' today −
   lookback, 'm' the rule's settled mark (the stays still waiting are read after it only; 0:
   all), 'l' the earliest completion that may not have been judged yet (the stays done
   before it are not read; `since` when the rule has no previous run). Every 'n' is an upper bound
   on the start column ("start <= ?"), in each arm of a UNION, so that the index of the start reads
   only the stays whose deadline may have come. A missing start_at is CAST(NULL AS INTEGER), not
   NULL: PostgreSQL types a bare NULL column as text and would refuse to compare it with the integer
   parameters. */

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
/* The recent stays that are done are read from their exit (index order_events_from (from_state,
   at)), and only those whose exit is at or after 'l' (the rule's previous run less a margin,
   flow/deadlines.c): a stay done before that was judged by that run, and judging it again
   finds nothing (in time, or late with its entry noted). The exit's stay is the last entry
   into S before it, and that stay's first exit must be this one: exactly the pairs of
   ORDER_STAY_COLS. Before, every stay of the 21-day lookback was read every run, done or not,
   through a UNION's temporary b-tree (issue #15: its size followed the orders of three weeks). */
#define ORDER_STAYS_DONE(S)                                                                        \
    "SELECT e.order_no AS document, e.at AS start_at, NULL AS start_date, x.at AS done_at,"        \
    " x.action AS done_action, 0 AS ref FROM order_events x"                                       \
    " JOIN order_events e ON e.id = (SELECT max(y.id) FROM order_events y"                         \
    "  WHERE y.order_no = x.order_no AND y.id < x.id AND y.to_state = '" S "'"                     \
    "  AND coalesce(y.from_state, '') <> '" S "')"                                                 \
    " WHERE x.from_state = '" S "' AND x.to_state <> '" S "' AND x.at >= ?"                        \
    " AND x.id = (SELECT min(y.id) FROM order_events y WHERE y.order_no = e.order_no"              \
    "  AND y.id > e.id AND y.from_state = '" S "' AND y.to_state <> '" S "')"                      \
    " AND e.at <= ? AND e.at >= ?"
/* The second arm starts from the orders still in S (index orders_state): "e.to_state || ''"
   (portable SQL, unlike unary +) keeps the planner from scanning every stay ever recorded
   through order_events_to_state. It leaves out what the first arm read (UNION ALL: no
   temporary b-tree to remove repeats). The stays of the lookback still waiting but before the
   settled mark are in neither: they have their entries (store/deadline.h "Settled marks"). */
#define ORDER_STAYS(S)                                                                             \
    ORDER_STAYS_DONE(S)                                                                            \
    " UNION ALL " ORDER_STAY_COLS(                                                                 \
        S, "e.to_state || ''") " AND e.at > ? AND e.order_no IN (SELECT number FROM orders"        \
                               " WHERE state = '" S "')"                                           \
                               " AND (x.id IS NULL OR x.at < ? OR e.at < ?)"
#define ORDER_STAY_PARAMS "lnsnmls"

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
                           " AND s.released_at > ?"                                                \
                           " AND s.state IN ('new', 'received', 'picked', 'checked', 'booked')"
#define SHIPMENT_DISPATCH_PARAMS "nsnm"

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

/* A signed sales contract until the first order naming it is shipped (flows.md §7; issue 13:
   contract_1wd is measured to the shipment's dispatch, not to the order's submission): recent
   signatures, and every contract still without one. */
#define CONTRACT_SHIPPED                                                                           \
    "(SELECT min(s.dispatched_at) FROM orders o JOIN shipments s ON s.order_no = o.number"         \
    " WHERE o.contract = k.number)"
#define CONTRACT_ORDER_COLS                                                                        \
    "SELECT k.number AS document, k.signed_at AS start_at, NULL AS start_date,"                    \
    " " CONTRACT_SHIPPED " AS done_at, CASE WHEN " CONTRACT_SHIPPED " IS NOT NULL"                 \
    " THEN 'order_shipped' END AS done_action, 0 AS ref"                                           \
    " FROM contracts k WHERE k.kind = 'sales' AND k.signed_at <= ?"

/* A field document's stay in state S (type T), from its timeline (field_events): entered by an
   event to S, left by the first later event out of S. Recent stays, and the documents still
   in S. */
#define FIELD_STAY_COLS(T, S)                                                                      \
    "SELECT e.document AS document, e.at AS start_at, NULL AS start_date, x.at AS done_at,"        \
    " x.action AS done_action, 0 AS ref FROM field_events e"                                       \
    " JOIN field_docs d ON d.number = e.document AND d.type = '" T "'"                             \
    " LEFT JOIN field_events x ON x.id = (SELECT min(y.id) FROM field_events y"                    \
    "  WHERE y.document = e.document AND y.id > e.id AND y.from_state = '" S "'"                   \
    "  AND y.to_state <> '" S "')"                                                                 \
    " WHERE e.to_state = '" S "' AND coalesce(e.from_state, '') <> '" S "' AND e.at <= ?"
#define FIELD_STAYS(T, S)                                                                          \
    FIELD_STAY_COLS(T, S)                                                                          \
    " AND e.at >= ? UNION " FIELD_STAY_COLS(T, S) " AND e.at > ? AND d.state = '" S "'"
#define FIELD_STAY_PARAMS "nsnm"
#define OWNER_FIELD                                                                                \
    "SELECT d.customer AS customer, d.market AS market FROM field_docs d WHERE d.number = ?"

static const struct {
    const char *rule;
    const char *params;
    const char *sql;
    const char *owner; /* customer and market of a document */
    bool dated;        /* the clock starts on a date (start_date; start_at is NULL) */
} rules[] = {
    {"oa_30min", ORDER_STAY_PARAMS, ORDER_STAYS("submitted"), OWNER_ORDER, false},
    {"check_same_day", ORDER_STAY_PARAMS, ORDER_STAYS("accepted"), OWNER_ORDER, false},
    {"ma_same_day", ORDER_STAY_PARAMS, ORDER_STAYS("pending_approval"), OWNER_ORDER, false},
    {"st_next_day", "nsm",
     "SELECT s.order_no AS document, s.requested_at AS start_at, NULL AS start_date,"
     " coalesce(s.decided_at, CASE WHEN o.state IN ('cancelled', 'rejected') THEN o.updated_at"
     "  END) AS done_at, coalesce(s.result, CASE WHEN o.state IN ('cancelled', 'rejected')"
     "  THEN o.state END) AS done_action, s.id AS ref FROM st_requests s"
     " JOIN orders o ON o.number = s.order_no WHERE s.requested_at <= ?"
     " AND (s.requested_at >= ? OR (s.decided_at IS NULL AND s.requested_at > ?))",
     OWNER_ORDER, false},
    {"bg_print_same_day", ORDER_STAY_PARAMS, ORDER_STAYS("approved"), OWNER_ORDER, false},
    {"bg_release_same_day", ORDER_STAY_PARAMS, ORDER_STAYS("billed"), OWNER_ORDER, false},
    {"sp_24h", SHIPMENT_DISPATCH_PARAMS, SHIPMENT_DISPATCH, OWNER_SHIPMENT, false},
    {"sp_48h", SHIPMENT_DISPATCH_PARAMS, SHIPMENT_DISPATCH, OWNER_SHIPMENT, false},
    {"sp_3wd", SHIPMENT_DISPATCH_PARAMS, SHIPMENT_DISPATCH, OWNER_SHIPMENT, false},
    {"pod_overdue", "tst",
     SHIPMENT_POD_COLS " AND s.dispatched_at >= ? UNION " SHIPMENT_POD_COLS
                       " AND s.state = 'dispatched'",
     OWNER_SHIPMENT, true},
    {"bc_due_5d", "tdt", INVOICE_PAID, OWNER_INVOICE, true},
    {"contract_1wd", "nsn",
     CONTRACT_ORDER_COLS " AND k.signed_at >= ? UNION " CONTRACT_ORDER_COLS " AND " CONTRACT_SHIPPED
                         " IS NULL",
     OWNER_OF("contracts"), false},
    /* field sales */
    /* Last month's originals bound by the 5th (flows.md §7, seed 001 rule 15): from the
       signature to the binder. */
    {"contract_binding", "ns",
     "SELECT k.number AS document, k.signed_at AS start_at, NULL AS start_date,"
     " k.bound_at AS done_at, CASE WHEN k.bound_at IS NOT NULL THEN 'bind' END AS done_action,"
     " 0 AS ref FROM contracts k WHERE k.signed_at <= ? AND (k.signed_at >= ?"
     " OR k.bound_at IS NULL) AND k.signed_at IS NOT NULL",
     OWNER_OF("contracts"), false},
    {"quotation_decide", FIELD_STAY_PARAMS, FIELD_STAYS("quotations", "registered"), OWNER_FIELD,
     false},
    {"after_sales_confirm", FIELD_STAY_PARAMS, FIELD_STAYS("after-sales", "received"), OWNER_FIELD,
     false},
    {"after_sales_contact", FIELD_STAY_PARAMS, FIELD_STAYS("after-sales", "assigned"), OWNER_FIELD,
     false},
    {"forecast_assess", FIELD_STAY_PARAMS, FIELD_STAYS("forecasts", "submitted"), OWNER_FIELD,
     false},
    /* A visit plan item of a submitted or confirmed plan until a visit report names it: due by
       the next working day after the visit's date (flows.md §9.3). */
    {"visit_report", "d",
     "SELECT i.document || '/' || i.seq AS document, CAST(NULL AS INTEGER) AS start_at,"
     " i.date AS start_date, (SELECT min(v.created_at) FROM field_docs v WHERE v.type = 'visits'"
     " AND v.ref = i.document || '/' || i.seq) AS done_at, CASE WHEN EXISTS (SELECT 1"
     " FROM field_docs v WHERE v.type = 'visits' AND v.ref = i.document || '/' || i.seq)"
     " THEN 'file' END AS done_action, 0 AS ref FROM field_items i JOIN field_docs p"
     " ON p.number = i.document AND p.type = 'visit-plans' AND p.state IN ('submitted',"
     " 'confirmed') WHERE i.date >= ? OR NOT EXISTS (SELECT 1 FROM field_docs v"
     " WHERE v.type = 'visits' AND v.ref = i.document || '/' || i.seq)",
     "SELECT p.customer AS customer, p.market AS market FROM field_items i JOIN field_docs p"
     " ON p.number = i.document WHERE i.document || '/' || i.seq = ?",
     true},
    /* The weekly visit plan (flows.md §9.2): each rep or KAM already planning visits (an item of
       a plan of theirs dated before the week) submits the next week's plan by Saturday 09:00.
       One candidate per such user and week ("YYYY-Www:<user>"), for the four weeks whose
       Monday is next Monday, this Monday and the two before ('W'..'Z' the Mondays, 'w'..'z'
       their labels); the clock's date is the week's Monday, the limit runs out before it
       (DL_BEFORE_START). Done when a week plan of theirs for that week (ref = its Monday) was
       first submitted. */
    {"visit_plan_weekly", "WwXxYyZz",
     "SELECT wk.label || ':' || u.username AS document, CAST(NULL AS INTEGER) AS start_at,"
     " wk.monday AS start_date, (SELECT min(e.at) FROM field_docs p JOIN field_events e"
     " ON e.document = p.number AND e.to_state = 'submitted' WHERE p.type = 'visit-plans'"
     " AND p.owner = u.username AND p.ref = wk.monday) AS done_at, CASE WHEN EXISTS (SELECT 1"
     " FROM field_docs p JOIN field_events e ON e.document = p.number"
     " AND e.to_state = 'submitted' WHERE p.type = 'visit-plans' AND p.owner = u.username"
     " AND p.ref = wk.monday) THEN 'submit' END AS done_action, 0 AS ref"
     " FROM (SELECT ? AS monday, ? AS label UNION ALL SELECT ?, ? UNION ALL SELECT ?, ?"
     " UNION ALL SELECT ?, ?) wk JOIN users u ON u.active = 1 AND u.role IN ('rep', 'kam')"
     " WHERE EXISTS (SELECT 1 FROM field_docs q JOIN field_items i ON i.document = q.number"
     " WHERE q.type = 'visit-plans' AND q.owner = u.username AND i.date < wk.monday)",
     "SELECT CAST(NULL AS TEXT) AS customer, u.market AS market FROM users u"
     " WHERE u.username = substr(?, 10)",
     true},
    /* Handed over (or signed for by finance directly) ends the stay in the salesperson's
           hand. */
    {"instrument_same_day", "ns",
     "SELECT i.number AS document, i.received_at AS start_at, NULL AS start_date,"
     " coalesce(i.handed_over_at, i.finance_signed_at) AS done_at, CASE WHEN"
     " i.handed_over_at IS NOT NULL THEN 'hand-over' WHEN i.finance_signed_at IS NOT NULL"
     " THEN 'sign' END AS done_action, 0 AS ref FROM instruments i WHERE i.received_at <= ?"
     " AND (i.received_at >= ? OR i.state = 'in_hand')",
     OWNER_OF("instruments"), false},
    /* 24:00 of the 15th of the month after the half-year's end (30 June → 15 July). Done when
           the customer confirmed and the KAM reported; the candidates are few (two a year per
           customer), so every one not done is read. */
    {"recon_semiannual", "d",
     "SELECT s.number AS document, CAST(NULL AS INTEGER) AS start_at, s.period_to AS start_date,"
     " CASE WHEN s.state = 'reported' AND s.response = 'confirmed' THEN s.reported_to_mm_at"
     " END AS done_at, CASE WHEN s.state = 'reported' AND s.response = 'confirmed'"
     " THEN 'report' END AS done_action, 0 AS ref FROM statements s"
     " WHERE s.kind = 'semiannual' AND (s.period_to >= ? OR s.state <> 'reported'"
     " OR s.response <> 'confirmed')",
     OWNER_OF("statements"), true},
};

static int rule_index(const char *rule, struct osb_err *e)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].rule, rule) == 0)
            return (int)i;
    return err_set(e, ERR_INTERNAL, "no deadline rule '%s'", rule);
}

/* The earliest instant dl's deadline can be for a stay started at cand.start_at, as SQL (its
   parameters appended to p): every limit lasts at least its minutes or hours, and a day-based
   one ends no earlier than 24:00 of the start's date + k days (working days are calendar days
   or later). 0: no floor for this kind. */
static int floor_sql(const struct deadline_rule *dl, int tz_min, struct sb *sql, json_t *p)
{
    int64_t n = dl->n < 0 ? 0 : dl->n, tz = (int64_t)tz_min * TS_PER_MIN;
    switch (dl->kind) {
    case DL_WORKING_MINUTES:
    case DL_WC_HOURS:
        sb_add(sql, "(cand.start_at + ?)");
        json_array_append_new(
            p, json_integer(n * (dl->kind == DL_WC_HOURS ? TS_PER_HOUR : TS_PER_MIN)));
        return 1;
    case DL_SAME_WORKING_DAY:
    case DL_NEXT_WORKING_DAY:
    case DL_WORKING_DAYS:
    case DL_CALENDAR_DAYS:
        sb_add(sql, "(((cand.start_at + ?) / ? + ?) * ? - ?)");
        json_array_append_new(p, json_integer(tz));
        json_array_append_new(p, json_integer(TS_PER_DAY));
        json_array_append_new(p, json_integer(dl->kind == DL_SAME_WORKING_DAY ? 1 : n + 1));
        json_array_append_new(p, json_integer(TS_PER_DAY));
        json_array_append_new(p, json_integer(tz));
        return 1;
    case DL_DAY_OF_MONTH:
    case DL_BEFORE_START:
    case DL__COUNT:
        break;
    }
    return 0;
}

/* The latest start whose floor is not after now (the floor of floor_sql as a bound on the start
   itself, so that SQL compares the start column with a constant and an index range, e.g.
   shipments_waiting (state, released_at), reads only the stays whose deadline may have come):
   0 when dl has no floor. Day floors: ((start + tz) / D + k) * D - tz <= now holds exactly when
   start < (floor((now + tz) / D) - k + 1) * D - tz. */
static int floor_bound(const struct deadline_rule *dl, int tz_min, int64_t now, int64_t *bound)
{
    int64_t n = dl->n < 0 ? 0 : dl->n, tz = (int64_t)tz_min * TS_PER_MIN;
    switch (dl->kind) {
    case DL_WORKING_MINUTES:
    case DL_WC_HOURS:
        *bound = now - n * (dl->kind == DL_WC_HOURS ? TS_PER_HOUR : TS_PER_MIN);
        return 1;
    case DL_SAME_WORKING_DAY:
    case DL_NEXT_WORKING_DAY:
    case DL_WORKING_DAYS:
    case DL_CALENDAR_DAYS: {
        int64_t k = dl->kind == DL_SAME_WORKING_DAY ? 1 : n + 1, t = now + tz;
        int64_t day = t >= 0 ? t / TS_PER_DAY : -((-t + TS_PER_DAY - 1) / TS_PER_DAY);
        *bound = (day - k + 1) * TS_PER_DAY - tz - 1;
        return 1;
    }
    case DL_DAY_OF_MONTH:
    case DL_BEFORE_START:
    case DL__COUNT:
        break;
    }
    return 0;
}

/* Leaves out, in SQL, what judge() would find in time among the stays that may be due (the
   'n' parameters leave out those whose floor is after now): stays done before the floor (done
   in time). Only a saving: judge() decides the rest with the working calendar. */
static void floors_sql(const struct deadline_rule *dl, bool dated, int tz_min, struct sb *sql,
                       json_t *p)
{
    struct sb f = SB_INIT;
    json_t *fp = json_array();
    if (!dated && floor_sql(dl, tz_min, &f, fp)) {
        sb_addf(sql, " AND (cand.done_at IS NULL OR cand.done_at > %s)", sb_str(&f));
        json_array_extend(p, fp);
    }
    json_decref(fp);
    sb_free(&f);
}

/* The customer and market of each candidate, in the candidates' own statement: the owner
   query ("SELECT C AS customer, M AS market FROM … WHERE key = ?") as two correlated scalar
   subqueries, ", (SELECT C FROM … = cand.document) AS owner_customer, (… M …) AS
   owner_market". They are evaluated for the rows the statement returns only — the stays not
   yet logged — and a job run opening 100,000 entries (a copy's first run) no longer asks for
   them one round trip each. */
static int owner_cols_sql(const char *owner, struct sb *sql)
{
    const char *c = owner + strlen("SELECT "), *ca = strstr(owner, " AS customer, ");
    const char *ma = ca ? strstr(ca, " AS market FROM ") : NULL;
    const char *key = strrchr(owner, '?'); /* the document's place: last, or inside a call */
    if (strncmp(owner, "SELECT ", strlen("SELECT ")) != 0 || !ca || !ma || !key || key < ma)
        return -1;
    const char *m = ca + strlen(" AS customer, ");
    const char *from = ma + strlen(" AS market");
    int rest = (int)(key - from);
    sb_addf(sql, ", (SELECT %.*s%.*scand.document%s) AS owner_customer", (int)(ca - c), c, rest,
            from, key + 1);
    sb_addf(sql, ", (SELECT %.*s%.*scand.document%s) AS owner_market", (int)(ma - m), m, rest, from,
            key + 1);
    return 0;
}

/* Settled marks (table deadline_marks): the rules whose params hold 'm' read their stays
   still waiting only after the mark; see store/deadline.h. */
bool store_deadline_markable(const char *rule)
{
    struct osb_err ignore = OSB_ERR_INIT;
    int r = rule_index(rule, &ignore);
    err_clear(&ignore);
    return r >= 0 && strchr(rules[r].params, 'm') != NULL;
}

json_t *store_deadline_marks(struct db *db, struct osb_err *e)
{
    json_t *rows = db_rows(db, e, "SELECT rule, settled, at FROM deadline_marks", NULL);
    if (!rows)
        return NULL;
    json_t *out = json_object();
    size_t k;
    json_t *r;
    json_array_foreach(rows, k, r)
    {
        if (jstr(r, "rule"))
            json_object_set(out, jstr(r, "rule"), r);
    }
    json_decref(rows);
    return out;
}

int store_deadline_mark_set(struct db *db, struct osb_err *e, const char *rule, int64_t settled,
                            int64_t at)
{
    return db_exec(db, e,
                   "INSERT INTO deadline_marks(rule, settled, at) VALUES(?, ?, ?)"
                   " ON CONFLICT(rule) DO UPDATE SET settled = excluded.settled, at = excluded.at",
                   "sii", rule, settled, at);
}

int store_deadline_marks_clear(struct db *db, struct osb_err *e)
{
    return db_exec(db, e, "DELETE FROM deadline_marks", NULL);
}

/* The weekly visit plan's parameters: 'W'..'Z' the Mondays of next week, this week and the
   two before (YYYY-MM-DD), 'w'..'z' their labels (YYYY-Www). NULL for another letter. */
static json_t *week_param(char a, int64_t now, int tz_min)
{
    const char *up = strchr("WXYZ", a), *low = strchr("wxyz", a);
    if (!a || (!up && !low))
        return NULL;
    long k = up ? up - "WXYZ" : low - "wxyz";
    date_t mon = field_week_monday(ts_to_date(now, tz_min)) + 7 - 7 * (date_t)k;
    char b[11];
    if (up)
        date_format(mon, b);
    else
        field_week_label(mon, b);
    return json_string(b);
}

/* The candidates' statement (sql, parameters appended to p); -1 with e set. */
static int candidates_sql(struct osb_err *e, const char *rule, const struct deadline_rule *dl,
                          const struct deadline_when *w, int tz_min, int64_t *upto_out,
                          struct sb *sql, json_t *p)
{
    int r = rule_index(rule, e);
    if (r < 0)
        return -1;
    int64_t now = w->now, since = w->since;
    char today[11], since_day[11];
    date_format(ts_to_date(now, tz_min), today);
    date_format(ts_to_date(since, tz_min), since_day);
    /* The stays whose deadline cannot have come yet are left out by their start: with
       thousands of released shipments waiting for the warehouse, each minute's run read and
       judged every one of them in the write transaction (bench/README.md "Memory over a long
       run"); now the index range of the start ends at the floor's bound. A rule whose clock
       starts on a date has no start_at: its candidates are all read, as before. */
    int64_t upto = now, bound;
    if (!rules[r].dated && floor_bound(dl, tz_min, now, &bound) && bound < now)
        upto = bound;
    if (!rules[r].dated && w->due_upto > 0 && w->due_upto < upto)
        upto = w->due_upto; /* the calendar's exact bound (a weekend is not working time) */
    *upto_out = upto;
    for (const char *a = rules[r].params; *a; a++) {
        json_t *wp = week_param(*a, now, tz_min);
        json_array_append_new(p, wp          ? wp
                                 : *a == 'n' ? json_integer(upto)
                                 : *a == 's' ? json_integer(since)
                                 : *a == 'm' ? json_integer(w->settled)
                                 : *a == 'l'
                                     ? json_integer(w->done_since < since ? since : w->done_since)
                                 : *a == 't' ? json_string(today)
                                             : json_string(since_day)); /* 'd' */
    }
    /* Leave out in SQL what needs no work: candidates whose entry exists (still waiting),
       or exists with the late completion noted (done). An entry belongs to this stay when
       its deadline is not before the stay's start (an earlier stay's entry ended before
       it); a rule with a date start (an invoice's due date, a POD's expected date) has one
       stay per document. */
    sb_add(sql, "SELECT cand.*");
    if (owner_cols_sql(rules[r].owner, sql) < 0)
        return err_set(e, ERR_INTERNAL, "internal error: deadline rule %s's owner query", rule);
    sb_addf(sql,
            " FROM (%s) cand WHERE NOT EXISTS (SELECT 1 FROM osb_issues x"
            " WHERE x.rule = ? AND x.document = cand.document AND (cand.start_at IS NULL"
            " OR x.deadline >= cand.start_at) AND (cand.done_at IS NULL"
            " OR x.completed_at IS NOT NULL))",
            rules[r].sql);
    json_array_append_new(p, json_string(rule));
    floors_sql(dl, rules[r].dated, tz_min, sql, p);
    return 0;
}

static json_t *candidates(struct db *db, struct osb_err *e, const char *prefix, const char *rule,
                          const struct deadline_rule *dl, const struct deadline_when *w, int tz_min,
                          int64_t *upto_out)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array(), *rows = NULL;
    sb_add(&sql, prefix);
    if (candidates_sql(e, rule, dl, w, tz_min, upto_out, &sql, p) == 0)
        rows = db_rows_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    return rows;
}

json_t *store_deadline_candidates(struct db *db, struct osb_err *e, const char *rule,
                                  const struct deadline_rule *dl, const struct deadline_when *w,
                                  int tz_min, int64_t *upto_out)
{
    return candidates(db, e, "", rule, dl, w, tz_min, upto_out);
}

json_t *store_deadline_candidates_plan(struct db *db, struct osb_err *e, const char *rule,
                                       const struct deadline_rule *dl,
                                       const struct deadline_when *w, int tz_min)
{
    int64_t upto;
    return candidates(db, e, "EXPLAIN QUERY PLAN ", rule, dl, w, tz_min, &upto);
}

const char *store_deadline_rule_code(size_t i)
{
    return i < sizeof rules / sizeof rules[0] ? rules[i].rule : NULL;
}

int store_deadline_explainers(struct db *db, struct osb_err *e, unsigned bits, const char *doc,
                              int64_t ref, json_t *out)
{
    for (size_t i = 0; i < sizeof explainers / sizeof explainers[0]; i++) {
        if (!(bits & explainers[i].bit))
            continue;
        json_t *p = json_array();
        for (const char *a = explainers[i].args; *a; a++)
            json_array_append_new(p, *a == 'd' ? json_string(doc) : json_integer(ref));
        json_t *rows = db_rows_a(db, e, explainers[i].sql, p);
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

json_t *store_deadline_waiting(struct db *db, struct osb_err *e, const char *rule, int64_t now,
                               int tz_min)
{
    int r = rule_index(rule, e);
    if (r < 0)
        return NULL;
    char today[11];
    date_format(ts_to_date(now, tz_min), today);
    /* The lookback starts now: only the documents still waiting are wanted, and every rule's
       query reads those whatever their start. */
    json_t *p = json_array();
    for (const char *a = rules[r].params; *a; a++) {
        json_t *wp = week_param(*a, now, tz_min);
        json_array_append_new(p, wp                                    ? wp
                                 : *a == 'n' || *a == 's' || *a == 'l' ? json_integer(now)
                                 : *a == 'm' ? json_integer(0) /* every stay */
                                             : json_string(today));
    }
    struct sb sql = SB_INIT;
    sb_addf(&sql,
            "SELECT cand.document AS document, cand.start_at AS start_at,"
            " cand.start_date AS start_date FROM (%s) cand WHERE cand.done_at IS NULL",
            rules[r].sql);
    json_t *rows = db_rows_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    return rows;
}
