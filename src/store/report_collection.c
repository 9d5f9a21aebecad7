/*
 * report_collection.c (store) — the queries of the collection routine's reports
 * (rules/report_collection.c): daily receipts, cash vs expense, prepayments, the weekly call
 * list and the DSO trend. Reads only; every query is limited to the caller's scope and the
 * market / region / customer filters by store_report_where.
 */
#include "core/audit_canon.h"
#include "core/date.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "rules/report.h"
#include "store/doc.h"
#include "store/report.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define BCR_SQL                                                                                    \
    "coalesce(m.bcr, (SELECT min(username) FROM users WHERE role = 'ssg_leader'"                   \
    " AND active = 1))"
/* entities.md §7.3: an unrecognised method is reported as other. */
#define METHOD_SQL                                                                                 \
    "CASE WHEN p.method IN ('bank_transfer', 'cash', 'cheque', 'acceptance_bill', 'bank_draft',"   \
    " 'offset') THEN p.method ELSE 'other' END"

/* METHOD_SQL in C for column col of q: the method itself when it is one of entities.md §7.3's,
   else "other" (NULL too). In the SQL, the IN list was an ephemeral index that SQLite searched
   once per receipt: 2.9 million a year at 1,000,000 orders. */
static const char *method_of(struct dbq *q, int col)
{
    static const struct {
        const char *s;
        size_t n;
    } known[] = {{"bank_transfer", 13},   {"cash", 4},        {"cheque", 6},
                 {"acceptance_bill", 15}, {"bank_draft", 10}, {"offset", 6}};
    const char *m = dbq_text(q, col);
    size_t n = m ? dbq_len(q, col) : 0;
    for (size_t i = 0; m && i < sizeof known / sizeof known[0]; i++)
        if (n == known[i].n && memcmp(m, known[i].s, n) == 0)
            return known[i].s;
    return "other";
}

/* A text column of q as a cell (text that jansson would refuse: null, as dbq_object makes it). */
static struct report_cell text_cell(struct dbq *q, int col, const char *name)
{
    const char *t = dbq_text(q, col);
    if (t && !utf8_valid_n(t, dbq_len(q, col)))
        t = NULL;
    return (struct report_cell){name, t, 0, false};
}

static void per_payment(struct kmap *m, struct kmap *by, struct dbq *q)
{
    (void)by;
    store_kmap_get(m, dbq_text(q, 0))->sum += dbq_int(q, 1);
}

/* One row per receipt registered in the range, in date and number order. What is allocated of
   a receipt is its amount less its unapplied money and its refund draws — osb check holds
   unapplied_fen = amount − live allocations − refund draws — so the rows come from one range
   of the covering index payments_received alone: a sum of allocations (allocations_payment_
   live) and a customer row per receipt were most of a year's 12 s of CPU at 1,000,000 orders
   (2.9 million receipts). The customers of the scope (their names and BCRs) are read first,
   once, and each receipt's customer is looked up in C. */
static json_t *receipt_rows(struct db *db, struct osb_err *e, const struct report_params *p,
                            const struct scope_table *s, const struct kmap *refunded)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT p.number, p.received_on, p.customer, p.kind, p.method,"
                 " p.amount_fen, p.unapplied_fen FROM payments p WHERE p.state = 'registered'"
                 " AND p.received_on >= ? AND p.received_on <= ?");
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    store_filter_eq(&sql, a, "p.customer", p->customer);
    sb_add(&sql, " ORDER BY p.received_on, p.number");
    struct dbq *q = store_report_query(db, e, &sql, a);
    if (!q)
        return NULL;
    json_t *rows = json_array();
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        const char *code = dbq_text(q, 2), *name, *bcr;
        if (!code || !store_scope_table_find(s, code, &name, &bcr))
            continue; /* not a customer of the scope */
        const char *number = dbq_text(q, 0);
        const struct ksum *r = refunded->n && number ? store_kmap_find(refunded, number) : NULL;
        int64_t amount = dbq_int(q, 5), unapplied = dbq_int(q, 6);
        struct report_cell cells[] = {
            text_cell(q, 0, "receipt"),
            text_cell(q, 1, "received_on"),
            {"customer", code, 0, false}, /* the bytes of the scope's code */
            {"customer_name", name, 0, false},
            text_cell(q, 3, "kind"),
            {"method", method_of(q, 4), 0, false}, /* METHOD_SQL */
            {"amount_fen", NULL, amount, true},
            {"allocated_fen", NULL, amount - unapplied - (r ? r->sum : 0), true},
            {"unapplied_fen", NULL, unapplied, true},
            {"bcr", bcr, 0, false},
        };
        if (store_report_put(p, rows, cells, (int)(sizeof cells / sizeof cells[0]), e) < 0) {
            rc = -1;
            break;
        }
    }
    dbq_end(q);
    if (rc < 0) {
        json_decref(rows);
        return NULL;
    }
    if (p->sink)
        p->sink->streamed = true;
    return rows;
}

/* One row per receipt registered in the range, in date and number order. What is allocated of
   a receipt is its amount less its unapplied money and its refund draws — osb check holds
   unapplied_fen = amount − live allocations − refund draws — so the rows come from one range
   of the covering index payments_received alone: a sum of allocations (allocations_payment_
   live) and a customer row per receipt were most of a year's 12 s of CPU at 1,000,000 orders
   (2.9 million receipts). The customers of the scope (their names and BCRs) are read first,
   once, and each receipt's customer is looked up in C. */
json_t *store_report_daily_receipts(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct scope_table s = {0};
    struct kmap refunded = {0};
    int rc = store_scope_table_read(db, e, p, "c.name, " BCR_SQL, &s);
    if (rc == 0) {
        json_t *a = json_array();
        store_report_arg(a, p->from);
        store_report_arg(a, p->to);
        /* read from the draws' side (CROSS JOIN: refund_draws first, each draw's receipt by
           its number): joined from payments, SQLite read every receipt of the range from
           payments_received and probed refund_draws_payment for each — a second pass over the
           2.9 million receipts of a year at 1,000,000 orders, 13 % of the report's
           instructions, where the draws are a handful (a refund is rare) */
        rc = store_kmap_fill(db, e,
                             "SELECT d.payment, sum(d.amount_fen) FROM refund_draws d"
                             " CROSS JOIN payments p WHERE p.number = d.payment"
                             " AND p.received_on >= ? AND p.received_on <= ? GROUP BY d.payment",
                             a, per_payment, &refunded, NULL);
    }
    json_t *rows = rc == 0 ? receipt_rows(db, e, p, &s, &refunded) : NULL;
    store_kmap_free(&refunded);
    store_scope_table_free(&s);
    return rows;
}

/* One group of cash_vs_expense: month, kind, method, and its count and sum. */
struct cash_group {
    char *month, *kind, *method;
    int64_t n, sum;
};

/* strcmp with NULL first, as ORDER BY puts it */
static int text_cmp(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) : (a != NULL) - (b != NULL);
}

static int cash_cmp(const void *a, const void *b)
{
    const struct cash_group *x = a, *y = b;
    int c = text_cmp(x->month, y->month);
    if (!c)
        c = text_cmp(x->kind, y->kind);
    return c ? c : text_cmp(x->method, y->method);
}

static bool same_text(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* The receipts of the range summed per month, kind and method in C: every customer's, so no
   customer is read (a receipt's customer is one of customers: its foreign key). The GROUP BY
   sorted the 2.9 million receipts of a year at 1,000,000 orders (about 2 s of CPU), and the
   join read a customer per receipt (1.4 s more); the groups are few (months × kinds × methods)
   and are sorted at the end — by byte order, as SQLite's ORDER BY compares them; the kinds and
   methods are the API's fixed lower-case words, which any collation orders the same. */
static json_t *cash_all(struct db *db, struct osb_err *e, const struct report_params *p)
{
    json_t *a = json_array();
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    struct dbq *q = db_query_a(db, e,
                               "SELECT substr(p.received_on, 1, 7), p.kind, " METHOD_SQL ","
                               " p.amount_fen FROM payments p WHERE p.state = 'registered'"
                               " AND p.received_on >= ? AND p.received_on <= ?",
                               a);
    json_decref(a);
    if (!q)
        return NULL;
    struct cash_group *g = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        struct report_cell m = text_cell(q, 0, ""), k = text_cell(q, 1, ""),
                           w = text_cell(q, 2, "");
        size_t i = n;
        /* the last group first: the rows come in date order */
        while (i > 0 && !(same_text(g[i - 1].month, m.text) && same_text(g[i - 1].kind, k.text) &&
                          same_text(g[i - 1].method, w.text)))
            i--;
        if (i == 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                struct cash_group *ng = xcalloc(cap, sizeof *ng);
                if (n)
                    memcpy(ng, g, n * sizeof *ng);
                free(g);
                g = ng;
            }
            g[n] = (struct cash_group){m.text ? xstrdup(m.text) : NULL,
                                       k.text ? xstrdup(k.text) : NULL,
                                       w.text ? xstrdup(w.text) : NULL, 0, 0};
            i = ++n;
        }
        g[i - 1].n++;
        g[i - 1].sum += dbq_int(q, 3);
    }
    dbq_end(q);
    json_t *rows = rc < 0 ? NULL : json_array();
    if (rows && n)
        qsort(g, n, sizeof *g, cash_cmp);
    for (size_t i = 0; i < n; i++) {
        if (rows) {
            struct report_cell c[] = {{"month", g[i].month, 0, false},
                                      {"kind", g[i].kind, 0, false},
                                      {"method", g[i].method, 0, false},
                                      {"receipts", NULL, g[i].n, true},
                                      {"amount_fen", NULL, g[i].sum, true}};
            json_t *o = json_object();
            for (size_t j = 0; j < sizeof c / sizeof c[0]; j++) {
                json_t *v = c[j].is_int ? json_integer(c[j].i)
                            : c[j].text ? json_string(c[j].text)
                                        : json_null();
                json_object_set_new(o, c[j].name, v);
            }
            json_array_append_new(rows, o);
        }
        free(g[i].month);
        free(g[i].kind);
        free(g[i].method);
    }
    free(g);
    return rows;
}

json_t *store_report_cash_expense(struct db *db, struct osb_err *e, const struct report_params *p)
{
    if (store_report_whole(p))
        return cash_all(db, e, p);
    /* a scope or filter: SQLite reads its customers first, then their receipts */
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

/* The open money of the customers of the call list (code → ksum): sum their open invoices'
   open amounts, sum2 those due before as_of, sum3 those due in [from, to], sum4 their receipts'
   unapplied money. Read from the open invoices and the receipts with money left only (the
   partial indexes invoices_unsettled and payments_open): an invoice's open amount and a
   receipt's unapplied money are never below 0 (osb check), so the others add nothing. */
static void call_open(struct kmap *m, struct kmap *by, struct dbq *q)
{
    (void)by;
    const char *code = dbq_text(q, 0);
    struct ksum *f = code ? store_kmap_find(m, code) : NULL;
    if (f)
        f->sum4 += dbq_int(q, 1);
}

struct call_due {
    struct kmap *m;
    const struct report_params *p;
};

static void call_invoice(void *vx, struct dbq *q)
{
    const struct call_due *x = vx;
    const char *code = dbq_text(q, 0), *due = dbq_text(q, 1);
    struct ksum *f = code ? store_kmap_find(x->m, code) : NULL;
    if (!f)
        return;
    int64_t open = dbq_int(q, 2);
    f->sum += open;
    if (due && strcmp(due, x->p->as_of) < 0)
        f->sum2 += open;
    if (due && strcmp(due, x->p->from) >= 0 && strcmp(due, x->p->to) <= 0)
        f->sum3 += open;
}

/* A text value of a row object as a cell (null when none). */
static struct report_cell json_cell(json_t *row, const char *key)
{
    return (struct report_cell){key, json_string_value(json_object_get(row, key)), 0, false};
}

json_t *store_report_call_list(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* The weeks of the range: the tasks of every Monday from the one of `from` to `to`. */
    date_t f;
    char monday[11];
    if (!date_parse(p->from, &f))
        f = 0;
    date_format(f - (date_weekday(f) - 1), monday);
    /* A customer's figures are the same in every week of the range, so they are read once per
       customer (its last call; its open money in call_open and call_invoice) and written into
       each of its tasks' rows as they are read: subqueries per row read every invoice and
       receipt of the customer's history once per week (a month of 25,000 tasks at 1,000,000
       orders: minutes). The customers: the scope's with a task in the weeks. */
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT c.code AS customer,"
                 " (SELECT max(k.at) FROM call_logs k WHERE k.customer = c.code) AS last_call_at,"
                 " (SELECT k.outcome FROM call_logs k WHERE k.customer = c.code"
                 "  ORDER BY k.at DESC, k.id DESC LIMIT 1) AS outcome,"
                 " (SELECT k.promised_pay_date FROM call_logs k WHERE k.customer = c.code"
                 "  ORDER BY k.at DESC, k.id DESC LIMIT 1) AS promised_pay_date,"
                 " (SELECT k.promised_amount_fen FROM call_logs k WHERE k.customer = c.code"
                 "  ORDER BY k.at DESC, k.id DESC LIMIT 1) AS promised_amount_fen"
                 " FROM customers c WHERE c.code IN (SELECT t.customer FROM call_tasks t"
                 " WHERE t.week >= ? AND t.week <= ?)");
    store_report_arg(a, monday);
    store_report_arg(a, p->to);
    json_t *calls = store_report_run(db, e, &sql, a, p, "c", "");
    if (!calls)
        return NULL;
    /* m: the customers' money (call_open, call_invoice); at: their places in calls + 1 */
    struct kmap m = {0}, at = {0};
    size_t i;
    json_t *r;
    json_array_foreach(calls, i, r) if (jstr(r, "customer"))
    {
        store_kmap_get(&m, jstr(r, "customer"));
        store_kmap_get(&at, jstr(r, "customer"))->sum = (int64_t)i + 1;
    }
    struct call_due x = {&m, p};
    json_t *args = json_array();
    struct dbq *q = db_query_a(db, e,
                               "SELECT i.customer, i.due_date, " OPEN_SQL
                               " FROM invoices i WHERE i.amount_fen > i.settled_fen"
                               " + i.credited_fen + i.written_off_fen"
                               " AND i.amount_fen > i.settled_fen + i.credited_fen",
                               args);
    json_decref(args);
    int rc = -1;
    if (q) {
        while ((rc = dbq_next(q, e)) == 1)
            call_invoice(&x, q);
        dbq_end(q);
    }
    if (rc == 0)
        rc = store_kmap_fill(db, e,
                             "SELECT pm.customer, pm.unapplied_fen FROM payments pm"
                             " WHERE pm.unapplied_fen > 0",
                             json_array(), call_open, &m, NULL);
    /* the tasks, in week, BCR and customer order */
    sql = (struct sb)SB_INIT;
    a = json_array();
    sb_add(&sql, "SELECT t.week, t.bcr, c.code, c.name,"
                 " CASE WHEN t.call_id IS NULL THEN 0 ELSE 1 END FROM call_tasks t"
                 " JOIN customers c ON c.code = t.customer WHERE t.week >= ? AND t.week <= ?");
    store_report_arg(a, monday);
    store_report_arg(a, p->to);
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, " ORDER BY t.week, t.bcr, c.code");
    q = rc == 0 ? db_query_a(db, e, sb_str(&sql), a) : NULL;
    sb_free(&sql);
    json_decref(a);
    json_t *rows = q ? json_array() : NULL;
    while (q && (rc = dbq_next(q, e)) == 1) {
        const char *code = dbq_text(q, 2);
        const struct ksum *o = code ? store_kmap_find(&m, code) : NULL,
                          *place = code ? store_kmap_find(&at, code) : NULL;
        json_t *c = place ? json_array_get(calls, (size_t)(place->sum - 1)) : NULL;
        json_t *last = json_object_get(c, "last_call_at"),
               *promised = json_object_get(c, "promised_amount_fen");
        struct report_cell cells[] = {
            text_cell(q, 0, "week"),
            text_cell(q, 1, "bcr"),
            text_cell(q, 2, "customer"),
            text_cell(q, 3, "customer_name"),
            {"balance_fen", NULL, o ? o->sum - o->sum4 : 0, true},
            {"overdue_fen", NULL, o ? o->sum2 : 0, true},
            {"due_this_week_fen", NULL, o ? o->sum3 : 0, true},
            {"called", NULL, dbq_int(q, 4), true},
            {"last_call_at", NULL, json_is_integer(last) ? json_integer_value(last) : 0,
             json_is_integer(last)},
            json_cell(c, "outcome"),
            json_cell(c, "promised_pay_date"),
            {"promised_amount_fen", NULL,
             json_is_integer(promised) ? json_integer_value(promised) : 0, true},
        };
        if (store_report_put(p, rows, cells, (int)(sizeof cells / sizeof cells[0]), e) < 0) {
            rc = -1;
            break;
        }
    }
    if (q)
        dbq_end(q);
    store_kmap_free(&m);
    store_kmap_free(&at);
    json_decref(calls);
    if (rc < 0) {
        json_decref(rows);
        return NULL;
    }
    if (p->sink)
        p->sink->streamed = true;
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

/* The live allocations settled after the first month end, per invoice: each invoice's
   (month of the settle date: its place j in the month ends, nm after the last; sum) pairs in
   a list through `next` (0: the end), its head + 1 in the invoice's ksum.sum. */
struct dso_set {
    int j;
    int64_t sum;
    size_t next;
};

struct dso_settled {
    struct kmap inv;
    struct dso_set *v;
    size_t n, cap;
    struct dso_month *m;
    int nm;
    const struct scope_table *scope; /* the customers whose invoices count */
    char last_month[8];              /* the month of the previous row's settle date and its place */
    int last_j;
};

/* One live allocation (invoice, settle date, amount) settled after the first month end. */
static void dso_allocation(void *vx, struct dbq *q)
{
    struct dso_settled *x = vx;
    const char *inv = dbq_text(q, 0), *set = dbq_text(q, 1);
    if (!inv || !set)
        return;
    int j;
    if (strcmp(set, x->m[x->nm - 1].end) > 0) {
        j = x->nm; /* after the last month end: '9999-99' */
    } else if (x->last_j >= 0 && strncmp(set, x->last_month, 7) == 0) {
        j = x->last_j;
    } else {
        for (j = 0; j < x->nm && strncmp(set, x->m[j].month, 7) != 0; j++)
            ;
        memcpy(x->last_month, set, 7);
        x->last_month[7] = 0;
        x->last_j = j;
    }
    struct ksum *f = store_kmap_get(&x->inv, inv);
    size_t at = (size_t)f->sum;
    while (at && x->v[at - 1].j != j)
        at = x->v[at - 1].next;
    if (!at) {
        if (x->n == x->cap) {
            x->cap = x->cap ? x->cap * 2 : 4096;
            struct dso_set *g = xcalloc(x->cap, sizeof *g);
            if (x->n)
                memcpy(g, x->v, x->n * sizeof *g);
            free(x->v);
            x->v = g;
        }
        x->v[x->n] = (struct dso_set){j, 0, (size_t)f->sum};
        f->sum = (int64_t)++x->n;
        at = x->n;
    }
    x->v[at - 1].sum += dbq_int(q, 2);
}

/* What the allocations settled after the first month end add to the month ends' AR and
   overdue (dso_add of rows keyed by invoice month, due date and settle month), summed in C:
   the allocations from one range of the covering index allocations_settle_live, per invoice,
   then the invoices dated by the last month end (not cancelled, of a customer of the scope)
   from one range of the covering index invoices_date_cover. The GROUP BY over a join of each
   allocation to its invoice and customer took about 5 s of CPU for a year at 1,000,000 orders
   (2.7 million allocations). An allocation's month j counts at the month ends k < j dated on
   or after its invoice's month — as dso_add's set > month. */
/* Runs sql with one or two text arguments (arg2 NULL: one), calling each(x, q) on its rows:
   0, or -1 with e. */
static int each_row(struct db *db, struct osb_err *e, const char *sql, const char *arg,
                    const char *arg2, void (*each)(void *x, struct dbq *q), void *x)
{
    json_t *a = json_array();
    store_report_arg(a, arg);
    if (arg2)
        store_report_arg(a, arg2);
    struct dbq *q = db_query_a(db, e, sql, a);
    json_decref(a);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1)
        each(x, q);
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

/* One invoice (number, date, due date, customer) with allocations settled after the first
   month end: what they add to each month end. */
static void dso_invoice(void *vx, struct dbq *q)
{
    struct dso_settled *x = vx;
    const char *number = dbq_text(q, 0), *date = dbq_text(q, 1), *due = dbq_text(q, 2),
               *cust = dbq_text(q, 3);
    const struct ksum *f = number ? store_kmap_find(&x->inv, number) : NULL;
    const char *v0, *v1;
    if (!f || !date || !due || !cust || !store_scope_table_find(x->scope, cust, &v0, &v1))
        return;
    char inv[8];
    memcpy(inv, date, 7);
    inv[7] = 0;
    for (size_t at = (size_t)f->sum; at; at = x->v[at - 1].next) {
        const struct dso_set *v = &x->v[at - 1];
        for (int k = 0; k < x->nm && k < v->j; k++) {
            if (strcmp(inv, x->m[k].month) > 0)
                continue;
            x->m[k].ar += v->sum;
            if (strcmp(due, x->m[k].end) < 0)
                x->m[k].overdue += v->sum;
        }
    }
}

/* Up to this many invoices are looked up one by one (about 3 µs each), more by one range of
   every invoice (1,000,000 index entries at 1,000,000 orders: 0.3–0.4 s). */
#define DSO_LOOKUPS 50000

static int dso_settled(struct db *db, struct osb_err *e, const struct report_params *p,
                       struct dso_month *m, int nm)
{
    struct scope_table s = {0};
    struct dso_settled x = {.m = m, .nm = nm, .last_j = -1, .scope = &s};
    int rc = store_scope_table_read(db, e, p, "NULL, NULL", &s);
    if (rc == 0)
        rc = each_row(db, e,
                      "SELECT al.invoice, al.settle_date, al.amount_fen FROM allocations al"
                      " WHERE al.settle_date > ? AND al.reversed_by IS NULL",
                      m[0].end, NULL, dso_allocation, &x);
    /* their invoices: a few looked up one by one (a month's: 2 days of allocations), many
       from one range of every invoice dated by the last month end */
    if (rc == 0 && x.inv.n > DSO_LOOKUPS)
        rc = each_row(db, e,
                      "SELECT i.number, i.invoice_date, i.due_date, i.customer FROM invoices i"
                      " WHERE i.invoice_date <= ? AND i.state <> 'cancelled'",
                      m[nm - 1].end, NULL, dso_invoice, &x);
    for (size_t i = 0; rc == 0 && x.inv.n <= DSO_LOOKUPS && i < x.inv.n; i++)
        rc = each_row(db, e,
                      "SELECT i.number, i.invoice_date, i.due_date, i.customer FROM invoices i"
                      " WHERE i.number = ? AND i.invoice_date <= ? AND i.state <> 'cancelled'",
                      x.inv.v[i].key, m[nm - 1].end, dso_invoice, &x);
    free(x.v);
    store_kmap_free(&x.inv);
    store_scope_table_free(&s);
    return rc;
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
        enum { DSO_OPEN, DSO_SETTLED, DSO_SETTLED_SCOPED, DSO_SALES, DSO_CREDITS } use;
    } reads[] = {
        /* what is unsettled now, by invoice month and due date: through the partial index
           invoices_unsettled (amount > settled + credited, implied: written_off_fen is a sum
           of write-offs, each > 0), the customer looked up per invoice ("|| ''": not a
           market's customers first and every invoice of their history) */
        {"SELECT " DSO_INV ", sum(i.amount_fen - i.settled_fen - i.credited_fen"
         " - i.written_off_fen) AS s FROM invoices i JOIN customers c ON c.code = i.customer || ''"
         " WHERE i.amount_fen > i.settled_fen + i.credited_fen + i.written_off_fen"
         " AND i.amount_fen > i.settled_fen + i.credited_fen"
         " AND i.invoice_date <= ? AND i.state <> 'cancelled'",
         " GROUP BY 1, 2", "ll", DSO_OPEN},
        /* allocations settled after the first month end, on invoices dated by the last (or
           in C: dso_settled) */
        {"SELECT " DSO_INV ", " DSO_AL ", sum(al.amount_fen) AS s"
         " FROM allocations al JOIN invoices i ON i.number = al.invoice"
         " JOIN customers c ON c.code = i.customer WHERE al.settle_date > ?"
         " AND al.reversed_by IS NULL AND i.invoice_date <= ? AND i.state <> 'cancelled'",
         " GROUP BY 1, 2, 3", "llfl", DSO_SETTLED_SCOPED},
        /* write-offs approved after the first month end: a write-off has no date of its own,
           so it counts from its write_off ledger credit (the day it was approved). Read from
           the write-offs, each one's ledger rows by document ("|| ''": SQLite scanned the
           whole ledger, ~1 s of every month at 1,000,000 orders) */
        {"SELECT " DSO_INV ", " DSO_LG ", sum(w.amount_fen) AS s FROM write_offs w"
         " JOIN ledger lg ON lg.document = w.number || '' AND lg.kind = 'write_off'"
         " JOIN invoices i ON i.number = w.invoice JOIN customers c ON c.code = i.customer || ''"
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
    /* the allocations after the first month end in C (dso_settled) for every customer, or
       for a range of one or two months whatever the scope (a few days of allocations); a
       scope's longer range in SQL, which reads its customers' invoices first */
    bool in_c = nm <= 2 || store_report_whole(p);
    for (size_t r = 0; r < sizeof reads / sizeof reads[0]; r++) {
        if (reads[r].use == DSO_SETTLED_SCOPED && in_c) {
            if (dso_settled(db, e, p, ms, nm) < 0)
                return NULL;
            continue;
        }
        struct sb sql = SB_INIT;
        json_t *a = json_array();
        sb_add(&sql, reads[r].select);
        for (const char *k = reads[r].args; *k; k++)
            store_report_arg(a, *k == 'l' ? last : *k == 'f' ? first : win);
        json_t *rows = store_report_run(db, e, &sql, a, p, "c", reads[r].group);
        if (!rows)
            return NULL;
        if (reads[r].use == DSO_OPEN || reads[r].use == DSO_SETTLED ||
            reads[r].use == DSO_SETTLED_SCOPED)
            dso_add(ms, nm, rows, reads[r].use != DSO_OPEN);
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
