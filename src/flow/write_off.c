/*
 * write_off.c — bad-debt write-offs (HX; flow/refund.h) on the document kernel (flow/doc.h):
 * its table is rules/write_off.c, its SQL store/write_off.c; here are who may act beyond the
 * matrix, the action functions and the answer.
 *
 * Who (numbering-and-rules.md §3, §5): finance requests, the GM approves or rejects (any
 * amount); nobody approves their own request (flows.md §0.4). The amount is at most the
 * invoice's open amount less the other write-offs of it still requested (422
 * writeoff_exceeds_open), checked again at approval since payments may have settled the
 * invoice meanwhile.
 *
 * Approval (flows.md §4.7): the invoice's written_off_fen grows by the amount and its state
 * follows (written_off when nothing is left open, else partial); a write_off ledger credit
 * keeps balance = open receivables − unapplied; the customer's KAM and the market's BCR are
 * told, and a credit incident is recorded (entities.md §2.4, kind `other`: the spec's kinds
 * have no write-off; its invoice column stays empty because (invoice, kind) is unique and an
 * invoice may be written off in parts — the note names both documents). A write-off does not
 * re-run the credit check of waiting orders: forgiving a bad debt must not release goods to
 * the same customer.
 */
#include "flow/refund.h"

#include "core/field.h"
#include "core/json.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/write_off.h"
#include "store/ledger.h"
#include "store/recipients.h"
#include "store/refund.h"
#include "store/write_off.h"

#include <stdlib.h>
#include <string.h>

#define REASON_MAX 500

/* What may still be written off invoice: its open amount less the other write-offs of it
   still requested (except this one). 1 found, 0 no such invoice, -1 error. */
static int open_left(struct ctx *c, const char *invoice, const char *except, int64_t *left,
                     struct write_off_invoice *inv, struct osb_err *e)
{
    int rc = store_write_off_invoice(c->db, e, invoice, inv);
    if (rc <= 0)
        return rc;
    int64_t pending = 0;
    if (store_write_off_pending(c->db, e, invoice, except, &pending) < 0)
        return -1;
    *left = inv->open_fen - pending > 0 ? inv->open_fen - pending : 0;
    return 1;
}

static int exceeds(struct osb_err *e, int64_t amount, int64_t left)
{
    err_invalid(e, "amount_fen", "writeoff_exceeds_open",
                "the write-off of %lld fen exceeds the %lld fen open on the invoice",
                (long long)amount, (long long)left);
    e->extra = json_pack("{sI}", "open_fen", (json_int_t)left);
    return -1;
}

/* ---- the kind ---------------------------------------------------------------------------- */

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct write_off *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    int rc = store_write_off_load(c->db, e, number, w);
    /* Scope: 404 outside it; 403 for a role that sees no money. */
    if (rc == 1)
        rc = scope_money_sees(c, w->customer, NULL, e);
    if (rc <= 0) {
        store_write_off_release(w);
        free(w);
        return rc;
    }
    *out = w;
    return 1;
}

static void wfree(void *p)
{
    store_write_off_release(p);
    free(p);
}

static int wstate(const void *p)
{
    return doc_state_parse(&write_off_doc, ((const struct write_off *)p)->state);
}

static int64_t wversion(const void *p)
{
    return ((const struct write_off *)p)->version;
}

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    (void)c;
    const struct write_off *w = p;
    if (a == WA_APPROVE && is(w->requested_by, actor->who))
        return err_forbidden(e, "self_approval", "you may not approve your own write-off");
    return 0;
}

/* The comment of every step is at most REASON_MAX characters (docs/billing.md). */
static int check(struct doc_act *x, struct osb_err *e)
{
    if (x->comment && !valid_text(x->comment, REASON_MAX, true))
        return err_invalid(e, "comment", "too_long", "comment has at most %d characters",
                           REASON_MAX);
    return 0;
}

/* The GM approves: the invoice is written down and the ledger credited. */
static int a_approve(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct write_off *w = x->doc;
    struct write_off_invoice inv;
    int64_t left = 0;
    int f = open_left(c, w->invoice, w->number, &left, &inv, e);
    if (f <= 0)
        return f < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no invoice '%s'", w->invoice);
    if (w->amount_fen > left)
        return exceeds(e, w->amount_fen, left);
    char today[11];
    date_format(flow_today(c), today);
    struct ledger_post lp = {
        w->customer, today,         "write_off", w->number, inv.order_no[0] ? inv.order_no : NULL,
        0,           w->amount_fen, c->now};
    struct sb note = SB_INIT;
    sb_addf(&note, "坏账核销%s：发票%s", w->number, w->invoice);
    int rc =
        store_write_off_invoice_down(
            c->db, e, w->invoice, w->amount_fen,
            write_off_invoice_state(inv.open_fen, inv.amount_fen, w->amount_fen), c->now) < 0 ||
                store_ledger_append(c->db, e, &lp) < 0 ||
                store_write_off_incident(c->db, e, w->customer, today, w->amount_fen, sb_str(&note),
                                         c->user.username, c->now) < 0
            ? -1
            : 0;
    sb_free(&note);
    if (rc < 0)
        return -1;
    STR_COPY_ARRAY(w->approved_by, c->user.username);
    w->approved_at = c->now;
    w->approved_changed = true;
    /* Tell the customer's KAM and the market's BCR (flows.md §4.7). */
    json_t *told = store_write_off_told(c->db, e, w->customer);
    if (!told)
        return -1;
    size_t i;
    json_t *u;
    json_array_foreach(told, i, u)
    {
        if (rc == 0)
            rc = notify(c, e, "write_off_approved", json_string_value(u), w->number, NULL,
                        "客户%s发票%s核销坏账%lld.%02lld元（%s）", w->customer, w->invoice,
                        (long long)(w->amount_fen / 100), (long long)(w->amount_fen % 100),
                        w->number);
    }
    json_decref(told);
    return rc;
}

static int a_reject(struct doc_act *x, struct osb_err *e)
{
    struct write_off *w = x->doc;
    STR_COPY_ARRAY(w->rejected_by, x->c->user.username);
    w->rejected_at = x->c->now;
    w->rejected_changed = true;
    return notify(x->c, e, "write_off_rejected", w->requested_by, w->number, NULL,
                  "坏账核销申请%s未获批准", w->number);
}

static int save(struct doc_act *x, struct osb_err *e)
{
    return store_write_off_save(x->c->db, e, x->doc, doc_state_str(&write_off_doc, x->to),
                                x->c->now);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return store_refund_event(x->c->db, e, ((struct write_off *)x->doc)->number, x->c->now,
                              t->actions[x->action].name, x->c->user.username, NULL,
                              doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct write_off *w = p;
    json_t *tl = refund_timeline_json(c, w->number, e);
    if (!tl)
        return -1;
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(w->number));
    json_object_set_new(o, "customer", json_string(w->customer));
    json_object_set_new(o, "invoice", json_string(w->invoice));
    json_object_set_new(o, "amount_fen", json_integer(w->amount_fen));
    json_object_set_new(o, "reason", json_string(w->reason ? w->reason : ""));
    json_object_set_new(o, "state", json_string(w->state));
    json_object_set_new(o, "requested_by", json_string(w->requested_by));
    json_object_set_new(o, "approved_by", refund_str(w->approved_by));
    json_object_set_new(o, "approved_at", refund_ts(c, w->approved_at));
    json_object_set_new(o, "rejected_by", refund_str(w->rejected_by));
    json_object_set_new(o, "rejected_at", refund_ts(c, w->rejected_at));
    json_object_set_new(o, "version", json_integer(w->version));
    json_object_set_new(o, "created_at", refund_ts(c, w->created_at));
    json_object_set_new(o, "updated_at", refund_ts(c, w->updated_at));
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {[WA_APPROVE] = a_approve, [WA_REJECT] = a_reject};

static const struct doc_kind kind = {
    .type = &write_off_doc,
    .load = load,
    .free = wfree,
    .state = wstate,
    .version = wversion,
    .who = who,
    .check = check,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const write_off_doc_kind = &kind;

int write_off_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

int write_off_list(struct ctx *c, const struct write_off_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&write_off_doc, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see write-offs",
                             role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct write_off_filter f = {q->customer, q->invoice, q->state, q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_write_off_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, write_off_get, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int write_off_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}

/* ---- request ----------------------------------------------------------------------------- */

static const struct field_def fields[] = {
    {"invoice", FK_TEXT, 0, 32, F_REQUIRED, 0, 0, 0},
    {"amount_fen", FK_FEN, 1, 0, F_REQUIRED, 0, 0, "amount_not_positive"},
    {"reason", FK_LONG, 0, REASON_MAX, F_REQUIRED, 0, 0, 0},
};
static const struct record_def def = {"write_offs", "number", "write_off", fields,
                                      sizeof fields / sizeof fields[0]};

int write_off_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    int rc = -1;
    if (flow_need(c, P_WRITEOFF_REQUEST, e) < 0 || record_check(&def, body, true, &n, e) < 0)
        goto out;
    const char *invoice = jstr(n, "invoice");
    int64_t amount = jint(n, "amount_fen"), left = 0;
    struct write_off_invoice inv;
    int f = open_left(c, invoice, NULL, &left, &inv, e);
    if (f < 0)
        goto out;
    int seen = f == 1 ? scope_money_sees(c, inv.customer, NULL, e) : 0;
    if (seen < 0)
        goto out;
    if (seen == 0) {
        err_invalid(e, "invoice", "unknown_invoice", "no invoice '%s'", invoice);
        goto out;
    }
    if (amount > left) {
        exceeds(e, amount, left);
        goto out;
    }
    struct write_off w = {0};
    STR_COPY_ARRAY(w.customer, inv.customer);
    str_field(w.invoice, sizeof w.invoice, invoice, "invoice");
    STR_COPY_ARRAY(w.requested_by, c->user.username);
    w.reason = (char *)jstr(n, "reason");
    w.amount_fen = amount;
    w.created_at = c->now;
    if (flow_docno(c, e, "HX", w.number) < 0 || store_write_off_insert(c->db, e, &w) < 0 ||
        store_refund_event(c->db, e, w.number, c->now, "request", c->user.username, NULL, NULL,
                           "requested", NULL) < 0)
        goto out;
    json_t *after =
        json_pack("{ss ss sI ss ss}", "customer", w.customer, "invoice", invoice, "amount_fen",
                  (json_int_t)amount, "reason", jstr(n, "reason"), "state", "requested");
    rc = flow_audit(c, e, "request", "write_off", w.number, NULL, after);
    json_decref(after);
    json_t *gm = rc == 0 ? store_role_users(c->db, e, "gm") : NULL;
    if (rc == 0 && !gm)
        rc = -1;
    size_t i;
    json_t *u;
    json_array_foreach(gm, i, u)
    {
        if (rc == 0)
            rc = notify(c, e, "write_off_requested", json_string_value(u), w.number, NULL,
                        "坏账核销申请%s（发票%s）待总经理审批", w.number, invoice);
    }
    json_decref(gm);
    if (rc == 0)
        rc = write_off_get(c, w.number, out, e);
out:
    json_decref(n);
    return rc;
}
