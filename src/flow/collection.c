/*
 * collection.c — the collection routine (flow/collection.h): collection requests and bank pool
 * lines on the document kernel (flow/doc.h; tables in rules/collection.c, SQL in
 * store/collection.c), the bank file import and its matching, the call log, the weekly call
 * list and the jobs.
 *
 * Who (numbering-and-rules.md §3, flows.md §4.3): a request is created by the customer's KAM
 * or rep ('O') or the BCR of its market ('B': the market's `bcr`, else the ssg_leader) and
 * submitted by its creator; confirmed by that BCR and by finance (both, either order; the
 * second moves it to confirmed); sent by the BCR or the customer's KAM; closed by the BCR.
 * A bank line is claimed for a customer by finance, the BCRs (ssg_leader, csr) or the
 * customer's KAM; registered and ignored by finance.
 *
 * Matching (entities.md §7.4): a line belongs to the one customer whose bank_account equals
 * the payer account; else whose name or invoice title equals the payer name; else whose code
 * the remark names as a word. No match, or more than one, leaves the line unmatched.
 */
#include "flow/collection.h"

#include "core/calendar.h"
#include "core/csv.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/str.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/payment.h"
#include "flow/scope.h"
#include "rules/collection.h"
#include "store/collection.h"
#include "store/order.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

void collection_week_of(date_t day, char monday[11])
{
    date_format(day - (date_weekday(day) - 1), monday);
}

static json_t *ts_or_null(struct ctx *c, json_t *row, const char *key)
{
    return flow_json_ts(c, jint(row, key));
}

/* ==== collection requests =================================================================== */

/* A document of this file, a collection request or a bank line: the stored row (a request with
   its lines), the columns an action changed, and the customer it is for (a bank line may have
   none yet) with the market's BCR. */
struct cdoc {
    json_t *row;
    json_t *set; /* columns the action changed */
    bool has_cu;
    struct order_customer cu;
    char bcr[40];
};

/* The one loader of both kinds (as market.c keys its loader by the kind): 0 when absent or out
   of the reader's scope. A collection request is read by the money readers who see its
   customer; a bank line by the roles that claim bank lines, and when it names a customer, by
   those who see that customer. */
static int cdoc_load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                     struct osb_err *e)
{
    bool bank = k->type == &bankline_doc;
    if (bank && !perm_may_read(P_BANK_CLAIM, c->user.role))
        return 0;
    struct cdoc *d = calloc(1, sizeof *d);
    int rc = bank ? store_bank_load(c->db, e, number, &d->row)
                  : store_collreq_load(c->db, e, number, &d->row);
    if (rc == 1 && (!bank || jstr(d->row, "customer"))) {
        d->has_cu = true;
        rc = store_order_customer(c->db, e, jstr(d->row, "customer"), &d->cu);
        if (rc == 1 && (!scope_sees(c, &d->cu) || (!bank && !scope_role_reads_money(c->user.role))))
            rc = 0;
    }
    if (rc == 1 && !bank && store_market_bcr(c->db, e, d->cu.market, d->bcr) < 0)
        rc = -1;
    if (rc <= 0) {
        json_decref(d->row);
        free(d);
        return rc;
    }
    d->set = json_object();
    *out = d;
    return 1;
}

static void cdoc_free(void *p)
{
    struct cdoc *d = p;
    json_decref(d->row);
    json_decref(d->set);
    free(d);
}

static int64_t cdoc_version(const void *p)
{
    return jint(((const struct cdoc *)p)->row, "version");
}

static int cr_state(const void *p)
{
    return doc_state_parse(&collreq_doc, jstr(((const struct cdoc *)p)->row, "state"));
}

static int cr_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                  struct osb_err *e)
{
    const struct cdoc *d = p;
    enum perm_action row = collreq_doc.actions[a].perm;
    char sym = perm_symbol(row, actor->role);
    bool bcr = sym == 'B' && is(actor->who, d->bcr);
    switch ((enum collreq_action)a) {
    case COLRA_SUBMIT:
        if (!is(jstr(d->row, "requested_by"), actor->who))
            return err_forbidden(e, "role", "only its creator submits a collection request");
        return 0;
    case COLRA_CONFIRM:
        if (sym == 'B' && !bcr)
            return err_forbidden(e, "role", "only the BCR of market %s confirms", d->cu.market);
        if (bcr && jstr(d->row, "bcr_confirmed_by"))
            return err_forbidden(e, "already_confirmed", "the BCR has confirmed already");
        if (sym == 'Y' && jstr(d->row, "finance_confirmed_by"))
            return err_forbidden(e, "already_confirmed", "finance has confirmed already");
        return 0;
    case COLRA_SEND:
        if (sym == 'B' && !bcr)
            return err_forbidden(e, "role", "only the BCR of market %s or the customer's KAM sends",
                                 d->cu.market);
        if (sym == 'O' && !is(d->cu.kam, actor->who))
            return err_forbidden(e, "role", "only the customer's KAM or the BCR sends");
        return 0;
    case COLRA_CLOSE:
        if (!bcr)
            return err_forbidden(e, "role", "only the BCR of market %s closes", d->cu.market);
        return 0;
    case COLRA__COUNT:
        break;
    }
    (void)c;
    return 0;
}

static int a_submit(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    const char *n = jstr(d->row, "number");
    if (d->bcr[0] && !is(d->bcr, x->c->user.username) &&
        notify(x->c, e, "collection_request_submitted", d->bcr, n, NULL,
               "收款申请单%s（%s）已提交，待BCR确认", n, d->cu.code) < 0)
        return -1;
    return 0;
}

static int a_confirm(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct cdoc *d = x->doc;
    bool bcr = perm_symbol(P_COLLREQ_CONFIRM, x->actor.role) == 'B';
    json_object_set_new(d->set, bcr ? "bcr_confirmed_by" : "finance_confirmed_by",
                        json_string(x->actor.who));
    json_object_set_new(d->set, bcr ? "bcr_confirmed_at" : "finance_confirmed_at",
                        json_integer(x->c->now));
    bool other = jstr(d->row, bcr ? "finance_confirmed_by" : "bcr_confirmed_by") != NULL;
    x->to = other ? COLR_CONFIRMED : COLR_SUBMITTED;
    json_object_set_new(x->audit_after, "confirmed_as", json_string(bcr ? "bcr" : "finance"));
    return 0;
}

static int a_send(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    const char *n = jstr(d->row, "number");
    json_object_set_new(d->set, "sent_at", json_integer(x->c->now));
    if (!is(d->cu.kam, x->c->user.username) &&
        notify(x->c, e, "collection_request_sent", d->cu.kam, n, NULL,
               "收款申请单%s（%s，¥%lld.%02lld）已发给客户", n, d->cu.code,
               (long long)(jint(d->row, "total_fen") / 100),
               (long long)(jint(d->row, "total_fen") % 100)) < 0)
        return -1;
    return 0;
}

static int a_close(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    json_object_set_new(((struct cdoc *)x->doc)->set, "closed_at", json_integer(x->c->now));
    return 0;
}

static int cr_save(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    return store_collreq_save(x->c->db, e, jstr(d->row, "number"),
                              doc_state_str(&collreq_doc, x->to), d->set, x->c->now);
}

static int cr_event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "collection_request_events", "request",
                          jstr(((struct cdoc *)x->doc)->row, "number"), t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static int cr_answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    struct cdoc *d = p;
    json_t *r = d->row;
    json_t *tl = flow_doc_timeline(c, e, "collection_request_events", "request", jstr(r, "number"));
    if (!tl)
        return -1;
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(jstr(r, "number")));
    json_object_set_new(o, "customer", json_string(jstr(r, "customer")));
    json_object_set_new(o, "customer_name", json_string(d->cu.name));
    json_object_set_new(o, "requested_by", json_string(jstr(r, "requested_by")));
    json_object_set_new(o, "bcr", flow_json_str(d->bcr));
    json_object_set_new(o, "kam", flow_json_str(d->cu.kam));
    json_object_set_new(o, "total_fen", json_integer(jint(r, "total_fen")));
    json_object_set_new(o, "expected_pay_date", flow_json_str(jstr(r, "expected_pay_date")));
    json_object_set_new(o, "note", flow_json_str(jstr(r, "note")));
    json_t *lines = json_array(), *l;
    size_t i;
    int64_t open_total = 0;
    json_array_foreach(json_object_get(r, "lines"), i, l)
    {
        open_total += jint(l, "open_fen");
        json_array_append_new(
            lines, json_pack("{sI ss sI sI ss}", "line", (json_int_t)jint(l, "line_no"), "invoice",
                             jstr(l, "invoice"), "amount_fen", (json_int_t)jint(l, "amount_fen"),
                             "open_fen", (json_int_t)jint(l, "open_fen"), "due_date",
                             jstr(l, "due_date") ? jstr(l, "due_date") : ""));
    }
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "open_fen", json_integer(open_total));
    json_object_set_new(o, "bcr_confirmed_by", flow_json_str(jstr(r, "bcr_confirmed_by")));
    json_object_set_new(o, "bcr_confirmed_at", ts_or_null(c, r, "bcr_confirmed_at"));
    json_object_set_new(o, "finance_confirmed_by", flow_json_str(jstr(r, "finance_confirmed_by")));
    json_object_set_new(o, "finance_confirmed_at", ts_or_null(c, r, "finance_confirmed_at"));
    json_object_set_new(o, "sent_at", ts_or_null(c, r, "sent_at"));
    json_object_set_new(o, "paid_at", ts_or_null(c, r, "paid_at"));
    json_object_set_new(o, "closed_at", ts_or_null(c, r, "closed_at"));
    json_object_set_new(o, "state", json_string(jstr(r, "state")));
    json_object_set_new(o, "version", json_integer(jint(r, "version")));
    json_object_set_new(o, "created_at", ts_or_null(c, r, "created_at"));
    json_object_set_new(o, "updated_at", ts_or_null(c, r, "updated_at"));
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn cr_run[] = {[COLRA_SUBMIT] = a_submit,
                                    [COLRA_CONFIRM] = a_confirm,
                                    [COLRA_SEND] = a_send,
                                    [COLRA_CLOSE] = a_close};

static const struct doc_kind collreq_kind = {
    .type = &collreq_doc,
    .load = cdoc_load,
    .free = cdoc_free,
    .state = cr_state,
    .version = cdoc_version,
    .who = cr_who,
    .run = cr_run,
    .save = cr_save,
    .event = cr_event,
    .json = cr_answer,
};

const struct doc_kind *const collreq_doc_kind = &collreq_kind;

int collreq_list(struct ctx *c, const struct collreq_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (!perm_may_read(P_COLLREQ_CREATE, c->user.role) &&
        !perm_may_read(P_COLLREQ_CONFIRM, c->user.role))
        return err_forbidden(e, "role", "the role %s may not see collection requests",
                             role_str(c->user.role));
    if (doc_state_filter(&collreq_doc, q->state, e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct collreq_filter f = {q->customer, q->state, q->cursor, q->q, q->limit};
    json_t *nums;
    char *next;
    if (store_collreq_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = doc_items(c, &collreq_kind, nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

static const struct field_def cr_fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"lines", FK_JSON, 0, 0, 0, 0, 0, 0},
    {"expected_pay_date", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"note", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def cr_def = {"collection_requests", "number", "collection_request",
                                         cr_fields, sizeof cr_fields / sizeof cr_fields[0]};

#define COLLREQ_MAX_LINES 200

/* The request's lines from the body (each invoice of the customer, amount ≤ its open amount),
   or every open invoice of the customer at its open amount when the body has none. */
static int cr_lines(struct ctx *c, json_t *given, const char *customer, json_t **out,
                    int64_t *total, struct osb_err *e)
{
    *out = NULL;
    *total = 0;
    json_t *lines = json_array();
    if (!given) {
        json_t *open = store_coll_open_invoices(c->db, e, customer);
        if (!open) {
            json_decref(lines);
            return -1;
        }
        json_decref(lines);
        lines = open;
        if (json_array_size(lines) == 0) {
            json_decref(lines);
            return err_invalid(e, "lines", "nothing_open",
                               "customer %s has no open invoice to collect", customer);
        }
    } else {
        if (!json_is_array(given)) {
            json_decref(lines);
            return err_bad(e, "lines", "lines is an array of {invoice, amount_fen}");
        }
        if (json_array_size(given) == 0 || json_array_size(given) > COLLREQ_MAX_LINES) {
            json_decref(lines);
            return err_invalid(e, "lines", json_array_size(given) ? "too_many_lines" : "required",
                               "a collection request has 1 to %d lines", COLLREQ_MAX_LINES);
        }
        size_t i;
        json_t *l;
        json_array_foreach(given, i, l)
        {
            json_t *inv = json_object_get(l, "invoice"), *amt = json_object_get(l, "amount_fen");
            if (!json_is_object(l) || !json_is_string(inv) || (amt && !json_is_integer(amt)) ||
                json_object_size(l) > (amt ? 2u : 1u)) {
                json_decref(lines);
                return err_bad(e, "lines", "line %zu: {invoice, amount_fen?}", i + 1);
            }
            char cust[40];
            int64_t open = 0;
            int f = store_coll_invoice(c->db, e, json_string_value(inv), cust, &open);
            if (f < 0) {
                json_decref(lines);
                return -1;
            }
            const char *rule = f == 0                ? "unknown_invoice"
                               : !is(cust, customer) ? "invoice_other_customer"
                                                     : NULL;
            int64_t a = amt ? json_integer_value(amt) : open;
            if (!rule && a <= 0)
                rule = amt ? "amount_not_positive" : "invoice_settled";
            if (!rule && a > open)
                rule = "amount_exceeds_open";
            for (size_t k = 0; !rule && k < json_array_size(lines); k++)
                if (is(jstr(json_array_get(lines, k), "invoice"), json_string_value(inv)))
                    rule = "duplicate_line";
            if (rule) {
                json_decref(lines);
                int rc = err_invalid(e, "lines", rule, "line %zu (%s): %s", i + 1,
                                     json_string_value(inv), rule);
                e->extra = json_pack("{sI}", "line", (json_int_t)(i + 1));
                return rc;
            }
            json_array_append_new(lines, json_pack("{ss sI}", "invoice", json_string_value(inv),
                                                   "amount_fen", (json_int_t)a));
        }
    }
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        if (!money_add(*total, jint(l, "amount_fen"), total) || *total > MONEY_MAX_FEN) {
            json_decref(lines);
            return err_invalid(e, "lines", "amount_too_large", "the total exceeds 10^13 fen");
        }
    }
    *out = lines;
    return 0;
}

int collreq_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL, *lines = NULL;
    int rc = -1;
    if (flow_need(c, P_COLLREQ_CREATE, e) < 0 || record_check(&cr_def, body, true, &n, e) < 0)
        return -1;
    const char *customer = jstr(n, "customer");
    struct order_customer cu;
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f < 0)
        goto out;
    if (f == 0 || !scope_sees(c, &cu)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    char sym = perm_symbol(P_COLLREQ_CREATE, c->user.role);
    if (sym == 'O' && !scope_owns(c, &cu)) {
        err_forbidden(e, "role", "only the customer's KAM or rep, or its BCR, asks for payment");
        goto out;
    }
    if (sym == 'B') {
        char bcr[40];
        if (store_market_bcr(c->db, e, cu.market, bcr) < 0)
            goto out;
        if (!is(bcr, c->user.username)) {
            err_forbidden(e, "role", "only the BCR of market %s (%s) asks for payment", cu.market,
                          bcr);
            goto out;
        }
    }
    int64_t total = 0;
    if (cr_lines(c, json_object_get(body, "lines"), customer, &lines, &total, e) < 0)
        goto out;
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "SKSQ", number) < 0 ||
        store_collreq_insert(c->db, e, number, customer, c->user.username, total,
                             jstr(n, "expected_pay_date"), jstr(n, "note"), lines, c->now) < 0 ||
        flow_doc_event(c, e, "collection_request_events", "request", number, "create", NULL,
                       "draft", NULL) < 0)
        goto out;
    json_t *after = json_pack("{ss sI sI}", "customer", customer, "total_fen", (json_int_t)total,
                              "lines", (json_int_t)json_array_size(lines));
    rc = flow_audit(c, e, "create", "collection_request", number, NULL, after);
    json_decref(after);
    if (rc == 0)
        rc = doc_get(c, &collreq_kind, number, out, e);
out:
    json_decref(lines);
    json_decref(n);
    return rc;
}

int collection_job_paid(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    json_t *nums = store_collreq_covered(c->db, e);
    if (!nums)
        return -1;
    int rc = 0;
    size_t i;
    json_t *it;
    json_array_foreach(nums, i, it)
    {
        const char *n = json_string_value(it);
        json_t *set = json_pack("{sI}", "paid_at", (json_int_t)c->now);
        json_t *before = json_pack("{ss}", "state", "sent");
        json_t *after = json_pack("{ss}", "state", "paid");
        rc = store_collreq_save(c->db, e, n, "paid", set, c->now) < 0 ||
                     flow_doc_event(c, e, "collection_request_events", "request", n, "paid", "sent",
                                    "paid", NULL) < 0 ||
                     flow_audit(c, e, "paid", "collection_request", n, before, after) < 0
                 ? -1
                 : 0;
        json_decref(set);
        json_decref(before);
        json_decref(after);
        if (rc < 0)
            break;
    }
    json_decref(nums);
    return rc;
}

/* ==== the bank receipt pool ================================================================= */

static int bl_state(const void *p)
{
    return doc_state_parse(&bankline_doc, jstr(((const struct cdoc *)p)->row, "state"));
}

static int bl_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                  struct osb_err *e)
{
    const struct cdoc *d = p;
    (void)c;
    if (a == BANKLA_CLAIM && perm_symbol(P_BANK_CLAIM, actor->role) == 'O' && d->has_cu &&
        !is(d->cu.kam, actor->who))
        return err_forbidden(e, "role", "the line is claimed for a customer of another KAM");
    return 0;
}

static int a_claim(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct cdoc *d = x->doc;
    json_t *cj = json_object_get(x->body, "customer");
    if (!cj)
        return err_invalid(e, "customer", "required", "claim names the customer (customer)");
    if (!json_is_string(cj))
        return err_bad(e, "customer", "customer must be a string");
    struct order_customer cu;
    int f = store_order_customer(c->db, e, json_string_value(cj), &cu);
    if (f < 0)
        return -1;
    if (f == 0 || !scope_sees(c, &cu))
        return err_invalid(e, "customer", "unknown_reference", "no customer '%s'",
                           json_string_value(cj));
    if (perm_symbol(P_BANK_CLAIM, x->actor.role) == 'O' && !scope_owns(c, &cu))
        return err_forbidden(e, "role", "a KAM claims lines for their own customers only");
    json_object_set_new(d->set, "customer", json_string(cu.code));
    json_object_set_new(d->set, "matched_by", json_string("manual"));
    json_object_set_new(d->set, "claimed_by", json_string(x->actor.who));
    json_object_set_new(d->set, "claimed_at", json_integer(c->now));
    json_object_set_new(x->audit_after, "customer", json_string(cu.code));
    return 0;
}

static int a_register(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    json_t *r = d->row;
    char note[64];
    STR_FMT_FITS(note, 64, "到款池 %s", jstr(r, "number"));
    json_t *body =
        json_pack("{ss sI ss ss ss ss}", "customer", jstr(r, "customer"), "amount_fen",
                  (json_int_t)jint(r, "amount_fen"), "method", "bank_transfer", "reference",
                  jstr(r, "bank_ref"), "received_on", jstr(r, "value_date"), "note", note);
    json_t *apply = json_object_get(x->body, "apply_to");
    if (apply)
        json_object_set(body, "apply_to", apply);
    json_t *pay = NULL;
    int rc = payment_create(x->c, body, &pay, e);
    json_decref(body);
    if (rc < 0)
        return -1;
    const char *pn = jstr(pay, "number");
    json_object_set_new(d->set, "payment", json_string(pn));
    json_object_set_new(d->set, "registered_at", json_integer(x->c->now));
    json_object_set_new(x->audit_after, "payment", json_string(pn));
    json_decref(pay);
    return 0;
}

static int a_ignore(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "required", "ignoring a bank line says why (comment)");
    return 0;
}

static int bl_save(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    return store_bank_save(x->c->db, e, jstr(d->row, "number"), doc_state_str(&bankline_doc, x->to),
                           d->set, x->c->now);
}

static int bl_event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "bank_line_events", "line",
                          jstr(((struct cdoc *)x->doc)->row, "number"), t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static json_t *bl_json(struct ctx *c, json_t *r)
{
    json_t *o = json_object();
    static const char *const strs[] = {"number",     "bank_account",  "bank_ref", "value_date",
                                       "payer_name", "payer_account", "memo",     "customer",
                                       "matched_by", "claimed_by",    "payment",  "state"};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        json_object_set_new(o, strs[i], flow_json_str(jstr(r, strs[i])));
    json_object_set_new(o, "amount_fen", json_integer(jint(r, "amount_fen")));
    json_object_set_new(o, "import_no", json_integer(jint(r, "import_no")));
    json_object_set_new(o, "file_line", json_integer(jint(r, "file_line")));
    json_object_set_new(o, "claimed_at", ts_or_null(c, r, "claimed_at"));
    json_object_set_new(o, "registered_at", ts_or_null(c, r, "registered_at"));
    json_object_set_new(o, "version", json_integer(jint(r, "version")));
    json_object_set_new(o, "created_at", ts_or_null(c, r, "created_at"));
    json_object_set_new(o, "created_by", flow_json_str(jstr(r, "created_by")));
    return o;
}

static int bl_answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    struct cdoc *d = p;
    json_t *tl = flow_doc_timeline(c, e, "bank_line_events", "line", jstr(d->row, "number"));
    if (!tl)
        return -1;
    json_t *o = bl_json(c, d->row);
    json_object_set_new(o, "customer_name", d->has_cu ? json_string(d->cu.name) : json_null());
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn bl_run[] = {
    [BANKLA_CLAIM] = a_claim, [BANKLA_REGISTER] = a_register, [BANKLA_IGNORE] = a_ignore};

static const struct doc_kind bank_kind = {
    .type = &bankline_doc,
    .load = cdoc_load,
    .free = cdoc_free,
    .state = bl_state,
    .version = cdoc_version,
    .who = bl_who,
    .run = bl_run,
    .save = bl_save,
    .event = bl_event,
    .json = bl_answer,
};

const struct doc_kind *const bankline_doc_kind = &bank_kind;

int bank_list(struct ctx *c, const struct bank_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_BANK_CLAIM, e) < 0 || doc_state_filter(&bankline_doc, q->state, e) < 0)
        return -1;
    struct bank_filter f = {q->state, q->customer, q->cursor, q->q, 0, q->limit};
    if (q->import_no) {
        long v;
        if (!str_to_long(q->import_no, 1, 1000000000L, &v))
            return err_bad(e, "import_no", "import_no is a positive integer");
        f.import_no = v;
    }
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *nums;
    char *next;
    if (store_bank_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = doc_items(c, &bank_kind, nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int bank_register_claimed(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_PAYMENT, e) < 0)
        return -1;
    int64_t import_no = 0;
    if (body && !json_is_null(body)) {
        if (!json_is_object(body))
            return err_bad(e, NULL, "the body is an object {import_no?}");
        const char *k;
        json_t *v;
        json_object_foreach(body, k, v)
        {
            if (strcmp(k, "import_no") != 0)
                return err_bad(e, k, "unknown field '%s'", k);
            if (!json_is_integer(v) || json_integer_value(v) < 1)
                return err_bad(e, "import_no", "import_no is a positive integer");
            import_no = json_integer_value(v);
        }
    }
    json_t *nums = store_bank_claimed(c->db, e, import_no);
    if (!nums)
        return -1;
    json_t *pays = json_array();
    int rc = 0;
    int64_t total = 0;
    size_t i;
    json_t *it;
    json_array_foreach(nums, i, it)
    {
        json_t *line = NULL, *empty = json_object();
        rc = doc_act(c, &bank_kind, json_string_value(it), "register", empty, &line, e);
        json_decref(empty);
        if (rc < 0) {
            json_t *x = json_pack("{ss}", "line", json_string_value(it));
            if (!e->extra)
                e->extra = x;
            else
                json_decref(x);
            break;
        }
        total += jint(line, "amount_fen");
        json_array_append_new(pays, json_pack("{ss ss sI}", "line", json_string_value(it),
                                              "payment", jstr(line, "payment"), "amount_fen",
                                              (json_int_t)jint(line, "amount_fen")));
        json_decref(line);
    }
    json_decref(nums);
    if (rc < 0) {
        json_decref(pays);
        return -1;
    }
    *out = json_pack("{sI sI so}", "registered", (json_int_t)json_array_size(pays), "total_fen",
                     (json_int_t)total, "items", pays);
    return 0;
}

/* ---- import ---- */

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0x1f) * 1099511628211ULL;
}

static const char *cell(json_t *row, const int *cols, int which)
{
    if (cols[which] < 0)
        return NULL;
    const char *s = json_string_value(json_array_get(row, (size_t)cols[which]));
    return s && *s ? s : NULL;
}

/* The one customer the line names, or NULL; *by how. */
static const char *match(json_t *customers, const char *acct, const char *name, const char *memo,
                         const char **by)
{
    static const char *const hows[] = {"account", "name", "remark"};
    for (int pass = 0; pass < 3; pass++) {
        const char *found = NULL;
        int hits = 0;
        size_t i;
        json_t *cu;
        json_array_foreach(customers, i, cu)
        {
            bool hit = false;
            if (pass == 0)
                hit = acct && is(jstr(cu, "bank_account"), acct);
            else if (pass == 1)
                hit = name && (is(jstr(cu, "name"), name) || is(jstr(cu, "invoice_title"), name));
            else
                hit = memo && bank_memo_names(memo, jstr(cu, "code"));
            if (hit && !is(jstr(cu, "status"), "closed")) {
                hits++;
                found = jstr(cu, "code");
            }
        }
        if (hits == 1) {
            *by = hows[pass];
            return found;
        }
        if (hits > 1)
            return NULL;
    }
    return NULL;
}

#define BANK_MAX_LINES 100000

static void row_error(json_t *errors, json_int_t line, const char *field, const char *rule)
{
    if (json_array_size(errors) < 100)
        json_array_append_new(errors,
                              json_pack("{sI ss ss}", "row", line, "field", field, "rule", rule));
}

int bank_import(struct ctx *c, const char *account, const char *csv, size_t len, json_t **out,
                struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_PAYMENT, e) < 0)
        return -1;
    if (account && (!*account || strlen(account) > 40))
        return err_bad(e, "bank_account", "bank_account is 1 to 40 characters");
    size_t bad_line = 0;
    json_t *lines = NULL;
    json_t *rows = csv_parse_lines(csv, len, &bad_line, &lines);
    if (!rows) {
        err_bad(e, NULL, "the CSV is malformed at line %zu", bad_line);
        e->extra = json_pack("{s[{sIss}]}", "rows", "row", (json_int_t)bad_line, "rule", "csv");
        return -1;
    }
    json_t *customers = NULL, *errors = json_array(), *made = json_array(), *seen = json_object();
    int rc = -1;
    json_t *header = json_array_get(rows, 0);
    size_t k = json_array_size(rows) ? json_array_size(rows) - 1 : 0;
    int cols[BANKC__COUNT];
    for (int i = 0; i < BANKC__COUNT; i++)
        cols[i] = -1;
    size_t i;
    json_t *hc;
    json_array_foreach(header, i, hc)
    {
        int col = bank_column(json_string_value(hc));
        if (col >= 0 && cols[col] < 0)
            cols[col] = (int)i;
    }
    if (!header || k == 0) {
        err_bad(e, NULL, "the CSV needs a header row and at least one line");
        goto out;
    }
    if (k > BANK_MAX_LINES) {
        err_invalid(e, NULL, "too_many_lines", "a bank file has at most %d lines", BANK_MAX_LINES);
        goto out;
    }
    if (cols[BANKC_DATE] < 0 || (cols[BANKC_AMOUNT_YUAN] < 0 && cols[BANKC_AMOUNT_FEN] < 0) ||
        (cols[BANKC_PAYER_NAME] < 0 && cols[BANKC_PAYER_ACCOUNT] < 0)) {
        err_bad(e, NULL,
                "the CSV needs the columns date (交易日期), amount (金额) or amount_fen, and payer"
                " name (付款人名称) or payer account (付款人账号)");
        goto out;
    }
    customers = store_bank_customers(c->db, e);
    int64_t import_no = 0;
    if (!customers || store_bank_next_import(c->db, e, &import_no) < 0)
        goto out;
    char today[11];
    date_format(flow_today(c), today);
    /* Pass 1: check every row; nothing is written unless all are right. */
    json_t *parsed = json_array();
    for (size_t r = 0; r < k; r++) {
        json_t *row = json_array_get(rows, r + 1);
        json_int_t line = json_integer_value(json_array_get(lines, r + 1));
        const char *d = cell(row, cols, BANKC_DATE), *name = cell(row, cols, BANKC_PAYER_NAME);
        const char *acct = cell(row, cols, BANKC_PAYER_ACCOUNT),
                   *memo = cell(row, cols, BANKC_MEMO);
        const char *ref = cell(row, cols, BANKC_REF), *ours = cell(row, cols, BANKC_ACCOUNT);
        char day[11];
        long long fen = 0;
        bool ok = true;
        if (!d) {
            row_error(errors, line, "value_date", "required");
            ok = false;
        } else if (!bank_date(d, day) || !date_parse(day, &(date_t){0})) {
            row_error(errors, line, "value_date", "invalid_date");
            ok = false;
        } else if (strcmp(day, today) > 0) {
            row_error(errors, line, "value_date", "received_in_future");
            ok = false;
        }
        if (cols[BANKC_AMOUNT_FEN] >= 0) {
            long v = 0;
            const char *a = cell(row, cols, BANKC_AMOUNT_FEN);
            if (!a || !str_to_long(a, 1, 10000000000000L, &v)) {
                row_error(errors, line, "amount_fen", a ? "amount_not_positive" : "required");
                ok = false;
            }
            fen = v;
        } else {
            const char *a = cell(row, cols, BANKC_AMOUNT_YUAN);
            if (!a || !bank_amount_yuan(a, &fen)) {
                row_error(errors, line, "amount", a ? "amount_not_positive" : "required");
                ok = false;
            }
        }
        if (!name && !acct) {
            row_error(errors, line, "payer_name", "required");
            ok = false;
        }
        const char *bank_acct = ours ? ours : account ? account : "default";
        if (strlen(bank_acct) > 40 || (ref && strlen(ref) > 60) || (name && strlen(name) > 128) ||
            (acct && strlen(acct) > 60) || (memo && strlen(memo) > 500)) {
            row_error(errors, line, "memo", "too_long");
            ok = false;
        }
        if (!ok)
            continue;
        /* Without a bank reference the line is known by what it says and how often the file
           says it, so the same file imported again is the same lines. */
        char refbuf[40];
        if (!ref) {
            uint64_t h = 1469598103934665603ULL;
            h = fnv(h, day), h = fnv(h, acct), h = fnv(h, name), h = fnv(h, memo);
            char amt[24];
            STR_FMT_FITS(amt, 24, "%lld", fen);
            h = fnv(h, amt);
            char key[24];
            STR_FMT_FITS(key, 24, "%016llx", (unsigned long long)h);
            json_int_t nth = json_integer_value(json_object_get(seen, key)) + 1;
            json_object_set_new(seen, key, json_integer(nth));
            STR_FMT_FITS(refbuf, 40, "H%s-%lld", key, (long long)nth);
            ref = refbuf;
        } else {
            char key[128];
            STR_FMT_FITS(key, 128, "%.40s|%.60s", bank_acct, ref);
            if (json_object_get(seen, key)) {
                row_error(errors, line, "bank_ref", "duplicate");
                continue;
            }
            json_object_set_new(seen, key, json_true());
        }
        json_t *p = json_pack("{ss ss ss sI sI sI}", "bank_account", bank_acct, "bank_ref", ref,
                              "value_date", day, "amount_fen", (json_int_t)fen, "import_no",
                              (json_int_t)import_no, "file_line", line);
        if (name)
            json_object_set_new(p, "payer_name", json_string(name));
        if (acct)
            json_object_set_new(p, "payer_account", json_string(acct));
        if (memo)
            json_object_set_new(p, "memo", json_string(memo));
        json_array_append_new(parsed, p);
    }
    if (json_array_size(errors) > 0) {
        json_decref(parsed);
        err_invalid(e, NULL, "import_rejected", "%zu row(s) are wrong; nothing was imported",
                    json_array_size(errors));
        e->extra = json_pack("{sO}", "rows", errors);
        goto out;
    }
    /* Pass 2: write the new lines; a line the pool has (same account and reference) is
       skipped, so importing the same file twice adds nothing. */
    int64_t skipped = 0, matched = 0, added = 0;
    json_t *p;
    json_array_foreach(parsed, i, p)
    {
        int ex = store_bank_exists(c->db, e, jstr(p, "bank_account"), jstr(p, "bank_ref"));
        if (ex < 0) {
            json_decref(parsed);
            goto out;
        }
        if (ex) {
            skipped++;
            continue;
        }
        const char *by = NULL;
        const char *cu =
            match(customers, jstr(p, "payer_account"), jstr(p, "payer_name"), jstr(p, "memo"), &by);
        char number[DOCNO_MAX];
        if (flow_docno(c, e, "DK", number) < 0) {
            json_decref(parsed);
            goto out;
        }
        json_object_set_new(p, "number", json_string(number));
        json_object_set_new(p, "state", json_string(cu ? "claimed" : "unmatched"));
        if (cu) {
            json_object_set_new(p, "customer", json_string(cu));
            json_object_set_new(p, "matched_by", json_string(by));
            json_object_set_new(p, "claimed_at", json_integer(c->now));
            matched++;
        }
        json_object_set_new(p, "created_at", json_integer(c->now));
        json_object_set_new(p, "created_by", json_string(c->user.username));
        if (store_bank_insert(c->db, e, p) < 0 ||
            flow_doc_event(c, e, "bank_line_events", "line", number, "import", NULL,
                           cu ? "claimed" : "unmatched", by) < 0) {
            json_decref(parsed);
            goto out;
        }
        added++;
    }
    json_decref(parsed);
    json_t *after = json_pack("{sI sI sI sI}", "import_no", (json_int_t)import_no, "imported",
                              (json_int_t)added, "skipped", (json_int_t)skipped, "matched",
                              (json_int_t)matched);
    char key[24];
    STR_FMT_FITS(key, 24, "%lld", (long long)import_no);
    rc = flow_audit(c, e, "import", "bank_receipts", key, NULL, after);
    json_decref(after);
    if (rc == 0)
        *out =
            json_pack("{sI sI sI sI sI sI}", "import_no", (json_int_t)import_no, "lines",
                      (json_int_t)k, "imported", (json_int_t)added, "skipped", (json_int_t)skipped,
                      "matched", (json_int_t)matched, "unmatched", (json_int_t)(added - matched));
out:
    json_decref(made);
    json_decref(seen);
    json_decref(errors);
    json_decref(customers);
    json_decref(rows);
    json_decref(lines);
    return rc;
}

/* ==== calls and the weekly call list ======================================================== */

static void call_out(struct ctx *c, json_t *r)
{
    json_object_set_new(r, "by", json_string(jstr(r, "by_user") ? jstr(r, "by_user") : ""));
    json_object_del(r, "by_user");
    json_object_set_new(r, "reached", json_boolean(jint(r, "reached") != 0));
    flow_ts(c, r, "at");
}

int collection_call_logged(struct ctx *c, const char *customer, int64_t at, int64_t call_id,
                           struct osb_err *e)
{
    char week[11];
    collection_week_of(ts_to_date(at, c->cfg->tz_min), week);
    return store_call_task_done(c->db, e, week, customer, call_id) < 0 ? -1 : 0;
}

int call_list_week(struct ctx *c, const char *week, const char *bcr, json_t **out,
                   struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_CALL_LOG, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the call list shows customers' money");
    date_t d = flow_today(c);
    if (week && !date_parse(week, &d))
        return err_bad(e, "week", "week is a date (YYYY-MM-DD) of the week");
    char monday[11], sunday[11], today[11];
    collection_week_of(d, monday);
    date_t m;
    date_parse(monday, &m);
    date_format(m + 6, sunday);
    date_format(flow_today(c), today);
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows = store_call_list_rows(c->db, e, &su, monday, sunday, today, bcr);
    if (!rows)
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        json_object_set_new(it, "balance_fen",
                            json_integer(jint(it, "receivables_fen") - jint(it, "unapplied_fen")));
        json_object_set_new(it, "called", json_boolean(jint(it, "call_id") != 0));
        json_t *last = json_object_get(it, "last_call");
        if (json_is_object(last))
            call_out(c, last);
    }
    *out = json_pack("{ss ss so}", "week", monday, "week_end", sunday, "items", rows);
    return 0;
}

/* ==== jobs ================================================================================== */

int collection_job_call_list(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    char week[11];
    collection_week_of(flow_today(c), week);
    int64_t added = 0;
    if (store_call_tasks_make(c->db, e, week, c->now, &added) < 0)
        return -1;
    if (added == 0)
        return 0;
    json_t *bcrs = store_call_task_bcrs(c->db, e, week);
    if (!bcrs)
        return -1;
    int rc = 0;
    size_t i;
    json_t *it;
    json_array_foreach(bcrs, i, it)
    {
        char key[80];
        STR_FMT_FITS(key, 80, "call_list:%s:%.40s", week, jstr(it, "bcr"));
        if (rc == 0)
            rc = notify(c, e, "weekly_call_list", jstr(it, "bcr"), NULL, key,
                        "本周（%s起）电话拜访任务：%lld位客户", week, (long long)jint(it, "n"));
    }
    json_decref(bcrs);
    return rc;
}

int collection_job_daily_receipts(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    date_t d = flow_today(c) - 1;
    for (int n = 0; n < 60 && !cal_is_working(&cal, d); n++)
        d--;
    settings_calendar_release(&cal);
    char day[11];
    date_format(d, day);
    json_t *rs = store_receipts_of_day(c->db, e, day);
    if (!rs)
        return -1;
    int rc = 0;
    if (json_array_size(rs) > 0) {
        int64_t cash = 0, expense = 0;
        size_t i;
        json_t *it;
        json_array_foreach(rs, i, it)
        {
            if (is(jstr(it, "kind"), "expense"))
                expense += jint(it, "amount_fen");
            else
                cash += jint(it, "amount_fen");
        }
        json_t *to = store_csrs_and_bcrs(c->db, e);
        if (!to)
            rc = -1;
        json_array_foreach(to, i, it)
        {
            char key[80];
            STR_FMT_FITS(key, 80, "daily_receipts:%s:%.40s", day, json_string_value(it));
            if (rc == 0)
                rc = notify(c, e, "daily_receipts", json_string_value(it), NULL, key,
                            "%s到款%zu笔：现金款¥%lld.%02lld，费用款¥%lld.%02lld（请与财务核对）",
                            day, json_array_size(rs), (long long)(cash / 100),
                            (long long)(cash % 100), (long long)(expense / 100),
                            (long long)(expense % 100));
        }
        json_decref(to);
    }
    json_decref(rs);
    return rc;
}
