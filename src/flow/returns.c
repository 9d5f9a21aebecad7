/*
 * returns.c — the return flow (flow/returns.h).
 *
 * What may come back: per order, SKU and batch, at most what the order's dispatched
 * shipments shipped (their `ship` stock moves) minus what live returns (not refused, not
 * cancelled) already asked for. Samples and POP are not returnable (flows.md §6 rules).
 * Each line remembers the shipment and warehouse that shipped its batch, so receiving puts the
 * units back into the same lot and the credit note goes against that shipment's invoice.
 */
#include "flow/returns.h"

#include "core/json.h"
#include "core/money.h"
#include "core/sb.h"
#include "flow/billing.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/order.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>


#define RETURN_WINDOW_DAYS 90 /* numbering-and-rules.md §9 return_window_days */
#define MAX_RETURN_LINES 200

static bool sees(struct ctx *c, const struct order_customer *cu)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu->market, cu->region,      cu->kam,
                                cu->rep,    cu->kam_manager, cu->supervisor};
    return scope_sees_customer(&su, &sc);
}

static bool owns(struct ctx *c, const struct order_customer *cu)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu->market, cu->region,      cu->kam,
                                cu->rep,    cu->kam_manager, cu->supervisor};
    return scope_owns_customer(&su, &sc);
}

static int return_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, order_no AS \"order\", customer, kind, state,"
                    " inspection AS \"inspection!j\", red_ink_note AS \"red_ink_note!j\","
                    " credit_notes AS \"credit_notes!j\", late AS \"late!b\", version,"
                    " created_at, created_by, updated_at FROM returns WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no return '%s'", number);
    json_t *lines = db_rows(c->db, e,
                            "SELECT line_no, sku, batch, qty, reason, reason_code, price_fen,"
                            " amount_fen, warehouse, shipment, received_quality FROM return_lines"
                            " WHERE return_no = ? ORDER BY line_no",
                            "s", number);
    json_t *tl = lines ? flow_doc_timeline(c, e, "return_events", "return_no", number)
                       : NULL;
    if (!tl) {
        json_decref(o), json_decref(lines);
        return -1;
    }
    size_t i;
    json_t *it;
    flow_ts(c, o, "created_at");
    flow_ts(c, o, "updated_at");
    json_t *cns = json_object_get(o, "credit_notes");
    if (!json_is_array(cns))
        json_object_set_new(o, "credit_notes", json_array());
    cns = json_object_get(o, "credit_notes");
    json_object_set(o, "credit_note", json_array_size(cns) ? json_array_get(cns, 0) : json_null());
    int64_t total = 0;
    json_array_foreach(lines, i, it) total += jint(it, "amount_fen");
    json_object_set_new(o, "total_fen", json_integer(total));
    if (c->user.role == ROLE_WAREHOUSE) {
        /* §4: the warehouse sees returns without prices or amounts. */
        json_array_foreach(lines, i, it)
        {
            json_object_del(it, "price_fen");
            json_object_del(it, "amount_fen");
        }
        json_object_del(o, "total_fen");
    }
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static int event(struct ctx *c, const char *number, const char *action, const char *from,
                 const char *to, const char *comment, struct osb_err *e)
{
    return flow_doc_event(c, e, "return_events", "return_no", number, action, from, to, comment);
}

/* Shipped (by dispatched shipments of the order) and already returned (live returns) of one
   SKU and batch; the first shipment and warehouse that shipped it. */
static int returnable(struct ctx *c, const char *order_no, const char *sku, const char *batch,
                      int64_t *shipped, int64_t *returned, char *shipment, char *warehouse,
                      struct osb_err *e)
{
    *shipped = *returned = 0;
    shipment[0] = warehouse[0] = '\0';
    json_t *r = NULL;
    int rc = db_row(c->db, e, &r,
                    "SELECT coalesce(sum(m.qty), 0) AS shipped, min(s.number) AS shipment,"
                    " min(m.warehouse) AS warehouse FROM stock_moves m"
                    " JOIN shipments s ON s.number = m.document WHERE s.order_no = ?"
                    " AND m.kind = 'ship' AND m.sku = ? AND m.batch = ?"
                    " AND s.state IN ('dispatched', 'delivered')",
                    "sss", order_no, sku, batch);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        *shipped = jint(r, "shipped");
        snprintf(shipment, DOCNO_MAX, "%s", jstr(r, "shipment") ? jstr(r, "shipment") : "");
        snprintf(warehouse, 40, "%s", jstr(r, "warehouse") ? jstr(r, "warehouse") : "");
    }
    json_decref(r);
    return db_int(c->db, e, returned,
                  "SELECT coalesce(sum(l.qty), 0) FROM return_lines l JOIN returns t"
                  " ON t.number = l.return_no WHERE t.order_no = ? AND l.sku = ? AND l.batch = ?"
                  " AND t.state NOT IN ('refused', 'cancelled')",
                  "sss", order_no, sku, batch) < 0
               ? -1
               : 0;
}

static const char *const reason_codes[] = {
    "damaged",           "spoiled",         "expired", "wrong_item",
    "quality_complaint", "consumer_return", "other",   NULL};

int return_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_RETURN_CREATE, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k,
                        v) if (strcmp(k, "order") && strcmp(k, "lines") && strcmp(k, "kind") &&
                               strcmp(k, "comment")) return err_bad(e, k, "unknown field '%s'", k);
    json_t *jo = json_object_get(body, "order"), *jl = json_object_get(body, "lines");
    json_t *jk = json_object_get(body, "kind");
    if (jk && (!json_is_string(jk) || strcmp(json_string_value(jk), "return")))
        return jk && json_is_string(jk) && strcmp(json_string_value(jk), "exchange") == 0
                   ? err_invalid(e, "kind", "not_returnable",
                                 "exchanges are not supported yet: return, then order again")
                   : err_bad(e, "kind", "kind is return");
    if (!jo)
        return err_invalid(e, "order", "required", "which order do the goods come back from?");
    if (!json_is_string(jo))
        return err_bad(e, "order", "order must be an order number");
    if (!json_is_array(jl))
        return jl ? err_bad(e, "lines", "lines must be an array")
                  : err_invalid(e, "lines", "required", "a return needs lines");
    size_t n = json_array_size(jl);
    if (n == 0)
        return err_invalid(e, "lines", "required", "a return needs at least one line");
    if (n > MAX_RETURN_LINES)
        return err_invalid(e, "lines", "too_many_lines", "at most 200 lines");
    const char *order_no = json_string_value(jo);
    json_t *o = NULL;
    int rc =
        db_row(c->db, e, &o, "SELECT customer, state FROM orders WHERE number = ?", "s", order_no);
    if (rc < 0)
        return -1;
    struct order_customer cu;
    if (rc == 0 || store_order_customer(c->db, e, jstr(o, "customer"), &cu) != 1 || !sees(c, &cu)) {
        json_decref(o);
        return err_ok(e) ? err_invalid(e, "order", "unknown_reference", "no order '%s'", order_no)
                         : -1;
    }
    char ostate[32];
    snprintf(ostate, sizeof ostate, "%s", jstr(o, "state"));
    json_decref(o);
    if (!owns(c, &cu))
        return err_forbidden(e, "role", "only the customer's KAM or rep files its returns");
    if (strcmp(ostate, "released") && strcmp(ostate, "closed"))
        return err_invalid(e, "order", "not_returnable",
                           "order %s is %s: only dispatched goods can come back", order_no, ostate);
    struct rl {
        const char *sku, *batch, *reason, *code;
        int64_t qty, price, amount;
        char shipment[DOCNO_MAX], warehouse[40];
    } *ls = xcalloc(n, sizeof *ls);
    rc = -1;
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_array_get(jl, i);
        char field[32];
        snprintf(field, sizeof field, "lines[%zu]", i);
        if (!json_is_object(l)) {
            err_bad(e, "lines", "each line must be an object");
            goto out;
        }
        json_object_foreach(l, k, v) if (strcmp(k, "sku") && strcmp(k, "batch") &&
                                         strcmp(k, "qty") && strcmp(k, "reason") &&
                                         strcmp(k, "reason_code"))
        {
            err_bad(e, k, "unknown field '%s' in a line", k);
            goto out;
        }
        json_t *js = json_object_get(l, "sku"), *jb = json_object_get(l, "batch"),
               *jq = json_object_get(l, "qty"), *jr = json_object_get(l, "reason"),
               *jc = json_object_get(l, "reason_code");
        if ((js && !json_is_string(js)) || (jb && !json_is_string(jb)) ||
            (jq && !json_is_integer(jq)) || (jr && !json_is_string(jr) && !json_is_null(jr)) ||
            (jc && !json_is_string(jc) && !json_is_null(jc))) {
            err_bad(e, field, "a line is {sku: string, batch: string, qty: integer, reason}");
            goto out;
        }
        if (!js || !jb || !jq) {
            err_invalid(e, field, "required", "each line needs sku, batch and qty");
            goto out;
        }
        struct rl *r = &ls[i];
        r->sku = json_string_value(js);
        r->batch = json_string_value(jb);
        r->qty = json_integer_value(jq);
        r->reason = jr ? json_string_value(jr) : NULL;
        r->code = jc ? json_string_value(jc) : NULL;
        if (r->reason && strlen(r->reason) > 600) {
            err_invalid(e, field, "too_long", "reason is at most 200 characters");
            goto out;
        }
        if (r->code) {
            bool ok = false;
            for (const char *const *p = reason_codes; *p; p++)
                ok = ok || strcmp(*p, r->code) == 0;
            if (!ok) {
                err_invalid(e, field, "invalid_value", "unknown reason_code '%s'", r->code);
                goto out;
            }
        }
        if (r->qty < 0 || r->qty == 0) {
            err_invalid(e, field, r->qty < 0 ? "negative_qty" : "zero_qty",
                        "the quantity must be positive");
            goto out;
        }
        if (r->qty > 100000000) {
            err_invalid(e, field, "qty_too_large", "at most 100,000,000 a line");
            goto out;
        }
        json_t *pl = NULL;
        int f = db_row(c->db, e, &pl,
                       "SELECT p.kind, l.price_fen FROM order_lines l JOIN products p"
                       " ON p.sku = l.sku WHERE l.order_no = ? AND l.sku = ?",
                       "ss", order_no, r->sku);
        if (f < 0)
            goto out;
        if (f == 0) {
            err_invalid(e, field, "over_return", "%s was not on order %s", r->sku, order_no);
            goto out;
        }
        bool goods = strcmp(jstr(pl, "kind"), "goods") == 0;
        r->price = jint(pl, "price_fen");
        json_decref(pl);
        if (!goods) {
            err_invalid(e, field, "not_returnable", "samples and POP are not returnable");
            goto out;
        }
        int64_t shipped, returned;
        if (returnable(c, order_no, r->sku, r->batch, &shipped, &returned, r->shipment,
                       r->warehouse, e) < 0)
            goto out;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ls[j].sku, r->sku) == 0 && strcmp(ls[j].batch, r->batch) == 0)
                returned += ls[j].qty;
        if (r->qty > shipped - returned) {
            err_invalid(e, field, "over_return", "%s batch %s: %lld shipped, %lld already returned",
                        r->sku, r->batch, (long long)shipped, (long long)returned);
            e->extra = json_pack("{sI sI}", "shipped", (json_int_t)shipped, "returned",
                                 (json_int_t)returned);
            goto out;
        }
        if (!money_mul(r->qty, r->price, &r->amount)) {
            err_invalid(e, field, "amount_overflow", "the amount overflows");
            goto out;
        }
    }
    /* Late: more than 90 days after proof of delivery (or dispatch, without POD). */
    int64_t last = 0;
    if (db_int(c->db, e, &last,
               "SELECT coalesce(max(coalesce(delivered_at, dispatched_at)), 0) FROM shipments"
               " WHERE order_no = ? AND state IN ('dispatched', 'delivered')",
               "s", order_no) < 0)
        goto out;
    bool late = last && ts_to_date(c->now, c->cfg->tz_min) - ts_to_date(last, c->cfg->tz_min) >
                            RETURN_WINDOW_DAYS;
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "TH", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO returns(number, order_no, customer, kind, state, late, created_at,"
                " created_by, updated_at) VALUES(?,?,?,'return','requested',?,?,?,?)",
                "sssbisi", number, order_no, cu.code, late, c->now, c->user.username, c->now) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct rl *r = &ls[i];
        if (db_exec(c->db, e,
                    "INSERT INTO return_lines(return_no, line_no, sku, batch, qty, reason,"
                    " reason_code, price_fen, amount_fen, warehouse, shipment)"
                    " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                    "sdssissiiss", number, (int)i + 1, r->sku, r->batch, r->qty, r->reason, r->code,
                    r->price, r->amount, r->warehouse, r->shipment) < 0)
            goto out;
    }
    json_t *after = json_pack("{ss ss ss sb}", "state", "requested", "order", order_no, "customer",
                              cu.code, "late", late);
    if (event(c, number, "create", NULL, "requested", jstr(body, "comment"), e) < 0 ||
        flow_audit(c, e, "create", "return", number, NULL, after) < 0) {
        json_decref(after);
        goto out;
    }
    json_decref(after);
    char *um = NULL;
    if (db_text(c->db, e, &um, "SELECT um FROM regions WHERE code = ?", "s", cu.region) < 0)
        goto out;
    rc = um ? notify(c, e, "return_requested", um, number, NULL, "退货申请%s（订单%s）待确认",
                     number, order_no)
            : 0;
    free(um);
    if (rc == 0 && late)
        rc = notify(c, e, "return_late", cu.supervisor, number, NULL,
                    "退货申请%s超过签收后90天（订单%s）", number, order_no);
    if (rc == 0)
        rc = return_json(c, number, out, e);
out:
    free(ls);
    return rc;
}

int return_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    char *cust = NULL;
    if (db_text(c->db, e, &cust, "SELECT customer FROM returns WHERE number = ?", "s", number) < 0)
        return -1;
    struct order_customer cu;
    int rc = cust ? store_order_customer(c->db, e, cust, &cu) : 0;
    free(cust);
    if (rc < 0)
        return -1;
    if (rc == 0 || !sees(c, &cu))
        return err_set(e, ERR_NOT_FOUND, "no return '%s'", number);
    return return_json(c, number, out, e);
}

int return_list(struct ctx *c, const struct return_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT t.number FROM returns t JOIN customers cu ON cu.code = t.customer"
                 " WHERE 1=1");
    flow_scope_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "t.state", q->state);
    flow_filter_eq(&sql, p, "t.order_no", q->order);
    flow_filter_eq(&sql, p, "t.customer", q->customer);
    return flow_doc_page(c, &sql, p, "t.number", q->cursor, q->limit, return_json, out, e);
}

/* ---- actions ----------------------------------------------------------------------------- */

struct ract {
    struct ctx *c;
    const char *number;
    json_t *r; /* the return row */
    struct order_customer *cu;
    json_t *body;
    char to[16];
};

static int a_confirm(struct ract *x, struct osb_err *e)
{
    if (!is(x->c->user.region, x->cu->region))
        return err_forbidden(e, "role", "only the UM of region %s confirms", x->cu->region);
    snprintf(x->to, sizeof x->to, "confirmed");
    return 0;
}

static int a_inspect(struct ract *x, struct osb_err *e)
{
    json_t *g = json_object_get(x->body, "genuine");
    if (!g)
        return err_invalid(e, "genuine", "required", "say whether the goods are genuine");
    if (!json_is_boolean(g))
        return err_bad(e, "genuine", "genuine must be true or false");
    bool genuine = json_is_true(g);
    json_t *ok = json_object_get(x->body, "name_spec_qty_ok");
    if (ok && !json_is_boolean(ok))
        return err_bad(e, "name_spec_qty_ok", "name_spec_qty_ok must be true or false");
    char at[32];
    ts_format_rfc3339(x->c->now, x->c->cfg->tz_min, at);
    json_t *insp = json_pack("{sb sO* ss ss ss*}", "genuine", genuine, "name_spec_qty_ok", ok, "by",
                             x->c->user.username, "at", at, "note",
                             json_string_value(json_object_get(x->body, "note")));
    int rc = db_exec(x->c->db, e, "UPDATE returns SET inspection = ? WHERE number = ?", "js", insp,
                     x->number);
    json_decref(insp);
    if (rc < 0)
        return -1;
    /* Not genuine: refused, and nothing else changes. */
    snprintf(x->to, sizeof x->to, genuine ? "inspected" : "refused");
    return notify(x->c, e, "return_inspected", x->cu->kam, x->number, NULL,
                  genuine ? "退货%s鉴定为真品，待市场经理批准" : "退货%s鉴定非本公司产品，已拒绝",
                  x->number);
}

static int a_approve(struct ract *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    bool mm = c->user.role == ROLE_MM && is(c->user.market, x->cu->market);
    bool slt = (c->user.role == ROLE_SALES_DIRECTOR || c->user.role == ROLE_DEPUTY_DIRECTOR) &&
               is(c->user.username, x->cu->supervisor);
    if (!mm && !slt)
        return err_forbidden(e, "role",
                             "only the MM of market %s (or its supervising SLT member)"
                             " approves",
                             x->cu->market);
    if (is(jstr(x->r, "created_by"), c->user.username))
        return err_forbidden(e, "self_approval", "you may not approve your own return");
    /* The verified detail becomes the red-ink delivery note, under the same TH number. */
    json_t *lines = db_rows(c->db, e,
                            "SELECT l.line_no, l.sku, p.name, p.spec, p.unit, l.batch, l.qty,"
                            " l.warehouse FROM return_lines l JOIN products p ON p.sku = l.sku"
                            " WHERE l.return_no = ? ORDER BY l.line_no",
                            "s", x->number);
    if (!lines)
        return -1;
    char at[32];
    ts_format_rfc3339(c->now, c->cfg->tz_min, at);
    json_t *note = json_pack("{ss ss ss ss so}", "number", x->number, "title", "红字出库单",
                             "issued_at", at, "approved_by", c->user.username, "lines", lines);
    int rc = db_exec(c->db, e, "UPDATE returns SET red_ink_note = ? WHERE number = ?", "js", note,
                     x->number);
    json_decref(note);
    if (rc < 0)
        return -1;
    snprintf(x->to, sizeof x->to, "approved");
    json_t *wh = db_rows(c->db, e,
                         "SELECT username FROM users WHERE role = 'warehouse' AND active = 1"
                         " ORDER BY username",
                         NULL);
    if (!wh)
        return -1;
    size_t i;
    json_t *u;
    rc = 0;
    json_array_foreach(wh, i, u) if (rc == 0) rc =
        notify(c, e, "return_approved", jstr(u, "username"), x->number, NULL,
               "红字出库单%s已批准，请收货入库", x->number);
    json_decref(wh);
    return rc;
}

static int a_receive(struct ract *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    const char *order_no = jstr(x->r, "order");
    json_t *lines = db_rows(c->db, e,
                            "SELECT line_no, sku, batch, qty, price_fen, amount_fen, warehouse,"
                            " shipment FROM return_lines WHERE return_no = ? ORDER BY line_no",
                            "s", x->number);
    if (!lines)
        return -1;
    size_t n = json_array_size(lines), i;
    json_t *l;
    int rc = 0;
    /* Stock back into its original lot (quality ok: available again). */
    json_array_foreach(lines, i, l)
    {
        if (db_exec(c->db, e,
                    "UPDATE stock_lots SET on_hand = on_hand + ? WHERE warehouse = ? AND sku = ?"
                    " AND batch = ?",
                    "isss", jint(l, "qty"), jstr(l, "warehouse"), jstr(l, "sku"),
                    jstr(l, "batch")) < 0 ||
            db_exec(c->db, e,
                    "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document, by)"
                    " VALUES(?,?,?,?,'return_in',?,?,?)",
                    "isssiss", c->now, jstr(l, "warehouse"), jstr(l, "sku"), jstr(l, "batch"),
                    jint(l, "qty"), x->number, c->user.username) < 0 ||
            db_exec(c->db, e,
                    "UPDATE return_lines SET received_quality = 'ok' WHERE return_no = ?"
                    " AND line_no = ?",
                    "si", x->number, jint(l, "line_no")) < 0) {
            json_decref(lines);
            return -1;
        }
    }
    /* Credit notes: one per invoice, line by line at the original price, each line tied to the
       invoice line of its SKU. A line goes against the invoice of the shipment that shipped
       its batch (or the prepay-only order's invoice) first, then the order's other invoices
       of that SKU; never more than an invoice has left to credit (its amount less all its
       credit notes). */
    json_t *invs = db_rows(c->db, e,
                           "SELECT i.number, i.shipment, i.amount_fen - coalesce((SELECT"
                           " sum(n.amount_fen) FROM credit_notes n WHERE n.invoice = i.number),"
                           " 0) AS left FROM invoices i WHERE i.order_no = ?"
                           " AND i.state <> 'cancelled' ORDER BY i.number",
                           "s", order_no);
    if (!invs) {
        json_decref(lines);
        return -1;
    }
    size_t ni = json_array_size(invs), nn = n ? n : 1;
    struct cn_line *cl = xcalloc(nn * (ni ? ni : 1), sizeof *cl);
    size_t *cnt = xcalloc(ni ? ni : 1, sizeof *cnt);
    int64_t *left = xcalloc(ni ? ni : 1, sizeof *left);
    for (size_t j = 0; j < ni; j++)
        left[j] = jint(json_array_get(invs, j), "left");
    json_t *cns = json_array();
    json_array_foreach(lines, i, l)
    {
        int64_t rem = jint(l, "amount_fen"), qrem = jint(l, "qty"), price = jint(l, "price_fen");
        const char *lship = jstr(l, "shipment");
        for (int pass = 0; pass < 2 && rc == 0; pass++) {
            for (size_t j = 0; j < ni && rem > 0; j++) {
                const char *ish = jstr(json_array_get(invs, j), "shipment");
                bool mine = !ish || (lship && strcmp(ish, lship) == 0);
                if (mine != (pass == 0) || left[j] <= 0)
                    continue;
                const char *num = jstr(json_array_get(invs, j), "number");
                int64_t il = 0;
                int f = db_int(c->db, e, &il,
                               "SELECT line_no FROM invoice_lines WHERE invoice = ? AND sku = ?"
                               " ORDER BY line_no LIMIT 1",
                               "ss", num, jstr(l, "sku"));
                if (f < 0) {
                    rc = -1;
                    break;
                }
                if (f == 0)
                    continue;
                int64_t take = rem < left[j] ? rem : left[j];
                int64_t q = take == rem ? qrem : (price > 0 ? take / price : 0);
                cl[j * nn + cnt[j]++] =
                    (struct cn_line){(int)il, jstr(l, "sku"), jstr(l, "batch"), q, price, take};
                left[j] -= take;
                rem -= take;
                qrem -= q;
            }
        }
        if (rc < 0)
            break;
    }
    for (size_t j = 0; rc == 0 && j < ni; j++) {
        if (cnt[j] == 0)
            continue;
        char number[DOCNO_MAX];
        if (billing_credit_note(c, jstr(json_array_get(invs, j), "number"), "return", x->number,
                                &cl[j * nn], cnt[j], number, e) < 0) {
            rc = -1;
            break;
        }
        json_array_append_new(cns, json_string(number));
    }
    if (rc == 0)
        rc = db_exec(c->db, e, "UPDATE returns SET credit_notes = ? WHERE number = ?", "js", cns,
                     x->number) < 0
                 ? -1
                 : 0;
    free(cl);
    free(cnt);
    free(left);
    json_decref(invs);
    json_decref(cns);
    json_decref(lines);
    if (rc < 0)
        return -1;
    snprintf(x->to, sizeof x->to, "received");
    /* Rule 5-7: the credit is money for the customer's waiting orders. */
    if (order_recheck_customer(c, x->cu->code, e) < 0)
        return -1;
    return notify(c, e, "return_received", x->cu->kam, x->number, NULL,
                  "退货%s已入库，红字发票已冲减应收", x->number);
}

static int a_cancel(struct ract *x, struct osb_err *e)
{
    bool creator = is(jstr(x->r, "created_by"), x->c->user.username);
    bool um = x->c->user.role == ROLE_UM && is(x->c->user.region, x->cu->region);
    if (!creator && !um)
        return err_forbidden(e, "role", "only who filed the return, or the UM, cancels it");
    snprintf(x->to, sizeof x->to, "cancelled");
    return 0;
}

typedef int (*ract_fn)(struct ract *x, struct osb_err *e);

static const struct {
    const char *name;
    enum perm_action perm; /* P__COUNT: checked by the action itself */
    const char *from[4];
    ract_fn fn;
} actions[] = {
    {"confirm", P_RETURN_CONFIRM, {"requested"}, a_confirm},
    {"inspect", P_RETURN_INSPECT, {"confirmed"}, a_inspect},
    {"approve", P_RETURN_APPROVE, {"inspected"}, a_approve},
    {"receive", P_RETURN_RECEIVE, {"approved"}, a_receive},
    {"cancel", P__COUNT, {"requested", "confirmed", "inspected"}, a_cancel},
};

int return_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
               struct osb_err *e)
{
    *out = NULL;
    size_t ai = 0;
    while (ai < sizeof actions / sizeof actions[0] && strcmp(actions[ai].name, action))
        ai++;
    if (ai == sizeof actions / sizeof actions[0])
        return err_set(e, ERR_NOT_FOUND, "no return action '%s'", action);
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) if (strcmp(k, "comment") && strcmp(k, "genuine") &&
                                        strcmp(k, "name_spec_qty_ok") &&
                                        strcmp(k, "note")) return err_bad(e, k,
                                                                          "unknown field '%s'", k);
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_string(cm) && !json_is_null(cm))
        return err_bad(e, "comment", "comment must be a string");
    json_t *r = NULL;
    int rc = db_row(c->db, e, &r,
                    "SELECT number, order_no AS \"order\", customer, state, version, created_by"
                    " FROM returns WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    struct order_customer cu;
    if (rc == 0 || store_order_customer(c->db, e, jstr(r, "customer"), &cu) != 1 || !sees(c, &cu)) {
        json_decref(r);
        return err_ok(e) ? err_set(e, ERR_NOT_FOUND, "no return '%s'", number) : -1;
    }
    struct ract x = {c, number, r, &cu, body, ""};
    rc = -1;
    char from[16];
    snprintf(from, sizeof from, "%s", jstr(r, "state"));
    if (actions[ai].perm != P__COUNT && flow_need(c, actions[ai].perm, e) < 0)
        goto out;
    if (actions[ai].perm == P__COUNT && c->user.role != ROLE_KAM && c->user.role != ROLE_REP &&
        c->user.role != ROLE_UM) {
        err_forbidden(e, "role", "the role %s may not cancel a return", role_str(c->user.role));
        goto out;
    }
    bool ok = false;
    for (size_t i = 0; i < 4 && actions[ai].from[i]; i++)
        ok = ok || strcmp(actions[ai].from[i], from) == 0;
    if (!ok) {
        err_state(e, from, "a return in state %s cannot %s", from, action);
        goto out;
    }
    if (flow_check_version(c, e, jint(r, "version")) < 0 || actions[ai].fn(&x, e) < 0)
        goto out;
    const char *comment = json_string_value(cm);
    if (event(c, number, action, from, x.to, comment, e) < 0)
        goto out;
    rc = flow_doc_move(c, e, "returns", "return", number, action, from, x.to, jint(r, "version"));
    if (rc == 0)
        rc = return_json(c, number, out, e);
out:
    json_decref(r);
    return rc;
}
