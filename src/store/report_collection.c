/*
 * report_collection.c (store) — the queries of the collection routine's reports
 * (rules/report_collection.c): daily receipts, cash vs expense, prepayments, the weekly call
 * list and the DSO trend. Reads only; every query is limited to the caller's scope and the
 * market / region / customer filters by store_report_where.
 */
#include "core/date.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "rules/report.h"
#include "store/report.h"

#include <stdbool.h>
#include <string.h>

#define BCR_SQL                                                                                    \
    "coalesce(m.bcr, (SELECT min(username) FROM users WHERE role = 'ssg_leader'"                   \
    " AND active = 1))"
/* entities.md §7.3: an unrecognised method is reported as other. */
#define METHOD_SQL                                                                                 \
    "CASE WHEN p.method IN ('bank_transfer', 'cash', 'cheque', 'acceptance_bill', 'bank_draft',"   \
    " 'offset') THEN p.method ELSE 'other' END"

json_t *store_report_daily_receipts(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT p.number AS receipt, p.received_on AS received_on, c.code AS customer,"
                 " c.name AS customer_name, p.kind AS kind, " METHOD_SQL " AS method,"
                 " p.amount_fen AS amount_fen, (SELECT coalesce(sum(al.amount_fen), 0)"
                 " FROM allocations al WHERE al.source_kind = 'payment' AND al.source = p.number"
                 " AND al.reversed_by IS NULL) AS allocated_fen, p.unapplied_fen AS unapplied_fen,"
                 " " BCR_SQL " AS bcr FROM payments p JOIN customers c ON c.code = p.customer"
                 " LEFT JOIN markets m ON m.code = c.market WHERE p.state = 'registered'"
                 " AND p.received_on >= ? AND p.received_on <= ?");
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    return store_report_stream(db, e, &sql, a, p, "c", " ORDER BY p.received_on, p.number");
}

json_t *store_report_cash_expense(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT substr(p.received_on, 1, 7) AS month, p.kind AS kind, " METHOD_SQL
                 " AS method, count(*) AS receipts, sum(p.amount_fen) AS amount_fen"
                 " FROM payments p JOIN customers c ON c.code = p.customer"
                 " WHERE p.state = 'registered' AND p.received_on >= ? AND p.received_on <= ?");
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    return store_report_run(db, e, &sql, a, p, "c", " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
}

static int64_t days_from(const char *from, const char *to)
{
    date_t a, b;
    if (!from || !to || !date_parse(from, &a) || !date_parse(to, &b))
        return 0;
    return (int64_t)(b - a);
}

json_t *store_report_prepayments(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* The receipts with money left only (unapplied_fen > 0: the partial index payments_open;
       a receipt's unapplied is never below 0 — osb check), not every receipt of the history
       through payments_customer and a row read each (a month at 1,000,000 orders: 8.7 million
       receipts, 7.7 s of CPU). */
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql,
           "SELECT c.code AS customer, c.name AS customer_name, c.market AS market,"
           " (SELECT coalesce(sum(pm.unapplied_fen), 0) FROM payments pm"
           "  WHERE pm.customer = c.code AND pm.unapplied_fen > 0 AND pm.state = 'registered')"
           " + (SELECT coalesce(sum(cn.unapplied_fen), 0) FROM credit_notes cn"
           "  WHERE cn.customer = c.code) AS unapplied_fen,"
           " (SELECT coalesce(sum(em.amount_fen), 0) FROM earmarks em WHERE em.customer = c.code"
           "  AND em.released_at IS NULL AND em.consumed_by IS NULL) AS earmarked_fen,"
           " (SELECT min(pm.received_on) FROM payments pm WHERE pm.customer = c.code"
           "  AND pm.state = 'registered' AND pm.unapplied_fen > 0) AS oldest_receipt"
           " FROM customers c WHERE 1=1");
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY c.code");
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        int64_t un = jint(r, "unapplied_fen");
        if (un <= 0)
            continue;
        int64_t em = jint(r, "earmarked_fen");
        json_object_set_new(r, "free_fen", json_integer(un > em ? un - em : 0));
        json_object_set_new(r, "age_days",
                            json_integer(days_from(jstr(r, "oldest_receipt"), p->as_of)));
        json_array_append(out, r);
    }
    json_decref(rows);
    return out;
}

#define OPEN_SQL "(i.amount_fen - i.settled_fen - i.credited_fen - i.written_off_fen)"

json_t *store_report_call_list(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* The weeks of the range: the tasks of every Monday from the one of `from` to `to`. */
    date_t f;
    char monday[11];
    if (!date_parse(p->from, &f))
        f = 0;
    date_format(f - (date_weekday(f) - 1), monday);
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql,
           "SELECT t.week AS week, t.bcr AS bcr, c.code AS customer, c.name AS customer_name,"
           " (SELECT coalesce(sum(" OPEN_SQL "), 0) FROM invoices i WHERE i.customer = c.code)"
           " - (SELECT coalesce(sum(pm.unapplied_fen), 0) FROM payments pm"
           "  WHERE pm.customer = c.code) AS balance_fen,"
           " (SELECT coalesce(sum(" OPEN_SQL "), 0) FROM invoices i WHERE i.customer = c.code"
           "  AND i.due_date < ?) AS overdue_fen,"
           " (SELECT coalesce(sum(" OPEN_SQL "), 0) FROM invoices i WHERE i.customer = c.code"
           "  AND i.due_date >= ? AND i.due_date <= ?) AS due_this_week_fen,"
           " CASE WHEN t.call_id IS NULL THEN 0 ELSE 1 END AS called,"
           " (SELECT max(k.at) FROM call_logs k WHERE k.customer = c.code) AS last_call_at,"
           " (SELECT k.outcome FROM call_logs k WHERE k.customer = c.code"
           "  ORDER BY k.at DESC, k.id DESC LIMIT 1) AS outcome,"
           " (SELECT k.promised_pay_date FROM call_logs k WHERE k.customer = c.code"
           "  ORDER BY k.at DESC, k.id DESC LIMIT 1) AS promised_pay_date,"
           " (SELECT k.promised_amount_fen FROM call_logs k WHERE k.customer = c.code"
           "  ORDER BY k.at DESC, k.id DESC LIMIT 1) AS promised_amount_fen"
           " FROM call_tasks t JOIN customers c ON c.code = t.customer"
           " WHERE t.week >= ? AND t.week <= ?");
    store_report_arg(a, p->as_of);
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    store_report_arg(a, monday);
    store_report_arg(a, p->to);
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY t.week, t.bcr, c.code");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *v = json_object_get(r, "promised_amount_fen");
        if (!json_is_integer(v))
            json_object_set_new(r, "promised_amount_fen", json_integer(0));
    }
    return rows;
}

/* The month ends of the range (the last one is `to`), at most 120: their dates and months. */
struct dso_month {
    char end[11], month[8];
    int64_t ar, overdue, sales, credits;
};

/* Adds each row's sum s to the month ends it counts at: those on or after its invoice date
   (key `inv`, a month or '9999-99' after the range) and before its settle date (key `set`,
   none = never settled in the range); to overdue too where its due date is before the end. */
static void dso_add(struct dso_month *m, int nm, json_t *rows, bool settled)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *inv = jstr(r, "inv"), *due = jstr(r, "due_date");
        const char *set = settled ? jstr(r, "settled") : NULL;
        int64_t v = jint(r, "s");
        for (int k = 0; k < nm; k++) {
            if (strcmp(inv, m[k].month) > 0 || (set && strcmp(set, m[k].month) <= 0))
                continue;
            m[k].ar += v;
            if (strcmp(due, m[k].end) < 0)
                m[k].overdue += v;
        }
    }
}

/* Net sales of the 90 days to each month end, from the sums per day of the range's 90 days
   before its first month end to its last (keys `d` and `s`). */
static void dso_window(struct dso_month *m, int nm, json_t *rows, bool credits)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        date_t d;
        if (!date_parse(jstr(r, "d"), &d))
            continue;
        int64_t v = jint(r, "s");
        for (int k = 0; k < nm; k++) {
            date_t end;
            if (!date_parse(m[k].end, &end) || d > end || d < end - 89)
                continue;
            if (credits)
                m[k].credits += v;
            else
                m[k].sales += v;
        }
    }
}

/* DSO at each month end of the range (kpis-and-reports §2.2): AR and overdue at the day are
   the invoices dated by then less what was settled by then. Read without the whole history:
   an invoice's open part at a day is what is still unsettled now (amount − settled − credited:
   the sums of its live allocations, as osb check holds; the partial index invoices_unsettled
   finds those) plus its allocations settled after that day — so only the open invoices and
   the allocations settled after the first month end are read, once, for all month ends. */
json_t *store_report_dso(struct db *db, struct osb_err *e, const struct report_params *p)
{
    int y, m, d, ty, tm, td;
    date_t f, t;
    if (!date_parse(p->from, &f) || !date_parse(p->to, &t))
        return json_array();
    date_to_ymd(f, &y, &m, &d);
    date_to_ymd(t, &ty, &tm, &td);
    struct dso_month ms[120];
    int nm = 0;
    for (; nm < 120 && (y < ty || (y == ty && m <= tm)); nm++) {
        date_t end = date_from_ymd(y, m, date_days_in_month(y, m));
        if (end > t)
            end = t;
        memset(&ms[nm], 0, sizeof ms[nm]);
        date_format(end, ms[nm].end);
        period_format(y, m, ms[nm].month);
        if (++m > 12)
            m = 1, y++;
    }
    if (nm == 0)
        return json_array();
    const char *first = ms[0].end, *last = ms[nm - 1].end;
    date_t first_end;
    char win[11];
    if (!date_parse(first, &first_end))
        return json_array();
    date_format(first_end - 89, win);
/* The month (YYYY-MM) of a date column, or '9999-99' when it is after the last month end */
#define DSO_KEY(col) "CASE WHEN " col " > ? THEN '9999-99' ELSE substr(" col ", 1, 7) END"
#define DSO_INV DSO_KEY("i.invoice_date") " AS inv, i.due_date AS due_date"
#define DSO_AL DSO_KEY("al.settle_date") " AS settled"
#define DSO_LG DSO_KEY("lg.date") " AS settled"
    /* The five reads, each limited to the caller's scope and filters (customers c); args are
       letters: l the last month end, f the first, w the first day of its 90-day window. */
    static const struct {
        const char *select, *group, *args;
        enum { DSO_OPEN, DSO_SETTLED, DSO_SALES, DSO_CREDITS } use;
    } reads[] = {
        /* what is unsettled now, by invoice month and due date */
        {"SELECT " DSO_INV ", sum(i.amount_fen - i.settled_fen - i.credited_fen"
         " - i.written_off_fen) AS s FROM invoices i JOIN customers c ON c.code = i.customer"
         " WHERE i.amount_fen > i.settled_fen + i.credited_fen + i.written_off_fen"
         " AND i.invoice_date <= ? AND i.state <> 'cancelled'",
         " GROUP BY 1, 2", "ll", DSO_OPEN},
        /* allocations settled after the first month end, on invoices dated by the last */
        {"SELECT " DSO_INV ", " DSO_AL ", sum(al.amount_fen) AS s"
         " FROM allocations al JOIN invoices i ON i.number = al.invoice"
         " JOIN customers c ON c.code = i.customer WHERE al.settle_date > ?"
         " AND al.reversed_by IS NULL AND i.invoice_date <= ? AND i.state <> 'cancelled'",
         " GROUP BY 1, 2, 3", "llfl", DSO_SETTLED},
        /* write-offs approved after the first month end: a write-off has no date of its own,
           so it counts from its write_off ledger credit (the day it was approved) */
        {"SELECT " DSO_INV ", " DSO_LG ", sum(w.amount_fen) AS s FROM write_offs w"
         " JOIN ledger lg ON lg.document = w.number AND lg.kind = 'write_off'"
         " JOIN invoices i ON i.number = w.invoice JOIN customers c ON c.code = i.customer"
         " WHERE lg.date > ? AND w.state = 'approved' AND i.invoice_date <= ?"
         " AND i.state <> 'cancelled'",
         " GROUP BY 1, 2, 3", "llfl", DSO_SETTLED},
        /* net sales: invoices less credit notes, per day of the 90-day windows */
        {"SELECT i.invoice_date AS d, sum(i.amount_fen) AS s FROM invoices i"
         " JOIN customers c ON c.code = i.customer WHERE i.invoice_date >= ?"
         " AND i.invoice_date <= ? AND i.state <> 'cancelled'",
         " GROUP BY i.invoice_date", "wl", DSO_SALES},
        {"SELECT n.date AS d, sum(n.amount_fen) AS s FROM credit_notes n"
         " JOIN customers c ON c.code = n.customer WHERE n.date >= ? AND n.date <= ?",
         " GROUP BY n.date", "wl", DSO_CREDITS},
    };
#undef DSO_LG
#undef DSO_AL
#undef DSO_INV
#undef DSO_KEY
    for (size_t r = 0; r < sizeof reads / sizeof reads[0]; r++) {
        struct sb sql = SB_INIT;
        json_t *a = json_array();
        sb_add(&sql, reads[r].select);
        for (const char *k = reads[r].args; *k; k++)
            store_report_arg(a, *k == 'l' ? last : *k == 'f' ? first : win);
        json_t *rows = store_report_run(db, e, &sql, a, p, "c", reads[r].group);
        if (!rows)
            return NULL;
        if (reads[r].use == DSO_OPEN || reads[r].use == DSO_SETTLED)
            dso_add(ms, nm, rows, reads[r].use == DSO_SETTLED);
        else
            dso_window(ms, nm, rows, reads[r].use == DSO_CREDITS);
        json_decref(rows);
    }
    json_t *out = json_array();
    for (int k = 0; k < nm; k++) {
        int64_t ar = ms[k].ar, overdue = ms[k].overdue, net = ms[k].sales - ms[k].credits;
        /* DSO = AR ÷ (net ÷ 90) = AR × 90 ÷ net, rounded half up (0 without sales). */
        int64_t dso = net > 0 ? (int64_t)(((__int128)ar * 90 * 2 + net) / (2 * (__int128)net)) : 0;
        json_array_append_new(out, json_pack("{ss sI sI sI sI sI}", "month", ms[k].month, "ar_fen",
                                             (json_int_t)ar, "net_sales_90d_fen", (json_int_t)net,
                                             "dso_days", (json_int_t)dso, "overdue_fen",
                                             (json_int_t)overdue, "overdue_ratio_bp",
                                             (json_int_t)report_bp(overdue, ar)));
    }
    return out;
}
