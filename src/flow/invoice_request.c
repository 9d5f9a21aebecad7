/*
 * invoice_request.c — invoice requests (KP) and the invoice's fapiao object
 * (flow/invoice_request.h).
 *
 * Who (numbering-and-rules.md §3): create — the customer's KAM or rep ('O'); review, mail,
 * confirm receipt, archive — csr and ssg_leader; issue — finance. `return` is not a matrix row:
 * flows.md §5 gives it to csr and finance, so it is allowed to whoever holds the review row or
 * the issue row. Reading follows the money rules of billing (billing_sees): the invoicing info
 * and the amounts are financial documents.
 *
 * What a request may hold (decisions in docs/billing.md "Invoice requests"):
 *   - invoices of one customer, each in no other request (one fapiao per invoice), none
 *     cancelled;
 *   - for a prepay_only customer (seed 003), invoices fully paid whose order has a shipment
 *     dispatched ("shipment arranged"); finance verifies the same rule again at issue;
 *   - the customer's invoicing info must name at least the title, the tax id and a mailing
 *     address: the fapiao cannot be written or mailed without them.
 */
#include "flow/invoice_request.h"

#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/sb.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/invoice_request.h"
#include "store/invoice_request.h"
#include "store/order.h"
#include "store/recipients.h"
#include "store/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REQUEST_INVOICES 200
#define NOTE_MAX 500
#define FAPIAO_NO_MAX 40
#define TRACKING_NO_MAX 60
/* flows.md §5: expected_arrival = mailing date + 3 calendar days (default; configurable). */
#define FAPIAO_ARRIVAL_DAYS_KEY "fapiao_arrival_days"
#define FAPIAO_ARRIVAL_DAYS_DEFAULT "3"

/* entities.md §2.2 invoicing info (开票信息), in the order of the archive section. */
static const char *const info_fields[] = {
    "invoice_title", "tax_id",          "bank_name",       "bank_account",  "reg_address",
    "reg_phone",     "mailing_address", "mailing_contact", "mailing_phone", NULL};
/* Without these the fapiao can be neither written nor mailed. */
static const char *const info_required[] = {"invoice_title", "tax_id", "mailing_address", NULL};

/* The aggregate the kernel holds: the request and the facts of its customer. */
struct kpdoc {
    struct invoice_request k;
    struct order_customer cu;
};

/* The request and its customer when the caller may see it: 404 outside the scope, 403 for a
   role that sees no money. */
static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct kpdoc *d = calloc(1, sizeof *d);
    int rc = store_invoice_request_load(c->db, e, number, &d->k);
    if (rc == 1)
        rc = scope_money_sees(c, d->k.customer, &d->cu, e);
    if (rc <= 0) {
        store_invoice_request_release(&d->k);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void kpfree(void *p)
{
    struct kpdoc *d = p;
    store_invoice_request_release(&d->k);
    free(d);
}

static int kpstate(const void *p)
{
    return doc_state_parse(&invoice_request_doc, ((const struct kpdoc *)p)->k.state);
}
static int64_t kpversion(const void *p)
{
    return ((const struct kpdoc *)p)->k.version;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct invoice_request *k = &((struct kpdoc *)p)->k;
    json_t *tl = flow_doc_timeline(c, e, "invoice_request_events", "request", k->number);
    if (!tl)
        return -1;
    json_t *nums = json_array(), *lines = json_array();
    for (size_t i = 0; i < k->nlines; i++) {
        const struct invoice_request_line *l = &k->lines[i];
        json_array_append_new(nums, json_string(l->invoice));
        json_t *o = json_object();
        json_object_set_new(o, "invoice", json_string(l->invoice));
        json_object_set_new(o, "order", flow_json_str(l->order));
        json_object_set_new(o, "shipment", flow_json_str(l->shipment));
        json_object_set_new(o, "invoice_date", flow_json_str(l->invoice_date));
        json_object_set_new(o, "amount_fen", json_integer(l->amount_fen));
        json_array_append_new(lines, o);
    }
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(k->number));
    json_object_set_new(o, "customer", json_string(k->customer));
    json_object_set_new(o, "amount_fen", json_integer(k->amount_fen));
    json_object_set_new(o, "note", flow_json_str(k->note));
    json_object_set(o, "invoicing", k->invoicing ? k->invoicing : json_null());
    json_object_set_new(o, "state", json_string(k->state));
    json_object_set_new(o, "requested_by", json_string(k->requested_by));
    json_object_set_new(o, "reviewed_by", flow_json_str(k->reviewed_by));
    json_object_set_new(o, "reviewed_at", flow_json_ts(c, k->reviewed_at));
    json_object_set_new(o, "issued_by", flow_json_str(k->issued_by));
    json_object_set_new(o, "issued_at", flow_json_ts(c, k->issued_at));
    json_object_set_new(o, "fapiao_no", flow_json_str(k->fapiao_no));
    json_object_set_new(o, "fapiao_date", flow_json_str(k->fapiao_date));
    json_object_set_new(o, "mailed_by", flow_json_str(k->mailed_by));
    json_object_set_new(o, "mailed_at", flow_json_ts(c, k->mailed_at));
    json_object_set_new(o, "mail_tracking_no", flow_json_str(k->mail_tracking_no));
    json_object_set_new(o, "expected_arrival", flow_json_str(k->expected_arrival));
    json_object_set_new(o, "receipt_confirmed_by", flow_json_str(k->receipt_confirmed_by));
    json_object_set_new(o, "receipt_confirmed_at", flow_json_ts(c, k->receipt_confirmed_at));
    json_object_set_new(o, "archived_at", flow_json_ts(c, k->archived_at));
    json_object_set_new(o, "version", json_integer(k->version));
    json_object_set_new(o, "created_at", flow_json_ts(c, k->created_at));
    json_object_set_new(o, "updated_at", flow_json_ts(c, k->updated_at));
    json_object_set_new(o, "invoices", nums);
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

json_t *invoice_request_fapiao_of(struct ctx *c, json_t *r)
{
    int rc = r ? 1 : 0;
    json_t *f =
        json_pack("{ss}", "state", invoice_request_fapiao_state(rc == 1 ? jstr(r, "state") : NULL));
    static const char *const keys[] = {"fapiao_no", "fapiao_date",      "mail_tracking_no",
                                       "mailed_at", "expected_arrival", "receipt_confirmed_at"};
    json_object_set_new(f, "request", rc == 1 ? json_string(jstr(r, "number")) : json_null());
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_t *v = rc == 1 ? json_object_get(r, keys[k]) : NULL;
        json_object_set(f, keys[k], v ? v : json_null());
    }
    flow_ts(c, f, "mailed_at");
    flow_ts(c, f, "receipt_confirmed_at");
    return f;
}

int invoice_request_fapiao(struct ctx *c, const char *invoice, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *r = NULL;
    int rc = store_invoice_fapiao(c->db, e, invoice, &r);
    if (rc < 0)
        return -1;
    *out = invoice_request_fapiao_of(c, rc == 1 ? r : NULL);
    json_decref(r);
    return 0;
}

/* ---- shared checks ----------------------------------------------------------------------- */

/* The invoices of a request still stand: none cancelled (fully credited) since it was made,
   and for a prepay-only customer each one still fully paid with its goods shipped. */
static int recheck_invoices(struct ctx *c, const struct invoice_request *k, bool prepay,
                            struct osb_err *e)
{
    for (size_t i = 0; i < k->nlines; i++) {
        const char *inv = k->lines[i].invoice;
        if (is(k->lines[i].invoice_state, "cancelled"))
            return err_invalid(e, "invoices", "invoice_cancelled",
                               "invoice %s was credited back in full: no fapiao for it", inv);
        int ready = prepay ? store_invoice_prepay_ready(c->db, e, inv) : 1;
        if (ready <= 0)
            return ready < 0 ? -1
                             : err_invalid(e, "invoices", "not_fully_paid",
                                           "invoice %s of a prepay-only customer is not fully"
                                           " paid with its goods shipped",
                                           inv);
    }
    return 0;
}

/* The KAM and every active finance user (flows.md §5 issue and mail are copied to both). */
static int tell_kam_and_finance(struct ctx *c, const struct order_customer *cu, const char *number,
                                const char *event_name, const char *what, struct osb_err *e)
{
    if (notify(c, e, event_name, cu->kam, number, NULL, "开票申请%s（%s）%s", number, cu->code,
               what) < 0)
        return -1;
    json_t *fin = store_role_users(c->db, e, "finance");
    if (!fin)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(fin, i, u) if (rc == 0 && !is(json_string_value(u), cu->kam)) rc =
        notify(c, e, event_name, json_string_value(u), number, NULL, "开票申请%s（%s）%s", number,
               cu->code, what);
    json_decref(fin);
    return rc;
}

/* A required short text field of an action body: 400 when not a string, 422 required /
   too_long. */
static int text_field(json_t *body, const char *name, size_t max, const char **out,
                      struct osb_err *e)
{
    json_t *v = json_object_get(body, name);
    if (v && !json_is_string(v))
        return err_bad(e, name, "%s must be a string", name);
    const char *s = json_string_value(v);
    if (!s || !*s)
        return err_invalid(e, name, "required", "%s is required", name);
    if (!valid_text(s, max, false))
        return err_invalid(e, name, "too_long", "%s has at most %zu characters", name, max);
    *out = s;
    return 0;
}

/* ---- actions ----------------------------------------------------------------------------- */

/* Every action: a comment of at most NOTE_MAX characters. */
static int check(struct doc_act *x, struct osb_err *e)
{
    if (x->comment && !valid_text(x->comment, NOTE_MAX, true))
        return err_invalid(e, "comment", "too_long", "comment has at most %d characters", NOTE_MAX);
    return 0;
}

static int a_review(struct doc_act *x, struct osb_err *e)
{
    struct kpdoc *d = x->doc;
    if (recheck_invoices(x->c, &d->k, false, e) < 0)
        return -1;
    STR_COPY_ARRAY(d->k.reviewed_by, x->c->user.username);
    d->k.reviewed_at = x->c->now;
    d->k.changed |= KP_SET_REVIEWED;
    return 0;
}

static int a_issue(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct kpdoc *d = x->doc;
    const char *no;
    if (text_field(x->body, "fapiao_no", FAPIAO_NO_MAX, &no, e) < 0)
        return -1;
    json_t *jd = json_object_get(x->body, "fapiao_date");
    if (jd && !json_is_string(jd))
        return err_bad(e, "fapiao_date", "fapiao_date must be a date string");
    date_t day;
    if (!jd)
        return err_invalid(e, "fapiao_date", "required", "fapiao_date is required");
    if (!date_parse(json_string_value(jd), &day))
        return err_invalid(e, "fapiao_date", "invalid_date", "fapiao_date is YYYY-MM-DD");
    date_t created = ts_to_date(d->k.created_at, c->cfg->tz_min);
    if (day > flow_today(c) || day < created)
        return err_invalid(e, "fapiao_date", "date_out_of_range",
                           "fapiao_date is between the request's date and today");
    /* flows.md §5: finance verifies the payment rule again (money may have been reversed or
       credited since the request). */
    if (recheck_invoices(c, &d->k, d->cu.prepay_only, e) < 0)
        return -1;
    int64_t used = 0;
    if (store_invoice_request_fapiao_used(c->db, e, no, &used) < 0)
        return -1;
    if (used)
        return err_set(e, ERR_DUPLICATE, "fapiao number %s is used already", no);
    STR_COPY_ARRAY(d->k.issued_by, c->user.username);
    d->k.issued_at = c->now;
    str_field(d->k.fapiao_no, sizeof d->k.fapiao_no, no, "fapiao_no");
    date_format(day, d->k.fapiao_date);
    d->k.changed |= KP_SET_ISSUED;
    struct sb what = SB_INIT;
    sb_addf(&what, "已开具发票%s", no);
    int rc = tell_kam_and_finance(c, &d->cu, d->k.number, "fapiao_issued", sb_str(&what), e);
    sb_free(&what);
    return rc;
}

static int a_mail(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct kpdoc *d = x->doc;
    const char *tn;
    if (text_field(x->body, "tracking_no", TRACKING_NO_MAX, &tn, e) < 0)
        return -1;
    char *days_s = settings_get(c->db, FAPIAO_ARRIVAL_DAYS_KEY, FAPIAO_ARRIVAL_DAYS_DEFAULT);
    long days = days_s ? strtol(days_s, NULL, 10) : 3;
    free(days_s);
    STR_COPY_ARRAY(d->k.mailed_by, c->user.username);
    d->k.mailed_at = c->now;
    str_field(d->k.mail_tracking_no, sizeof d->k.mail_tracking_no, tn, "mail_tracking_no");
    date_format(flow_today(c) + (date_t)days, d->k.expected_arrival);
    d->k.changed |= KP_SET_MAILED;
    struct sb what = SB_INIT;
    sb_addf(&what, "发票已寄出，运单号%s，预计%s送达", tn, d->k.expected_arrival);
    int rc = tell_kam_and_finance(c, &d->cu, d->k.number, "fapiao_mailed", sb_str(&what), e);
    sb_free(&what);
    return rc;
}

static int a_confirm_receipt(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct kpdoc *d = x->doc;
    STR_COPY_ARRAY(d->k.receipt_confirmed_by, x->c->user.username);
    d->k.receipt_confirmed_at = x->c->now;
    d->k.changed |= KP_SET_RECEIVED;
    return 0;
}

static int a_archive(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct kpdoc *d = x->doc;
    d->k.archived_at = x->c->now;
    d->k.changed |= KP_SET_ARCHIVED;
    return 0;
}

static int a_return(struct doc_act *x, struct osb_err *e)
{
    struct kpdoc *d = x->doc;
    const char *cm = x->comment;
    if (!cm || !*cm)
        return err_invalid(e, "comment", "comment_required", "say what needs correcting");
    /* Back to the requester; a returned request is reviewed again. */
    d->k.reviewed_by[0] = 0;
    d->k.reviewed_at = 0;
    d->k.changed |= KP_SET_REVIEWED;
    return notify(x->c, e, "invoice_request_returned", d->k.requested_by, d->k.number, NULL,
                  "开票申请%s被退回：%s", d->k.number, cm);
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct kpdoc *d = x->doc;
    return store_invoice_request_save(x->c->db, e, &d->k,
                                      doc_state_str(&invoice_request_doc, x->to), x->c->now);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "invoice_request_events", "request",
                          ((struct kpdoc *)x->doc)->k.number, t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static const doc_run_fn run[] = {
    [KPA_REVIEW] = a_review,   [KPA_ISSUE] = a_issue,
    [KPA_MAIL] = a_mail,       [KPA_CONFIRM_RECEIPT] = a_confirm_receipt,
    [KPA_ARCHIVE] = a_archive, [KPA_RETURN] = a_return,
};

static const struct doc_kind kind = {
    .type = &invoice_request_doc,
    .load = load,
    .free = kpfree,
    .state = kpstate,
    .version = kpversion,
    .check = check,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const invoice_request_doc_kind = &kind;

int invoice_request_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

int invoice_request_list(struct ctx *c, const struct invoice_request_query *q, json_t **out,
                         struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&invoice_request_doc, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see invoice requests",
                             role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct invoice_request_filter f = {q->customer, q->state, q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_invoice_request_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, invoice_request_get, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int invoice_request_act(struct ctx *c, const char *number, const char *action, json_t *body,
                        json_t **out, struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}

/* ---- create ------------------------------------------------------------------------------ */

/* One requested invoice, read and checked. */
static int check_invoice(struct ctx *c, const char *inv, const char *field, char *customer,
                         int64_t *amount, struct osb_err *e)
{
    struct invoice_request_candidate r;
    int rc = store_invoice_request_candidate(c->db, e, inv, &r);
    if (rc < 0)
        return -1;
    /* An invoice the caller may not see is as unknown as a missing one (§4: no leak). */
    int seen = rc == 1 ? scope_money_sees(c, r.customer, NULL, e) : 0;
    if (seen < 0 && e->code != ERR_FORBIDDEN)
        return -1;
    if (seen < 0)
        err_clear(e);
    if (seen <= 0)
        return err_invalid(e, field, "unknown_invoice", "no invoice '%s'", inv);
    if (*customer && strcmp(customer, r.customer))
        return err_invalid(e, field, "invoice_other_customer",
                           "invoice %s is of customer %s: one request holds one customer's"
                           " invoices",
                           inv, r.customer);
    if (*r.request) {
        err_invalid(e, field, "fapiao_already_requested",
                    "invoice %s is in invoice request %s already", inv, r.request);
        e->extra = json_pack("{ss}", "request", r.request);
        return -1;
    }
    if (is(r.state, "cancelled"))
        return err_invalid(e, field, "invoice_cancelled",
                           "invoice %s was credited back in full: no fapiao for it", inv);
    str_field(customer, 40, r.customer, "customer");
    *amount = r.amount_fen;
    return 0;
}

int invoice_request_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_INVREQ_CREATE, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    static const char *const allowed[] = {"invoices", "note", NULL};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; !ok && *a; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            return err_bad(e, key, "unknown field '%s'", key);
    }
    json_t *ji = json_object_get(body, "invoices"), *jn = json_object_get(body, "note");
    if (!ji)
        return err_invalid(e, "invoices", "required", "name the invoices to issue a fapiao for");
    if (!json_is_array(ji))
        return err_bad(e, "invoices", "invoices must be an array of invoice numbers");
    size_t n = json_array_size(ji);
    for (size_t i = 0; i < n; i++)
        if (!json_is_string(json_array_get(ji, i)))
            return err_bad(e, "invoices", "invoices must be an array of invoice numbers");
    if (jn && !json_is_string(jn) && !json_is_null(jn))
        return err_bad(e, "note", "note must be a string");
    if (n == 0)
        return err_invalid(e, "invoices", "required", "name at least one invoice");
    if (n > MAX_REQUEST_INVOICES)
        return err_invalid(e, "invoices", "too_many_lines", "at most %d invoices",
                           MAX_REQUEST_INVOICES);
    const char *note = json_string_value(jn);
    if (note && !valid_text(note, NOTE_MAX, true))
        return err_invalid(e, "note", "too_long", "note has at most %d characters", NOTE_MAX);
    char customer[40] = "";
    int64_t total = 0;
    int64_t *amounts = xcalloc(n, sizeof *amounts);
    struct invoice_request k = {0};
    int rc = -1;
    json_t *info = NULL, *row = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *inv = json_string_value(json_array_get(ji, i));
        char field[32];
        /* "invoices[" + at most 20 digits + "]": 30 bytes and the NUL fit 32 */
        (void)str_fmt(field, sizeof field, "invoices[%zu]", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(inv, json_string_value(json_array_get(ji, j))) == 0) {
                err_invalid(e, field, "duplicate_line", "invoice %s is named twice", inv);
                goto out;
            }
        if (check_invoice(c, inv, field, customer, &amounts[i], e) < 0)
            goto out;
        if (!money_add(total, amounts[i], &total)) {
            err_invalid(e, "invoices", "amount_overflow", "the request's amount overflows");
            goto out;
        }
    }
    struct order_customer cu;
    if (store_order_customer(c->db, e, customer, &cu) != 1) {
        if (err_ok(e))
            err_set(e, ERR_INTERNAL, "internal error: no customer %s", customer);
        goto out;
    }
    /* Visible to a KAM or rep means its own customer (§4), so 'O' holds here. */
    if (cu.prepay_only) {
        for (size_t i = 0; i < n; i++) {
            const char *inv = json_string_value(json_array_get(ji, i));
            int ready = store_invoice_prepay_ready(c->db, e, inv);
            if (ready < 0)
                goto out;
            if (ready == 0) {
                char field[32];
                /* at most 30 bytes and the NUL, as above */
                (void)str_fmt(field, sizeof field, "invoices[%zu]", i);
                err_invalid(e, field, "not_fully_paid",
                            "customer %s pays before delivery: invoice %s needs to be fully"
                            " paid and its goods dispatched before its fapiao",
                            customer, inv);
                goto out;
            }
        }
    }
    /* The snapshot of the invoicing info (entities.md §2.2), archived with the request. */
    if (store_customer_invoicing(c->db, e, customer, &row) != 1) {
        if (err_ok(e))
            err_set(e, ERR_INTERNAL, "internal error: no customer %s", customer);
        goto out;
    }
    for (const char *const *f = info_required; *f; f++)
        if (!jstr(row, *f) || !*jstr(row, *f)) {
            err_invalid(e, *f, "customer_incomplete",
                        "customer %s has no %s in its invoicing info: ask the customer and"
                        " complete the archive first",
                        customer, *f);
            goto out;
        }
    info = json_object();
    for (const char *const *f = info_fields; *f; f++) {
        json_t *fv = json_object_get(row, *f);
        json_object_set(info, *f, fv ? fv : json_null());
    }
    k.lines = xcalloc(n, sizeof *k.lines);
    k.nlines = n;
    for (size_t i = 0; i < n; i++) {
        str_field(k.lines[i].invoice, sizeof k.lines[i].invoice,
                  json_string_value(json_array_get(ji, i)), "invoice");
        k.lines[i].amount_fen = amounts[i];
    }
    STR_COPY_ARRAY(k.customer, customer);
    k.amount_fen = total;
    k.note = note && *note ? (char *)note : NULL;
    k.invoicing = info;
    STR_COPY_ARRAY(k.requested_by, c->user.username);
    k.created_at = c->now;
    if (flow_docno(c, e, "KP", k.number) < 0 || store_invoice_request_insert(c->db, e, &k) < 0)
        goto out;
    if (flow_doc_event(c, e, "invoice_request_events", "request", k.number, "request", NULL,
                       "requested", note) < 0)
        goto out;
    json_t *after = json_pack("{ss sO sI}", "customer", customer, "invoices", ji, "amount_fen",
                              (json_int_t)total);
    rc = flow_audit(c, e, "create", "invoice_request", k.number, NULL, after);
    json_decref(after);
    if (rc < 0)
        goto out;
    /* The CSR reviews next. */
    char *csr = NULL;
    if (!*cu.csr && store_market_default_csr(c->db, e, cu.market, &csr) < 0) {
        rc = -1;
        goto out;
    }
    const char *to = *cu.csr ? cu.csr : csr;
    if (to && *to)
        rc = notify(c, e, "invoice_request", to, k.number, NULL, "开票申请%s（%s）待审核", k.number,
                    customer);
    free(csr);
    if (rc == 0)
        rc = invoice_request_get(c, k.number, out, e);
out:
    free(k.lines);
    free(amounts);
    json_decref(info);
    json_decref(row);
    return rc;
}
