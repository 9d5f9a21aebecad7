/*
 * backorder.c — backorders (欠货, QH; flows.md §3.3, api.md §4) on the document kernel
 * (flow/doc.h): the table is rules/backorder.c, the SQL store/backorder.c. Opened by the
 * shipment flow when less leaves than was requested and fulfilled when the shipment that fills
 * them dispatches (both in flow/shipment.c, the system's rows); here the two actions: schedule
 * on a new shipment (csr, ssg_leader) and cancel (ssg_leader).
 *
 * This file sits above the shipment flow: it calls shipment_create_for_backorder,
 * shipment_cancel_pending and shipment_close_order_if_done, and flow/shipment.c never calls
 * back (it writes backorders through store/backorder.c).
 *
 * States follow api.md §4 (open, fulfilled, cancelled): a scheduled backorder stays open and
 * names its scheduled_shipment. While open, its value stays in the order's open-order exposure
 * and its quantity in the quota used; cancelling gives both back.
 */
#include "flow/backorder.h"

#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/billing.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "flow/shipment.h"
#include "rules/backorder.h"
#include "store/backorder.h"
#include "store/delivery_note.h"

#include <stdlib.h>
#include <string.h>

/* The aggregate the kernel holds: the backorder, its order and the order's customer. */
struct bdoc {
    struct backorder b;
    struct order o;
    struct order_customer cu;
};

static void bfree(void *p)
{
    struct bdoc *d = p;
    store_order_release(&d->o);
    free(d);
}

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct bdoc *d = xcalloc(1, sizeof *d);
    int rc = store_backorder_load(c->db, e, number, &d->b);
    if (rc == 1)
        rc = store_order_load(c->db, e, d->b.order_no, &d->o);
    if (rc == 1)
        rc = store_order_customer(c->db, e, d->o.customer, &d->cu);
    if (rc == 1 && !scope_sees(c, &d->cu))
        rc = 0;
    if (rc <= 0) {
        bfree(d);
        return rc;
    }
    *out = d;
    return 1;
}

static int bstate(const void *p)
{
    return backorder_state_parse(((const struct bdoc *)p)->b.state);
}
static int64_t bversion(const void *p)
{
    return ((const struct bdoc *)p)->b.version;
}

/* Beyond the matrix (schedule: csr, ssg_leader; cancel: ssg_leader, all within scope): a
   backorder already scheduled on a shipment is not scheduled twice (409, so allowed_actions
   leaves schedule out while that shipment is under way). */
static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    (void)c, (void)actor;
    const struct bdoc *d = p;
    if (a == BA_SCHEDULE && d->b.scheduled[0]) {
        err_state(e, "open", "backorder %s is already scheduled on shipment %s", d->b.number,
                  d->b.scheduled);
        e->extra = json_pack("{ss}", "scheduled_shipment", d->b.scheduled);
        return -1;
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* The backorder as api.md §4 pins it ({number, order, sku, qty_open, state}) plus its history:
   the quantities fulfilled and cancelled, where it arose and which shipments fill it. */
static int view(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *b;
    int rc = store_backorder_view(c->db, e, number, &b);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no backorder '%s'", number);
    static const char *const times[] = {"notified_at", "cancelled_at", "fulfilled_at", "created_at",
                                        "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, b, times[i]);
    *out = b;
    return 0;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    return view(c, ((struct bdoc *)p)->b.number, out, e);
}

/* ---- actions ------------------------------------------------------------------------------ */

static const struct field_def cancel_fields[] = {
    {"reason", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"comment", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def cancel_def = {"backorders", "number", "backorder", cancel_fields, 2};

/* flows.md §3.3 cancel: on UM or customer request; quota and exposure released; a shipment
   already scheduled for it is cancelled and its reservation given back. */
static int a_cancel(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct bdoc *d = x->doc;
    struct backorder *b = &d->b;
    const struct order *o = &d->o;
    json_t *n = NULL;
    if (record_check(&cancel_def, x->body, true, &n, e) < 0)
        return -1;
    const char *reason = jstr(n, "reason") ? jstr(n, "reason") : jstr(n, "comment");
    str_field(b->cancel_reason, sizeof b->cancel_reason, reason ? reason : "", "cancel_reason");
    json_decref(n);
    if (b->scheduled[0] && shipment_cancel_pending(c, b->scheduled, "欠货单已取消", e) < 0)
        return -1;
    int64_t price = 0, amount = 0;
    if (store_backorder_release_quota(c->db, e, o->number, b->line_no, b->qty_open) < 0 ||
        store_backorder_line_price(c->db, e, o->number, b->line_no, &price) < 0)
        return -1;
    if (!money_mul(b->qty_open, price, &amount))
        return err_invalid(e, "qty", "amount_overflow", "the backorder's value overflows");
    if (store_backorder_lower_exposure(c->db, e, o->number, amount) < 0 ||
        billing_on_backorder_cancel(c, o->number, amount, e) < 0) /* HZ or earmark back */
        return -1;
    int64_t qty = b->qty_open;
    json_object_set_new(x->audit_after, "qty_cancelled", json_integer(qty));
    json_object_set_new(x->audit_after, "exposure_released_fen", json_integer(amount));
    if (b->scheduled[0])
        json_object_set_new(x->audit_after, "cancelled_shipment", json_string(b->scheduled));
    b->qty_cancelled += qty;
    b->qty_open = 0;
    b->scheduled[0] = '\0';
    b->cancelled_at = c->now;
    STR_COPY_ARRAY(b->cancelled_by, c->user.username);
    b->dirty |= BOD_QTY | BOD_SCHEDULED | BOD_CANCELLED;
    char *what = shipment_describe(c, b->sku, qty, e);
    if (!what)
        return -1;
    struct sb r = SB_INIT;
    sb_addf(&r, "欠货单%s已取消：%s", b->number, what);
    int rc = store_delivery_note_remark(c->db, e, o->delivery_note, r.buf);
    sb_free(&r);
    free(what);
    if (rc < 0)
        return -1;
    char cust[64];
    STR_FMT_FITS(cust, sizeof "customer:" + sizeof o->customer - 1, "customer:%s", o->customer);
    const char *to[] = {o->um, o->csr, cust};
    for (size_t i = 0; i < 3; i++)
        if ((i == 0 || strcmp(to[i], to[0]) != 0) &&
            notify(c, e, "backorder_cancelled", to[i], b->number, NULL,
                   "欠货单%s（订单%s，%s %lld）已取消", b->number, o->number, b->sku,
                   (long long)qty) < 0)
            return -1;
    return 0;
}

/* flows.md §3.3 schedule: a new shipment for the open quantity, reserved FEFO. */
static int a_schedule(struct doc_act *x, struct osb_err *e)
{
    struct bdoc *d = x->doc;
    struct backorder *b = &d->b;
    char fh[DOCNO_MAX];
    if (shipment_create_for_backorder(x->c, &d->o, b->number, b->line_no, b->sku, b->qty_open, fh,
                                      e) < 0)
        return -1;
    STR_COPY_ARRAY(b->scheduled, fh);
    b->dirty |= BOD_SCHEDULED;
    json_object_set_new(x->audit_after, "scheduled_shipment", json_string(fh));
    return 0;
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct bdoc *d = x->doc;
    if (store_backorder_save(x->c->db, e, &d->b, doc_state_str(&backorder_doc, x->to), x->c->now) <
        0)
        return -1;
    /* A cancelled backorder may have been the order's last open item. */
    return x->action == BA_CANCEL ? shipment_close_order_if_done(x->c, d->o.number, e) : 0;
}

/* Backorders keep no timeline table of their own; the comment goes to the audit row. */
static int event(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    if (x->comment)
        json_object_set_new(x->audit_after, "comment", json_string(x->comment));
    return 0;
}

/* The kernel checks the comment's type and byte length; a comment is also text without
   control characters (but newlines) and at most 2,000 characters, as every text field. */
static int check(struct doc_act *x, struct osb_err *e)
{
    if (x->comment && !valid_text(x->comment, 2000, true))
        return err_invalid(e, "comment", "too_long", "comment is too long or not plain text");
    return 0;
}

static const doc_run_fn run[BA__COUNT] = {[BA_SCHEDULE] = a_schedule, [BA_CANCEL] = a_cancel};

static const struct doc_kind kind = {
    .type = &backorder_doc,
    .load = load,
    .free = bfree,
    .state = bstate,
    .version = bversion,
    .who = who,
    .check = check,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const backorder_doc_kind = &kind;

int backorder_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

static int item(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

int backorder_list(struct ctx *c, const struct backorder_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&backorder_doc, q->state, e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct backorder_filter f = {q->state,  q->order, q->customer, q->sku,
                                 q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_backorder_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, item, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int backorder_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}
