/*
 * order.c — the OP flow: OG (create, verify, approve-market), OA (accept), QC → AC → CC (check),
 * ST, MA (approve), BG (print-delivery-note, release), and cancel/reject/amend (flows.md §2),
 * as a document of the kernel (flow/doc.h).
 *
 * The table is rules/order.c (order_doc), the SQL store/order.c, store/quota.c and
 * store/credit.c. Here: who may act beyond the matrix (kind_who()), one function per action, the
 * timeline row (event()) and the answer. doc_act() runs the gate (scope 404, role 403, state
 * 409, If-Match 409, body 400), the action, one save of the order row and its changed lines,
 * the timeline row and the audit row, inside the caller's transaction.
 *
 * Who (numbering-and-rules.md §3, flows.md §2.1): verify and amend — the customer's KAM;
 * send-back and approve-market — the MM of the customer's market; approve and return-for-fix —
 * the supervising SLT member of the market, or their secretary by proxy; reject — that member
 * or any ST voter (gm, sales_director, deputy_director), or their secretary by proxy; st-vote —
 * an ST voter or their secretary; cancel — ssg_leader, or the customer's KAM before acceptance.
 * Nobody approves or votes on an order they created (flows.md §0.4).
 */
#include "flow/order.h"

#include "core/calendar.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/billing.h"
#include "flow/contract.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/free_goods.h"
#include "flow/market.h"
#include "flow/notify.h"
#include "flow/price_list.h"
#include "flow/scope.h"
#include "rules/free_goods.h"
#include "rules/order.h"
#include "store/credit.h"
#include "store/order.h"
#include "store/quota.h"
#include "store/recipients.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

/* Authority of the supervising SLT member to approve a prepay order directly (rule 5-7). */
#define SLT_SHORTFALL_FEN 1000000

/* The aggregate the kernel holds: the order and the facts of its customer. */
struct odoc {
    struct order o;
    struct order_customer cu;
};

/* ---- reading ----------------------------------------------------------------------------- */

/* Data scope: the customer's scope (§4), plus every st_pending order for the SLT voters. */
static bool sees(struct ctx *c, const struct order_customer *cu, enum order_state st)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu->market, cu->region,      cu->kam,
                                cu->rep,    cu->kam_manager, cu->supervisor};
    if (scope_sees_customer(&su, &sc))
        return true;
    return st == OS_ST_PENDING && role_is_slt(c->user.role);
}

static int kload(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                 struct osb_err *e)
{
    (void)k;                             /* one kind per loader here */
    struct odoc *d = xmalloc(sizeof *d); /* the load sets what it reads (no 26 KiB zeroing) */
    int rc = store_order_load_with_customer(c->db, e, number, &d->o, &d->cu);
    if (rc == 1 && !sees(c, &d->cu, d->o.state))
        rc = 0;
    if (rc <= 0) {
        store_order_release(&d->o);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void kfree(void *p)
{
    struct odoc *d = p;
    store_order_release(&d->o);
    free(d);
}

static int kstate(const void *p)
{
    return ((const struct odoc *)p)->o.state;
}
static int64_t kversion(const void *p)
{
    return ((const struct odoc *)p)->o.version;
}

/* The order as api.md §3.3 shows it (without allowed_actions); pre: a list page's reads
   (store_order_answer_listed: no timeline, no memo), NULL for one order. */
static int order_json(struct ctx *c, const struct order *d, struct order_answer_pre *pre,
                      json_t **out, struct osb_err *e)
{
    json_t *o;
    if ((pre ? store_order_answer_listed(c->db, e, d, pre, &o)
             : store_order_answer(c->db, e, d, &o)) < 0)
        return -1;
    static const char *const times[] = {
        "submitted_at", "accepted_at",   "pending_approval_at", "approved_at", "billed_at",
        "released_at",  "op_started_at", "op_stopped_at",       "created_at",  "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, o, times[i]);
    if (json_is_null(json_object_get(o, "warnings")))
        json_object_set_new(o, "warnings", json_array());
    size_t i;
    json_t *it;
    json_t *lines = json_object_get(o, "lines");
    json_array_foreach(lines, i, it) if (json_is_null(json_object_get(it, "cut_reasons")))
        json_object_set_new(it, "cut_reasons", json_array());
    /* entities.md §5.2 payment_source; QC-5 shows cash and expense totals apart. */
    int64_t expense_total = 0;
    json_array_foreach(lines, i, it)
    {
        const struct order_line *l = NULL;
        for (size_t k = 0; k < d->nlines && !l; k++)
            if (d->lines[k].line_no == jint(it, "line_no"))
                l = &d->lines[k];
        if (!l)
            continue;
        json_object_set_new(it, "payment_source", json_string(l->expense ? "expense" : "cash"));
        json_object_set_new(it, "expense_application",
                            l->expense ? json_string(l->expense_application) : json_null());
        int64_t ex = 0;
        if (l->expense) {
            (void)money_mul(l->qty - l->qty_cut, l->expense_price_fen, &ex);
            json_object_set_new(it, "expense_price_fen", json_integer(l->expense_price_fen));
            json_object_set_new(it, "expense_amount_fen", json_integer(ex));
            (void)money_add(expense_total, ex, &expense_total);
        }
        json_object_set_new(it, "price_source",
                            l->price_source[0] ? json_string(l->price_source) : json_null());
    }
    json_object_set_new(o, "expense_total_fen", json_integer(expense_total));
    json_object_set_new(o, "cash_total_fen", json_integer(d->total_fen));
    json_array_foreach(json_object_get(o, "timeline"), i, it) flow_ts(c, it, "at");
    json_array_foreach(json_object_get(o, "memo"), i, it) flow_ts(c, it, "at");
    json_t *st = json_object_get(o, "st");
    if (json_is_object(st)) {
        json_array_foreach(json_object_get(st, "votes"), i, it) flow_ts(c, it, "at");
        flow_ts(c, st, "requested_at");
        flow_ts(c, st, "decide_by");
        flow_ts(c, st, "decided_at");
    }
    if (c->user.role == ROLE_WAREHOUSE) {
        /* §4: the warehouse sees orders without prices or amounts. */
        json_array_foreach(lines, i, it)
        {
            json_object_del(it, "price_fen");
            json_object_del(it, "amount_fen");
        }
        json_array_foreach(lines, i, it)
        {
            json_object_del(it, "expense_price_fen");
            json_object_del(it, "expense_amount_fen");
        }
        static const char *const money[] = {
            "total_fen",         "stated_total_fen",       "credit_check",
            "earmark_fen",       "approved_shortfall_fen", "st",
            "expense_total_fen", "cash_total_fen"};
        for (size_t k = 0; k < sizeof money / sizeof money[0]; k++)
            json_object_del(o, money[k]);
    }
    *out = o;
    return 0;
}

static int kanswer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    return order_json(c, &((struct odoc *)p)->o, NULL, out, e);
}

static const struct doc_kind kind;

int order_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

/* Orders read together for a list: a page of up to 1,000 is read this many at a time, so that
   it holds ~2 MiB of orders (each ~46 KiB: room for ORDER_MAX_LINES lines), not 46 MiB. */
#define LIST_PART 50

/* The orders nums (at most LIST_PART) as lists show them, appended to items: header, lines and
   allowed_actions (the timeline and memo are on the order), each as doc_get answers it, read
   with one statement a kind for all of them (store_order_load_page, store_order_answer_pre),
   not a handful an order. */
static int order_list_part(struct ctx *c, json_t *nums, json_t *items, struct osb_err *e)
{
    size_t n = json_array_size(nums);
    /* Each allocated apart, as kload does (one block would be an mmap faulted in and unmapped
       every request). */
    struct odoc **docs = xcalloc(n + 1, sizeof *docs);
    struct order **os = xcalloc(n + 1, sizeof *os);
    struct order_customer **cus = xcalloc(n + 1, sizeof *cus);
    bool *found = xcalloc(n + 1, sizeof *found);
    for (size_t i = 0; i < n; i++) {
        docs[i] = xmalloc(sizeof *docs[i]); /* the load sets what it reads */
        os[i] = &docs[i]->o;
        cus[i] = &docs[i]->cu;
    }
    struct order_answer_pre pre = {0};
    int rc = store_order_load_page(c->db, e, nums, os, cus, found);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* As doc_get: an order gone or out of the caller's sight is not found. */
        if (!found[i] || !sees(c, &docs[i]->cu, docs[i]->o.state))
            rc = err_set(e, ERR_NOT_FOUND, "no %s '%s'", order_doc.object,
                         json_string_value(json_array_get(nums, i)));
    }
    if (rc == 0)
        rc = store_order_answer_pre(c->db, e, os, n, &pre);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *doc;
        rc = order_json(c, &docs[i]->o, &pre, &doc, e);
        if (rc == 0) {
            doc_answer_actions(c, &kind, docs[i], doc);
            if (doc_check_answers()) {
                static const char *const drop[] = {"timeline", "memo", NULL};
                json_t *own = NULL;
                struct osb_err e2 = OSB_ERR_INIT;
                (void)doc_get(c, &kind, docs[i]->o.number, &own, &e2);
                err_clear(&e2);
                doc_check_listed(c, docs[i]->o.number, doc, own, drop);
            }
            json_array_append_new(items, doc);
        }
    }
    store_order_answer_pre_free(&pre);
    for (size_t i = 0; i < n; i++) {
        store_order_release(&docs[i]->o);
        free(docs[i]);
    }
    free(docs), free(os), free(cus), free(found);
    return rc;
}

static int order_list_items(struct ctx *c, json_t *nums, const char *next, json_t **out,
                            struct osb_err *e)
{
    *out = NULL;
    json_t *items = json_array();
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < json_array_size(nums); at += LIST_PART) {
        json_t *part = json_array();
        for (size_t i = at; i < at + LIST_PART && i < json_array_size(nums); i++)
            json_array_append(part, json_array_get(nums, i));
        rc = order_list_part(c, part, items, e);
        json_decref(part);
    }
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *out =
        json_pack("{so so}", "items", items, "next_cursor", next ? json_string(next) : json_null());
    return 0;
}

int order_list(struct ctx *c, const struct order_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&order_doc, q->state, e) < 0)
        return -1;
    struct store_order_filter f = {q->state, q->customer, q->market, q->cursor,
                                   0,        0,           q->limit,  q->q};
    date_t d;
    if (q->from) {
        if (!date_parse(q->from, &d))
            return err_bad(e, "from", "from must be a date YYYY-MM-DD");
        f.from_ts = date_start_ts(d, c->cfg->tz_min);
    }
    if (q->to) {
        if (!date_parse(q->to, &d))
            return err_bad(e, "to", "to must be a date YYYY-MM-DD");
        f.to_ts = date_start_ts(d + 1, c->cfg->tz_min);
    }
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *nums;
    char *next;
    if (store_order_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = order_list_items(c, nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

/* ---- lines ------------------------------------------------------------------------------ */

static int line_err(struct osb_err *e, size_t i, const char *sku, const char *rule, const char *fmt,
                    const char *arg)
{
    char field[32];
    /* "lines[" + at most 20 digits + "]": 27 bytes and the NUL fit 32 */
    (void)str_fmt(field, sizeof field, "lines[%zu]", i);
    err_invalid(e, field, rule, fmt, arg);
    e->extra = json_pack("{sI ss}", "line", (json_int_t)(i + 1), "sku", sku ? sku : "");
    return -1;
}

/* The product facts of the order's lines, in one read. */
static int line_products(struct ctx *c, const struct order *o, struct order_product *pf,
                         struct osb_err *e)
{
    const char *skus[ORDER_MAX_LINES];
    for (size_t i = 0; i < o->nlines; i++)
        skus[i] = o->lines[i].sku;
    return store_order_products(c->db, e, skus, o->nlines, pf);
}

/* OA-4 (and at create/amend the estimate with today's prices): each goods line's price is
   that of its SKU on the customer's price list (its price_list code) published and valid on
   `day`, else the product's price_fen (api.md §5.4, §5.9: never a QC failure); sample and pop
   lines 0. Sets the amounts ((qty − qty_cut) × price) and the total; 422 amount_too_large when
   a line or the total is above 10^13 fen (api.md §4 money cap, §5.9). list_no (may be NULL)
   gets the number of the list that priced the order, or "". */
static int price_lines(struct ctx *c, const char *customer, date_t day, struct order *o,
                       const struct order_product *pfs, char *list_no, struct osb_err *e)
{
    const char *skus[ORDER_MAX_LINES];
    int64_t listed[ORDER_MAX_LINES];
    bool found[ORDER_MAX_LINES];
    char used[DOCNO_MAX];
    for (size_t i = 0; i < o->nlines; i++)
        skus[i] = o->lines[i].sku;
    if (price_list_prices(c, customer, day, skus, o->nlines, listed, found, used, e) < 0)
        return -1;
    if (list_no)
        str_copy(list_no, DOCNO_MAX, used);
    int64_t total = 0;
    bool original = is(o->source, "exchange"); /* flows.md §6: an exchange keeps its prices */
    for (size_t i = 0; i < o->nlines; i++) {
        struct order_line *l = &o->lines[i];
        int64_t list = pfs[i].kind != PK_GOODS ? 0 : found[i] ? listed[i] : pfs[i].price_fen;
        if (!original && l->expense) {
            /* free goods: drawn from the expense application at the list price, 0 to pay */
            l->expense_price_fen = list;
            l->price_fen = 0;
        } else if (!original && l->has_agreed) {
            /* flows.md §8: below the list only under a quotation or contract price */
            l->price_source[0] = '\0';
            if (price_below_list(l->agreed_price_fen, list)) {
                int f = free_goods_price_cover(c, customer, l->sku, l->agreed_price_fen, day,
                                               l->price_source, e);
                if (f < 0)
                    return -1;
                if (f == 0)
                    return line_err(e, i, l->sku, "below_list_price",
                                    "%s: a price below the list needs an approved quotation or"
                                    " contract price",
                                    l->sku);
            }
            l->price_fen = l->agreed_price_fen;
        } else if (!original) {
            l->price_fen = list;
        }
        if (l->expense && !money_mul(l->qty, l->expense_price_fen, &(int64_t){0}))
            return line_err(e, i, l->sku, "amount_too_large",
                            "%s: the line's amount is above 10^13 fen", l->sku);
        if (!money_mul(l->qty - l->qty_cut, l->price_fen, &l->amount_fen) ||
            l->amount_fen > MONEY_MAX_FEN)
            return line_err(e, i, l->sku, "amount_too_large",
                            "%s: the line's amount is above 10^13 fen", l->sku);
        if (!money_add(total, l->amount_fen, &total) || total > MONEY_MAX_FEN)
            return err_invalid(e, "total_fen", "amount_too_large",
                               "the order's total is above 10^13 fen (¥100 billion)");
    }
    o->total_fen = total;
    return 0;
}

/* Validates the lines of create/amend (flows.md §2.1 create row) into o; whole-case misses
   become warnings, because loose units can be approved. */
static int parse_lines(struct ctx *c, json_t *arr, struct order *o, json_t *warnings,
                       struct osb_err *e)
{
    if (!json_is_array(arr))
        return arr ? err_bad(e, "lines", "lines must be an array")
                   : err_invalid(e, "lines", "required", "an order needs lines");
    size_t n = json_array_size(arr);
    if (n == 0)
        return err_invalid(e, "lines", "required", "an order needs at least one line");
    if (n > ORDER_MAX_LINES)
        return err_invalid(e, "lines", "too_many_lines", "an order has at most 200 lines");
    /* The shape of every line first, then the products of all lines in one read. */
    const char *skus[ORDER_MAX_LINES];
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_array_get(arr, i);
        if (!json_is_object(l))
            return err_bad(e, "lines", "each line must be an object");
        const char *k;
        json_t *v;
        json_object_foreach(
            l, k, v) if (strcmp(k, "sku") && strcmp(k, "qty") && strcmp(k, "loose_units") &&
                         strcmp(k, "pop_request") && strcmp(k, "payment_source") &&
                         strcmp(k, "expense_application") &&
                         strcmp(k, "price_fen")) return err_bad(e, k,
                                                                "unknown field '%s' in a line", k);
        json_t *js = json_object_get(l, "sku");
        skus[i] = json_is_string(js) ? json_string_value(js) : "";
    }
    struct order_product pfs[ORDER_MAX_LINES];
    if (store_order_products(c->db, e, skus, n, pfs) < 0)
        return -1;
    for (size_t i = 0; i < o->nlines; i++) {
        json_decref(o->lines[i].cut_reasons);
        o->lines[i].cut_reasons = NULL;
    }
    o->nlines = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_array_get(arr, i);
        json_t *js = json_object_get(l, "sku"), *jq = json_object_get(l, "qty"),
               *jl = json_object_get(l, "loose_units");
        if (!js)
            return line_err(e, i, NULL, "required", "line %s has no sku", "");
        if (!json_is_string(js))
            return err_bad(e, "sku", "sku must be a string");
        if (!jq)
            return line_err(e, i, json_string_value(js), "required", "line %s has no qty",
                            json_string_value(js));
        if (!json_is_integer(jq))
            return err_bad(e, "qty", "qty must be an integer number of units");
        if (jl && !json_is_boolean(jl))
            return err_bad(e, "loose_units", "loose_units must be true or false");
        json_t *jp = json_object_get(l, "pop_request"); /* flows.md §13: a POP line's request */
        if (jp && !json_is_null(jp) &&
            (!json_is_string(jp) || strlen(json_string_value(jp)) >= DOCNO_MAX))
            return err_bad(e, "pop_request", "pop_request must be a POP request number");
        /* entities.md §5.2: payment_source cash|expense; an expense line names its expense
           application (free goods, flows.md §15); price_fen asks a price (flows.md §8). */
        json_t *jps = json_object_get(l, "payment_source"),
               *jxa = json_object_get(l, "expense_application"),
               *jpr = json_object_get(l, "price_fen");
        if (jps && !json_is_null(jps) &&
            (!json_is_string(jps) ||
             (strcmp(json_string_value(jps), "cash") && strcmp(json_string_value(jps), "expense"))))
            return err_bad(e, "payment_source", "payment_source is cash or expense");
        if (jxa && !json_is_null(jxa) &&
            (!json_is_string(jxa) || strlen(json_string_value(jxa)) >= DOCNO_MAX))
            return err_bad(e, "expense_application",
                           "expense_application must be an expense application number");
        if (jpr && !json_is_null(jpr) && !json_is_integer(jpr))
            return err_bad(e, "price_fen", "price_fen must be an integer number of fen");
        bool expense = jps && json_is_string(jps) && !strcmp(json_string_value(jps), "expense");
        const char *sku = json_string_value(js);
        if (expense && !json_is_string(jxa))
            return line_err(e, i, sku, "required",
                            "%s: an expense line names its expense_application", sku);
        if (!expense && json_is_string(jxa))
            return line_err(e, i, sku, "payment_source_expense",
                            "%s: expense_application goes with payment_source expense", sku);
        if (json_is_integer(jpr) &&
            (json_integer_value(jpr) < 0 || json_integer_value(jpr) > MONEY_MAX_FEN))
            return line_err(e, i, sku,
                            json_integer_value(jpr) < 0 ? "negative_amount" : "amount_too_large",
                            "%s: the price is out of range", sku);
        if (expense && json_is_integer(jpr))
            return line_err(e, i, sku, "price_not_allowed",
                            "%s: an expense line is drawn at the list price", sku);
        int64_t qty = json_integer_value(jq);
        if (qty < 0)
            return line_err(e, i, sku, "negative_qty", "%s: the quantity is negative", sku);
        if (qty == 0)
            return line_err(e, i, sku, "zero_qty", "%s: the quantity is zero", sku);
        if (qty > 100000000)
            return line_err(e, i, sku, "qty_too_large", "%s: at most 100,000,000 a line", sku);
        for (size_t j = 0; j < i; j++)
            if (strcmp(o->lines[j].sku, sku) == 0)
                return line_err(e, i, sku, "duplicate_line", "%s appears on two lines", sku);
        const struct order_product *pf = &pfs[i];
        if (!pf->known)
            return line_err(e, i, sku, "unknown_sku", "no product '%s'", sku);
        if (!pf->active)
            return line_err(e, i, sku, "inactive_product", "%s is no longer sold", sku);
        struct order_line *ol = &o->lines[o->nlines++];
        memset(ol, 0, sizeof *ol);
        ol->line_no = (int)i + 1;
        str_field(ol->sku, sizeof ol->sku, sku, "sku");
        ol->qty = qty;
        ol->loose_units = jl && json_is_true(jl);
        if (jp && json_is_string(jp))
            str_field(ol->pop_request, sizeof ol->pop_request, json_string_value(jp),
                      "pop_request");
        if ((expense || json_is_integer(jpr)) && pf->kind != PK_GOODS)
            return line_err(e, i, sku, "goods_only",
                            "%s: only goods lines are paid from expense money or priced apart",
                            sku);
        ol->expense = expense;
        if (expense)
            str_field(ol->expense_application, sizeof ol->expense_application,
                      json_string_value(jxa), "expense_application");
        ol->has_agreed = json_is_integer(jpr);
        ol->agreed_price_fen = ol->has_agreed ? json_integer_value(jpr) : 0;
        ol->price_fen = pf->kind == PK_GOODS && !expense ? pf->price_fen : 0;
        ol->expense_price_fen = expense ? pf->price_fen : 0;
        if (pf->kind == PK_GOODS && pf->case_size > 1 && qty % pf->case_size != 0)
            json_array_append_new(
                warnings, json_pack("{ss si ss ss}", "rule", "whole_cases", "line", (int)i + 1,
                                    "sku", sku, "message",
                                    "not a whole number of cases: QC will fail unless loose "
                                    "units are approved"));
    }
    /* Today's prices, and the money cap on them (api.md §5.9). */
    return price_lines(c, o->customer, flow_today(c), o, pfs, NULL, e);
}

/* ---- notifications (flows.md §0.5 copy rule) ------------------------------------------- */

static int notify_role(struct ctx *c, struct osb_err *e, const char *role, const char *event,
                       const struct order *o, const char *subject)
{
    json_t *users = store_role_users(c->db, e, role);
    if (!users)
        return -1;
    size_t i;
    json_t *u;
    int rc = 0;
    json_array_foreach(users, i, u)
    {
        if (notify(c, e, event, json_string_value(u), o->number, NULL, "%s", subject) < 0) {
            rc = -1;
            break;
        }
    }
    json_decref(users);
    return rc;
}

/* Notifies each named user once (NULLs and repeats skipped). */
static int notify_users(struct ctx *c, struct osb_err *e, const char *event, const struct order *o,
                        const char *subject, const char *const *who, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!who[i] || !*who[i])
            continue;
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup = dup || is(who[j], who[i]);
        if (!dup && notify(c, e, event, who[i], o->number, NULL, "%s", subject) < 0)
            return -1;
    }
    return 0;
}

/* Every order step notifies KAM and CSR; from acceptance on also finance; MA and rejections
   also the supervising SLT member. extra adds the step's own recipients. */
static int copy_rule(struct ctx *c, struct osb_err *e, const char *event, const struct order *o,
                     const struct order_customer *cu, bool finance, bool slt, const char *subject,
                     const char *const *extra, size_t nextra)
{
    const char *who[12] = {o->kam, o->csr, slt ? cu->supervisor : NULL};
    size_t n = 3;
    for (size_t i = 0; i < nextra && n < 12; i++)
        who[n++] = extra[i];
    if (notify_users(c, e, event, o, subject, who, n) < 0)
        return -1;
    return finance ? notify_role(c, e, "finance", event, o, subject) : 0;
}

/* ---- the OP clock (kpis-and-reports.md §1.2) ------------------------------------------- */

static int op_clock_start(struct ctx *c, struct order *o, struct osb_err *e)
{
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    date_format(cal_bday(&cal, c->now), o->op_receipt_day);
    settings_calendar_release(&cal);
    o->op_started_at = c->now;
    o->op_paused = false;
    return 0;
}

static void op_clock_pause(struct order *o)
{
    o->op_paused = true;
}

/* ---- QC → AC → CC ----------------------------------------------------------------------- */

/* AC for one line (flows.md §2.4 AC 1–3): the cut and its line of quota_check. */
static void ac_line(const struct quota_facts *f, const struct order_line *l, bool loose_ok,
                    int32_t case_size, struct ac_result *r, json_t *qinfo)
{
    struct ac_input in = {
        l->qty,
        case_size,
        loose_ok,
        f->has_customer,
        f->has_region,
        f->has_customer ? f->customer_qty - f->used_customer : 0,
        f->has_region ? f->region_qty + f->transfers_in - f->transfers_out - f->used_region : 0,
        f->approvals - f->approvals_used};
    ac_cut(&in, r);
    json_array_append_new(
        qinfo,
        json_pack("{si ss so so sI sI}", "line", l->line_no, "sku", l->sku, "customer_remaining",
                  f->has_customer ? json_integer(in.rem_customer) : json_null(), "region_remaining",
                  f->has_region ? json_integer(in.rem_region) : json_null(), "approvals_available",
                  (json_int_t)in.approvals_free, "kept", (json_int_t)r->kept));
}

static json_t *credit_check_json(const struct ctx *c, const struct cc_output *r,
                                 const struct credit_figures *f, enum cc_result_kind result)
{
    json_t *reasons = json_array();
    for (size_t i = 0; i < r->nreasons; i++)
        json_array_append_new(reasons, json_string(r->reasons[i]));
    char at[32];
    ts_format_rfc3339(c->now, c->cfg->tz_min, at);
    return json_pack(
        "{ss si so sI sI sI sI sI sI sI sI sI ss ss ss}", "result", cc_result_str(result), "row",
        r->row, "reasons", reasons, "exposure_fen", (json_int_t)r->exposure_fen, "limit_fen",
        (json_int_t)f->limit_fen, "over_pct_bp", (json_int_t)r->over_pct_bp, "overdue_fen",
        (json_int_t)f->overdue_fen, "open_receivables_fen", (json_int_t)f->open_receivables_fen,
        "open_orders_fen", (json_int_t)f->open_orders_fen, "prepayment_fen",
        (json_int_t)f->prepayment_fen, "free_prepayment_fen", (json_int_t)r->free_prepayment_fen,
        "shortfall_fen", (json_int_t)r->shortfall_fen, "reason_zh", r->reason_zh, "reason_en",
        r->reason_en, "checked_at", at);
}

/* CC on the order as it stands (lines already cut): the decision into *r, the credit_check
   object, the next state, exposure and earmark. */
static int run_cc(struct ctx *c, struct order *o, const struct order_customer *cu,
                  struct cc_output *r, struct osb_err *e)
{
    struct credit_figures f = {0};
    struct cc_input in = {cu->prepay_only, cu->credit_hold, o->total_fen, {0}, 0};
    if (store_credit_cc(c->db, e, o->customer, flow_today(c), o->number, &f,
                        &in.other_earmarks_fen) < 0)
        return -1;
    in.fig = f;
    if (!cc_decide(&in, r))
        return err_invalid(e, "total_fen", "amount_overflow", "credit figures overflow");
    json_decref(o->credit_check);
    o->credit_check = credit_check_json(c, r, &f, r->result);
    if (r->to_pending_approval) {
        o->state = OS_PENDING_APPROVAL;
        if (store_order_set_exposure(c->db, e, o->number, o->customer, o->total_fen) < 0)
            return -1;
        if (r->earmark) {
            if (store_order_earmark(c->db, e, o->number, o->customer, o->total_fen, c->now) < 0)
                return -1;
            o->earmark_fen = o->total_fen;
        }
        /* BC1: a prepay-only order is invoiced the moment its payment covers it (row 1). */
        if (r->row == 1 && cu->prepay_only && billing_prepay_invoice(c, o, e) < 0)
            return -1;
        o->pending_approval_at = c->now;
    } else {
        o->state = OS_PREPAY_REQUIRED;
    }
    return 0;
}

static void set_credit_field(struct order *o, const char *key, json_t *value);

/* QC → AC → CC from the original quantities (flows.md §2.4–2.5); *cc gets the CC decision
   when the order passed QC (cc->row 0 when it did not). from: the state the check starts in. */
static int run_check(struct ctx *c, struct order *o, const struct order_customer *cu,
                     enum order_state from, json_t **notices, struct cc_output *cc,
                     struct osb_err *e)
{
    *notices = json_array();
    memset(cc, 0, sizeof *cc);
    /* What the order holds is given back first. An accepted order holds no quota and no
       exposure yet (accept comes from submitted, which amend and the first pass leave clean),
       only an earmark a receipt may have made for it. */
    if (from != OS_ACCEPTED ? store_order_release_holds(c->db, e, o->number, c->now) < 0
        : o->has_earmark    ? store_order_earmark(c->db, e, o->number, o->customer, 0, c->now) < 0
                            : false)
        return -1;
    /* A prepay-only order checked again gives back the invoice of its last pass (§2.1) —
       unless that invoice is paid: then it stays while the new pass comes to the same total
       (issue #17: a second re-check must not cancel and re-issue a paid invoice). */
    char kept_inv[DOCNO_MAX] = "";
    int64_t kept_amount = 0;
    if (cu->prepay_only) {
        int paid = billing_prepay_invoice_paid(c, o->number, kept_inv, &kept_amount, e);
        if (paid < 0 || (paid == 0 && billing_order_credit_back(c, o->number, e) < 0))
            return -1;
    }
    o->earmark_fen = 0;
    o->approved_shortfall_fen = 0;
    struct qc_line ql[ORDER_MAX_LINES];
    struct order_product pf[ORDER_MAX_LINES];
    if (line_products(c, o, pf, e) < 0)
        return -1;
    for (size_t i = 0; i < o->nlines; i++) {
        struct order_line *l = &o->lines[i];
        l->qty_cut = 0;
        json_decref(l->cut_reasons);
        l->cut_reasons = NULL;
        ql[i] = (struct qc_line){l->sku,         pf[i].known, pf[i].active, pf[i].kind,
                                 l->qty,         0,           l->price_fen, pf[i].case_size,
                                 l->loose_units, false,       l->expense};
        if (l->expense)
            ql[i].price_fen = l->expense_price_fen; /* QC-1 no_price: its list price */
        if (pf[i].kind == PK_POP && market_pop_line_ok(c, o->number, l->pop_request, o->customer,
                                                       l->sku, l->qty, &ql[i].pop_ok, e) < 0)
            return -1;
    }
    struct qc_order qo = {ql,
                          o->nlines,
                          is(cu->status, "active"),
                          cu->kam_active && cu->supervisor[0],
                          o->loose_units_approved,
                          o->has_verify,
                          o->has_market_approval,
                          o->has_stated_total,
                          o->stated_total_fen};
    struct qc_failure fails[QC_MAX_FAILURES];
    int64_t total = 0;
    size_t nf = qc_run(&qo, fails, QC_MAX_FAILURES, &total);
    json_t *failed = json_array();
    for (size_t i = 0; i < nf; i++) {
        json_t *f = json_pack("{ss ss}", "rule", fails[i].rule, "message", fails[i].message);
        if (fails[i].line) {
            json_object_set_new(f, "line", json_integer(fails[i].line));
            json_object_set_new(f, "sku", json_string(fails[i].sku));
        }
        json_array_append_new(failed, f);
    }
    /* QC-5 account data: expense lines against their expense applications (flows.md §2.4). */
    if (free_goods_qc(c, o, failed, e) < 0) {
        json_decref(failed);
        return -1;
    }
    if (json_array_size(failed) == 0) {
        /* AC: period = month of the accept date. */
        int y, m, d;
        date_to_ymd(ts_to_date(o->accepted_at ? o->accepted_at : c->now, c->cfg->tz_min), &y, &m,
                    &d);
        char period[8];
        period_format(y, m, period);
        json_t *qinfo = json_array();
        int64_t kept_all = 0;
        total = 0;
        struct quota_use uses[ORDER_MAX_LINES];
        size_t nuses = 0;
        /* The quota facts of every non-POP line in one read (one SKU a line: QC passed). */
        const char *skus[ORDER_MAX_LINES];
        size_t nq = 0;
        for (size_t i = 0; i < o->nlines; i++)
            if (pf[i].kind != PK_POP)
                skus[nq++] = o->lines[i].sku;
        static struct quota_facts none;
        struct quota_facts *qf = nq ? xcalloc(nq, sizeof *qf) : &none;
        if (store_quota_facts(c->db, e, period, o->customer, o->region, skus, nq, qf) < 0) {
            if (nq)
                free(qf);
            json_decref(qinfo), json_decref(failed);
            return -1;
        }
        size_t qi = 0;
        int64_t sample_owed = -1; /* read at the first sample line */
        for (size_t i = 0; i < o->nlines; i++) {
            struct order_line *l = &o->lines[i];
            if (pf[i].kind == PK_POP) {
                kept_all += l->qty;
                continue;
            }
            struct ac_result r;
            ac_line(&qf[qi++], l, l->loose_units && o->loose_units_approved, pf[i].case_size, &r,
                    qinfo);
            /* AC 4: a sample line is further cut by the customer's outstanding sample
               deduction (flows.md §14.5), reason sample_deduction. */
            int64_t ded = 0;
            if (pf[i].kind == PK_SAMPLE && r.kept > 0) {
                if (sample_owed < 0 &&
                    market_sample_outstanding(c, o->customer, o->number, &sample_owed, e) < 0) {
                    if (nq)
                        free(qf);
                    json_decref(qinfo), json_decref(failed);
                    return -1;
                }
                ded = sample_owed < r.kept ? sample_owed : r.kept;
                sample_owed -= ded;
                r.kept -= ded;
                if (r.over_qty > r.kept)
                    r.over_qty = r.kept;
            }
            uses[nuses++] = (struct quota_use){l->sku, l->line_no, r.kept, r.over_qty};
            l->qty_cut = r.cut + ded;
            if (ded > 0) {
                l->cut_reasons = r.cut > 0 ? json_pack("[{ss sI} {ss sI}]", "kind", r.reason, "qty",
                                                       (json_int_t)r.cut, "kind",
                                                       "sample_deduction", "qty", (json_int_t)ded)
                                           : json_pack("[{ss sI}]", "kind", "sample_deduction",
                                                       "qty", (json_int_t)ded);
            }
            if (r.cut > 0) {
                if (!l->cut_reasons)
                    l->cut_reasons =
                        json_pack("[{ss sI}]", "kind", r.reason, "qty", (json_int_t)r.cut);
                char *others = store_quota_regions_with(c->db, period, l->sku, o->region);
                json_array_append_new(
                    *notices,
                    json_sprintf("配额检查：订单%s第%d行%s削减%lld（%s）；其他区域尚有配额：%s",
                                 o->number, l->line_no, l->sku, (long long)r.cut,
                                 strcmp(r.reason, "customer_quota") == 0 ? "客户配额不足"
                                                                         : "区域配额不足",
                                 others && *others ? others : "无"));
                free(others);
            }
            kept_all += r.kept;
            if (!money_mul(l->qty - l->qty_cut, l->price_fen, &l->amount_fen) ||
                !money_add(total, l->amount_fen, &total)) {
                if (nq)
                    free(qf);
                json_decref(qinfo), json_decref(failed);
                return err_invalid(e, "lines", "amount_overflow", "the order total overflows");
            }
        }
        if (nq)
            free(qf);
        for (size_t i = 0; i < o->nlines; i++)
            if (pf[i].kind == PK_POP)
                o->lines[i].amount_fen = 0;
        o->total_fen = total;
        json_decref(o->quota_check);
        o->quota_check = qinfo;
        if (kept_all == 0)
            json_array_append_new(failed,
                                  json_pack("{ss ss}", "rule", "quota_exhausted", "message",
                                            "every line was cut to zero by the quota check"));
        /* The uses are written only when the order passes: a needs_fix order gives them back
           at once (nothing to fix it with). */
        if (json_array_size(failed) == 0 &&
            store_quota_uses(c->db, e, period, o->customer, o->region, o->number, uses, nuses) <
                0) {
            json_decref(failed);
            return -1;
        }
    }
    json_decref(o->qc);
    o->qc = NULL;
    bool keep = kept_inv[0] && json_array_size(failed) == 0 && o->total_fen == kept_amount;
    if (kept_inv[0] && !keep && billing_order_credit_back(c, o->number, e) < 0) {
        json_decref(failed);
        return -1;
    }
    if (keep) {
        /* Still covered by its paid invoice: CC row 1 as before, nothing left open. */
        json_decref(failed);
        cc->row = 1;
        set_credit_field(o, "checked_at", flow_json_ts(c, c->now));
        o->state = OS_PENDING_APPROVAL;
        o->pending_approval_at = c->now;
        o->earmark_fen = kept_amount; /* the money in hand BG-2 asks for: its paid invoice */
        return store_order_set_exposure(c->db, e, o->number, o->customer, 0);
    }
    if (json_array_size(failed) > 0) {
        o->qc = json_pack("{so}", "failed", failed);
        json_decref(o->credit_check);
        o->credit_check = NULL;
        o->state = OS_NEEDS_FIX;
        return 0;
    }
    json_decref(failed);
    return run_cc(c, o, cu, cc, e);
}

/* Sets one field of the order's credit_check object. */
static void set_credit_field(struct order *o, const char *key, json_t *value)
{
    if (!json_is_object(o->credit_check)) {
        json_decref(o->credit_check);
        o->credit_check = json_object();
    }
    json_object_set_new(o->credit_check, key, value);
}

/* ---- the actions ------------------------------------------------------------------------ */

/* What an action function works on (the kernel's doc_act, with the order unpacked). */
struct act {
    struct ctx *c;
    struct order *o;
    struct order_customer *cu;
    json_t *body;
    const struct doc_actor *a;
    enum order_state from;
    const char *comment;
};

/* Is the principal the supervising SLT member of the customer's market? */
static bool is_supervisor(const struct doc_actor *a, const struct order_customer *cu)
{
    return is(a->who, cu->supervisor);
}

static int need_supervisor(const struct doc_actor *a, const struct order_customer *cu,
                           struct osb_err *e)
{
    if (!is_supervisor(a, cu))
        return err_forbidden(e, a->obo[0] ? "proxy_not_authorized" : "role",
                             "only the supervising SLT member of market %s (%s) or their "
                             "secretary may do this",
                             cu->market, cu->supervisor);
    return 0;
}

/* Who may act beyond the matrix row (the S/P/O refinements of numbering-and-rules §3). Reads
   nothing: allowed_actions asks it for every action. */
static int kind_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                    struct osb_err *e)
{
    const struct odoc *d = p;
    const struct order_customer *cu = &d->cu;
    switch ((enum order_action)a) {
    case OA_VERIFY:
    case OA_AMEND:
        if (actor->role != ROLE_KAM || !is(cu->kam, actor->who))
            return err_forbidden(e, "role", "only the customer's KAM (%s) may do this", cu->kam);
        break;
    case OA_SEND_BACK:
    case OA_APPROVE_MARKET:
        if (!is(c->user.market, cu->market))
            return err_forbidden(e, "role", "only the MM of market %s may do this", cu->market);
        break;
    case OA_APPROVE:
    case OA_RETURN_FOR_FIX:
        if (need_supervisor(actor, cu, e) < 0)
            return -1;
        break;
    case OA_REJECT:
        /* The supervising member, or any ST voter (the matrix row is the voters'). */
        if (!is_supervisor(actor, cu) && !role_is_slt(actor->role))
            return need_supervisor(actor, cu, e);
        break;
    case OA_ST_VOTE:
        if (!role_is_slt(actor->role))
            return err_forbidden(e, "role", "only SLT members vote on special treatment");
        break;
    case OA_CANCEL:
        if (actor->role == ROLE_KAM) {
            if (!is(cu->kam, actor->who))
                return err_forbidden(e, "role", "only the customer's KAM may cancel");
            if (d->o.state != OS_DRAFT && d->o.state != OS_VERIFIED && d->o.state != OS_SUBMITTED)
                return err_state(e, order_state_str(d->o.state),
                                 "a KAM may cancel only before acceptance; ask the SSG leader");
        }
        break;
    default:
        break;
    }
    /* Segregation (flows.md §0.4): nobody approves what they created. */
    if ((a == OA_APPROVE || a == OA_ST_VOTE) &&
        (is(d->o.created_by, c->user.username) || is(d->o.created_by, actor->who)))
        return err_forbidden(e, "self_approval", "you may not approve your own order");
    return 0;
}

static int a_verify(struct act *x, struct osb_err *e)
{
    x->o->state = OS_VERIFIED;
    return copy_rule(x->c, e, "order_verified", x->o, x->cu, false, false,
                     "订单已由客户经理核实，待市场经理审批", NULL, 0);
}

static int a_send_back(struct act *x, struct osb_err *e)
{
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "comment_required", "say why the order goes back");
    x->o->state = OS_DRAFT;
    return copy_rule(x->c, e, "order_sent_back", x->o, x->cu, false, false,
                     "订单被市场经理退回修改", NULL, 0);
}

static int a_approve_market(struct act *x, struct osb_err *e)
{
    x->o->state = OS_SUBMITTED;
    x->o->submitted_at = x->c->now;
    /* OG-3: notify the CSR who will accept and the SSG leader; the 30-minute OA clock runs. */
    char csr[40] = "";
    if (x->cu->csr[0])
        STR_COPY_ARRAY(csr, x->cu->csr);
    else if (store_order_market_csr(x->c->db, e, x->cu->market, csr, sizeof csr) < 0)
        return -1;
    const char *who[] = {x->o->kam, csr};
    if (notify_users(x->c, e, "order_submitted", x->o, "新订单已提交，请在30个工作分钟内接收", who,
                     2) < 0)
        return -1;
    return notify_role(x->c, e, "ssg_leader", "order_submitted", x->o,
                       "新订单已提交，请在30个工作分钟内接收");
}

/* OA-3: CSR, SCR and BCR (api.md §4 "order roles"). */
static int assign_roles(struct act *x, struct osb_err *e)
{
    return store_order_assignments(x->c->db, e, x->cu->market, x->cu->csr, x->o);
}

static int a_accept(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    /* A customer that is not active is no reason to refuse the order here: QC-3 at check
       fails it with customer_inactive (api.md §5.2), where the CSR sees why. */
    o->state = OS_ACCEPTED;
    o->accepted_at = c->now;
    if (assign_roles(x, e) < 0)
        return -1;
    /* OA-4: prices from the customer's price list published on the accept date, else the
       product's price; fixed from now on. The money cap again (api.md §5.9). */
    struct order_product pfs[ORDER_MAX_LINES];
    char list_no[DOCNO_MAX];
    if (line_products(c, o, pfs, e) < 0 ||
        price_lines(c, o->customer, flow_today(c), o, pfs, list_no, e) < 0)
        return -1;
    int64_t total = o->total_fen;
    if (op_clock_start(c, o, e) < 0)
        return -1;
    /* OA-2: the memo's first entry. */
    struct sb m = SB_INIT;
    char tot[40];
    money_format(total, tot, sizeof tot);
    /* The entry's own time is the received time (OA-2); the text says the rest. */
    sb_addf(&m, "接收订单：客户 %s %s，客户经理 %s，市场经理 %s；", x->cu->code, x->cu->name,
            o->kam, o->mm[0] ? o->mm : "-");
    for (size_t i = 0; i < o->nlines; i++)
        sb_addf(&m, "%s%s×%lld", i ? "，" : "", o->lines[i].sku, (long long)o->lines[i].qty);
    sb_addf(&m, "；合计 %s。CSR %s，SCR %s，BCR %s。已通知市场经理、区域经理、客户经理和财务。",
            tot, o->csr, o->scr, o->bcr);
    if (list_no[0])
        sb_addf(&m, " 价格取自价目表 %s。", list_no);
    /* QC-6: the same customer with the same lines accepted in the last 24 h. */
    bool dups = false;
    if (store_order_duplicate(c->db, e, o, c->now - 24 * TS_PER_HOUR, &dups) < 0) {
        sb_free(&m);
        return -1;
    }
    if (dups)
        sb_add(&m, " 注意：24小时内已接收过该客户相同内容的订单（QC-6 重复提醒）。");
    if (!x->cu->consignee[0] || !x->cu->consignee_phone[0] || !x->cu->station[0])
        sb_add(&m, " 注意：客户储运信息不全（收货人/电话/托运站），请CSR补充。");
    int rc = store_order_memo(c->db, e, o->number, c->now, c->user.username, m.buf);
    sb_free(&m);
    if (rc < 0)
        return -1;
    const char *who[] = {o->mm, o->um};
    return copy_rule(c, e, "order_accepted", o, x->cu, true, false,
                     "订单已接收（订单号、明细和预计金额见订单）", who, 2);
}

static int a_check(struct act *x, struct osb_err *e)
{
    json_t *notices;
    struct cc_output cc;
    int rc = run_check(x->c, x->o, x->cu, x->from, &notices, &cc, e);
    if (rc < 0) {
        json_decref(notices);
        return -1;
    }
    struct order *o = x->o;
    size_t i;
    json_t *n;
    json_array_foreach(notices, i, n)
    {
        const char *who[] = {o->kam, o->um};
        if (store_order_memo(x->c->db, e, o->number, x->c->now, "system", json_string_value(n)) <
                0 ||
            notify_users(x->c, e, "quota_cut", o, json_string_value(n), who, 2) < 0) {
            json_decref(notices);
            return -1;
        }
    }
    json_decref(notices);
    if (o->state == OS_NEEDS_FIX || o->state == OS_PREPAY_REQUIRED) {
        op_clock_pause(o);
    } else if (x->from == OS_NEEDS_FIX || x->from == OS_PREPAY_REQUIRED) {
        /* kpis §1.2: the OP clock restarts when the order leaves needs_fix/prepay_required. */
        if (op_clock_start(x->c, o, e) < 0)
            return -1;
    }
    if (o->state == OS_NEEDS_FIX) {
        const char *who[] = {o->um};
        return copy_rule(x->c, e, "order_needs_fix", o, x->cu, true, false,
                         "订单未通过合格性检查，需修改", who, 1);
    }
    if (o->state == OS_PREPAY_REQUIRED) {
        const char *who[] = {o->um};
        char sub[200];
        /* The shortfall comes from this pass's CC decision (issue #9 item 8: not read back). */
        STR_FMT_FITS(sub, sizeof "先款后货，除非特别处理(ST)：预收款尚差分" + 20,
                     "先款后货，除非特别处理(ST)：预收款尚差%lld分", (long long)cc.shortfall_fen);
        char cust[64];
        STR_FMT_FITS(cust, sizeof "customer:" + sizeof o->customer - 1, "customer:%s", o->customer);
        if (notify(x->c, e, "shortfall", cust, o->number, NULL, "%s", sub) < 0)
            return -1;
        return copy_rule(x->c, e, "order_prepay_required", o, x->cu, true, false, sub, who, 1);
    }
    return copy_rule(x->c, e, "order_pending_approval", o, x->cu, true, true,
                     "订单已通过检查，待分管SLT成员批准", NULL, 0);
}

static int a_amend(struct act *x, struct osb_err *e)
{
    struct order *o = x->o;
    json_t *warnings = json_array();
    if (parse_lines(x->c, json_object_get(x->body, "lines"), o, warnings, e) < 0 ||
        store_order_release_holds(x->c->db, e, o->number, x->c->now) < 0) {
        json_decref(warnings);
        return -1;
    }
    json_decref(o->warnings);
    o->warnings = warnings;
    json_decref(o->qc);
    json_decref(o->credit_check);
    o->qc = o->credit_check = NULL;
    o->earmark_fen = 0;
    o->accepted_at = 0;
    o->state = OS_SUBMITTED;
    o->submitted_at = x->c->now;
    return copy_rule(x->c, e, "order_amended", o, x->cu, true, false,
                     "订单已修改并重新提交，请重新接收", NULL, 0);
}

static int a_loose_units(struct act *x, struct osb_err *e)
{
    x->o->loose_units_approved = true;
    if (notify_role(x->c, e, "warehouse", "loose_units", x->o, "订单已批准散听（非整箱）发货") < 0)
        return -1;
    return copy_rule(x->c, e, "loose_units", x->o, x->cu, false, false, "散听例外已批准", NULL, 0);
}

/* The business record snapshot for ST (生意记录): 12 months of invoiced sales, AR, limit. */
static json_t *business_record(struct ctx *c, const struct order_customer *cu, struct osb_err *e)
{
    struct credit_figures f = {0};
    if (store_credit_figures(c->db, e, cu->code, flow_today(c), NULL, &f) < 0)
        return NULL;
    char from[11];
    date_format(flow_today(c) - 365, from);
    json_t *months = NULL;
    char *grade = NULL;
    if (store_order_sales_record(c->db, e, cu->code, from, &months, &grade) < 0)
        return NULL;
    json_t *r = json_pack("{so so ss}", "sales_by_month", months, "credit", credit_json(&f),
                          "grade", grade ? grade : "");
    free(grade);
    return r;
}

static int a_request_st(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    const char *reason = jstr(x->body, "reason");
    const char *rt = jstr(x->body, "reason_text");
    if (json_object_get(x->body, "reason") && !reason)
        return err_bad(e, "reason", "reason must be a string");
    if (!reason)
        reason = "other";
    if (strcmp(reason, "order_conference") && strcmp(reason, "growth_above_plan") &&
        strcmp(reason, "other"))
        return err_invalid(e, "reason", "invalid_value",
                           "reason is order_conference, growth_above_plan or other");
    if (rt && strlen(rt) > 1500)
        return err_invalid(e, "reason_text", "too_long", "reason_text is too long");
    json_t *br = business_record(c, x->cu, e);
    if (!br)
        return -1;
    /* Due by the end of the next working day after the request (flows.md §2.6.4). */
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0) {
        json_decref(br);
        return -1;
    }
    date_t due = cal_add_working_days(&cal, flow_today(c), 1);
    settings_calendar_release(&cal);
    int rc = store_st_insert(c->db, e, x->o->number, reason, rt, br, c->now, c->user.username,
                             date_start_ts(due + 1, c->cfg->tz_min));
    json_decref(br);
    if (rc < 0)
        return -1;
    x->o->state = OS_ST_PENDING;
    op_clock_pause(x->o);
    if (notify_role(c, e, "gm", "st_request", x->o, "特别处理(ST)申请待表决") < 0 ||
        notify_role(c, e, "sales_director", "st_request", x->o, "特别处理(ST)申请待表决") < 0 ||
        notify_role(c, e, "deputy_director", "st_request", x->o, "特别处理(ST)申请待表决") < 0)
        return -1;
    return copy_rule(c, e, "st_request", x->o, x->cu, true, false, "已申请特别处理(ST)", NULL, 0);
}

static int st_decided(struct act *x, bool yes, struct osb_err *e)
{
    struct order *o = x->o;
    const char *who[] = {o->um, o->mm};
    char cust[64];
    STR_FMT_FITS(cust, sizeof "customer:" + sizeof o->customer - 1, "customer:%s", o->customer);
    const char *sub = yes ? "特别处理(ST)已通过" : "特别处理(ST)未通过：先款后货";
    if (notify(x->c, e, "st_decision", cust, o->number, NULL, "%s", sub) < 0)
        return -1;
    return copy_rule(x->c, e, "st_decision", o, x->cu, true, false, sub, who, 2);
}

static int a_st_vote(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    json_t *v = json_object_get(x->body, "vote"), *ap = json_object_get(x->body, "approve");
    bool yes = true;
    if (v && !json_is_null(v)) {
        const char *s = json_string_value(v);
        if (!s)
            return err_bad(e, "vote", "vote must be \"yes\" or \"no\"");
        if (strcmp(s, "yes") && strcmp(s, "no"))
            return err_invalid(e, "vote", "invalid_value", "vote must be \"yes\" or \"no\"");
        yes = strcmp(s, "yes") == 0;
    } else if (ap && !json_is_null(ap)) {
        if (!json_is_boolean(ap))
            return err_bad(e, "approve", "approve must be true or false");
        yes = json_is_true(ap);
    }
    int64_t st_id = 0, yeses = 0;
    bool voted = false;
    int f = store_st_open(c->db, e, x->o->number, x->a->who, &st_id, &voted);
    if (f != 1)
        return f < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error: no open ST request");
    if (voted)
        return err_invalid(e, "vote", "already_voted", "%s has already voted on this request",
                           x->a->who);
    if (store_st_vote(c->db, e, st_id, x->a->who, yes, c->user.username, x->a->obo,
                      x->a->obo[0] != 0, c->now, x->comment, &yeses) < 0)
        return -1;
    if (!yes) {
        /* The first no decides: back to prepay_required. */
        if (store_st_decide(c->db, e, x->o->number, "refused", c->now) < 0)
            return -1;
        x->o->state = OS_PREPAY_REQUIRED;
        return st_decided(x, false, e);
    }
    if (yeses < 3)
        return 0; /* still st_pending */
    if (store_st_decide(c->db, e, x->o->number, "approved", c->now) < 0 ||
        store_order_set_exposure(c->db, e, x->o->number, x->o->customer, x->o->total_fen) < 0 ||
        op_clock_start(c, x->o, e) < 0)
        return -1;
    set_credit_field(x->o, "result", json_string("st_approved"));
    x->o->pending_approval_at = c->now;
    x->o->state = OS_PENDING_APPROVAL;
    return st_decided(x, true, e);
}

static int a_approve(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    if (x->from == OS_PREPAY_REQUIRED) {
        /* Rule 5-7: direct approval while the shortfall is within the SLT authority. */
        struct cc_output r;
        struct credit_figures f = {0};
        struct cc_input in = {x->cu->prepay_only, x->cu->credit_hold, o->total_fen, {0}, 0};
        if (store_credit_cc(c->db, e, o->customer, flow_today(c), o->number, &f,
                            &in.other_earmarks_fen) < 0)
            return -1;
        in.fig = f;
        if (!cc_decide(&in, &r))
            return err_invalid(e, "total_fen", "amount_overflow", "credit figures overflow");
        if (r.shortfall_fen > SLT_SHORTFALL_FEN) {
            err_invalid(e, "shortfall_fen", "shortfall_exceeds_authority",
                        "the shortfall %lld fen exceeds the SLT member's authority of "
                        "1,000,000 fen (¥10,000): payment or ST is needed",
                        (long long)r.shortfall_fen);
            e->extra = json_pack("{sI sI}", "shortfall_fen", (json_int_t)r.shortfall_fen,
                                 "limit_fen", (json_int_t)SLT_SHORTFALL_FEN);
            return -1;
        }
        int64_t earmark = o->total_fen - r.shortfall_fen;
        if (store_order_earmark(c->db, e, o->number, o->customer, earmark, c->now) < 0 ||
            store_order_set_exposure(c->db, e, o->number, o->customer, o->total_fen) < 0 ||
            op_clock_start(c, o, e) < 0)
            return -1;
        set_credit_field(o, "approved_shortfall_fen", json_integer(r.shortfall_fen));
        o->earmark_fen = earmark;
        o->approved_shortfall_fen = r.shortfall_fen;
        /* BC1: the SLT's direct approval of a shortfall invoices a prepay-only order. */
        if (x->cu->prepay_only && billing_prepay_invoice(c, o, e) < 0)
            return -1;
    }
    o->state = OS_APPROVED;
    o->approved_at = c->now;
    const char *who[] = {o->um};
    return copy_rule(c, e, "order_approved", o, x->cu, true, true,
                     "订单已批准，请财务当日打印送货单", who, 1);
}

/* flows.md §2.1: a prepay-only order that leaves the path to shipment with its invoice has
   it credited back (HZ order_cancel); the money is prepayment again for the other orders. */
static int credit_back(struct act *x, struct osb_err *e)
{
    if (!x->cu->prepay_only)
        return 0;
    int n = billing_order_credit_back(x->c, x->o->number, e);
    return n <= 0 ? n : order_recheck_customer(x->c, x->o->customer, e);
}

static int a_return_for_fix(struct act *x, struct osb_err *e)
{
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "comment_required", "say what must be corrected");
    if (store_order_release_holds(x->c->db, e, x->o->number, x->c->now) < 0 ||
        credit_back(x, e) < 0)
        return -1;
    op_clock_pause(x->o);
    x->o->earmark_fen = 0;
    x->o->state = OS_NEEDS_FIX;
    const char *who[] = {x->o->um};
    return copy_rule(x->c, e, "order_returned", x->o, x->cu, true, true, "订单被退回区域经理修改",
                     who, 1);
}

static int void_delivery_note(struct act *x, struct osb_err *e)
{
    if (!x->o->delivery_note[0])
        return 0;
    return store_delivery_note_void(x->c->db, e, x->o->delivery_note);
}

static int a_reject(struct act *x, struct osb_err *e)
{
    if (x->from == OS_ST_PENDING &&
        store_st_decide(x->c->db, e, x->o->number, "refused", x->c->now) < 0)
        return -1;
    if (store_order_release_holds(x->c->db, e, x->o->number, x->c->now) < 0 ||
        credit_back(x, e) < 0)
        return -1;
    x->o->earmark_fen = 0;
    x->o->state = OS_REJECTED;
    const char *who[] = {x->o->um, x->o->mm};
    char cust[64];
    STR_FMT_FITS(cust, sizeof "customer:" + sizeof x->o->customer - 1, "customer:%s",
                 x->o->customer);
    if (notify(x->c, e, "order_rejected", cust, x->o->number, NULL, "订单已被拒绝") < 0)
        return -1;
    return copy_rule(x->c, e, "order_rejected", x->o, x->cu, true, true, "订单已被拒绝", who, 2);
}

static int a_cancel(struct act *x, struct osb_err *e)
{
    /* A KAM's cancel after acceptance is refused by kind_who(). */
    if (store_order_release_holds(x->c->db, e, x->o->number, x->c->now) < 0 ||
        credit_back(x, e) < 0 || void_delivery_note(x, e) < 0)
        return -1;
    x->o->earmark_fen = 0;
    x->o->state = OS_CANCELLED;
    return copy_rule(x->c, e, "order_cancelled", x->o, x->cu, x->from >= OS_ACCEPTED, false,
                     "订单已取消", NULL, 0);
}

static int a_print(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    /* BG-2 (seed 003): a prepay-only order needs its money in hand first. */
    if (x->cu->prepay_only && o->earmark_fen + o->approved_shortfall_fen < o->total_fen)
        return err_invalid(e, "order", "prepayment_missing",
                           "the prepay-only customer's payment does not yet cover this order");
    json_t *lines = json_array();
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        json_t *p;
        if (store_order_product_row(c->db, e, l->sku, &p) != 1) {
            json_decref(lines);
            return err_ok(e) ? err_set(e, ERR_INTERNAL, "internal error") : -1;
        }
        int64_t qty = l->qty - l->qty_cut;
        json_int_t cs = json_integer_value(json_object_get(p, "case_size"));
        if (cs < 1)
            cs = 1;
        json_object_set_new(p, "sku", json_string(l->sku));
        json_object_set_new(p, "qty", json_integer(qty));
        json_object_set_new(p, "cases", json_integer(qty / cs));
        json_object_set_new(p, "loose_units", json_integer(qty % cs));
        json_object_set_new(p, "price_fen", json_integer(l->price_fen));
        json_object_set_new(p, "amount_fen", json_integer(l->amount_fen));
        json_array_append_new(lines, p);
    }
    /* The number after the reads: its row is locked from the draw to COMMIT. */
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "FHTZ", number) < 0) {
        json_decref(lines);
        return -1;
    }
    /* The actual arrival address goes in parentheses (seed 004). */
    struct sb addr = SB_INIT;
    sb_add(&addr, x->cu->address);
    if (x->cu->arrival[0])
        sb_addf(&addr, "（%s）", x->cu->arrival);
    int rc = store_order_delivery_note(c->db, e, number, o->number, c->now, c->user.username, lines,
                                       x->cu, addr.buf);
    sb_free(&addr);
    json_decref(lines);
    if (rc < 0)
        return -1;
    STR_COPY_ARRAY(o->delivery_note, number);
    o->state = OS_BILLED;
    o->billed_at = c->now;
    return copy_rule(c, e, "delivery_note_printed", o, x->cu, false, false,
                     "送货单已打印，请当日交储运部", NULL, 0);
}

/* BG-3: the shipment, with stock reserved first-expiring-first in one warehouse. */
static int a_release(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    char wh[40];
    if (store_order_pick_warehouse(c->db, e, o->number, wh, sizeof wh) < 0)
        return -1;
    if (!wh[0])
        return err_invalid(e, "warehouse", "unknown_reference", "there is no active warehouse");
    STR_COPY_ARRAY(o->warehouse, wh);
    /* The stock first, then the number: a number's row is locked from its draw to COMMIT
       (numbers are gapless, docs/operations.md "Which lock protects what"). */
    json_t *reserved = store_order_reserve(c->db, e, o);
    if (!reserved)
        return -1;
    char number[DOCNO_MAX];
    int rc = flow_docno(c, e, "FH", number) < 0 ||
                     store_order_ship(c->db, e, o, number, c->now, c->user.username, reserved) < 0
                 ? -1
                 : 0;
    json_decref(reserved);
    if (rc < 0)
        return -1;
    o->released_at = c->now;
    o->op_stopped_at = c->now;
    o->state = OS_RELEASED;
    const char *who[] = {o->scr};
    return copy_rule(c, e, "order_released", o, x->cu, true, false, "送货单已交储运部，请按单发运",
                     who, 1);
}

typedef int (*act_fn)(struct act *x, struct osb_err *e);

/* Runs action function fn on the kernel's document: the order's new state becomes the
   kernel's `to`, and the audit row's "after" also names the total and the comment. */
static int run(struct doc_act *k, act_fn fn, struct osb_err *e)
{
    struct odoc *d = k->doc;
    struct act x = {k->c, &d->o, &d->cu, k->body, &k->actor, (enum order_state)k->from, k->comment};
    if (fn(&x, e) < 0)
        return -1;
    k->to = d->o.state;
    json_object_set_new(k->audit_after, "total_fen", json_integer(d->o.total_fen));
    if (k->comment)
        json_object_set_new(k->audit_after, "comment", json_string(k->comment));
    return 0;
}

/* clang-format off */
#define RUN(fn)                                                                                \
    static int r_##fn(struct doc_act *k, struct osb_err *e) { return run(k, fn, e); }
/* clang-format on */
RUN(a_verify)
RUN(a_send_back)
RUN(a_approve_market)
RUN(a_accept)
RUN(a_check)
RUN(a_amend)
RUN(a_loose_units)
RUN(a_request_st)
RUN(a_st_vote)
RUN(a_approve)
RUN(a_return_for_fix)
RUN(a_reject)
RUN(a_print)
RUN(a_release)
RUN(a_cancel)

static const doc_run_fn runs[OA__COUNT] = {
    [OA_VERIFY] = r_a_verify,
    [OA_SEND_BACK] = r_a_send_back,
    [OA_APPROVE_MARKET] = r_a_approve_market,
    [OA_ACCEPT] = r_a_accept,
    [OA_CHECK] = r_a_check,
    [OA_RECHECK] = r_a_check,
    [OA_AMEND] = r_a_amend,
    [OA_LOOSE_UNITS] = r_a_loose_units,
    [OA_REQUEST_ST] = r_a_request_st,
    [OA_ST_VOTE] = r_a_st_vote,
    [OA_APPROVE] = r_a_approve,
    [OA_RETURN_FOR_FIX] = r_a_return_for_fix,
    [OA_REJECT] = r_a_reject,
    [OA_PRINT] = r_a_print,
    [OA_RELEASE] = r_a_release,
    [OA_CANCEL] = r_a_cancel,
};

/* The one write of the order row (state, version + 1, changed columns) and its lines. */
static int ksave(struct doc_act *x, struct osb_err *e)
{
    struct odoc *d = x->doc;
    d->o.state = (enum order_state)x->to;
    return store_order_save(x->c->db, e, &d->o, x->c->now);
}

/* The timeline row (api.md §4 timeline entry): the acting user, and the principal when a
   secretary signed. */
static int kevent(struct doc_act *x, struct osb_err *e)
{
    struct odoc *d = x->doc;
    return store_order_event(
        x->c->db, e, d->o.number, x->c->now, order_action_step((enum order_action)x->action),
        order_doc.actions[x->action].name, x->c->user.username,
        x->actor.obo[0] ? x->actor.obo : NULL, order_state_str((enum order_state)x->from),
        order_state_str((enum order_state)x->to), x->comment);
}

static const struct doc_kind kind = {
    .type = &order_doc,
    .load = kload,
    .free = kfree,
    .state = kstate,
    .version = kversion,
    .who = kind_who,
    .check = NULL,
    .run = runs,
    .save = ksave,
    .event = kevent,
    .json = kanswer,
    .answer_saved = true,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const order_doc_kind = &kind;

int order_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
              struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}

/* ---- create ------------------------------------------------------------------------------ */

static const char *const sources[] = {"portal", "kam",      "fax",      "phone",
                                      "email",  "contract", "exchange", NULL};
static const struct field_def create_fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"lines", FK_JSON, 0, 0, F_REQUIRED, 0, 0, 0},
    {"note", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"requested_date", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"stated_total_fen", FK_FEN, 0, 0, 0, 0, 0, 0},
    {"source", FK_ENUM, 0, 0, 0, 0, sources, 0},
    {"contract", FK_TEXT, 0, 40, 0, 0, 0, 0}, /* a signed contract of the customer (§7) */
};
static const struct record_def create_def = {"orders", "number", "order", create_fields, 7};

int order_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL, *warnings = json_array();
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    int rc = -1;
    if (flow_need(c, P_ORDER_CREATE, e) < 0 || record_check(&create_def, body, true, &n, e) < 0)
        goto out;
    const char *code = jstr(n, "customer");
    int f = store_order_customer(c->db, e, code, &cu);
    if (f < 0)
        goto out;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu.market, cu.region,      cu.kam,
                                cu.rep,    cu.kam_manager, cu.supervisor};
    if (f == 0 || !scope_sees_customer(&su, &sc)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", code);
        goto out;
    }
    if (!scope_owns_customer(&su, &sc)) {
        err_forbidden(e, "role", "you may order only for your own customers");
        goto out;
    }
    const char *contract = jstr(n, "contract");
    if (contract && contract_check_for_order(c, contract, code, e) < 0)
        goto out;
    const char *rd = jstr(n, "requested_date");
    if (rd) {
        date_t d;
        date_parse(rd, &d);
        if (d < flow_today(c)) {
            err_invalid(e, "requested_date", "requested_date_past",
                        "the requested date is in the past");
            goto out;
        }
        str_field(o->requested_date, sizeof o->requested_date, rd, "requested_date");
    }
    str_field(o->customer, sizeof o->customer, code, "customer");
    if (parse_lines(c, json_object_get(n, "lines"), o, warnings, e) < 0)
        goto out;
    STR_COPY_ARRAY(o->market, cu.market);
    STR_COPY_ARRAY(o->region, cu.region);
    STR_COPY_ARRAY(o->kam, cu.kam);
    STR_COPY_ARRAY(o->created_by, c->user.username);
    if (store_order_managers(c->db, e, cu.region, cu.market, o) < 0)
        goto out;
    json_t *st = json_object_get(n, "stated_total_fen");
    o->has_stated_total = st != NULL;
    o->stated_total_fen = st ? json_integer_value(st) : 0;
    o->state = OS_DRAFT;
    o->warnings = json_incref(warnings);
    if (flow_docno(c, e, "DD", o->number) < 0 ||
        store_order_insert(c->db, e, o, jstr(n, "note"), jstr(n, "source"), contract, c->now) < 0)
        goto out;
    if (store_order_event(c->db, e, o->number, c->now, "OG", "create", c->user.username, NULL, NULL,
                          "draft", NULL) < 0)
        goto out;
    json_t *after = json_pack("{ss ss sI}", "state", "draft", "customer", code, "total_fen",
                              (json_int_t)o->total_fen);
    rc = flow_audit(c, e, "create", "order", o->number, NULL, after);
    json_decref(after);
    if (rc < 0)
        goto out;
    rc = doc_get(c, &kind, o->number, out, e);
out:
    json_decref(n);
    json_decref(warnings);
    store_order_release(o);
    free(o);
    return rc;
}

/* ---- rule 5-7: re-check on money ------------------------------------------------------- */

int order_recheck_customer(struct ctx *c, const char *customer, struct osb_err *e)
{
    json_t *nums = store_order_prepay_required(c->db, e, customer);
    if (!nums)
        return -1;
    size_t i;
    json_t *it;
    int rc = 0;
    json_array_foreach(nums, i, it)
    {
        struct order *o = xcalloc(1, sizeof *o);
        struct order_customer cu;
        struct cc_output r;
        int f = store_order_load_with_customer(c->db, e, json_string_value(it), o, &cu);
        if (f != 1) {
            store_order_release(o);
            free(o);
            rc = f < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error");
            break;
        }
        if (run_cc(c, o, &cu, &r, e) < 0) {
            store_order_release(o);
            free(o);
            rc = -1;
            break;
        }
        if (o->state == OS_PENDING_APPROVAL) {
            if (op_clock_start(c, o, e) < 0 || store_order_save(c->db, e, o, c->now) < 0 ||
                store_order_event(c->db, e, o->number, c->now, "CC", "recheck-on-money", "system",
                                  NULL, "prepay_required", "pending_approval",
                                  "re-check on money (rule 5-7)") < 0 ||
                copy_rule(c, e, "order_pending_approval", o, &cu, true, true,
                          "到款后信用复核通过，订单待批准", NULL, 0) < 0) {
                store_order_release(o);
                free(o);
                rc = -1;
                break;
            }
            json_t *after = json_pack("{ss}", "state", "pending_approval");
            json_t *before = json_pack("{ss}", "state", "prepay_required");
            rc = flow_audit(c, e, "recheck-on-money", "order", o->number, before, after);
            json_decref(after);
            json_decref(before);
        } else if (store_order_set_credit_check(c->db, e, o->number, o->credit_check) < 0)
            rc = -1; /* still short: only the new figures, no new version */
        store_order_release(o);
        free(o);
        if (rc < 0)
            break;
    }
    json_decref(nums);
    return rc;
}

/* ---- exchanges (flows.md §6) --------------------------------------------------------------- */

/* "Original prices" of a free-goods line (docs/billing.md): the replacement of goods paid from
   expense money goes out as free goods again — a line of the same expense application at the
   original expense price, 0 to pay, drawn at its check (QC-5) — since the received exchange gave
   their value back to the application as any received return does. A cash line of 0 would hand
   the goods out a second time free of any application. */
static int exchange_free_goods(struct ctx *c, const char *from_order, struct order *o,
                               struct osb_err *e)
{
    struct order *from = xcalloc(1, sizeof *from);
    int f = store_order_load(c->db, e, from_order, from);
    for (size_t i = 0; f == 1 && i < o->nlines; i++) {
        struct order_line *l = &o->lines[i];
        for (size_t j = 0; j < from->nlines; j++) {
            const struct order_line *m = &from->lines[j];
            if (!m->expense || strcmp(m->sku, l->sku) != 0)
                continue;
            l->expense = true;
            STR_COPY_ARRAY(l->expense_application, m->expense_application);
            l->expense_price_fen = m->expense_price_fen;
        }
    }
    store_order_release(from);
    free(from);
    return f < 0 ? -1 : 0;
}

int order_create_exchange(struct ctx *c, const char *customer, const char *return_no,
                          const char *from_order, const struct order_exchange_line *lines, size_t n,
                          char number[DOCNO_MAX], struct osb_err *e)
{
    number[0] = '\0';
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    int rc = -1;
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f <= 0) {
        if (f == 0)
            err_set(e, ERR_INTERNAL, "internal error: no customer %s", customer);
        goto out;
    }
    if (n == 0 || n > ORDER_MAX_LINES) {
        err_invalid(e, "lines", "too_many_lines", "an order has 1 to 200 lines");
        goto out;
    }
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct order_line *l = &o->lines[i];
        l->line_no = (int)i + 1;
        str_field(l->sku, sizeof l->sku, lines[i].sku, "sku");
        l->qty = lines[i].qty;
        l->price_fen = lines[i].price_fen;
        if (!money_mul(l->qty, l->price_fen, &l->amount_fen) ||
            !money_add(total, l->amount_fen, &total)) {
            err_invalid(e, "lines", "amount_overflow", "the order total overflows");
            goto out;
        }
    }
    o->nlines = n;
    o->total_fen = total;
    if (exchange_free_goods(c, from_order, o, e) < 0)
        goto out;
    str_field(o->customer, sizeof o->customer, customer, "customer");
    STR_COPY_ARRAY(o->market, cu.market);
    STR_COPY_ARRAY(o->region, cu.region);
    STR_COPY_ARRAY(o->kam, cu.kam);
    STR_COPY_ARRAY(o->created_by, c->user.username);
    o->state = OS_SUBMITTED;
    o->warnings = json_array();
    if (store_order_managers(c->db, e, cu.region, cu.market, o) < 0)
        goto out;
    char note[160];
    STR_FMT_FITS(note, sizeof "换货：退货单的换货订单（原订单，原价）" + 2 * 40,
                 "换货：退货单%s的换货订单（原订单%s，原价）", return_no, from_order);
    char why[120];
    STR_FMT_FITS(why, sizeof "换货：退货单已经区域经理确认、市场经理批准" + 40,
                 "换货：退货单%s已经区域经理确认、市场经理批准", return_no);
    if (flow_docno(c, e, "DD", o->number) < 0 ||
        store_order_insert(c->db, e, o, note, "exchange", NULL, c->now) < 0 ||
        store_order_set_submitted(c->db, e, o->number, c->now) < 0 ||
        store_order_event(c->db, e, o->number, c->now, "OG", "create", c->user.username, NULL, NULL,
                          "draft", note) < 0 ||
        store_order_event(c->db, e, o->number, c->now, "OG-2", "verify", "system", NULL, "draft",
                          "verified", why) < 0 ||
        store_order_event(c->db, e, o->number, c->now, "OG-3", "approve-market", "system", NULL,
                          "verified", "submitted", why) < 0)
        goto out;
    json_t *after = json_pack("{ss ss sI ss ss ss}", "state", "submitted", "customer", customer,
                              "total_fen", (json_int_t)total, "source", "exchange", "return",
                              return_no, "order", from_order);
    rc = flow_audit(c, e, "create", "order", o->number, NULL, after);
    json_decref(after);
    if (rc < 0)
        goto out;
    /* OG-3: the CSR who will accept it and the SSG leader are told, as for any submitted
       order. */
    char csr[40] = "";
    if (cu.csr[0])
        STR_COPY_ARRAY(csr, cu.csr);
    else if (store_order_market_csr(c->db, e, cu.market, csr, sizeof csr) < 0) {
        rc = -1;
        goto out;
    }
    const char *who[] = {o->kam, csr};
    rc = notify_users(c, e, "order_submitted", o, "换货订单已提交，请在30个工作分钟内接收", who, 2);
    if (rc == 0)
        rc = notify_role(c, e, "ssg_leader", "order_submitted", o,
                         "换货订单已提交，请在30个工作分钟内接收");
    if (rc == 0)
        str_field(number, DOCNO_MAX, o->number, "number");
out:
    store_order_release(o);
    free(o);
    return rc;
}
