/*
 * payment.c — receipts (SK): registration with the allocation algorithm of flows.md §4.2,
 * reading and listing (flow/payment.h).
 */
#include "flow/payment.h"

#include "core/date.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/billing.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/instrument.h"
#include "rules/payment.h"
#include "store/invoice.h"
#include "store/ledger.h"
#include "store/payment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"payment", "expense", NULL};
static const struct field_def fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"amount_fen", FK_FEN, 1, 0, F_REQUIRED, 0, 0, "amount_not_positive"},
    {"method", FK_TEXT, 0, 20, F_REQUIRED, 0, 0, 0},
    {"reference", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"received_on", FK_DATE, 0, 0, F_REQUIRED, 0, 0, 0},
    {"kind", FK_ENUM, 0, 0, 0, 0, kinds, 0},
    {"apply_to", FK_JSON, 0, 0, 0, 0, 0, 0},
    {"for_order", FK_TEXT, 0, 32, 0, 0, 0, 0},
    {"note", FK_LONG, 0, 500, 0, 0, 0, 0},
};
static const struct record_def def = {"payments", "number", "payment", fields,
                                      sizeof fields / sizeof fields[0]};

/* entities §7.3 method: recognised values, anything else is reported as other. */
static const char *method_class(const char *m)
{
    static const char *const known[] = {"bank_transfer", "cash",   "cheque", "acceptance_bill",
                                        "bank_draft",    "offset", NULL};
    for (const char *const *k = known; *k; k++)
        if (m && strcmp(*k, m) == 0)
            return m;
    return "other";
}

struct alloc_req {
    char invoice[40];
    int64_t amount;
};

/* §4.2 step 1: explicit lines, each within its invoice's open amount, Σ within the payment. */
static int parse_apply_to(struct ctx *c, json_t *arr, const char *customer, int64_t amount,
                          struct alloc_req **out, size_t *n, struct osb_err *e)
{
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return err_bad(e, "apply_to", "apply_to must be a list of {invoice, amount_fen}");
    size_t k = json_array_size(arr);
    if (k > 1000)
        return err_invalid(e, "apply_to", "too_long", "at most 1000 allocation lines");
    struct alloc_req *a = xcalloc(k ? k : 1, sizeof *a);
    int64_t sum = 0;
    for (size_t i = 0; i < k; i++) {
        json_t *l = json_array_get(arr, i);
        char field[48];
        /* "apply_to[" + at most 20 digits + "]": 30 bytes and the NUL fit 48 */
        (void)str_fmt(field, sizeof field, "apply_to[%zu]", i);
        const char *key;
        json_t *v;
        if (!json_is_object(l))
            goto bad;
        json_object_foreach(l, key, v) if (strcmp(key, "invoice") && strcmp(key, "amount_fen"))
        {
            free(a);
            return err_bad(e, key, "unknown field '%s' in apply_to", key);
        }
        json_t *ji = json_object_get(l, "invoice"), *ja = json_object_get(l, "amount_fen");
        if (!json_is_string(ji) || !json_is_integer(ja))
            goto bad;
        int64_t amt = json_integer_value(ja);
        if (amt <= 0) {
            free(a);
            return err_invalid(e, field, "amount_not_positive", "an allocation must be > 0");
        }
        if (amt > MONEY_MAX_FEN) {
            free(a);
            return err_invalid(e, field, "amount_too_large", "an allocation is at most 10^13 fen");
        }
        char inv_customer[40];
        int64_t open = 0;
        int rc = store_invoice_customer_open(c->db, e, json_string_value(ji), inv_customer, &open);
        if (rc < 0) {
            free(a);
            return -1;
        }
        if (rc == 0) {
            free(a);
            return err_invalid(e, field, "unknown_invoice", "no invoice '%s'",
                               json_string_value(ji));
        }
        bool other = strcmp(inv_customer, customer) != 0;
        if (other) {
            free(a);
            return err_invalid(e, field, "invoice_other_customer",
                               "invoice %s belongs to another customer", json_string_value(ji));
        }
        int64_t already = 0;
        for (size_t j = 0; j < i; j++)
            if (strcmp(a[j].invoice, json_string_value(ji)) == 0)
                already += a[j].amount;
        if (amt > open - already) {
            free(a);
            return err_invalid(e, field, "allocation_exceeds_invoice",
                               "invoice %s has only %lld fen open", json_string_value(ji),
                               (long long)(open - already));
        }
        if (!money_add(sum, amt, &sum) || sum > amount) {
            free(a);
            return err_invalid(e, "apply_to", "allocation_exceeds_payment",
                               "the allocations add up to more than the payment");
        }
        str_field(a[i].invoice, sizeof a[i].invoice, json_string_value(ji), "invoice");
        a[i].amount = amt;
    }
    *out = a;
    *n = k;
    return 0;
bad:
    free(a);
    return err_bad(e, "apply_to",
                   "each apply_to line is {\"invoice\": string, \"amount_fen\": "
                   "integer}");
}

/* The receipt on the kernel: one state, no actions (rules/payment.h). */
static int pload(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                 struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct payment *p = calloc(1, sizeof *p);
    int rc = store_payment_load(c->db, e, number, p);
    if (rc == 1)
        rc = scope_money_sees(c, p->customer, NULL, e);
    if (rc <= 0) {
        store_payment_release(p);
        free(p);
        return rc;
    }
    *out = p;
    return 1;
}

static void pfree(void *p)
{
    store_payment_release(p);
    free(p);
}

static int pstate(const void *p)
{
    return doc_state_parse(&payment_doc, ((const struct payment *)p)->state);
}
static int64_t pversion(const void *p)
{
    return ((const struct payment *)p)->version;
}

/* ---- corrections (api.md §5.5, flows.md §4.2.7) ------------------------------------------ */

#define REASON_MAX 500

static int pcheck(struct doc_act *x, struct osb_err *e)
{
    if (x->comment && !valid_text(x->comment, REASON_MAX, true))
        return err_invalid(e, "comment", "too_long", "comment has at most %d characters",
                           REASON_MAX);
    if (x->action == SKA_REVERSE) {
        json_t *r = json_object_get(x->body, "reason");
        if (r && !json_is_string(r))
            return err_bad(e, "reason", "reason is a string");
        if (!r || !*json_string_value(r) || !valid_text(json_string_value(r), REASON_MAX, true))
            return err_invalid(e, "reason", "reason_required",
                               "a reversal needs a reason (at most %d characters)", REASON_MAX);
    } else if (x->action == SKA_REALLOCATE) {
        json_t *a = json_object_get(x->body, "apply_to");
        if (!a)
            return err_invalid(e, "apply_to", "required",
                               "apply_to lists where the receipt's money goes");
        if (!json_is_array(a))
            return err_bad(e, "apply_to", "apply_to must be a list of {invoice, amount_fen}");
    }
    return 0;
}

/* Gives every live allocation of the receipt back to it (entities §7.6 reversed_by = the
   receipt): the invoices reopen, the money is unapplied again. */
static int undo_allocations(struct ctx *c, const struct payment *p, struct osb_err *e)
{
    json_t *rows = store_payment_live_allocations(c->db, e, p->number);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        if (store_allocation_reverse(c->db, e, jint(r, "id"), p->number, true, p->number,
                                     jstr(r, "invoice"), jint(r, "amount_fen")) < 0 ||
            store_invoice_refresh_state(c->db, e, jstr(r, "invoice"), c->now) < 0) {
            rc = -1;
            break;
        }
    }
    json_decref(rows);
    return rc;
}

/* Earmarks are prepayment set aside for orders; with the receipt's money gone they may exceed
   what the customer has left: the newest are cut back until they fit (flows.md §2.5). */
static int fit_earmarks(struct ctx *c, const char *customer, struct osb_err *e)
{
    int64_t unapplied = 0, earmarked = 0;
    if (billing_money(c, customer, &unapplied, &earmarked, e) < 0)
        return -1;
    int64_t over = earmarked - unapplied;
    if (over <= 0)
        return 0;
    json_t *rows = store_customer_earmarks_newest(c->db, e, customer);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        if (over <= 0)
            break;
        int64_t a = jint(r, "amount_fen");
        rc = a <= over ? store_earmark_release(c->db, e, jint(r, "id"), c->now)
                       : store_earmark_set_amount(c->db, e, jint(r, "id"), a - over);
        if (rc < 0)
            break;
        over -= a <= over ? a : over;
    }
    json_decref(rows);
    return rc < 0 ? -1 : 0;
}

static int refund_drawn(struct ctx *c, const struct payment *p, int64_t *drawn, struct osb_err *e)
{
    return store_payment_drawn(c->db, e, p->number, drawn);
}

/* reverse {"reason"}: allocations and the unapplied remainder undone by one payment_reversal
   ledger debit of the whole amount (the receipt's credit stays: ledger rows are never
   changed); invoices reopen; a receipt a paid refund drew on cannot be reversed. */
static int a_reverse(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct payment *p = x->doc;
    int64_t drawn = 0;
    if (refund_drawn(c, p, &drawn, e) < 0)
        return -1;
    if (drawn > 0) {
        err_invalid(e, "payment", "refund_drawn",
                    "a refund drew %lld fen on receipt %s: it cannot be reversed", (long long)drawn,
                    p->number);
        e->extra = json_pack("{sI}", "drawn_fen", (json_int_t)drawn);
        return -1;
    }
    int64_t live = p->amount_fen - p->unapplied_fen;
    char today[11];
    date_format(flow_today(c), today);
    struct ledger_post lp = {
        p->customer, today, "payment_reversal", p->number, p->for_order, p->amount_fen, 0, c->now};
    if (undo_allocations(c, p, e) < 0 || store_ledger_append(c->db, e, &lp) < 0)
        return -1;
    const char *reason = jstr(x->body, "reason");
    p->reversal_reason = strdup(reason);
    str_field(p->reversed_by, sizeof p->reversed_by, c->user.username, "reversed_by");
    p->reversed_at = c->now;
    p->reversal_changed = true;
    STR_COPY_ARRAY(p->state, "reversed");
    json_object_set_new(x->audit_after, "reason", json_string(reason));
    json_object_set_new(x->audit_after, "allocations_undone_fen", json_integer(live));
    json_object_set_new(x->audit_after, "unapplied_undone_fen", json_integer(p->unapplied_fen));
    /* The receipt's state is saved before the earmarks are fitted: billing_money counts only
       registered receipts. */
    if (store_payment_save(c->db, e, p) < 0)
        return -1;
    p->reversal_changed = false;
    p->version++;
    if (fit_earmarks(c, p->customer, e) < 0)
        return -1;
    return flow_money_changed(c, p->customer, e);
}

/* reallocate {"apply_to":[{invoice, amount_fen}]}: the receipt's live allocations are undone
   and the listed ones made instead (each within its invoice's open amount once this receipt's
   money is back, Σ within what the receipt has); the rest stays unapplied (预收). */
static int a_reallocate(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct payment *p = x->doc;
    json_t *before = json_deep_copy(p->allocations);
    if (undo_allocations(c, p, e) < 0) {
        json_decref(before);
        return -1;
    }
    int64_t drawn = 0;
    if (refund_drawn(c, p, &drawn, e) < 0) {
        json_decref(before);
        return -1;
    }
    struct alloc_req *reqs = NULL;
    size_t n = 0;
    if (parse_apply_to(c, json_object_get(x->body, "apply_to"), p->customer, p->amount_fen - drawn,
                       &reqs, &n, e) < 0) {
        json_decref(before);
        return -1;
    }
    int rc = 0;
    json_t *moved = json_array();
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = billing_allocate(c, p->customer, "payment", p->number, reqs[i].invoice, reqs[i].amount,
                              false, e);
        json_array_append_new(moved, json_pack("{ss sI}", "invoice", reqs[i].invoice, "amount_fen",
                                               (json_int_t)reqs[i].amount));
    }
    free(reqs);
    json_t *old = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(before, i, a) if (json_is_null(json_object_get(a, "reversed_by")))
        json_array_append_new(old, json_pack("{sO sO}", "invoice", json_object_get(a, "invoice"),
                                             "amount_fen", json_object_get(a, "amount_fen")));
    json_decref(before);
    json_object_set_new(x->audit_after, "from", old);
    json_object_set_new(x->audit_after, "to", moved);
    if (rc < 0)
        return -1;
    /* Money set aside for orders must still be there. */
    int64_t unapplied = 0, earmarked = 0;
    if (billing_money(c, p->customer, &unapplied, &earmarked, e) < 0)
        return -1;
    if (unapplied < earmarked)
        return err_invalid(e, "apply_to", "prepayment_earmarked",
                           "%lld fen of the customer's prepayment is earmarked for orders: "
                           "allocate less",
                           (long long)earmarked);
    return flow_money_changed(c, p->customer, e);
}

static int psave(struct doc_act *x, struct osb_err *e)
{
    struct payment *p = x->doc;
    if (x->action == SKA_REVERSE)
        return 0; /* saved by a_reverse before the earmarks were fitted */
    return store_payment_save(x->c->db, e, p);
}

static const doc_run_fn payment_run[SKA__COUNT] = {
    [SKA_REVERSE] = a_reverse,
    [SKA_REALLOCATE] = a_reallocate,
};

static int panswer(struct ctx *c, void *doc, json_t **out, struct osb_err *e)
{
    (void)e;
    const struct payment *p = doc;
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(p->number));
    json_object_set_new(o, "customer", json_string(p->customer));
    json_object_set_new(o, "amount_fen", json_integer(p->amount_fen));
    json_object_set_new(o, "unapplied_fen", json_integer(p->unapplied_fen));
    json_object_set_new(o, "kind", json_string(p->kind));
    json_object_set_new(o, "method", flow_json_str(p->method));
    json_object_set_new(o, "reference", flow_json_str(p->reference));
    json_object_set_new(o, "received_on", json_string(p->received_on));
    json_object_set_new(o, "for_order", flow_json_str(p->for_order));
    json_object_set_new(o, "note", flow_json_str(p->note));
    json_object_set_new(o, "state", json_string(p->state));
    json_object_set_new(o, "version", json_integer(p->version));
    char b[32];
    ts_format_rfc3339(p->created_at, c->cfg->tz_min, b);
    json_object_set_new(o, "created_at", json_string(b));
    json_object_set_new(o, "created_by", flow_json_str(p->created_by));
    json_object_set_new(o, "method_class", json_string(method_class(p->method)));
    json_object_set_new(o, "reversed_at",
                        p->reversed_at ? flow_json_ts(c, p->reversed_at) : json_null());
    json_object_set_new(o, "reversed_by", flow_json_str(p->reversed_by[0] ? p->reversed_by : NULL));
    json_object_set_new(o, "reversal_reason", flow_json_str(p->reversal_reason));
    json_object_set(o, "allocations", p->allocations);
    *out = o;
    return 0;
}

static const struct doc_kind payment_kind = {
    .type = &payment_doc,
    .load = pload,
    .free = pfree,
    .state = pstate,
    .version = pversion,
    .check = pcheck,
    .run = payment_run,
    .save = psave,
    .json = panswer,
};

int payment_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                struct osb_err *e)
{
    return doc_act(c, &payment_kind, number, action, body, out, e);
}

/* §4.2 step 2: for_order. An order already invoiced takes the money on its open invoices;
   otherwise up to its shortfall becomes its earmark. *taken is what this step used. */
static int for_order(struct ctx *c, const char *customer, const char *number, const char *order_no,
                     int64_t rem, int64_t free_before, int64_t *taken, int64_t *earmarked,
                     struct osb_err *e)
{
    *taken = *earmarked = 0;
    char ocust[40] = "", state[32] = "";
    int64_t total = 0;
    int rc = store_order_money(c->db, e, order_no, ocust, state, &total);
    if (rc < 0)
        return -1;
    if (rc == 0 || strcmp(ocust, customer) != 0) {
        return err_invalid(e, "for_order", rc == 0 ? "unknown_reference" : "order_other_customer",
                           "no order '%s' of customer %s", order_no, customer);
    }
    static const char *const open_states[] = {
        "prepay_required", "st_pending", "pending_approval", "approved", "billed",
        "released",        NULL};
    bool ok = false;
    for (const char *const *s = open_states; *s; s++)
        ok = ok || strcmp(*s, state) == 0;
    if (!ok)
        return err_invalid(e, "for_order", "order_not_open",
                           "order %s is %s: prepayment can be earmarked only for an order between"
                           " the credit check and shipment",
                           order_no, state);
    int64_t live = 0;
    if (store_invoices_live(c->db, e, order_no, &live) < 0)
        return -1;
    if (live > 0) {
        json_t *inv = store_order_open_invoices(c->db, e, order_no);
        if (!inv)
            return -1;
        size_t i;
        json_t *it;
        rc = 0;
        json_array_foreach(inv, i, it)
        {
            int64_t amt = jint(it, "open") < rem ? jint(it, "open") : rem;
            if (amt <= 0)
                break;
            if (billing_allocate(c, customer, "payment", number, jstr(it, "number"), amt, false,
                                 e) < 0) {
                rc = -1;
                break;
            }
            rem -= amt;
            *taken += amt;
        }
        json_decref(inv);
        return rc;
    }
    int64_t own = 0;
    if (store_order_earmarked(c->db, e, order_no, &own) < 0)
        return -1;
    int64_t shortfall = total - own - (free_before > 0 ? free_before : 0);
    int64_t amt = shortfall < rem ? shortfall : rem;
    if (amt <= 0)
        return 0;
    if (store_earmark_insert(c->db, e, order_no, customer, amt, c->now) < 0)
        return -1;
    *taken = *earmarked = amt;
    return 0;
}

int payment_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    struct alloc_req *reqs = NULL;
    size_t nreq = 0;
    int rc = -1;
    if (flow_need(c, P_PAYMENT, e) < 0 || record_check(&def, body, true, &n, e) < 0)
        goto out;
    const char *customer = jstr(n, "customer");
    int64_t amount = jint(n, "amount_fen");
    const char *kind = jstr(n, "kind") ? jstr(n, "kind") : "payment";
    const char *received = jstr(n, "received_on");
    int64_t created = 0;
    int f = store_customer_created_at(c->db, e, customer, &created);
    if (f < 0)
        goto out;
    if (f == 0) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    date_t rd;
    date_parse(received, &rd);
    if (rd > flow_today(c)) {
        err_invalid(e, "received_on", "received_in_future", "money cannot arrive after today");
        goto out;
    }
    if (rd < ts_to_date(created, c->cfg->tz_min)) {
        err_invalid(e, "received_on", "date_out_of_range",
                    "the receipt is dated before the customer existed");
        goto out;
    }
    int64_t dup = 0;
    if (store_payment_duplicates(c->db, e, customer, jstr(n, "reference"), amount, received, &dup) <
        0)
        goto out;
    if (dup) {
        err_set(e, ERR_DUPLICATE,
                "a receipt of this customer with the same reference, amount and date exists");
        STR_COPY_ARRAY(e->field, "reference");
        goto out;
    }
    rc = parse_apply_to(c, json_object_get(n, "apply_to"), customer, amount, &reqs, &nreq, e);
    if (rc < 0)
        goto out;
    rc = -1;
    int64_t unapplied = 0, earmarks = 0;
    if (billing_money(c, customer, &unapplied, &earmarks, e) < 0)
        goto out;
    struct payment pm = {0};
    char *number = pm.number;
    str_field(pm.customer, sizeof pm.customer, customer, "customer");
    str_field(pm.kind, sizeof pm.kind, kind, "kind");
    str_field(pm.received_on, sizeof pm.received_on, received, "received_on");
    pm.method = (char *)jstr(n, "method");
    pm.reference = (char *)jstr(n, "reference");
    pm.for_order = (char *)jstr(n, "for_order");
    pm.note = (char *)jstr(n, "note");
    pm.created_by = c->user.username;
    pm.amount_fen = amount;
    pm.created_at = c->now;
    if (flow_docno(c, e, "SK", pm.number) < 0 || store_payment_insert(c->db, e, &pm) < 0)
        goto out;
    /* Cash (现金款) and market-expense credits (费用款) are kept apart by kind. */
    struct ledger_post lp = {customer,
                             received,
                             strcmp(kind, "expense") == 0 ? "expense_credit" : "payment",
                             number,
                             jstr(n, "for_order"),
                             0,
                             amount,
                             c->now};
    if (store_ledger_append(c->db, e, &lp) < 0 ||
        instrument_link_payment(c, customer, jstr(n, "reference"), number, e) < 0)
        goto out;
    int64_t rem = amount;
    for (size_t i = 0; i < nreq; i++) {
        if (billing_allocate(c, customer, "payment", number, reqs[i].invoice, reqs[i].amount, false,
                             e) < 0)
            goto out;
        rem -= reqs[i].amount;
    }
    int64_t taken = 0, earmarked = 0;
    if (jstr(n, "for_order") && for_order(c, customer, number, jstr(n, "for_order"), rem,
                                          unapplied - earmarks, &taken, &earmarked, e) < 0)
        goto out;
    /* Steps 3–4: open invoices oldest first, the rest stays unapplied (预收). */
    if (billing_apply_free(c, customer, NULL, "payment", number, e) < 0 ||
        flow_money_changed(c, customer, e) < 0)
        goto out;
    json_t *after =
        json_pack("{ss sI ss ss sI}", "customer", customer, "amount_fen", (json_int_t)amount,
                  "kind", kind, "received_on", received, "earmarked_fen", (json_int_t)earmarked);
    rc = flow_audit(c, e, "create", "payment", number, NULL, after);
    json_decref(after);
    if (rc < 0)
        goto out;
    rc = payment_get(c, number, out, e);
    if (rc == 0)
        json_object_set_new(*out, "earmarked_fen", json_integer(earmarked));
out:
    free(reqs);
    json_decref(n);
    return rc;
}

int payment_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &payment_kind, number, out, e);
}

int payment_list(struct ctx *c, const struct payment_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (q->kind && strcmp(q->kind, "payment") && strcmp(q->kind, "expense"))
        return err_bad(e, "kind", "kind is payment or expense");
    if (doc_state_filter(&payment_doc, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see receipts",
                             role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct payment_filter f = {q->customer, q->kind, q->state, q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_payment_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, payment_get, out, e);
    json_decref(nums);
    free(next);
    return rc;
}
