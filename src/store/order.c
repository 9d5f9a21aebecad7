/*
 * order.c (store) — SQL of the order aggregate (store/order.h).
 */
#include "store/order.h"

#include "core/field.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cp(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}
static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

#define ORDER_COLS                                                                                 \
    "o.number, o.customer, o.state, o.market, o.region, o.kam, o.um, o.mm, o.csr, o.scr,"          \
    " o.bcr, o.warehouse, o.created_by, o.total_fen, o.stated_total_fen, o.earmark_fen,"           \
    " o.approved_shortfall_fen, o.loose_units_approved, o.accepted_at, o.version,"                 \
    " o.created_at, o.delivery_note, o.requested_date, o.qc, o.credit_check, o.quota_check,"       \
    " o.warnings, o.submitted_at, o.pending_approval_at, o.approved_at, o.billed_at,"              \
    " o.released_at, o.op_started_at, o.op_stopped_at, o.op_receipt_day, o.op_paused,"             \
    " CASE WHEN EXISTS (SELECT 1 FROM order_events v WHERE v.order_no = o.number"                  \
    "  AND v.action = 'verify') THEN 1 ELSE 0 END,"                                                \
    " CASE WHEN EXISTS (SELECT 1 FROM order_events v WHERE v.order_no = o.number"                  \
    "  AND v.action = 'approve-market') THEN 1 ELSE 0 END,"                                        \
    " CASE WHEN EXISTS (SELECT 1 FROM earmarks em WHERE em.order_no = o.number"                    \
    "  AND em.released_at IS NULL AND em.consumed_by IS NULL) THEN 1 ELSE 0 END,"                  \
    " o.source, o.supersedes, o.contract, o.note, o.updated_at"
#define ORDER_NCOLS 44

#define CUSTOMER_COLS                                                                              \
    "c.code, c.name, c.market, c.region, c.kam, c.rep, c.csr, c.status,"                           \
    " m.slt_supervisor, k.manager, c.prepay_only, c.credit_hold, coalesce(k.active, 0),"           \
    " c.credit_limit_fen, c.payment_term_days, c.consignee, c.consignee_phone,"                    \
    " c.consignment_station, coalesce(c.delivery_address, c.address), c.arrival_address"
#define CUSTOMER_FROM                                                                              \
    " customers c JOIN markets m ON m.code = c.market LEFT JOIN users k ON k.username = c.kam"

/* A text column as a JSON string, null when NULL (or not UTF-8, as dbq_object has it). */
static json_t *text_col(struct dbq *q, int i)
{
    json_t *v = dbq_null(q, i) ? NULL : json_string(dbq_text(q, i));
    return v ? v : json_null();
}

static json_t *jcol(struct dbq *q, int i)
{
    return dbq_null(q, i) ? NULL : json_loads(dbq_text(q, i), JSON_DECODE_ANY, NULL);
}

static void read_order(struct dbq *q, struct order *o)
{
    cp(o->number, sizeof o->number, dbq_text(q, 0));
    cp(o->customer, sizeof o->customer, dbq_text(q, 1));
    o->state = order_state_parse(dbq_text(q, 2));
    cp(o->market, sizeof o->market, dbq_text(q, 3));
    cp(o->region, sizeof o->region, dbq_text(q, 4));
    cp(o->kam, sizeof o->kam, dbq_text(q, 5));
    cp(o->um, sizeof o->um, dbq_text(q, 6));
    cp(o->mm, sizeof o->mm, dbq_text(q, 7));
    cp(o->csr, sizeof o->csr, dbq_text(q, 8));
    cp(o->scr, sizeof o->scr, dbq_text(q, 9));
    cp(o->bcr, sizeof o->bcr, dbq_text(q, 10));
    cp(o->warehouse, sizeof o->warehouse, dbq_text(q, 11));
    cp(o->created_by, sizeof o->created_by, dbq_text(q, 12));
    o->total_fen = dbq_int(q, 13);
    o->has_stated_total = !dbq_null(q, 14);
    o->stated_total_fen = dbq_int(q, 14);
    o->earmark_fen = dbq_int(q, 15);
    o->approved_shortfall_fen = dbq_int(q, 16);
    o->loose_units_approved = dbq_int(q, 17) != 0;
    o->accepted_at = dbq_int(q, 18);
    o->version = dbq_int(q, 19);
    o->created_at = dbq_int(q, 20);
    cp(o->delivery_note, sizeof o->delivery_note, dbq_text(q, 21));
    cp(o->requested_date, sizeof o->requested_date, dbq_text(q, 22));
    o->qc = jcol(q, 23);
    o->credit_check = jcol(q, 24);
    o->quota_check = jcol(q, 25);
    o->warnings = jcol(q, 26);
    o->submitted_at = dbq_int(q, 27);
    o->pending_approval_at = dbq_int(q, 28);
    o->approved_at = dbq_int(q, 29);
    o->billed_at = dbq_int(q, 30);
    o->released_at = dbq_int(q, 31);
    o->op_started_at = dbq_int(q, 32);
    o->op_stopped_at = dbq_int(q, 33);
    cp(o->op_receipt_day, sizeof o->op_receipt_day, dbq_text(q, 34));
    o->op_paused = dbq_int(q, 35) != 0;
    o->has_verify = dbq_int(q, 36) != 0;
    o->has_market_approval = dbq_int(q, 37) != 0;
    o->has_earmark = dbq_int(q, 38) != 0;
    cp(o->source, sizeof o->source, dbq_text(q, 39));
    cp(o->supersedes, sizeof o->supersedes, dbq_text(q, 40));
    cp(o->contract, sizeof o->contract, dbq_text(q, 41));
    o->note = dbq_null(q, 42) ? NULL : strdup(dbq_text(q, 42));
    o->updated_at = dbq_int(q, 43);
}

static void read_customer(struct dbq *q, int k, struct order_customer *c)
{
    cp(c->code, sizeof c->code, dbq_text(q, k + 0));
    cp(c->name, sizeof c->name, dbq_text(q, k + 1));
    cp(c->market, sizeof c->market, dbq_text(q, k + 2));
    cp(c->region, sizeof c->region, dbq_text(q, k + 3));
    cp(c->kam, sizeof c->kam, dbq_text(q, k + 4));
    cp(c->rep, sizeof c->rep, dbq_text(q, k + 5));
    cp(c->csr, sizeof c->csr, dbq_text(q, k + 6));
    cp(c->status, sizeof c->status, dbq_text(q, k + 7));
    cp(c->supervisor, sizeof c->supervisor, dbq_text(q, k + 8));
    cp(c->kam_manager, sizeof c->kam_manager, dbq_text(q, k + 9));
    c->prepay_only = dbq_int(q, k + 10) != 0;
    c->credit_hold = dbq_int(q, k + 11) != 0;
    c->kam_active = dbq_int(q, k + 12) != 0;
    c->credit_limit_fen = dbq_int(q, k + 13);
    c->payment_term_days = (int)dbq_int(q, k + 14);
    cp(c->consignee, sizeof c->consignee, dbq_text(q, k + 15));
    cp(c->consignee_phone, sizeof c->consignee_phone, dbq_text(q, k + 16));
    cp(c->station, sizeof c->station, dbq_text(q, k + 17));
    cp(c->address, sizeof c->address, dbq_text(q, k + 18));
    cp(c->arrival, sizeof c->arrival, dbq_text(q, k + 19));
}

static void copy_line(struct order_line *to, const struct order_line *from)
{
    *to = *from;
    to->cut_reasons = from->cut_reasons ? json_deep_copy(from->cut_reasons) : NULL;
}

static json_t *copy(json_t *v)
{
    return v ? json_deep_copy(v) : NULL;
}

/* The loaded copy store_order_save compares with (deep: the flow may change a JSON value in
   place, e.g. one field of credit_check). */
static void snapshot(struct order *o)
{
    /* Only the header and the lines in use: the whole struct is ~46 KiB, mostly room for
       ORDER_MAX_LINES lines, and zeroing it was the largest part of a load (bench/README.md). */
    struct order *s = xmalloc(sizeof *s);
    memcpy(s, o, offsetof(struct order, lines));
    s->loaded = NULL;
    s->note = NULL; /* the answer's only, never compared */
    s->qc = copy(o->qc);
    s->credit_check = copy(o->credit_check);
    s->quota_check = copy(o->quota_check);
    s->warnings = copy(o->warnings);
    for (size_t i = 0; i < o->nlines; i++)
        copy_line(&s->lines[i], &o->lines[i]);
    s->nlines = o->nlines;
    o->loaded = s;
}

#define LINE_COLS                                                                                  \
    "line_no, sku, qty, qty_cut, price_fen, amount_fen, loose_units, cut_reasons, pop_request,"    \
    " payment_source, expense_application, expense_price_fen, agreed_price_fen, price_source"

/* A line from the columns LINE_COLS, the first at k. */
static void read_line(struct dbq *q, int k, struct order_line *l)
{
    l->line_no = (int)dbq_int(q, k + 0);
    cp(l->sku, sizeof l->sku, dbq_text(q, k + 1));
    l->qty = dbq_int(q, k + 2);
    l->qty_cut = dbq_int(q, k + 3);
    l->price_fen = dbq_int(q, k + 4);
    l->amount_fen = dbq_int(q, k + 5);
    l->loose_units = dbq_int(q, k + 6) != 0;
    l->cut_reasons = jcol(q, k + 7);
    cp(l->pop_request, sizeof l->pop_request, dbq_text(q, k + 8) ? dbq_text(q, k + 8) : "");
    l->expense = dbq_text(q, k + 9) && strcmp(dbq_text(q, k + 9), "expense") == 0;
    cp(l->expense_application, sizeof l->expense_application,
       dbq_text(q, k + 10) ? dbq_text(q, k + 10) : "");
    l->expense_price_fen = dbq_int(q, k + 11);
    l->has_agreed = !dbq_null(q, k + 12);
    l->agreed_price_fen = dbq_int(q, k + 12);
    cp(l->price_source, sizeof l->price_source, dbq_text(q, k + 13) ? dbq_text(q, k + 13) : "");
}

static int load_lines(struct db *db, struct osb_err *e, const char *number, struct order *o)
{
    struct dbq *q = db_query(db, e,
                             "SELECT " LINE_COLS " FROM order_lines WHERE order_no = ?"
                             " ORDER BY line_no",
                             "s", number);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1 && o->nlines < ORDER_MAX_LINES)
        read_line(q, 0, &o->lines[o->nlines++]);
    dbq_end(q);
    if (rc < 0)
        return -1;
    snapshot(o);
    return 1;
}

int store_order_load(struct db *db, struct osb_err *e, const char *number, struct order *o)
{
    memset(o, 0, sizeof *o);
    /* Loaded for update (a shipment or backorder that changes its order): locked first, the
       same key doc_act takes for the order's own actions. Nothing outside a write. */
    if (store_doc_lock(db, e, "order", number) < 0)
        return -1;
    struct dbq *q =
        db_query(db, e, "SELECT " ORDER_COLS " FROM orders o WHERE o.number = ?", "s", number);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1)
        read_order(q, o);
    dbq_end(q);
    if (rc != 1)
        return rc;
    return load_lines(db, e, number, o);
}

int store_order_load_with_customer(struct db *db, struct osb_err *e, const char *number,
                                   struct order *o, struct order_customer *cu)
{
    /* The header zeroed; load_lines sets every field of each line it reads, and lines past
       nlines are never read (parse_lines zeroes a line it adds). */
    memset(o, 0, offsetof(struct order, lines));
    o->nlines = 0;
    o->loaded = NULL;
    memset(cu, 0, sizeof *cu);
    if (store_doc_lock(db, e, "order", number) < 0) /* as store_order_load */
        return -1;
    struct dbq *q = db_query(db, e,
                             "SELECT " ORDER_COLS ", " CUSTOMER_COLS
                             " FROM orders o JOIN customers c ON c.code = o.customer"
                             " JOIN markets m ON m.code = c.market"
                             " LEFT JOIN users k ON k.username = c.kam WHERE o.number = ?",
                             "s", number);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        read_order(q, o);
        read_customer(q, ORDER_NCOLS, cu);
    }
    dbq_end(q);
    if (rc != 1)
        return rc;
    return load_lines(db, e, number, o);
}

static void release_one(struct order *o)
{
    for (size_t i = 0; i < o->nlines; i++) {
        json_decref(o->lines[i].cut_reasons);
        o->lines[i].cut_reasons = NULL;
    }
    json_decref(o->qc);
    json_decref(o->credit_check);
    json_decref(o->quota_check);
    json_decref(o->warnings);
    o->qc = o->credit_check = o->quota_check = o->warnings = NULL;
    free(o->note);
    o->note = NULL;
}

void store_order_release(struct order *o)
{
    release_one(o);
    if (o->loaded) {
        release_one(o->loaded);
        free(o->loaded);
        o->loaded = NULL;
    }
}

int store_order_customer(struct db *db, struct osb_err *e, const char *code,
                         struct order_customer *c)
{
    memset(c, 0, sizeof *c);
    struct dbq *q = db_query(
        db, e, "SELECT " CUSTOMER_COLS " FROM" CUSTOMER_FROM " WHERE c.code = ?", "s", code);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1)
        read_customer(q, 0, c);
    dbq_end(q);
    return rc;
}

int store_order_customers_page(struct db *db, struct osb_err *e, json_t *codes,
                               struct order_customer *c, bool *found)
{
    size_t n = json_array_size(codes);
    for (size_t i = 0; i < n; i++) {
        memset(&c[i], 0, sizeof c[i]);
        found[i] = false;
    }
    if (n == 0)
        return 0;
    struct dbq *q =
        store_query_in(db, e, "SELECT " CUSTOMER_COLS " FROM" CUSTOMER_FROM " WHERE c.code",
                       json_array(), codes, "");
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        long k = store_index_of(codes, dbq_text(q, 0));
        if (k >= 0 && !found[k]) {
            read_customer(q, 0, &c[k]);
            found[k] = true;
        }
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

/* The money columns of a line (payment_source .. price_source), appended to p. */
static void money_params(json_t *p, const struct order_line *l)
{
    json_array_append_new(p, l->expense ? json_string("expense") : json_null());
    json_array_append_new(p, l->expense_application[0] ? json_string(l->expense_application)
                                                       : json_null());
    json_array_append_new(p, l->expense ? json_integer(l->expense_price_fen) : json_null());
    json_array_append_new(p, l->has_agreed ? json_integer(l->agreed_price_fen) : json_null());
    json_array_append_new(p, l->price_source[0] ? json_string(l->price_source) : json_null());
}

static int insert_line(struct db *db, struct osb_err *e, const char *number,
                       const struct order_line *l)
{
    json_t *p = json_pack("[s i s I b I o I I o]", number, l->line_no, l->sku, (json_int_t)l->qty,
                          l->loose_units, (json_int_t)l->qty_cut,
                          l->cut_reasons ? json_incref(l->cut_reasons) : json_null(),
                          (json_int_t)l->price_fen, (json_int_t)l->amount_fen,
                          l->pop_request[0] ? json_string(l->pop_request) : json_null());
    money_params(p, l);
    int rc = db_exec_a(db, e,
                       "INSERT INTO order_lines(order_no, line_no, sku, qty, loose_units, qty_cut,"
                       " cut_reasons, price_fen, amount_fen, pop_request, payment_source,"
                       " expense_application, expense_price_fen, agreed_price_fen, price_source)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       p);
    json_decref(p);
    return rc < 0 ? -1 : 0;
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

int store_order_insert(struct db *db, struct osb_err *e, const struct order *o, const char *note,
                       const char *source, const char *contract, int64_t now)
{
    json_t *p = json_array();
    json_array_append_new(p, json_string(o->number));
    json_array_append_new(p, json_string(o->customer));
    json_array_append_new(p, json_string(order_state_str(o->state)));
    json_array_append_new(p, json_string(source && *source ? source : "kam"));
    json_array_append_new(p, str_or_null(note));
    json_array_append_new(p, str_or_null(o->requested_date));
    json_array_append_new(p, o->has_stated_total ? json_integer(o->stated_total_fen) : json_null());
    json_array_append_new(p, json_integer(o->total_fen));
    json_array_append_new(p, json_string(o->market));
    json_array_append_new(p, json_string(o->region));
    json_array_append_new(p, str_or_null(o->kam));
    json_array_append_new(p, str_or_null(o->um));
    json_array_append_new(p, str_or_null(o->mm));
    json_array_append_new(p, str_or_null(contract));
    json_array_append_new(p, o->warnings ? json_incref(o->warnings) : json_null());
    json_array_append_new(p, json_integer(now));
    json_array_append_new(p, json_string(o->created_by));
    json_array_append_new(p, json_integer(now));
    int rc = db_exec_a(db, e,
                       "INSERT INTO orders(number, customer, state, source, note, requested_date,"
                       " stated_total_fen, total_fen, market, region, kam, um, mm, contract,"
                       " warnings, created_at, created_by, updated_at)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       p);
    json_decref(p);
    if (rc < 0)
        return -1;
    for (size_t i = 0; i < o->nlines; i++)
        if (insert_line(db, e, o->number, &o->lines[i]) < 0)
            return -1;
    return 0;
}

/* One "col = ?" of the UPDATE when the value changed. */
static void set_text(struct sb *sql, json_t *p, const char *col, const char *now, const char *was)
{
    if (strcmp(now, was) == 0)
        return;
    sb_addf(sql, ", %s = ?", col);
    json_array_append_new(p, *now ? json_string(now) : json_null());
}

static void set_int(struct sb *sql, json_t *p, const char *col, int64_t now, int64_t was)
{
    if (now == was)
        return;
    sb_addf(sql, ", %s = ?", col);
    json_array_append_new(p, json_integer(now));
}

/* A timestamp column: 0 is NULL. */
static void set_ts(struct sb *sql, json_t *p, const char *col, int64_t now, int64_t was)
{
    if (now == was)
        return;
    sb_addf(sql, ", %s = ?", col);
    json_array_append_new(p, now ? json_integer(now) : json_null());
}

static void set_json(struct sb *sql, json_t *p, const char *col, json_t *now, json_t *was)
{
    if ((!now && !was) || (now && was && json_equal(now, was)))
        return;
    sb_addf(sql, ", %s = ?", col);
    json_array_append_new(p, now ? json_incref(now) : json_null()); /* bound as JSON text */
}

static bool line_same(const struct order_line *a, const struct order_line *b)
{
    return strcmp(a->sku, b->sku) == 0 && a->qty == b->qty && a->qty_cut == b->qty_cut &&
           a->price_fen == b->price_fen && a->amount_fen == b->amount_fen &&
           a->loose_units == b->loose_units && strcmp(a->pop_request, b->pop_request) == 0 &&
           a->expense == b->expense &&
           strcmp(a->expense_application, b->expense_application) == 0 &&
           a->expense_price_fen == b->expense_price_fen && a->has_agreed == b->has_agreed &&
           a->agreed_price_fen == b->agreed_price_fen &&
           strcmp(a->price_source, b->price_source) == 0 &&
           ((!a->cut_reasons && !b->cut_reasons) ||
            (a->cut_reasons && b->cut_reasons && json_equal(a->cut_reasons, b->cut_reasons)));
}

static int save_lines(struct db *db, struct osb_err *e, const struct order *o,
                      const struct order *was)
{
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        const struct order_line *w = NULL;
        for (size_t j = 0; j < was->nlines && !w; j++)
            if (was->lines[j].line_no == l->line_no)
                w = &was->lines[j];
        if (!w) {
            if (insert_line(db, e, o->number, l) < 0)
                return -1;
        } else if (!line_same(l, w)) {
            json_t *p = json_pack("[s I b I o I I o]", l->sku, (json_int_t)l->qty, l->loose_units,
                                  (json_int_t)l->qty_cut,
                                  l->cut_reasons ? json_incref(l->cut_reasons) : json_null(),
                                  (json_int_t)l->price_fen, (json_int_t)l->amount_fen,
                                  l->pop_request[0] ? json_string(l->pop_request) : json_null());
            money_params(p, l);
            json_array_append_new(p, json_string(o->number));
            json_array_append_new(p, json_integer(l->line_no));
            int rc = db_exec_a(db, e,
                               "UPDATE order_lines SET sku = ?, qty = ?, loose_units = ?,"
                               " qty_cut = ?, cut_reasons = ?, price_fen = ?, amount_fen = ?,"
                               " pop_request = ?, payment_source = ?, expense_application = ?,"
                               " expense_price_fen = ?, agreed_price_fen = ?, price_source = ?"
                               " WHERE order_no = ? AND line_no = ?",
                               p);
            json_decref(p);
            if (rc < 0)
                return -1;
        }
    }
    for (size_t j = 0; j < was->nlines; j++) {
        bool kept = false;
        for (size_t i = 0; i < o->nlines && !kept; i++)
            kept = o->lines[i].line_no == was->lines[j].line_no;
        if (!kept && db_exec(db, e, "DELETE FROM order_lines WHERE order_no = ? AND line_no = ?",
                             "sd", o->number, was->lines[j].line_no) < 0)
            return -1;
    }
    return 0;
}

int store_order_save(struct db *db, struct osb_err *e, struct order *o, int64_t now)
{
    static const struct order none;
    const struct order *w = o->loaded ? o->loaded : &none;
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE orders SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(order_state_str(o->state)));
    json_array_append_new(p, json_integer(now));
    set_int(&sql, p, "total_fen", o->total_fen, w->total_fen);
    set_text(&sql, p, "csr", o->csr, w->csr);
    set_text(&sql, p, "scr", o->scr, w->scr);
    set_text(&sql, p, "bcr", o->bcr, w->bcr);
    set_text(&sql, p, "warehouse", o->warehouse, w->warehouse);
    set_int(&sql, p, "earmark_fen", o->earmark_fen, w->earmark_fen);
    set_int(&sql, p, "approved_shortfall_fen", o->approved_shortfall_fen,
            w->approved_shortfall_fen);
    set_int(&sql, p, "loose_units_approved", o->loose_units_approved, w->loose_units_approved);
    set_ts(&sql, p, "accepted_at", o->accepted_at, w->accepted_at);
    set_text(&sql, p, "delivery_note", o->delivery_note, w->delivery_note);
    set_json(&sql, p, "qc", o->qc, w->qc);
    set_json(&sql, p, "credit_check", o->credit_check, w->credit_check);
    set_json(&sql, p, "quota_check", o->quota_check, w->quota_check);
    set_json(&sql, p, "warnings", o->warnings, w->warnings);
    set_ts(&sql, p, "submitted_at", o->submitted_at, w->submitted_at);
    set_ts(&sql, p, "pending_approval_at", o->pending_approval_at, w->pending_approval_at);
    set_ts(&sql, p, "approved_at", o->approved_at, w->approved_at);
    set_ts(&sql, p, "billed_at", o->billed_at, w->billed_at);
    set_ts(&sql, p, "released_at", o->released_at, w->released_at);
    set_ts(&sql, p, "op_started_at", o->op_started_at, w->op_started_at);
    set_ts(&sql, p, "op_stopped_at", o->op_stopped_at, w->op_stopped_at);
    set_text(&sql, p, "op_receipt_day", o->op_receipt_day, w->op_receipt_day);
    set_int(&sql, p, "op_paused", o->op_paused, w->op_paused);
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(o->number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (rc < 0 || save_lines(db, e, o, w) < 0)
        return -1;
    /* The aggregate now is what the database holds (the kernel answers from it). */
    o->version++;
    o->updated_at = now;
    return 0;
}

int store_order_set_credit_check(struct db *db, struct osb_err *e, const char *number,
                                 json_t *credit_check)
{
    return db_exec(db, e, "UPDATE orders SET credit_check = ? WHERE number = ?", "js", credit_check,
                   number) < 0
               ? -1
               : 0;
}

int store_order_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                      const char *step, const char *action, const char *actor,
                      const char *on_behalf_of, const char *from, const char *to,
                      const char *comment)
{
    return db_exec(db, e,
                   "INSERT INTO order_events(order_no, at, step, action, actor, on_behalf_of,"
                   " from_state, to_state, comment) VALUES(?,?,?,?,?,?,?,?,?)",
                   "sisssssss", number, at, step, action, actor, nz(on_behalf_of), nz(from), nz(to),
                   nz(comment)) < 0
               ? -1
               : 0;
}

int store_order_memo(struct db *db, struct osb_err *e, const char *number, int64_t at,
                     const char *by, const char *text)
{
    return db_exec(db, e, "INSERT INTO order_memo(order_no, at, by, text) VALUES(?,?,?,?)", "siss",
                   number, at, by, text) < 0
               ? -1
               : 0;
}

int store_order_release_holds(struct db *db, struct osb_err *e, const char *number, int64_t now)
{
    if (db_exec(db, e, "UPDATE quota_uses SET released = 1 WHERE document = ? AND released = 0",
                "s", number) < 0 ||
        db_exec(db, e,
                "UPDATE earmarks SET released_at = ? WHERE order_no = ? AND released_at IS NULL"
                " AND consumed_by IS NULL",
                "is", now, number) < 0 ||
        db_exec(db, e, "DELETE FROM order_exposure WHERE order_no = ?", "s", number) < 0)
        return -1;
    return 0;
}

int store_order_set_exposure(struct db *db, struct osb_err *e, const char *number,
                             const char *customer, int64_t open_fen)
{
    return db_exec(db, e,
                   "INSERT INTO order_exposure(order_no, customer, open_fen) VALUES(?,?,?)"
                   " ON CONFLICT(order_no) DO UPDATE SET open_fen = excluded.open_fen",
                   "ssi", number, customer, open_fen) < 0
               ? -1
               : 0;
}

int store_order_earmark(struct db *db, struct osb_err *e, const char *number, const char *customer,
                        int64_t amount, int64_t now)
{
    /* The order's earmark is set, not added to: one a receipt made for it (for_order) was
       counted as free prepayment by the check that sets this one. */
    if (db_exec(db, e,
                "UPDATE earmarks SET released_at = ? WHERE order_no = ? AND released_at IS NULL"
                " AND consumed_by IS NULL",
                "is", now, number) < 0)
        return -1;
    if (amount <= 0)
        return 0;
    return db_exec(db, e,
                   "INSERT INTO earmarks(order_no, customer, amount_fen, created_at)"
                   " VALUES(?,?,?,?)",
                   "ssii", number, customer, amount, now) < 0
               ? -1
               : 0;
}

/* ---- reads of the order flow ------------------------------------------------------------ */

static json_t *ts_or_null(int64_t t)
{
    return t ? json_integer(t) : json_null();
}
/* The answer shares the aggregate's JSON values (a reference, not a deep copy): nothing
   changes them while both live, and the aggregate is freed before the answer is filtered. */
static json_t *json_or_null(json_t *v)
{
    return v ? json_incref(v) : json_null();
}

/* Keys here are literals (ASCII): set without jansson's UTF-8 test of each key. */
/* pre NULL: everything read here for this order; else the lines, shipments and whether an ST
   was asked come from the page's reads, and no timeline or memo is read or shown. */
static int answer(struct db *db, struct osb_err *e, const struct order *d,
                  struct order_answer_pre *pre, json_t **out)
{
    *out = NULL;
    const char *number = d->number;
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "number", json_string(d->number));
    json_object_set_new_nocheck(o, "customer", json_string(d->customer));
    json_object_set_new_nocheck(o, "state", json_string(order_state_str(d->state)));
    json_object_set_new_nocheck(o, "source", str_or_null(d->source));
    json_object_set_new_nocheck(o, "note", str_or_null(d->note));
    json_object_set_new_nocheck(o, "requested_date", str_or_null(d->requested_date));
    json_object_set_new_nocheck(o, "stated_total_fen",
                                d->has_stated_total ? json_integer(d->stated_total_fen)
                                                    : json_null());
    json_object_set_new_nocheck(o, "total_fen", json_integer(d->total_fen));
    json_object_set_new_nocheck(o, "market", json_string(d->market));
    json_object_set_new_nocheck(o, "region", json_string(d->region));
    json_object_set_new_nocheck(o, "kam", str_or_null(d->kam));
    json_object_set_new_nocheck(o, "um", str_or_null(d->um));
    json_object_set_new_nocheck(o, "mm", str_or_null(d->mm));
    json_object_set_new_nocheck(o, "csr", str_or_null(d->csr));
    json_object_set_new_nocheck(o, "scr", str_or_null(d->scr));
    json_object_set_new_nocheck(o, "bcr", str_or_null(d->bcr));
    json_object_set_new_nocheck(o, "warehouse", str_or_null(d->warehouse));
    json_object_set_new_nocheck(o, "credit_check", json_or_null(d->credit_check));
    json_object_set_new_nocheck(o, "qc", json_or_null(d->qc));
    json_object_set_new_nocheck(o, "quota_check", json_or_null(d->quota_check));
    json_object_set_new_nocheck(o, "warnings", json_or_null(d->warnings));
    json_object_set_new_nocheck(o, "earmark_fen", json_integer(d->earmark_fen));
    json_object_set_new_nocheck(o, "approved_shortfall_fen",
                                json_integer(d->approved_shortfall_fen));
    json_object_set_new_nocheck(o, "loose_units_approved", json_boolean(d->loose_units_approved));
    json_object_set_new_nocheck(o, "delivery_note", str_or_null(d->delivery_note));
    json_object_set_new_nocheck(o, "supersedes", str_or_null(d->supersedes));
    json_object_set_new_nocheck(o, "contract", str_or_null(d->contract));
    json_object_set_new_nocheck(o, "submitted_at", ts_or_null(d->submitted_at));
    json_object_set_new_nocheck(o, "accepted_at", ts_or_null(d->accepted_at));
    json_object_set_new_nocheck(o, "pending_approval_at", ts_or_null(d->pending_approval_at));
    json_object_set_new_nocheck(o, "approved_at", ts_or_null(d->approved_at));
    json_object_set_new_nocheck(o, "billed_at", ts_or_null(d->billed_at));
    json_object_set_new_nocheck(o, "released_at", ts_or_null(d->released_at));
    json_object_set_new_nocheck(o, "op_started_at", ts_or_null(d->op_started_at));
    json_object_set_new_nocheck(o, "op_receipt_day", str_or_null(d->op_receipt_day));
    json_object_set_new_nocheck(o, "op_stopped_at", ts_or_null(d->op_stopped_at));
    json_object_set_new_nocheck(o, "version", json_integer(d->version));
    json_object_set_new_nocheck(o, "created_at", json_integer(d->created_at));
    json_object_set_new_nocheck(o, "created_by", json_string(d->created_by));
    json_object_set_new_nocheck(o, "updated_at", json_integer(d->updated_at));
    bool released = d->released_at != 0;
    json_t *lines;
    if (released && pre) {
        lines = json_object_get(pre->lines, number);
        lines = lines ? json_incref(lines) : json_array();
        json_object_del(pre->lines, number); /* each number once on a page: now the answer's */
    } else if (released) {
        lines = db_rows(db, e,
                        "SELECT line_no, sku, qty, qty_cut, price_fen, amount_fen,"
                        " loose_units AS \"loose_units!b\", cut_reasons AS \"cut_reasons!j\","
                        " pop_request,"
                        /* entities §5.2 derived quantities, from the SP rows */
                        " (SELECT coalesce(sum(sl.qty_shipped), 0) FROM shipment_lines sl"
                        "  JOIN shipments s ON s.number = sl.shipment WHERE s.order_no ="
                        "  l.order_no AND sl.line_no = l.line_no) AS qty_shipped,"
                        " (SELECT coalesce(sum(b.qty_open), 0) FROM backorders b WHERE"
                        "  b.order_no = l.order_no AND b.line_no = l.line_no) AS qty_backordered"
                        " FROM order_lines l WHERE order_no = ? ORDER BY line_no",
                        "s", number);
    } else {
        /* Nothing is shipped or backordered before release. */
        lines = json_array();
        for (size_t i = 0; i < d->nlines; i++) {
            const struct order_line *l = &d->lines[i];
            json_t *lo = json_object(); /* keys in the order the answer always had */
            json_object_set_new_nocheck(lo, "line_no", json_integer(l->line_no));
            json_object_set_new_nocheck(lo, "sku", json_string(l->sku));
            json_object_set_new_nocheck(lo, "qty", json_integer(l->qty));
            json_object_set_new_nocheck(lo, "qty_cut", json_integer(l->qty_cut));
            json_object_set_new_nocheck(lo, "price_fen", json_integer(l->price_fen));
            json_object_set_new_nocheck(lo, "amount_fen", json_integer(l->amount_fen));
            json_object_set_new_nocheck(lo, "loose_units", json_boolean(l->loose_units));
            json_object_set_new_nocheck(lo, "cut_reasons", json_or_null(l->cut_reasons));
            json_object_set_new_nocheck(lo, "qty_shipped", json_integer(0));
            json_object_set_new_nocheck(lo, "qty_backordered", json_integer(0));
            json_object_set_new_nocheck(lo, "pop_request", str_or_null(l->pop_request));
            json_array_append_new(lines, lo);
        }
    }
    /* The timeline and the memo in one statement (k 0: an event, 1: a memo entry), each
       entry built from its columns (no row object to build and strip). Ordered by id only:
       the rows are parted by k below, and each part then reads in id order straight from
       its (order_no, id) index (ORDER BY k, id sorted both in temporary b-trees). */
    json_t *tl = NULL, *memo = NULL;
    /* ST exists after request-st, shipments after release: one statement less each before. */
    bool st_asked = false;
    if (pre && lines) {
        st_asked = json_object_get(pre->st_asked, number) != NULL;
        tl = json_array(); /* not shown (removed below), read for nothing */
        memo = json_array();
    }
    struct dbq *q = lines && !pre
                        ? db_query(db, e,
                                   "SELECT 0 AS k, id, step, action, actor, on_behalf_of, at,"
                                   " comment, from_state, to_state, NULL AS memo_by,"
                                   " NULL AS memo_text FROM order_events WHERE order_no = ?"
                                   " UNION ALL SELECT 1, id, NULL, NULL, NULL, NULL, at, NULL,"
                                   " NULL, NULL, by, text FROM order_memo WHERE order_no = ?"
                                   " ORDER BY 2",
                                   "ss", number, number)
                        : NULL;
    if (q) {
        tl = json_array();
        memo = json_array();
        int rc;
        while ((rc = dbq_next(q, e)) == 1) {
            if (dbq_int(q, 0) == 1) {
                json_t *m = json_object();
                json_object_set_new_nocheck(m, "at", json_integer(dbq_int(q, 6)));
                json_object_set_new_nocheck(m, "by", text_col(q, 10));
                json_object_set_new_nocheck(m, "text", text_col(q, 11));
                json_array_append_new(memo, m);
                continue;
            }
            const char *a = dbq_text(q, 3);
            st_asked = st_asked || (a && strcmp(a, "request-st") == 0);
            json_t *ev = json_object();
            json_object_set_new_nocheck(ev, "step", text_col(q, 2));
            json_object_set_new_nocheck(ev, "action", text_col(q, 3));
            json_object_set_new_nocheck(ev, "actor", text_col(q, 4));
            json_object_set_new_nocheck(ev, "on_behalf_of", text_col(q, 5));
            json_object_set_new_nocheck(ev, "at", json_integer(dbq_int(q, 6)));
            json_object_set_new_nocheck(ev, "comment", text_col(q, 7));
            json_object_set_new_nocheck(ev, "from_state", text_col(q, 8));
            json_object_set_new_nocheck(ev, "to_state", text_col(q, 9));
            json_array_append_new(tl, ev);
        }
        dbq_end(q);
        if (rc < 0) {
            json_decref(tl), json_decref(memo);
            tl = memo = NULL;
        }
    }
    if (!lines || !memo)
        json_decref(o), o = NULL;
    size_t i;
    json_t *it;
    json_t *ships = !memo       ? NULL
                    : !released ? json_array()
                    : pre       ? json_array() /* the numbers are in pre */
                                : db_rows(db, e,
                                          "SELECT number FROM shipments WHERE order_no = ?"
                                                " ORDER BY id",
                                          "s", number);
    json_t *st = NULL;
    if (!ships ||
        (st_asked &&
         db_row(db, e, &st,
                "SELECT id, reason, reason_text, business_record AS \"business_record!j\","
                " requested_at, requested_by, decide_by, decided_at, result FROM st_requests"
                " WHERE order_no = ? ORDER BY id DESC LIMIT 1",
                "s", number) < 0)) {
        json_decref(o), json_decref(lines), json_decref(tl), json_decref(memo);
        json_decref(ships);
        return -1;
    }
    if (st) {
        json_t *votes = db_rows(db, e,
                                "SELECT member, vote, cast_by, on_behalf_of,"
                                " confirmed_by_phone AS \"confirmed_by_phone!b\", at, comment"
                                " FROM st_votes WHERE st_id = ? ORDER BY id",
                                "i", (int64_t)json_integer_value(json_object_get(st, "id")));
        if (!votes) {
            json_decref(o), json_decref(lines), json_decref(tl), json_decref(memo);
            json_decref(ships), json_decref(st);
            return -1;
        }
        json_object_set_new_nocheck(st, "votes", votes);
        json_object_del(st, "id");
    }
    json_t *shipnos = json_array();
    json_array_foreach(ships, i, it) json_array_append(shipnos, json_object_get(it, "number"));
    json_decref(ships);
    if (pre && released) {
        json_t *pn = json_object_get(pre->shipments, number);
        if (pn)
            json_array_extend(shipnos, pn);
    }
    json_object_set_new_nocheck(o, "lines", lines);
    if (pre) {
        json_decref(tl), json_decref(memo);
    } else {
        json_object_set_new_nocheck(o, "timeline", tl);
        json_object_set_new_nocheck(o, "memo", memo);
    }
    json_object_set_new_nocheck(o, "shipments", shipnos);
    json_object_set_new_nocheck(o, "st", st ? st : json_null());
    *out = o;
    return 0;
}

int store_order_answer(struct db *db, struct osb_err *e, const struct order *d, json_t **out)
{
    return answer(db, e, d, NULL, out);
}

int store_order_answer_listed(struct db *db, struct osb_err *e, const struct order *d,
                              struct order_answer_pre *pre, json_t **out)
{
    return answer(db, e, d, pre, out);
}

int store_order_load_page(struct db *db, struct osb_err *e, json_t *numbers, struct order **o,
                          struct order_customer **cu, bool *found)
{
    size_t n = json_array_size(numbers);
    for (size_t i = 0; i < n; i++) {
        memset(o[i], 0, offsetof(struct order, lines));
        o[i]->nlines = 0;
        o[i]->loaded = NULL;
        memset(cu[i], 0, sizeof *cu[i]);
        found[i] = false;
    }
    if (n == 0)
        return 0;
    struct dbq *q = store_query_in(db, e,
                                   "SELECT " ORDER_COLS ", " CUSTOMER_COLS
                                   " FROM orders o JOIN customers c ON c.code = o.customer"
                                   " JOIN markets m ON m.code = c.market"
                                   " LEFT JOIN users k ON k.username = c.kam WHERE o.number",
                                   json_array(), numbers, "");
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        long k = store_index_of(numbers, dbq_text(q, 0));
        if (k < 0 || found[k])
            continue;
        read_order(q, o[k]);
        read_customer(q, ORDER_NCOLS, cu[k]);
        found[k] = true;
    }
    dbq_end(q);
    if (rc < 0)
        return -1;
    q = store_query_in(db, e, "SELECT order_no, " LINE_COLS " FROM order_lines WHERE order_no",
                       json_array(), numbers, " ORDER BY order_no, line_no");
    if (!q)
        return -1;
    long k = -1;
    const char *at = NULL; /* the order whose lines are being read */
    char cur[DOCNO_MAX] = "";
    while ((rc = dbq_next(q, e)) == 1) {
        const char *no = dbq_text(q, 0);
        if (!at || strcmp(cur, no) != 0) {
            cp(cur, sizeof cur, no);
            at = cur;
            k = store_index_of(numbers, no);
        }
        if (k >= 0 && found[k] && o[k]->nlines < ORDER_MAX_LINES)
            read_line(q, 1, &o[k]->lines[o[k]->nlines++]);
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

int store_order_answer_pre(struct db *db, struct osb_err *e, struct order *const *o, size_t n,
                           struct order_answer_pre *pre)
{
    memset(pre, 0, sizeof *pre);
    json_t *all = json_array(), *released = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(all, json_string(o[i]->number));
        if (o[i]->released_at != 0)
            json_array_append_new(released, json_string(o[i]->number));
    }
    /* The same columns, names and order as the one-order read in answer(). */
    pre->lines = store_rows_by_doc(
        db, e,
        "SELECT l.order_no AS page_doc, line_no, sku, qty, qty_cut, price_fen, amount_fen,"
        " loose_units AS \"loose_units!b\", cut_reasons AS \"cut_reasons!j\","
        " pop_request,"
        " (SELECT coalesce(sum(sl.qty_shipped), 0) FROM shipment_lines sl"
        "  JOIN shipments s ON s.number = sl.shipment WHERE s.order_no ="
        "  l.order_no AND sl.line_no = l.line_no) AS qty_shipped,"
        " (SELECT coalesce(sum(b.qty_open), 0) FROM backorders b WHERE"
        "  b.order_no = l.order_no AND b.line_no = l.line_no) AS qty_backordered"
        " FROM order_lines l WHERE l.order_no",
        released, " ORDER BY l.order_no, l.line_no", true);
    pre->shipments = pre->lines
                         ? store_rows_by_doc(db, e,
                                             "SELECT order_no AS page_doc, number FROM shipments"
                                             " WHERE order_no",
                                             released, " ORDER BY order_no, id", false)
                         : NULL;
    pre->st_asked = pre->shipments
                        ? store_rows_by_doc(db, e,
                                            "SELECT DISTINCT order_no AS page_doc, 1 AS asked"
                                            " FROM order_events WHERE action = 'request-st'"
                                            " AND order_no",
                                            all, "", false)
                        : NULL;
    json_decref(all);
    json_decref(released);
    if (!pre->st_asked) {
        store_order_answer_pre_free(pre);
        return -1;
    }
    return 0;
}

void store_order_answer_pre_free(struct order_answer_pre *pre)
{
    json_decref(pre->lines);
    json_decref(pre->shipments);
    json_decref(pre->st_asked);
    memset(pre, 0, sizeof *pre);
}

int store_order_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                     const struct store_order_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT; /* the conditions; the head goes before them at the end */
    if (u->role == ROLE_DEPUTY_DIRECTOR) {
        /* The deputy votes on every ST, so it also sees st_pending orders of other markets. */
        sb_add(&sql, " AND (m.slt_supervisor = ? OR o.state = 'st_pending')");
        json_array_append_new(p, json_string(u->username));
    } else {
        store_scope_sql(u, &sql, p, "cu");
    }
    store_filter_in(&sql, p, "o.state", f->states);
    store_filter_eq(&sql, p, "o.customer", f->customer);
    store_filter_eq(&sql, p, "o.market", f->market);
    static const struct store_q_doc qd = {"orders", "o",           "o.number", "o.customer",
                                          "cu",     "order_lines", "order_no", "sku",
                                          "DD",     "line_no"};
    bool by_line = false;
    if (store_filter_q_doc(db, e, &sql, p, f->q, &qd, &by_line) < 0) {
        sb_free(&sql), json_decref(p);
        return -1;
    }
    if (f->from_ts) {
        sb_add(&sql, " AND o.created_at >= ?");
        json_array_append_new(p, json_integer(f->from_ts));
    }
    if (f->to_ts) {
        sb_add(&sql, " AND o.created_at < ?");
        json_array_append_new(p, json_integer(f->to_ts));
    }
    return store_doc_page_q(db, e, &qd,
                            "orders o JOIN customers cu ON cu.code = o.customer"
                            " JOIN markets m ON m.code = o.market",
                            &sql, p, by_line, f->cursor, f->limit, numbers, next);
}

int store_order_products(struct db *db, struct osb_err *e, const char *const *skus, size_t n,
                         struct order_product *out)
{
    memset(out, 0, n * sizeof *out);
    if (n == 0)
        return 0;
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "SELECT sku, active, kind, price_fen, case_size FROM products WHERE sku IN (");
    for (size_t i = 0; i < n; i++) {
        sb_add(&sql, i ? ",?" : "?");
        json_array_append_new(p, json_string(skus[i]));
    }
    sb_add(&sql, ")");
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    size_t k;
    json_t *r;
    json_array_foreach(rows, k, r)
    {
        const char *sku = json_string_value(json_object_get(r, "sku"));
        const char *kind = json_string_value(json_object_get(r, "kind"));
        for (size_t i = 0; i < n; i++) {
            if (!sku || strcmp(skus[i], sku) != 0)
                continue;
            struct order_product *pf = &out[i];
            pf->known = true;
            pf->active = json_integer_value(json_object_get(r, "active")) != 0;
            pf->kind = kind && strcmp(kind, "sample") == 0 ? PK_SAMPLE
                       : kind && strcmp(kind, "pop") == 0  ? PK_POP
                                                           : PK_GOODS;
            pf->price_fen = json_integer_value(json_object_get(r, "price_fen"));
            pf->case_size = (int32_t)json_integer_value(json_object_get(r, "case_size"));
        }
    }
    json_decref(rows);
    return 0;
}

int store_order_assignments(struct db *db, struct osb_err *e, const char *market,
                            const char *csr_in, struct order *o)
{
    struct dbq *q = db_query(
        db, e,
        "SELECT coalesce(?2, (SELECT default_csr FROM markets WHERE code = ?1),"
        "  (SELECT username FROM users WHERE role = 'csr' AND active = 1"
        "   ORDER BY username LIMIT 1)),"
        " coalesce((SELECT bcr FROM markets WHERE code = ?1),"
        "  (SELECT username FROM users WHERE role = 'ssg_leader' AND active = 1"
        "   ORDER BY username LIMIT 1)),"
        " w.code, coalesce(w.scr, (SELECT username FROM users WHERE role = 'warehouse'"
        "  AND active = 1 ORDER BY username LIMIT 1))"
        " FROM (SELECT 1 AS one) one LEFT JOIN (SELECT code, scr FROM warehouses WHERE active = 1"
        "  ORDER BY code LIMIT 1) w ON 1 = 1",
        "ss", market, nz(csr_in));
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        cp(o->csr, sizeof o->csr, dbq_text(q, 0));
        cp(o->bcr, sizeof o->bcr, dbq_text(q, 1));
        cp(o->warehouse, sizeof o->warehouse, dbq_text(q, 2));
        cp(o->scr, sizeof o->scr, dbq_text(q, 3));
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

int store_order_market_csr(struct db *db, struct osb_err *e, const char *market, char *out,
                           size_t n)
{
    char *d = NULL;
    if (db_text(db, e, &d, "SELECT default_csr FROM markets WHERE code = ?", "s", market) < 0)
        return -1;
    cp(out, n, d);
    free(d);
    return 0;
}

int store_order_managers(struct db *db, struct osb_err *e, const char *region, const char *market,
                         struct order *o)
{
    struct dbq *q = db_query(db, e,
                             "SELECT (SELECT um FROM regions WHERE code = ?),"
                             " (SELECT mm FROM markets WHERE code = ?)",
                             "ss", region, market);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        cp(o->um, sizeof o->um, dbq_text(q, 0));
        cp(o->mm, sizeof o->mm, dbq_text(q, 1));
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

int store_order_duplicate(struct db *db, struct osb_err *e, const struct order *o, int64_t since,
                          bool *dup)
{
    int64_t n = 0;
    int rc = db_int(db, e, &n,
                    "SELECT count(*) FROM orders o2 WHERE o2.customer = ? AND o2.number <> ?"
                    " AND o2.accepted_at >= ?"
                    " AND (SELECT count(*) FROM order_lines a WHERE a.order_no = o2.number) ="
                    "     (SELECT count(*) FROM order_lines b WHERE b.order_no = ?)"
                    " AND NOT EXISTS (SELECT 1 FROM order_lines a WHERE a.order_no = o2.number"
                    "     AND NOT EXISTS (SELECT 1 FROM order_lines b WHERE b.order_no = ?"
                    "     AND b.sku = a.sku AND b.qty = a.qty))",
                    "ssiss", o->customer, o->number, since, o->number, o->number);
    *dup = n > 0;
    return rc < 0 ? -1 : 0;
}

json_t *store_order_prepay_required(struct db *db, struct osb_err *e, const char *customer)
{
    json_t *rows = db_rows(db, e,
                           "SELECT number FROM orders WHERE customer = ? AND state ="
                           " 'prepay_required' ORDER BY accepted_at, number",
                           "s", customer);
    if (!rows)
        return NULL;
    json_t *nums = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(nums, json_object_get(r, "number"));
    json_decref(rows);
    return nums;
}

/* ---- ST --------------------------------------------------------------------------------- */

int store_order_sales_record(struct db *db, struct osb_err *e, const char *customer,
                             const char *from_day, json_t **months, char **grade)
{
    *grade = NULL;
    *months = db_rows(db, e,
                      "SELECT substr(invoice_date, 1, 7) AS month,"
                      " sum(amount_fen) AS sales_fen FROM invoices WHERE customer = ?"
                      " AND invoice_date >= ? GROUP BY 1 ORDER BY 1",
                      "ss", customer, from_day);
    if (!*months)
        return -1;
    if (db_text(db, e, grade, "SELECT grade FROM customers WHERE code = ?", "s", customer) < 0) {
        json_decref(*months);
        *months = NULL;
        return -1;
    }
    return 0;
}

int store_st_insert(struct db *db, struct osb_err *e, const char *number, const char *reason,
                    const char *reason_text, json_t *business_record, int64_t at, const char *by,
                    int64_t decide_by)
{
    return db_exec(db, e,
                   "INSERT INTO st_requests(order_no, reason, reason_text, business_record,"
                   " requested_at, requested_by, decide_by) VALUES(?,?,?,?,?,?,?)",
                   "sssjisi", number, reason, reason_text, business_record, at, by, decide_by) < 0
               ? -1
               : 0;
}

int store_st_open(struct db *db, struct osb_err *e, const char *number, const char *member,
                  int64_t *st_id, bool *voted)
{
    *st_id = 0;
    *voted = false;
    struct dbq *q = db_query(db, e,
                             "SELECT r.id, (SELECT count(*) FROM st_votes v WHERE v.st_id = r.id"
                             " AND v.member = ?) FROM st_requests r WHERE r.order_no = ?"
                             " AND r.decided_at IS NULL ORDER BY r.id DESC LIMIT 1",
                             "ss", member, number);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        *st_id = dbq_int(q, 0);
        *voted = dbq_int(q, 1) > 0;
    }
    dbq_end(q);
    return rc;
}

int store_st_vote(struct db *db, struct osb_err *e, int64_t st_id, const char *member, bool yes,
                  const char *cast_by, const char *on_behalf_of, bool phone, int64_t at,
                  const char *comment, int64_t *yes_roles)
{
    *yes_roles = 0;
    if (db_exec(db, e,
                "INSERT INTO st_votes(st_id, member, vote, cast_by, on_behalf_of,"
                " confirmed_by_phone, at, comment) VALUES(?,?,?,?,?,?,?,?)",
                "issssbis", st_id, member, yes ? "yes" : "no", cast_by, nz(on_behalf_of), phone, at,
                comment) < 0)
        return -1;
    if (!yes)
        return 0;
    /* Three yes votes decide: one from each of the gm, the sales director and the deputy. */
    return db_int(db, e, yes_roles,
                  "SELECT count(DISTINCT u.role) FROM st_votes v JOIN users u ON u.username ="
                  " v.member WHERE v.st_id = ? AND v.vote = 'yes' AND u.role IN ('gm',"
                  " 'sales_director', 'deputy_director')",
                  "i", st_id) < 0
               ? -1
               : 0;
}

int store_st_decide(struct db *db, struct osb_err *e, const char *number, const char *result,
                    int64_t at)
{
    return db_exec(db, e,
                   "UPDATE st_requests SET decided_at = ?, result = ? WHERE order_no = ?"
                   " AND decided_at IS NULL",
                   "iss", at, result, number) < 0
               ? -1
               : 0;
}

/* ---- BG --------------------------------------------------------------------------------- */

int store_order_product_row(struct db *db, struct osb_err *e, const char *sku, json_t **out)
{
    return db_row(db, e, out, "SELECT name, spec, unit, case_size FROM products WHERE sku = ?", "s",
                  sku);
}

int store_order_delivery_note(struct db *db, struct osb_err *e, const char *number,
                              const char *order_no, int64_t at, const char *by, json_t *lines,
                              const struct order_customer *cu, const char *address)
{
    return db_exec(db, e,
                   "INSERT INTO delivery_notes(number, order_no, printed_at, printed_by, lines,"
                   " consignee, consignee_phone, consignment_station, address)"
                   " VALUES(?,?,?,?,?,?,?,?,?)",
                   "ssisjssss", number, order_no, at, by, lines, cu->consignee, cu->consignee_phone,
                   cu->station, address) < 0
               ? -1
               : 0;
}

int store_delivery_note_void(struct db *db, struct osb_err *e, const char *number)
{
    return db_exec(db, e, "UPDATE delivery_notes SET voided = 1 WHERE number = ?", "s", number) < 0
               ? -1
               : 0;
}

int store_order_pick_warehouse(struct db *db, struct osb_err *e, const char *number, char *out,
                               size_t n)
{
    char *wh = NULL;
    /* The first warehouse (by code) that can serve every line, else the one that can serve
       the most units. */
    if (db_text(db, e, &wh,
                "SELECT w.code FROM warehouses w WHERE w.active = 1 ORDER BY"
                " (SELECT count(*) FROM order_lines l WHERE l.order_no = ?1 AND l.qty - l.qty_cut"
                "  > coalesce((SELECT sum(on_hand - reserved) FROM stock_lots s WHERE"
                "  s.warehouse = w.code AND s.sku = l.sku AND s.quality = 'ok'), 0)),"
                " w.code LIMIT 1",
                "s", number) < 0)
        return -1;
    cp(out, n, wh);
    free(wh);
    return 0;
}

json_t *store_order_reserve(struct db *db, struct osb_err *e, const struct order *o)
{
    json_t *all = json_array();
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        int64_t want = l->qty - l->qty_cut;
        /* In a PostgreSQL write the lots are locked as they are read (FOR UPDATE), as in
           store_stock_fefo: two releases of one SKU reserve one after the other, the second
           reading what the first left free, instead of both taking the same free quantity
           (the second would then break reserved <= on_hand). */
        static const char *const sql[] = {
            "SELECT batch, on_hand - reserved AS free FROM stock_lots"
            " WHERE warehouse = ? AND sku = ? AND quality = 'ok' AND on_hand > reserved"
            " ORDER BY coalesce(expires, '9999-12-31'), coalesce(produced_on, '9999-12-31'), batch",
            "SELECT batch, on_hand - reserved AS free FROM stock_lots"
            " WHERE warehouse = ? AND sku = ? AND quality = 'ok' AND on_hand > reserved"
            " ORDER BY coalesce(expires, '9999-12-31'), coalesce(produced_on, '9999-12-31'), batch"
            " FOR UPDATE",
        };
        json_t *lots = db_rows(db, e, sql[*db_for_update(db) != '\0'], "ss", o->warehouse, l->sku);
        if (!lots) {
            json_decref(all);
            return NULL;
        }
        json_t *res = json_array();
        json_array_append_new(all, res);
        size_t k;
        json_t *lot;
        json_array_foreach(lots, k, lot)
        {
            if (want <= 0)
                break;
            int64_t free_q = json_integer_value(json_object_get(lot, "free"));
            int64_t take = free_q < want ? free_q : want;
            const char *batch = json_string_value(json_object_get(lot, "batch"));
            if (db_exec(db, e,
                        "UPDATE stock_lots SET reserved = reserved + ? WHERE warehouse = ?"
                        " AND sku = ? AND batch = ?",
                        "isss", take, o->warehouse, l->sku, batch) < 0) {
                json_decref(lots), json_decref(all);
                return NULL;
            }
            json_array_append_new(res,
                                  json_pack("{ss sI}", "batch", batch, "qty", (json_int_t)take));
            want -= take;
        }
        json_decref(lots);
    }
    return all;
}

int store_order_ship(struct db *db, struct osb_err *e, const struct order *o, const char *number,
                     int64_t at, const char *by, json_t *reserved)
{
    if (db_exec(db, e,
                "INSERT INTO shipments(number, order_no, delivery_note, warehouse, scr,"
                " released_at, created_at) VALUES(?,?,?,?,?,?,?)",
                "sssssii", number, o->number, o->delivery_note, o->warehouse, o->scr, at, at) < 0)
        return -1;
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        json_t *res = json_array_get(reserved, i);
        size_t k;
        json_t *r;
        json_array_foreach(res, k, r)
        {
            if (db_exec(db, e,
                        "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document,"
                        " by) VALUES(?,?,?,?,'reserve',?,?,?)",
                        "isssiss", at, o->warehouse, l->sku,
                        json_string_value(json_object_get(r, "batch")),
                        (int64_t)json_integer_value(json_object_get(r, "qty")), number, by) < 0)
                return -1;
        }
        if (db_exec(db, e,
                    "INSERT INTO shipment_lines(shipment, line_no, sku, qty_requested,"
                    " reserved) VALUES(?,?,?,?,?)",
                    "sdsij", number, l->line_no, l->sku, l->qty - l->qty_cut, res) < 0)
            return -1;
    }
    return db_exec(db, e,
                   "UPDATE delivery_notes SET released_at = ?, released_by = ? WHERE number = ?",
                   "iss", at, by, o->delivery_note) < 0
               ? -1
               : 0;
}

int store_order_set_submitted(struct db *db, struct osb_err *e, const char *number, int64_t at)
{
    return db_exec(db, e, "UPDATE orders SET submitted_at = ? WHERE number = ?", "is", at, number) <
                   0
               ? -1
               : 0;
}
