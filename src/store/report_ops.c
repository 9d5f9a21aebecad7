/*
 * report_ops.c (store) — the queries of the operations, master-data and audit reports
 * (store/report.h): stock by batch, batch trace, backorders, the order/shipment check, the
 * replenishment record, incomplete archives, logistics info, the OSB daily status, quota
 * utilisation, internal audit; and the export log.
 */
#include "store/report.h"

#include "core/sb.h"
#include "store/doc.h"
#include "store/quota.h"

#include <stdlib.h>
#include <string.h>

json_t *store_report_stock(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT l.warehouse AS warehouse, l.sku AS sku, l.batch AS batch,"
                 " l.expires AS expires, l.quality AS quality, l.on_hand AS on_hand,"
                 " l.reserved AS reserved, l.on_hand - l.reserved AS available"
                 " FROM stock_lots l WHERE l.on_hand > 0");
    store_filter_eq(&sql, a, "l.sku", p->sku);
    store_filter_eq(&sql, a, "l.batch", p->batch);
    sb_add(&sql, " ORDER BY l.warehouse, l.sku, l.expires, l.batch");
    return store_report_rows(db, e, &sql, a);
}

json_t *store_report_backorders(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT b.number AS number, b.order_no AS \"order\", b.customer AS customer,"
                 " b.sku AS sku, b.qty_open AS qty_open, b.created_at AS created_at,"
                 " b.notified_at AS notified_at, b.state AS state FROM backorders b"
                 " JOIN customers c ON c.code = b.customer WHERE b.state = 'open'");
    store_filter_eq(&sql, a, "b.sku", p->sku);
    if (p->range_given) { /* the open backorders made in the range */
        sb_add(&sql, " AND b.created_at >= ? AND b.created_at < ?");
        json_array_append_new(a, json_integer(p->from_ts));
        json_array_append_new(a, json_integer(p->to_ts));
    }
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY b.created_at, b.number");
    date_t today;
    if (!rows || !date_parse(p->as_of, &today))
        return rows;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        date_t made = ts_to_date(json_integer_value(json_object_get(r, "created_at")), p->tz_min);
        json_object_set_new(r, "age_days", json_integer((json_int_t)today - made));
    }
    return rows;
}

/* A shipment line of an order of the range (replenishment_record): its shipment's number
   and its SKU (places in ships.text; the SKU's SIZE_MAX: a shipment without lines), whether
   dispatched, the quantity shipped; next: the order's previous one (+1; 0: none). */
struct ship_row {
    size_t ship, sku;
    int64_t qty;
    bool dispatched;
    size_t next;
};

struct ships {
    struct kmap orders; /* order number → sum: its last ship_row + 1 */
    struct sb text;     /* the rows' numbers and SKUs, each ending in '\0' */
    struct ship_row *r;
    size_t n, cap;
    struct ksum *last; /* the last row's order (its rows come one after another) */
};

static size_t text_add(struct sb *t, const char *s)
{
    size_t at = t->len;
    sb_addn(t, s, strlen(s) + 1);
    return at;
}

static void ship_row(struct ships *x, struct dbq *q)
{
    /* order_no, number, dispatched (1/0), sku, qty_shipped */
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 4096;
        x->r = xrealloc(x->r, x->cap * sizeof *x->r);
    }
    const char *ord = dbq_text(q, 0), *ship = dbq_text(q, 1), *sku = dbq_text(q, 3);
    if (!x->last || strcmp(x->last->key, ord) != 0)
        x->last = store_kmap_get(&x->orders, ord);
    x->r[x->n] =
        (struct ship_row){text_add(&x->text, ship), sku ? text_add(&x->text, sku) : SIZE_MAX,
                          dbq_int(q, 4), dbq_int(q, 2) != 0, (size_t)x->last->sum};
    x->last->sum = (int64_t)++x->n;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The order's shipment numbers in number order, "FH… FH…" ("" for none), into out. */
static void ship_list(const struct ships *x, size_t head, struct sb *out)
{
    const char *one[16], **all = one;
    size_t n = 0, cap = 16;
    for (size_t i = head; i; i = x->r[i - 1].next) {
        const char *s = x->text.buf + x->r[i - 1].ship;
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcmp(all[k], s) == 0;
        if (dup)
            continue;
        if (n == cap) {
            const char **g = xcalloc(cap * 2, sizeof *g);
            memcpy(g, all, n * sizeof *g);
            if (all != one)
                free(all);
            all = g;
            cap *= 2;
        }
        all[n++] = s;
    }
    qsort(all, n, sizeof *all, str_cmp);
    sb_reset(out);
    for (size_t k = 0; k < n; k++)
        sb_addf(out, "%s%s", k ? " " : "", all[k]);
    if (all != one)
        free(all);
}

/* Column i of q as a cell named name, as dbq_object makes it (text it refuses: null). */
static struct report_cell cell_of(struct dbq *q, int i, const char *name)
{
    switch (dbq_kind(q, i)) {
    case DBQ_INT:
        return (struct report_cell){name, NULL, dbq_int(q, i), true};
    case DBQ_TEXT:
        return (struct report_cell){name, dbq_text(q, i), 0, false};
    default:
        return (struct report_cell){name, NULL, 0, false};
    }
}

/* A shipment's move of batch_trace: its texts (places in trace.text), its customer's market
   and region (the scope table's). */
struct trace_row {
    size_t batch, sku, wh, cust, order, doc;
    const char *market, *region;
    int64_t qty, at, id;
};

struct trace {
    struct sb text;
    struct trace_row *r;
    size_t n, cap;
};

/* By batch, SKU, time, id: the report's order (byte order, as SQLite's BINARY and
   PostgreSQL's "C" collation sort text). */
static int trace_cmp(const void *a, const void *b, void *arg)
{
    const struct trace_row *x = a, *y = b;
    const char *t = arg;
    int c = strcmp(t + x->batch, t + y->batch);
    if (c == 0)
        c = strcmp(t + x->sku, t + y->sku);
    if (c == 0)
        c = (x->at > y->at) - (x->at < y->at);
    if (c == 0)
        c = (x->id > y->id) - (x->id < y->id);
    return c;
}

/* The shipments' moves of the range, by batch. The customers of the scope and filters are
   read first (their market and region); the moves are read in the table's order with their
   shipment's order and customer, those of a customer of the scope kept in C, then sorted in C
   and written as rows (store_report_put: to the streaming writer). Joined to the customers
   row and sorted by SQL, a year at 1,000,000 orders (660,000 moves) cost 5 s of CPU: an index
   and a table look-up per move for the customer, and SQLite's sorter over every move of the
   company before a market's were kept (bench/README.md, twelfth pass). */
json_t *store_report_batch_trace(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct scope_table scope = {0};
    if (store_scope_table_read(db, e, p, "c.market, c.region", &scope) < 0) {
        store_scope_table_free(&scope);
        return NULL;
    }
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT m.batch, m.sku, m.warehouse, o.customer, sh.order_no, m.document,"
                 " m.qty, m.at, m.id FROM stock_moves m"
                 " JOIN shipments sh ON sh.number = m.document"
                 " JOIN orders o ON o.number = sh.order_no WHERE m.kind = 'ship'");
    store_filter_eq(&sql, a, "m.sku", p->sku);
    store_filter_eq(&sql, a, "m.batch", p->batch);
    if (p->range_given) { /* the shipments of the range */
        sb_add(&sql, " AND m.at >= ? AND m.at < ?");
        json_array_append_new(a, json_integer(p->from_ts));
        json_array_append_new(a, json_integer(p->to_ts));
    }
    struct dbq *q = store_report_query(db, e, &sql, a);
    struct trace x = {.text = SB_INIT};
    int rc = q ? 0 : -1;
    while (rc == 0 && (rc = dbq_next(q, e)) == 1) {
        const char *market, *region, *cust = dbq_text(q, 3);
        rc = 0;
        if (!cust || !store_scope_table_find(&scope, cust, &market, &region))
            continue;
        if (x.n == x.cap) {
            x.cap = x.cap ? x.cap * 2 : 4096;
            x.r = xrealloc(x.r, x.cap * sizeof *x.r);
        }
        /* the columns are NOT NULL (a STRICT table's text and integers; the joins keep moves
           of a shipment only) */
        const char *b = dbq_text(q, 0), *k = dbq_text(q, 1), *w = dbq_text(q, 2);
        const char *o = dbq_text(q, 4), *d = dbq_text(q, 5);
        x.r[x.n++] = (struct trace_row){text_add(&x.text, b ? b : ""),
                                        text_add(&x.text, k ? k : ""),
                                        text_add(&x.text, w ? w : ""),
                                        text_add(&x.text, cust),
                                        text_add(&x.text, o ? o : ""),
                                        text_add(&x.text, d ? d : ""),
                                        market,
                                        region,
                                        dbq_int(q, 6),
                                        dbq_int(q, 7),
                                        dbq_int(q, 8)};
    }
    if (q)
        dbq_end(q);
    json_t *rows = NULL;
    if (rc == 0) {
        rows = json_array();
        if (x.n)
            qsort_r(x.r, x.n, sizeof *x.r, trace_cmp, x.text.buf);
        const char *t = x.text.buf;
        for (size_t i = 0; i < x.n && rc == 0; i++) {
            const struct trace_row *m = &x.r[i];
            struct report_cell r[] = {
                {"batch", t + m->batch, 0, false},  {"sku", t + m->sku, 0, false},
                {"warehouse", t + m->wh, 0, false}, {"customer", t + m->cust, 0, false},
                {"market", m->market, 0, false},    {"region", m->region, 0, false},
                {"order", t + m->order, 0, false},  {"shipment", t + m->doc, 0, false},
                {"qty", NULL, m->qty, true},        {"shipped_at", NULL, m->at, true}};
            rc = store_report_put(p, rows, r, (int)(sizeof r / sizeof r[0]), e);
        }
        if (rc < 0) {
            json_decref(rows);
            rows = NULL;
        } else if (p->sink) {
            p->sink->streamed = true;
        }
    }
    sb_free(&x.text);
    free(x.r);
    store_scope_table_free(&scope);
    return rows;
}

/* The orders of the range that cond keeps (head: the columns; join: more tables), then tail.
   The caller keeps those of a customer of its scope in C (struct scope_table, with each
   one's region). Over the whole company no customer is joined: the join searched customers'
   code index, and for the region read its row, twice per order of a year at 1,000,000
   orders (a sixth of order_shipment_check's CPU). A scope or a filter joins them to drop the
   other orders before their lines and shipments are read — read by the range of
   orders_receipt_day unless one customer is asked for: without "|| ''" SQLite took a
   market's customers first and read every order of their history through orders_customer
   (a month of one market at 1,000,000 orders: 125,000 orders read, each a page read, to keep
   3,000). */
static struct dbq *orders_query(struct db *db, struct osb_err *e, const struct report_params *p,
                                const char *cond, const char *head, const char *join,
                                const char *tail)
{
    bool whole = store_report_whole(p);
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_addf(&sql,
            "%s FROM orders o %s%s%s WHERE o.op_receipt_day >= ? AND o.op_receipt_day <= ?"
            " AND %s",
            head, join, whole ? "" : " JOIN customers c ON c.code = o.customer",
            whole || p->customer ? "" : " || ''", cond);
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    if (!whole)
        store_report_where(&sql, a, p, "c");
    sb_add(&sql, tail);
    return store_report_query(db, e, &sql, a);
}

/* What the lines of a report over order lines have besides their own columns: what the
   order's dispatched shipments shipped of the line's SKU, the order's shipment numbers
   ("FH… FH…"), the line's backorders' open and cancelled quantities. */
struct line_extra {
    int64_t shipped, open, cancelled;
    const char *list;
    const char *region; /* the customer's (or NULL) */
};

/* One row of a report over order lines: the line's columns (q) and x. 0, or -1 with e. */
typedef int (*order_line_fn)(const struct report_params *p, json_t *rows, struct dbq *q,
                             const struct line_extra *x, struct osb_err *e);

/* The key of an order's line in the backorders' map: "number\tline". */
static const char *line_key(char *buf, size_t size, const char *ord, int64_t line)
{
    size_t n = strlen(ord);
    char digits[24];
    size_t d = 0;
    uint64_t v = line < 0 ? (uint64_t)0 - (uint64_t)line : (uint64_t)line;
    do
        digits[d++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (n + d + 3 > size)
        return NULL;
    memcpy(buf, ord, n);
    buf[n++] = '\t';
    if (line < 0)
        buf[n++] = '-';
    while (d)
        buf[n++] = digits[--d];
    buf[n] = 0;
    return buf;
}

/* The backorders of the range's orders, summed per order line into m (sum: open, sum2:
   cancelled). Read from the backorders' side: two correlated subqueries per line (open,
   cancelled) probed backorders_order 1,330,000 times for a year at 1,000,000 orders, most of
   order_shipment_check's CPU beyond replenishment_record's (bench/README.md). Only the lines
   a report keeps are looked up, so the orders' scope and condition are not needed here. */
static int backorder_sums(struct db *db, struct osb_err *e, const struct report_params *p,
                          struct kmap *m)
{
    json_t *a = json_array();
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    struct dbq *q = db_query_a(db, e,
                               "SELECT b.order_no, b.line_no, b.qty_open, b.qty_cancelled"
                               " FROM backorders b CROSS JOIN orders o WHERE o.number = b.order_no"
                               " AND o.op_receipt_day >= ? AND o.op_receipt_day <= ?",
                               a);
    json_decref(a);
    if (!q)
        return -1;
    int rc;
    char key[160];
    while ((rc = dbq_next(q, e)) == 1) {
        const char *ord = dbq_text(q, 0);
        const char *k = ord ? line_key(key, sizeof key, ord, dbq_int(q, 1)) : NULL;
        if (!k)
            continue;
        struct ksum *s = store_kmap_get(m, k);
        s->sum += dbq_int(q, 2);
        s->sum2 += dbq_int(q, 3);
    }
    dbq_end(q);
    return rc;
}

/* Forgets x's shipment rows (a new day: its orders' shipments are read next). */
static void ships_reset(struct ships *x)
{
    store_kmap_free(&x->orders);
    x->orders = (struct kmap){0};
    sb_reset(&x->text);
    x->n = 0;
    x->last = NULL;
}

/* Reads into x the shipment rows of the orders of day (sq's rows come in day order; *pending:
   its current row is read and not used yet), skipping those of earlier days and of customers
   outside scope. 0, or -1 with e. */
static int ships_of_day(struct dbq *sq, bool *pending, const char *day,
                        const struct scope_table *scope, struct ships *x, struct osb_err *e)
{
    const char *v0, *v1;
    for (;;) {
        if (!*pending) {
            int rc = dbq_next(sq, e);
            if (rc <= 0)
                return rc;
            *pending = true;
        }
        const char *d = dbq_text(sq, 6), *cust = dbq_text(sq, 5);
        int c = strcmp(d ? d : "", day);
        if (c > 0)
            return 0; /* a later day's: kept */
        *pending = false;
        if (c == 0 && cust && store_scope_table_find(scope, cust, &v0, &v1))
            ship_row(x, sq);
    }
}

/* The rows of a report over the lines of the range's orders that cond keeps, by receipt day,
   order, line: cols are the line's columns (the order's number first, its SKU at sku_col,
   its line number at line_col, its customer at cust_col, its receipt day at day_col; list:
   whether the rows show the order's shipments). The customers of the scope are read first
   (their regions); the shipment lines of each day's orders into a hash per order as the
   lines reach that day (both queries run by receipt day: a year's 333,000 orders in one map
   were a cache miss per look-up, 8 % of order_shipment_check's CPU at 1,000,000 orders); each
   order's list and shipped sums are made in C from it, and the rows go to the streaming
   writer as they are read (store_report_put). Per line, subqueries over the order's
   shipments (a sum, and the list with a sort) read the order's shipments again for each of
   its lines: at 1,000,000 orders a year's 665,000 lines cost replenishment_record 3.9–5 s
   and order_shipment_check (a tree of them) 7 s of CPU (bench/README.md). */
static json_t *order_line_rows(struct db *db, struct osb_err *e, const struct report_params *p,
                               const char *cond, const char *cols, int sku_col, int line_col,
                               int cust_col, int day_col, bool with_list, order_line_fn put)
{
    struct ships x = {.text = SB_INIT};
    struct kmap bo = {0};
    struct scope_table scope = {0};
    const char *region, *none;
    struct dbq *q = NULL, *sq = NULL;
    bool pending = false;
    int rc = store_scope_table_read(db, e, p, "c.region, NULL", &scope);
    if (rc == 0) {
        sq = orders_query(db, e, p, cond,
                          "SELECT sh.order_no, sh.number,"
                          " CASE WHEN sh.dispatched_at IS NOT NULL THEN 1 ELSE 0 END, sl.sku,"
                          " coalesce(sl.qty_shipped, 0), o.customer, o.op_receipt_day",
                          "JOIN shipments sh ON sh.order_no = o.number"
                          " LEFT JOIN shipment_lines sl ON sl.shipment = sh.number",
                          " ORDER BY o.op_receipt_day");
        rc = sq ? 0 : -1;
    }
    json_t *rows = NULL;
    if (rc == 0)
        rc = backorder_sums(db, e, p, &bo);
    if (rc == 0)
        q = orders_query(db, e, p, cond, cols, "JOIN order_lines l ON l.order_no = o.number",
                         " ORDER BY o.op_receipt_day, o.number, l.line_no");
    if (rc == 0 && q) {
        rows = json_array();
        struct sb list = SB_INIT, last = SB_INIT, day = SB_INIT;
        size_t head = 0;
        bool day_read = false;
        while ((rc = dbq_next(q, e)) == 1) {
            const char *cust = dbq_text(q, cust_col);
            if (!cust || !store_scope_table_find(&scope, cust, &region, &none))
                continue; /* not a customer of the scope */
            const char *ord = dbq_text(q, 0), *sku = dbq_text(q, sku_col);
            const char *d = dbq_text(q, day_col);
            if (!day_read || strcmp(d ? d : "", sb_str(&day)) != 0) {
                /* a new day: its orders' shipments (a day's, not a year's, in the map) */
                ships_reset(&x);
                sb_reset(&day);
                sb_add(&day, d ? d : "");
                day_read = true;
                sb_reset(&last);
                if ((rc = ships_of_day(sq, &pending, sb_str(&day), &scope, &x, e)) < 0)
                    break;
            }
            if (!ord || strcmp(ord, sb_str(&last)) != 0 || !last.len) {
                const struct ksum *o = ord ? store_kmap_find(&x.orders, ord) : NULL;
                head = o ? (size_t)o->sum : 0;
                if (with_list)
                    ship_list(&x, head, &list);
                sb_reset(&last);
                sb_add(&last, ord ? ord : "");
            }
            struct line_extra ex = {0, 0, 0, sb_str(&list), region};
            for (size_t i = head; i && sku; i = x.r[i - 1].next)
                if (x.r[i - 1].dispatched && x.r[i - 1].sku != SIZE_MAX &&
                    strcmp(x.text.buf + x.r[i - 1].sku, sku) == 0)
                    ex.shipped += x.r[i - 1].qty;
            char key[160];
            const char *k =
                bo.n && ord ? line_key(key, sizeof key, ord, dbq_int(q, line_col)) : NULL;
            const struct ksum *b = k ? store_kmap_find(&bo, k) : NULL;
            if (b) {
                ex.open = b->sum;
                ex.cancelled = b->sum2;
            }
            if ((rc = put(p, rows, q, &ex, e)) < 0)
                break;
        }
        dbq_end(q);
        sb_free(&list);
        sb_free(&last);
        sb_free(&day);
        if (rc < 0) {
            json_decref(rows);
            rows = NULL;
        } else if (p->sink) {
            p->sink->streamed = true;
        }
    }
    if (sq)
        dbq_end(sq);
    store_kmap_free(&x.orders);
    store_kmap_free(&bo);
    store_scope_table_free(&scope);
    sb_free(&x.text);
    free(x.r);
    return rows;
}

static int check_line(const struct report_params *p, json_t *rows, struct dbq *q,
                      const struct line_extra *x, struct osb_err *e)
{
    /* difference = ordered − shipped − backordered − cancelled (a null as 0) */
    int64_t diff = dbq_int(q, 4) - x->shipped - x->open - x->cancelled;
    struct report_cell r[] = {cell_of(q, 0, "order"),
                              cell_of(q, 1, "receipt_day"),
                              cell_of(q, 2, "customer"),
                              {"region", x->region, 0, false},
                              cell_of(q, 3, "sku"),
                              cell_of(q, 4, "ordered"),
                              {"shipped", NULL, x->shipped, true},
                              {"backordered", NULL, x->open, true},
                              {"cancelled", NULL, x->cancelled, true},
                              {"difference", NULL, diff, true}};
    return store_report_put(p, rows, r, (int)(sizeof r / sizeof r[0]), e);
}

json_t *store_report_order_check(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* the released orders' lines: ordered (less cut), shipped, open and cancelled backorders */
    return order_line_rows(
        db, e, p, "o.released_at IS NOT NULL",
        "SELECT o.number, o.op_receipt_day, o.customer, l.sku, l.qty - l.qty_cut, l.line_no", 3, 5,
        2, 1, false, check_line);
}

static int replenishment_line(const struct report_params *p, json_t *rows, struct dbq *q,
                              const struct line_extra *x, struct osb_err *e)
{
    struct report_cell r[] = {cell_of(q, 0, "order"),
                              cell_of(q, 1, "customer"),
                              cell_of(q, 2, "receipt_day"),
                              cell_of(q, 3, "sku"),
                              cell_of(q, 4, "ordered"),
                              cell_of(q, 5, "cut"),
                              {"shipped", NULL, x->shipped, true},
                              {"backordered", NULL, x->open, true},
                              {"shipments", x->list, 0, false}};
    return store_report_put(p, rows, r, (int)(sizeof r / sizeof r[0]), e);
}

json_t *store_report_replenishment(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* the placed orders' lines: ordered, cut, shipped, open backorders, the shipments */
    return order_line_rows(
        db, e, p, "o.state NOT IN ('draft', 'cancelled')",
        "SELECT o.number, o.customer, o.op_receipt_day, l.sku, l.qty, l.qty_cut, l.line_no", 3, 6,
        1, 2, true, replenishment_line);
}

json_t *store_report_logistics(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT c.code AS customer, c.name AS customer_name, c.market AS market,"
                 " c.region AS region, c.consignee AS consignee,"
                 " c.consignee_phone AS consignee_phone,"
                 " c.consignment_station AS consignment_station, c.carrier AS carrier,"
                 " c.delivery_address AS delivery_address, c.arrival_address AS arrival_address,"
                 " c.transit_days AS transit_days, c.route AS route,"
                 " c.last_confirmed_on AS last_confirmed_on"
                 " FROM customers c WHERE c.status <> 'closed'");
    return store_report_stream(db, e, &sql, a, p, "c", " ORDER BY c.market, c.region, c.code");
}

json_t *store_report_daily_status(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* open work only: orders before the warehouse has them, shipments not yet delivered,
       open backorders, problem-log entries not resolved. The states are listed (not "NOT IN
       the final ones") so that the state indexes read only the open rows, not the history. */
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT 'orders' AS area, o.state AS state, count(*) AS count,"
                 " min(o.updated_at) AS oldest_since, 1 AS k FROM orders o"
                 " JOIN customers c ON c.code = o.customer WHERE o.state IN ('draft',"
                 " 'verified', 'submitted', 'accepted', 'needs_fix', 'pending_approval',"
                 " 'prepay_required', 'st_pending', 'approved', 'billed')");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, " GROUP BY o.state UNION ALL SELECT 'shipments', sh.state, count(*),"
                 " min(sh.released_at), 2 FROM shipments sh JOIN orders o ON o.number = sh.order_no"
                 " JOIN customers c ON c.code = o.customer"
                 " WHERE sh.state IN ('new', 'received', 'picked', 'checked', 'booked',"
                 " 'dispatched')");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, " GROUP BY sh.state UNION ALL SELECT 'backorders', b.state, count(*),"
                 " min(b.created_at), 3 FROM backorders b JOIN customers c ON c.code = b.customer"
                 " WHERE b.state = 'open'");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, " GROUP BY b.state UNION ALL SELECT 'osb_issues', w.state, count(*),"
                 " min(w.opened_at), 4 FROM osb_issues w LEFT JOIN customers c"
                 " ON c.code = w.customer WHERE w.state <> 'resolved' AND (");
    /* an entry of no customer is the market's: not one customer's (customer=) */
    sb_add(&sql, p->customer ? "0 = 1" : "w.customer IS NULL");
    sb_add(&sql, " OR c.code IS NOT NULL");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, ")");
    store_filter_eq(&sql, a, "w.market", p->market);
    sb_add(&sql, " GROUP BY w.state ORDER BY 5, 2");
    json_t *rows = store_report_rows(db, e, &sql, a);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_object_del(r, "k");
    return rows;
}

/* The quota rows of the months the range touches (period, when given, names one), of a market
   or region: its region rows and the rows of its customers (api.md §5.8's common parameters).
   Region rows before customer rows, on both databases (their NULLs sort apart). */
json_t *store_report_quota(struct db *db, struct osb_err *e, const struct report_params *p)
{
    char lo[8], hi[8];
    memcpy(lo, p->period ? p->period : p->from, 7);
    lo[7] = 0;
    memcpy(hi, p->period ? p->period : p->to, 7);
    hi[7] = 0;
    struct sb cond = SB_INIT;
    json_t *a = json_array();
    sb_add(&cond, "q.period >= ? AND q.period <= ?");
    store_report_arg(a, lo);
    store_report_arg(a, hi);
    store_filter_eq(&cond, a, "q.sku", p->sku);
    store_filter_eq(&cond, a, "q.customer", p->customer);
    if (p->region) {
        sb_add(&cond, " AND (q.region = ? OR q.customer IN"
                      " (SELECT k.code FROM customers k WHERE k.region = ?))");
        store_report_arg(a, p->region);
        store_report_arg(a, p->region);
    }
    if (p->market) {
        sb_add(&cond, " AND (q.region IN (SELECT g.code FROM regions g WHERE g.market = ?)"
                      " OR q.customer IN (SELECT k.code FROM customers k WHERE k.market = ?))");
        store_report_arg(a, p->market);
        store_report_arg(a, p->market);
    }
    json_t *rows = store_quota_rows(
        db, e, p->u, sb_str(&cond), a, NULL,
        "q.period, q.sku, q.region IS NULL, coalesce(q.region, ''), coalesce(q.customer, '')", 0);
    sb_free(&cond);
    json_decref(a);
    return rows;
}

/* The §4.5 internal-audit categories of an audit row (action, object type). */
static const char *audit_category(const char *action, const char *object, bool proxy)
{
    static const struct {
        const char *action, *object, *category;
    } map[] = {
        {"st-vote", NULL, "st_orders"},
        {"request-st", NULL, "st_orders"},
        {NULL, "quota_approval", "over_quota"},
        {"login_failed", NULL, "failed_logins"},
        {"export", NULL, "exports"},
        {NULL, "write_off", "write_offs"},
        {"reverse", NULL, "allocation_reversals"},
        {"reallocate", NULL, "allocation_reversals"},
        {"credit_hold", NULL, "limit_changes"},
    };
    if (proxy)
        return "proxy_signatures";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if ((!map[i].action || strcmp(map[i].action, action) == 0) &&
            (!map[i].object || strcmp(map[i].object, object) == 0))
            return map[i].category;
    if (strcmp(object, "customer") == 0 && strcmp(action, "update") == 0)
        return "master_data";
    return "other";
}

json_t *store_report_audit(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT action, object_type,"
                 " CASE WHEN on_behalf_of IS NULL THEN 0 ELSE 1 END AS proxy,"
                 " count(*) AS count FROM audit WHERE at >= ? AND at < ?"
                 " GROUP BY action, object_type, CASE WHEN on_behalf_of IS NULL THEN 0 ELSE 1 END"
                 " ORDER BY action, object_type");
    json_array_append_new(a, json_integer(p->from_ts));
    json_array_append_new(a, json_integer(p->to_ts));
    json_t *rows = store_report_rows(db, e, &sql, a);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *cat = audit_category(json_string_value(json_object_get(r, "action")),
                                         json_string_value(json_object_get(r, "object_type")),
                                         json_integer_value(json_object_get(r, "proxy")) != 0);
        json_object_set_new(r, "category", json_string(cat));
    }
    return rows;
}

int store_report_export_log(struct db *db, struct osb_err *e, const char *number,
                            const char *username, ts_t at, const char *report, json_t *filters,
                            int64_t rows, const char *format, int customer_list,
                            const char *watermark)
{
    return db_exec(db, e,
                   "INSERT INTO report_exports(number, username, at, report, filters, rows,"
                   " format, customer_list, watermark) VALUES(?,?,?,?,?,?,?,?,?)",
                   "ssisjisis", number, username, at, report, filters, rows, format,
                   (int64_t)customer_list, watermark) < 0
               ? -1
               : 0;
}

int store_report_exports_since(struct db *db, struct osb_err *e, const char *username,
                               ts_t since_ts, int64_t *count)
{
    return db_int(db, e, count,
                  "SELECT count(*) FROM report_exports WHERE username = ? AND at >= ?"
                  " AND customer_list = 1",
                  "si", username, since_ts) < 0
               ? -1
               : 0;
}

int store_report_approval_insert(struct db *db, struct osb_err *e, const char *username,
                                 const char *report, const char *note, const char *by, ts_t at,
                                 int64_t *id)
{
    if (db_exec(db, e,
                "INSERT INTO export_approvals(username, report, note, approved_by, created_at)"
                " VALUES(?,?,?,?,?)",
                "ssssi", username, report, note, by, at) < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

int store_report_approval_take(struct db *db, struct osb_err *e, const char *username,
                               const char *report, const char *export_number)
{
    int n = db_exec(db, e,
                    "UPDATE export_approvals SET used_by = ? WHERE id = (SELECT min(id) FROM"
                    " export_approvals WHERE username = ? AND report = ? AND used_by IS NULL)",
                    "sss", export_number, username, report);
    return n < 0 ? -1 : n > 0;
}

int store_report_user_exists(struct db *db, struct osb_err *e, const char *username)
{
    int64_t n = 0;
    return db_int(db, e, &n, "SELECT count(*) FROM users WHERE username = ? AND active = 1", "s",
                  username) < 0
               ? -1
               : n > 0;
}
