/*
 * returns.c — the return flow (flow/returns.h) on the document kernel (flow/doc.h): its table
 * is rules/returns.c, its SQL store/returns.c; here are who may act beyond the matrix, the
 * action functions and the answer.
 *
 * Who (flows.md §6, numbering-and-rules.md §3): create — the customer's KAM or rep; confirm —
 * the UM of the customer's region; inspect — customer service; approve — the MM of the
 * customer's market, or the market's supervising SLT member, never the return's creator
 * (flows.md §0.4); receive — the warehouse; cancel (before approval) — who filed the return,
 * or the UM. Anyone who sees the customer reads its returns; the warehouse without prices.
 *
 * What may come back: per order, SKU and batch, at most what the order's dispatched
 * shipments shipped (their `ship` stock moves) minus what live returns (not refused, not
 * cancelled) already asked for. Samples and POP are not returnable (flows.md §6 rules).
 * Each line remembers the shipment and warehouse that shipped its batch, so receiving puts the
 * units back into the same lot and the credit note goes against that shipment's invoice.
 */
#include "flow/returns.h"

#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/str.h"
#include "flow/billing.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/order.h"
#include "flow/scope.h"
#include "rules/returns.h"
#include "store/order.h"
#include "store/recipients.h"
#include "store/returns.h"

#include <stdlib.h>
#include <string.h>

/* The aggregate the kernel holds: the return and the facts of its customer. */
struct rdoc {
    struct return_doc r;
    struct order_customer cu;
};

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct rdoc *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    int rc = store_return_load(c->db, e, number, &d->r);
    if (rc == 1)
        rc = store_order_customer(c->db, e, d->r.customer, &d->cu);
    if (rc == 1 && !scope_sees(c, &d->cu))
        rc = 0;
    if (rc <= 0) {
        store_return_release(&d->r);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void rfree(void *p)
{
    struct rdoc *d = p;
    store_return_release(&d->r);
    free(d);
}

static int rstate(const void *p)
{
    return doc_state_parse(&return_doc, ((const struct rdoc *)p)->r.state);
}

static int64_t rversion(const void *p)
{
    return ((const struct rdoc *)p)->r.version;
}

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct rdoc *d = p;
    switch ((enum return_action)a) {
    case RA_CONFIRM:
        if (!is(c->user.region, d->cu.region))
            return err_forbidden(e, "role", "only the UM of region %s confirms", d->cu.region);
        return 0;
    case RA_APPROVE: {
        bool mm = actor->role == ROLE_MM && is(c->user.market, d->cu.market);
        bool slt = (actor->role == ROLE_SALES_DIRECTOR || actor->role == ROLE_DEPUTY_DIRECTOR) &&
                   is(actor->who, d->cu.supervisor);
        if (!mm && !slt)
            return err_forbidden(e, "role",
                                 "only the MM of market %s (or its supervising SLT member)"
                                 " approves",
                                 d->cu.market);
        if (is(d->r.created_by, actor->who))
            return err_forbidden(e, "self_approval", "you may not approve your own return");
        return 0;
    }
    case RA_CANCEL: {
        bool creator = is(d->r.created_by, actor->who);
        bool um = actor->role == ROLE_UM && is(c->user.region, d->cu.region);
        if (!creator && !um)
            return err_forbidden(e, "role", "only who filed the return, or the UM, cancels it");
        return 0;
    }
    case RA_INSPECT:
    case RA_RECEIVE:
        return 0;
    }
    return 0;
}

/* ---- actions ----------------------------------------------------------------------------- */

static int a_inspect(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    struct ctx *c = x->c;
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
    ts_format_rfc3339(c->now, c->cfg->tz_min, at);
    json_decref(d->r.inspection);
    d->r.inspection = json_pack("{sb sO* ss ss ss*}", "genuine", genuine, "name_spec_qty_ok", ok,
                                "by", c->user.username, "at", at, "note",
                                json_string_value(json_object_get(x->body, "note")));
    d->r.inspection_changed = true;
    /* Not genuine: refused, and nothing else changes. */
    x->to = genuine ? RS_INSPECTED : RS_REFUSED;
    return notify(c, e, "return_inspected", d->cu.kam, d->r.number, NULL,
                  genuine ? "退货%s鉴定为真品，待市场经理批准" : "退货%s鉴定非本公司产品，已拒绝",
                  d->r.number);
}

static int notify_all(struct ctx *c, json_t *users, const char *event, const char *number,
                      const char *text, struct osb_err *e)
{
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        if (notify(c, e, event, json_string_value(u), number, NULL, "%s", text) < 0)
            return -1;
    }
    return 0;
}

/* The verified detail becomes the red-ink delivery note, under the same TH number. */
static int a_approve(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    struct ctx *c = x->c;
    json_t *lines = store_return_note_lines(c->db, e, d->r.number);
    if (!lines)
        return -1;
    char at[32];
    ts_format_rfc3339(c->now, c->cfg->tz_min, at);
    json_decref(d->r.red_ink_note);
    d->r.red_ink_note = json_pack("{ss ss ss ss so}", "number", d->r.number, "title", "红字出库单",
                                  "issued_at", at, "approved_by", c->user.username, "lines", lines);
    d->r.red_ink_changed = true;
    json_t *wh = store_role_users(c->db, e, "warehouse");
    if (!wh)
        return -1;
    char text[128];
    STR_FMT_FITS(text, sizeof "红字出库单已批准，请收货入库" + sizeof d->r.number - 1,
                 "红字出库单%s已批准，请收货入库", d->r.number);
    int rc = notify_all(c, wh, "return_approved", d->r.number, text, e);
    json_decref(wh);
    return rc;
}

/* Credit notes: one per invoice, line by line at the original price, each line tied to the
   invoice line of its SKU. A line goes against the invoice of the shipment that shipped its
   batch (or the prepay-only order's invoice) first, then the order's other invoices of that
   SKU; never more than an invoice has left to credit (its amount less all its credit notes).
   The numbers of the notes made go into *cns. */
static int credit_notes(struct ctx *c, struct rdoc *d, json_t *cns, struct osb_err *e)
{
    json_t *invs = store_return_invoices(c->db, e, d->r.order_no);
    if (!invs)
        return -1;
    size_t n = d->r.nlines, ni = json_array_size(invs), nn = n ? n : 1;
    struct cn_line *cl = xcalloc(nn * (ni ? ni : 1), sizeof *cl);
    size_t *cnt = xcalloc(ni ? ni : 1, sizeof *cnt);
    int64_t *left = xcalloc(ni ? ni : 1, sizeof *left);
    for (size_t j = 0; j < ni; j++)
        left[j] = jint(json_array_get(invs, j), "left");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct return_line *l = &d->r.lines[i];
        int64_t rem = l->amount_fen, qrem = l->qty, price = l->price_fen;
        for (int pass = 0; pass < 2 && rc == 0; pass++) {
            for (size_t j = 0; j < ni && rem > 0; j++) {
                const char *ish = jstr(json_array_get(invs, j), "shipment");
                bool mine = !ish || strcmp(ish, l->shipment) == 0;
                if (mine != (pass == 0) || left[j] <= 0)
                    continue;
                const char *num = jstr(json_array_get(invs, j), "number");
                int64_t il = 0;
                int f = store_return_invoice_line(c->db, e, num, l->sku, &il);
                if (f < 0) {
                    rc = -1;
                    break;
                }
                if (f == 0)
                    continue;
                bool all = rem <= left[j]; /* this invoice takes all that is left */
                int64_t take = all ? rem : left[j];
                int64_t q = all ? qrem : (price > 0 ? take / price : 0);
                cl[j * nn + cnt[j]++] = (struct cn_line){(int)il, l->sku, l->batch, q, price, take};
                left[j] -= take;
                rem -= take;
                qrem -= q;
            }
        }
    }
    for (size_t j = 0; rc == 0 && j < ni; j++) {
        if (cnt[j] == 0)
            continue;
        char number[DOCNO_MAX];
        if (billing_credit_note(c, jstr(json_array_get(invs, j), "number"), "return", d->r.number,
                                &cl[j * nn], cnt[j], number, e) < 0) {
            rc = -1;
            break;
        }
        json_array_append_new(cns, json_string(number));
    }
    free(cl);
    free(cnt);
    free(left);
    json_decref(invs);
    return rc;
}

/* flows.md §6: an exchange's goods go out again as a replacement order (source exchange, the
   original prices) in submitted, one line per SKU of the return. */
static int exchange_order(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    struct ctx *c = x->c;
    struct order_exchange_line *ol = xcalloc(d->r.nlines ? d->r.nlines : 1, sizeof *ol);
    size_t n = 0;
    for (size_t i = 0; i < d->r.nlines; i++) {
        const struct return_line *l = &d->r.lines[i];
        size_t j = 0;
        while (j < n && (strcmp(ol[j].sku, l->sku) || ol[j].price_fen != l->price_fen))
            j++;
        if (j == n)
            ol[n++] = (struct order_exchange_line){l->sku, 0, l->price_fen};
        ol[j].qty += l->qty;
    }
    char number[DOCNO_MAX];
    int rc = order_create_exchange(c, d->r.customer, d->r.number, d->r.order_no, ol, n, number, e);
    free(ol);
    if (rc < 0)
        return -1;
    STR_COPY_ARRAY(d->r.replacement_order, number);
    d->r.replacement_changed = true;
    json_object_set_new(x->audit_after, "replacement_order", json_string(number));
    return notify(c, e, "return_received", d->cu.kam, d->r.number, NULL,
                  "换货%s已入库，红字发票已冲减应收；换货订单%s已提交", d->r.number, number);
}

static int a_receive(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    struct ctx *c = x->c;
    /* Stock back into its original lot (quality ok: available again). */
    for (size_t i = 0; i < d->r.nlines; i++) {
        struct return_line *l = &d->r.lines[i];
        if (store_return_stock_in(c->db, e, c->now, l->warehouse, l->sku, l->batch, l->qty,
                                  d->r.number, c->user.username) < 0)
            return -1;
        STR_COPY_ARRAY(l->received_quality, "ok");
        l->changed = true;
    }
    json_t *cns = json_array();
    if (credit_notes(c, d, cns, e) < 0) {
        json_decref(cns);
        return -1;
    }
    json_decref(d->r.credit_notes);
    d->r.credit_notes = cns;
    d->r.credit_notes_changed = true;
    /* Rule 5-7: the credit is money for the customer's waiting orders. */
    if (flow_money_changed(c, d->cu.code, e) < 0)
        return -1;
    if (strcmp(d->r.kind, "exchange") == 0)
        return exchange_order(x, e);
    return notify(c, e, "return_received", d->cu.kam, d->r.number, NULL,
                  "退货%s已入库，红字发票已冲减应收", d->r.number);
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    return store_return_save(x->c->db, e, &d->r, doc_state_str(&return_doc, x->to), x->c->now);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "return_events", "return_no", ((struct rdoc *)x->doc)->r.number,
                          t->actions[x->action].name, doc_state_str(t, x->from),
                          doc_state_str(t, x->to), x->comment);
}

/* ---- the answer -------------------------------------------------------------------------- */

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct return_doc *r = &((struct rdoc *)p)->r;
    json_t *tl = flow_doc_timeline(c, e, "return_events", "return_no", r->number);
    if (!tl)
        return -1;
    /* §4: the warehouse sees returns without prices or amounts. */
    bool prices = c->user.role != ROLE_WAREHOUSE;
    json_t *lines = json_array();
    int64_t total = 0;
    for (size_t i = 0; i < r->nlines; i++) {
        const struct return_line *l = &r->lines[i];
        json_t *o = json_object();
        json_object_set_new(o, "line_no", json_integer(l->line_no));
        json_object_set_new(o, "sku", json_string(l->sku));
        json_object_set_new(o, "batch", json_string(l->batch));
        json_object_set_new(o, "qty", json_integer(l->qty));
        json_object_set_new(o, "reason", flow_json_str(l->reason));
        json_object_set_new(o, "reason_code", flow_json_str(l->reason_code));
        if (prices) {
            json_object_set_new(o, "price_fen", json_integer(l->price_fen));
            json_object_set_new(o, "amount_fen", json_integer(l->amount_fen));
        }
        json_object_set_new(o, "warehouse", flow_json_str(l->warehouse));
        json_object_set_new(o, "shipment", flow_json_str(l->shipment));
        json_object_set_new(o, "received_quality", flow_json_str(l->received_quality));
        json_array_append_new(lines, o);
        total += l->amount_fen;
    }
    json_t *cns = json_is_array(r->credit_notes) ? json_incref(r->credit_notes) : json_array();
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(r->number));
    json_object_set_new(o, "order", json_string(r->order_no));
    json_object_set_new(o, "customer", json_string(r->customer));
    json_object_set_new(o, "kind", json_string(r->kind));
    json_object_set_new(o, "state", json_string(r->state));
    json_object_set_new(o, "inspection", r->inspection ? json_incref(r->inspection) : json_null());
    json_object_set_new(o, "red_ink_note",
                        r->red_ink_note ? json_incref(r->red_ink_note) : json_null());
    json_object_set_new(o, "credit_note",
                        json_array_size(cns) ? json_incref(json_array_get(cns, 0)) : json_null());
    json_object_set_new(o, "credit_notes", cns);
    json_object_set_new(o, "replacement_order",
                        flow_json_str(r->replacement_order[0] ? r->replacement_order : NULL));
    json_object_set_new(o, "late", json_boolean(r->late));
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "created_at", flow_json_ts(c, r->created_at));
    json_object_set_new(o, "created_by", json_string(r->created_by));
    json_object_set_new(o, "updated_at", flow_json_ts(c, r->updated_at));
    if (prices)
        json_object_set_new(o, "total_fen", json_integer(total));
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {[RA_CONFIRM] = NULL,
                                 [RA_INSPECT] = a_inspect,
                                 [RA_APPROVE] = a_approve,
                                 [RA_RECEIVE] = a_receive,
                                 [RA_CANCEL] = NULL};

static const struct doc_kind kind = {
    .type = &return_doc,
    .load = load,
    .free = rfree,
    .state = rstate,
    .version = rversion,
    .who = who,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const return_doc_kind = &kind;

int return_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

int return_list(struct ctx *c, const struct return_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&return_doc, q->state, e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct return_filter f = {q->state, q->order, q->customer, q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_return_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, return_get, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int return_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
               struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}

/* ---- create ------------------------------------------------------------------------------ */

static bool only_fields(json_t *o, const char *const *names, const char **bad)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        bool ok = false;
        for (const char *const *n = names; *n && !ok; n++)
            ok = strcmp(*n, k) == 0;
        if (!ok) {
            *bad = k;
            return false;
        }
    }
    return true;
}

/* One line of the body into l (its sku and batch checked against the order); 0 or -1. */
static int create_line(struct ctx *c, const char *order_no, json_t *jl, size_t i,
                       struct return_line *ls, struct osb_err *e)
{
    static const char *const names[] = {"sku", "batch", "qty", "reason", "reason_code", NULL};
    struct return_line *l = &ls[i];
    char field[32];
    /* "lines[" + at most 20 digits + "]": 27 bytes and the NUL fit 32 */
    (void)str_fmt(field, sizeof field, "lines[%zu]", i);
    const char *bad = NULL;
    if (!json_is_object(jl))
        return err_bad(e, "lines", "each line must be an object");
    if (!only_fields(jl, names, &bad))
        return err_bad(e, bad, "unknown field '%s' in a line", bad);
    json_t *js = json_object_get(jl, "sku"), *jb = json_object_get(jl, "batch"),
           *jq = json_object_get(jl, "qty"), *jr = json_object_get(jl, "reason"),
           *jc = json_object_get(jl, "reason_code");
    if ((js && !json_is_string(js)) || (jb && !json_is_string(jb)) ||
        (jq && !json_is_integer(jq)) || (jr && !json_is_string(jr) && !json_is_null(jr)) ||
        (jc && !json_is_string(jc) && !json_is_null(jc)))
        return err_bad(e, field, "a line is {sku: string, batch: string, qty: integer, reason}");
    if (!js || !jb || !jq)
        return err_invalid(e, field, "required", "each line needs sku, batch and qty");
    const char *sku = json_string_value(js), *batch = json_string_value(jb);
    const char *reason = jr ? json_string_value(jr) : NULL;
    const char *code = jc ? json_string_value(jc) : NULL;
    l->line_no = (int)i + 1;
    l->qty = json_integer_value(jq);
    if (reason && strlen(reason) > 600)
        return err_invalid(e, field, "too_long", "reason is at most 200 characters");
    if (code && !return_reason_code_ok(code))
        return err_invalid(e, field, "invalid_value", "unknown reason_code '%s'", code);
    if (l->qty <= 0)
        return err_invalid(e, field, l->qty < 0 ? "negative_qty" : "zero_qty",
                           "the quantity must be positive");
    if (l->qty > 100000000)
        return err_invalid(e, field, "qty_too_large", "at most 100,000,000 a line");
    bool goods = false;
    int f = store_return_order_line(c->db, e, order_no, sku, &l->price_fen, &goods);
    if (f < 0)
        return -1;
    if (f == 0 || strlen(sku) >= sizeof l->sku)
        return err_invalid(e, field, "over_return", "%s was not on order %s", sku, order_no);
    if (!goods)
        return err_invalid(e, field, "not_returnable", "samples and POP are not returnable");
    int64_t shipped, returned;
    if (store_return_returnable(c->db, e, order_no, sku, batch, &shipped, &returned, l->shipment,
                                l->warehouse) < 0)
        return -1;
    for (size_t j = 0; j < i; j++)
        if (strcmp(ls[j].sku, sku) == 0 && strcmp(ls[j].batch, batch) == 0)
            returned += ls[j].qty;
    if (l->qty > shipped - returned || strlen(batch) >= sizeof l->batch) {
        err_invalid(e, field, "over_return", "%s batch %s: %lld shipped, %lld already returned",
                    sku, batch, (long long)shipped, (long long)returned);
        e->extra =
            json_pack("{sI sI}", "shipped", (json_int_t)shipped, "returned", (json_int_t)returned);
        return -1;
    }
    if (!money_mul(l->qty, l->price_fen, &l->amount_fen))
        return err_invalid(e, field, "amount_overflow", "the amount overflows");
    str_field(l->sku, sizeof l->sku, sku, "sku");
    str_field(l->batch, sizeof l->batch, batch, "batch");
    str_field(l->reason_code, sizeof l->reason_code, code ? code : "", "reason_code");
    l->reason = reason ? strdup(reason) : NULL;
    return 0;
}

int return_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const names[] = {"order", "lines", "kind", "comment", NULL};
    const char *bad = NULL;
    if (flow_need(c, P_RETURN_CREATE, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    if (!only_fields(body, names, &bad))
        return err_bad(e, bad, "unknown field '%s'", bad);
    json_t *jo = json_object_get(body, "order"), *jl = json_object_get(body, "lines");
    json_t *jk = json_object_get(body, "kind");
    /* entities.md §8 kind: return, or exchange (flows.md §6: a replacement order at
       receive). */
    if (jk && (!json_is_string(jk) || (strcmp(json_string_value(jk), "return") &&
                                       strcmp(json_string_value(jk), "exchange"))))
        return err_bad(e, "kind", "kind is return or exchange");
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
    if (n > RETURN_MAX_LINES)
        return err_invalid(e, "lines", "too_many_lines", "at most 200 lines");
    const char *order_no = json_string_value(jo);
    char customer[40], ostate[32];
    int rc = store_return_order(c->db, e, order_no, customer, ostate);
    if (rc < 0)
        return -1;
    struct order_customer cu;
    if (rc == 1 && (rc = store_order_customer(c->db, e, customer, &cu)) < 0)
        return -1;
    if (rc == 0 || !scope_sees(c, &cu))
        return err_invalid(e, "order", "unknown_reference", "no order '%s'", order_no);
    if (!scope_owns(c, &cu))
        return err_forbidden(e, "role", "only the customer's KAM or rep files its returns");
    if (strcmp(ostate, "released") && strcmp(ostate, "closed"))
        return err_invalid(e, "order", "not_returnable",
                           "order %s is %s: only dispatched goods can come back", order_no, ostate);
    struct return_doc r = {0};
    r.lines = xcalloc(n, sizeof *r.lines);
    rc = -1;
    for (size_t i = 0; i < n; i++, r.nlines++)
        if (create_line(c, order_no, json_array_get(jl, i), i, r.lines, e) < 0)
            goto out;
    /* Late: more than 90 days after proof of delivery (or dispatch, without POD). */
    int64_t last = 0;
    if (store_return_last_delivery(c->db, e, order_no, &last) < 0)
        goto out;
    r.late = return_is_late(ts_to_date(c->now, c->cfg->tz_min),
                            last ? ts_to_date(last, c->cfg->tz_min) : 0, last != 0);
    str_field(r.order_no, sizeof r.order_no, order_no, "order_no");
    STR_COPY_ARRAY(r.customer, cu.code);
    STR_COPY_ARRAY(r.created_by, c->user.username);
    str_field(r.kind, sizeof r.kind, jk ? json_string_value(jk) : "return", "kind");
    r.created_at = c->now;
    if (flow_docno(c, e, "TH", r.number) < 0 || store_return_insert(c->db, e, &r) < 0 ||
        flow_doc_event(c, e, "return_events", "return_no", r.number, "create", NULL, "requested",
                       jstr(body, "comment")) < 0)
        goto out;
    json_t *after = json_pack("{ss ss ss sb ss}", "state", "requested", "order", order_no,
                              "customer", cu.code, "late", r.late, "kind", r.kind);
    rc = flow_audit(c, e, "create", "return", r.number, NULL, after);
    json_decref(after);
    char um[40];
    if (rc == 0)
        rc = store_return_region_um(c->db, e, cu.region, um);
    if (rc == 0 && um[0])
        rc = notify(c, e, "return_requested", um, r.number, NULL, "退货申请%s（订单%s）待确认",
                    r.number, order_no);
    if (rc == 0 && r.late)
        rc = notify(c, e, "return_late", cu.supervisor, r.number, NULL,
                    "退货申请%s超过签收后90天（订单%s）", r.number, order_no);
    if (rc == 0)
        rc = return_get(c, r.number, out, e);
out:
    store_return_release(&r);
    return rc;
}
