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

#include "core/json.h"
#include "core/money.h"
#include "core/sb.h"
#include "core/validate.h"
#include "flow/scope.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "store/order.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REQUEST_INVOICES 200
#define NOTE_MAX 500
#define FAPIAO_NO_MAX 40
#define TRACKING_NO_MAX 60
/* flows.md §5: expected_arrival = mailing date + 3 calendar days (default; configurable). */
#define FAPIAO_ARRIVAL_DAYS_KEY "fapiao_arrival_days"
#define FAPIAO_ARRIVAL_DAYS_DEFAULT "3"


static void fix_ts(const struct ctx *c, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        return;
    char b[32];
    ts_format_rfc3339(json_integer_value(v), c->cfg->tz_min, b);
    json_object_set_new(o, k, json_string(b));
}

/* entities.md §2.2 invoicing info (开票信息), in the order of the archive section. */
static const char *const info_fields[] = {
    "invoice_title", "tax_id",          "bank_name",       "bank_account",  "reg_address",
    "reg_phone",     "mailing_address", "mailing_contact", "mailing_phone", NULL};
/* Without these the fapiao can be neither written nor mailed. */
static const char *const info_required[] = {"invoice_title", "tax_id", "mailing_address", NULL};

static const char *const states[] = {"requested", "reviewed", "issued", "mailed",
                                     "received",  "archived", NULL};

/* The invoice's fapiao state (entities.md §7.1) for a request state. */
static const char *fapiao_state(const char *request_state)
{
    if (!request_state)
        return "none";
    if (is(request_state, "requested") || is(request_state, "reviewed"))
        return "requested";
    if (is(request_state, "issued") || is(request_state, "mailed"))
        return request_state;
    return "received"; /* received, archived */
}

/* ---- reading ----------------------------------------------------------------------------- */

static int kp_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, amount_fen, note, invoicing AS \"invoicing!j\","
                    " state, requested_by, reviewed_by, reviewed_at, issued_by, issued_at,"
                    " fapiao_no, fapiao_date, mailed_by, mailed_at, mail_tracking_no,"
                    " expected_arrival, receipt_confirmed_by, receipt_confirmed_at, archived_at,"
                    " version, created_at, updated_at FROM invoice_requests WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no invoice request '%s'", number);
    json_t *lines = db_rows(c->db, e,
                            "SELECT x.invoice, i.order_no AS \"order\", i.shipment,"
                            " i.invoice_date, x.amount_fen FROM invoice_request_invoices x"
                            " JOIN invoices i ON i.number = x.invoice WHERE x.request = ?"
                            " ORDER BY x.invoice",
                            "s", number);
    json_t *tl = lines ? flow_doc_timeline(c, e, "invoice_request_events", "request", number)
                       : NULL;
    if (!tl) {
        json_decref(o), json_decref(lines);
        return -1;
    }
    static const char *const times[] = {
        "reviewed_at", "issued_at",  "mailed_at", "receipt_confirmed_at",
        "archived_at", "created_at", "updated_at"};
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++)
        fix_ts(c, o, times[k]);
    size_t i;
    json_t *it;
    json_t *nums = json_array();
    json_array_foreach(lines, i, it) json_array_append(nums, json_object_get(it, "invoice"));
    json_array_foreach(tl, i, it) fix_ts(c, it, "at");
    json_object_set_new(o, "invoices", nums);
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

int invoice_request_fapiao(struct ctx *c, const char *invoice, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *r = NULL;
    int rc = db_row(c->db, e, &r,
                    "SELECT r.number, r.state, r.fapiao_no, r.fapiao_date, r.mail_tracking_no,"
                    " r.mailed_at, r.expected_arrival, r.receipt_confirmed_at"
                    " FROM invoice_request_invoices x JOIN invoice_requests r"
                    " ON r.number = x.request WHERE x.invoice = ?",
                    "s", invoice);
    if (rc < 0)
        return -1;
    json_t *f = json_pack("{ss}", "state", fapiao_state(rc == 1 ? jstr(r, "state") : NULL));
    static const char *const keys[] = {"fapiao_no", "fapiao_date",      "mail_tracking_no",
                                       "mailed_at", "expected_arrival", "receipt_confirmed_at"};
    json_object_set_new(f, "request", rc == 1 ? json_string(jstr(r, "number")) : json_null());
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_t *v = rc == 1 ? json_object_get(r, keys[k]) : NULL;
        json_object_set(f, keys[k], v ? v : json_null());
    }
    fix_ts(c, f, "mailed_at");
    fix_ts(c, f, "receipt_confirmed_at");
    json_decref(r);
    *out = f;
    return 0;
}

/* Loads the request row and its customer: 404 when missing or out of scope, 403 for roles
   that see no money (billing_sees). */
static int load(struct ctx *c, const char *number, json_t **row, struct order_customer *cu,
                struct osb_err *e)
{
    *row = NULL;
    int rc = db_row(c->db, e, row,
                    "SELECT number, customer, state, version, requested_by, created_at"
                    " FROM invoice_requests WHERE number = ?",
                    "s", number);
    if (rc == 1)
        rc = scope_money_sees(c, jstr(*row, "customer"), e);
    if (rc == 1 && store_order_customer(c->db, e, jstr(*row, "customer"), cu) != 1)
        rc = err_ok(e) ? 0 : -1;
    if (rc <= 0) {
        json_decref(*row);
        *row = NULL;
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no invoice request '%s'", number);
    }
    return 0;
}

int invoice_request_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *row;
    struct order_customer cu;
    if (load(c, number, &row, &cu, e) < 0)
        return -1;
    json_decref(row);
    return kp_json(c, number, out, e);
}

int invoice_request_list(struct ctx *c, const struct invoice_request_query *q, json_t **out,
                         struct osb_err *e)
{
    *out = NULL;
    if (flow_state_filter(states, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see invoice requests",
                             role_str(c->user.role));
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT k.number FROM invoice_requests k JOIN customers cu"
                 " ON cu.code = k.customer WHERE 1=1");
    scope_money_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "k.customer", q->customer);
    flow_filter_eq(&sql, p, "k.state", q->state);
    return flow_doc_page(c, &sql, p, "k.number", q->cursor, q->limit, kp_json, out, e);
}

/* ---- shared checks ----------------------------------------------------------------------- */

static int event(struct ctx *c, const char *number, const char *action, const char *from,
                 const char *to, const char *comment, struct osb_err *e)
{
    return flow_doc_event(c, e, "invoice_request_events", "request", number, action, from, to, comment);
}

/* seed 003: a prepay-only customer's fapiao only for an invoice fully paid whose goods are
   on their way (a shipment of its order dispatched or delivered). 1 yes, 0 no, -1 error. */
static int prepay_ready(struct ctx *c, const char *invoice, struct osb_err *e)
{
    int64_t n = 0;
    if (db_int(c->db, e, &n,
               "SELECT count(*) FROM invoices i WHERE i.number = ? AND i.state = 'paid'"
               " AND EXISTS(SELECT 1 FROM shipments s WHERE s.order_no = i.order_no"
               " AND s.state IN ('dispatched', 'delivered'))",
               "s", invoice) < 0)
        return -1;
    return n > 0 ? 1 : 0;
}

/* The invoices of a request still stand: none cancelled (fully credited) since it was made,
   and for a prepay-only customer each one still fully paid with its goods shipped. */
static int recheck_invoices(struct ctx *c, const char *number, bool prepay, struct osb_err *e)
{
    json_t *rows = db_rows(c->db, e,
                           "SELECT i.number, i.state FROM invoice_request_invoices x JOIN"
                           " invoices i ON i.number = x.invoice WHERE x.request = ?"
                           " ORDER BY i.number",
                           "s", number);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        const char *inv = jstr(it, "number");
        if (is(jstr(it, "state"), "cancelled")) {
            rc = err_invalid(e, "invoices", "invoice_cancelled",
                             "invoice %s was credited back in full: no fapiao for it", inv);
            break;
        }
        int ready = prepay ? prepay_ready(c, inv, e) : 1;
        if (ready <= 0) {
            rc = ready < 0 ? -1
                           : err_invalid(e, "invoices", "not_fully_paid",
                                         "invoice %s of a prepay-only customer is not fully"
                                         " paid with its goods shipped",
                                         inv);
            break;
        }
    }
    json_decref(rows);
    return rc;
}

/* The KAM and every active finance user (flows.md §5 issue and mail are copied to both). */
static int tell_kam_and_finance(struct ctx *c, const struct order_customer *cu, const char *number,
                                const char *event_name, const char *what, struct osb_err *e)
{
    if (notify(c, e, event_name, cu->kam, number, NULL, "开票申请%s（%s）%s", number, cu->code,
               what) < 0)
        return -1;
    json_t *fin = db_rows(c->db, e,
                          "SELECT username FROM users WHERE role = 'finance' AND active = 1"
                          " ORDER BY username",
                          NULL);
    if (!fin)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(fin, i, u) if (rc == 0 && !is(jstr(u, "username"), cu->kam)) rc =
        notify(c, e, event_name, jstr(u, "username"), number, NULL, "开票申请%s（%s）%s", number,
               cu->code, what);
    json_decref(fin);
    return rc;
}

/* The body may hold only the named fields (and "comment"). */
static int only_fields(json_t *body, const char *const *allowed, struct osb_err *e)
{
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        bool ok = strcmp(k, "comment") == 0;
        for (const char *const *a = allowed; !ok && a && *a; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok)
            return err_bad(e, k, "unknown field '%s'", k);
    }
    return 0;
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

/* ---- create ------------------------------------------------------------------------------ */

/* One requested invoice, read and checked. */
static int check_invoice(struct ctx *c, const char *inv, const char *field, char *customer,
                         int64_t *amount, struct osb_err *e)
{
    json_t *r = NULL;
    int rc = db_row(c->db, e, &r,
                    "SELECT i.customer, i.state, i.amount_fen, x.request"
                    " FROM invoices i LEFT JOIN invoice_request_invoices x ON x.invoice ="
                    " i.number WHERE i.number = ?",
                    "s", inv);
    if (rc < 0)
        return -1;
    /* An invoice the caller may not see is as unknown as a missing one (§4: no leak). */
    int seen = rc == 1 ? scope_money_sees(c, jstr(r, "customer"), e) : 0;
    if (seen < 0 && e->code != ERR_FORBIDDEN) {
        json_decref(r);
        return -1;
    }
    if (seen < 0)
        err_clear(e);
    if (seen <= 0) {
        json_decref(r);
        return err_invalid(e, field, "unknown_invoice", "no invoice '%s'", inv);
    }
    rc = -1;
    if (*customer && strcmp(customer, jstr(r, "customer"))) {
        err_invalid(e, field, "invoice_other_customer",
                    "invoice %s is of customer %s: one request holds one customer's invoices", inv,
                    jstr(r, "customer"));
        goto out;
    }
    if (jstr(r, "request")) {
        err_invalid(e, field, "fapiao_already_requested",
                    "invoice %s is in invoice request %s already", inv, jstr(r, "request"));
        e->extra = json_pack("{ss}", "request", jstr(r, "request"));
        goto out;
    }
    if (is(jstr(r, "state"), "cancelled")) {
        err_invalid(e, field, "invoice_cancelled",
                    "invoice %s was credited back in full: no fapiao for it", inv);
        goto out;
    }
    snprintf(customer, 40, "%s", jstr(r, "customer"));
    *amount = jint(r, "amount_fen");
    rc = 0;
out:
    json_decref(r);
    return rc;
}

int invoice_request_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_INVREQ_CREATE, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    static const char *const allowed[] = {"invoices", "note", NULL};
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; !ok && *a; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok)
            return err_bad(e, k, "unknown field '%s'", k);
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
    int rc = -1;
    json_t *info = NULL, *row = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *inv = json_string_value(json_array_get(ji, i));
        char field[32];
        snprintf(field, sizeof field, "invoices[%zu]", i);
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
            int ready = prepay_ready(c, inv, e);
            if (ready < 0)
                goto out;
            if (ready == 0) {
                char field[32];
                snprintf(field, sizeof field, "invoices[%zu]", i);
                err_invalid(e, field, "not_fully_paid",
                            "customer %s pays before delivery: invoice %s needs to be fully"
                            " paid and its goods dispatched before its fapiao",
                            customer, inv);
                goto out;
            }
        }
    }
    /* The snapshot of the invoicing info (entities.md §2.2), archived with the request. */
    if (db_row(c->db, e, &row,
               "SELECT invoice_title, tax_id, bank_name, bank_account, reg_address, reg_phone,"
               " mailing_address, mailing_contact, mailing_phone FROM customers WHERE code = ?",
               "s", customer) != 1) {
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
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "KP", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO invoice_requests(number, customer, amount_fen, note, invoicing,"
                " requested_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                "ssisjsii", number, customer, total, note && *note ? note : NULL, info,
                c->user.username, c->now, c->now) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (db_exec(c->db, e,
                    "INSERT INTO invoice_request_invoices(request, invoice, amount_fen)"
                    " VALUES(?,?,?)",
                    "ssi", number, json_string_value(json_array_get(ji, i)), amounts[i]) < 0)
            goto out;
    if (event(c, number, "request", NULL, "requested", note, e) < 0)
        goto out;
    json_t *after = json_pack("{ss sO sI}", "customer", customer, "invoices", ji, "amount_fen",
                              (json_int_t)total);
    rc = flow_audit(c, e, "create", "invoice_request", number, NULL, after);
    json_decref(after);
    if (rc < 0)
        goto out;
    /* The CSR reviews next. */
    char *csr = NULL;
    if (!*cu.csr && db_text(c->db, e, &csr, "SELECT default_csr FROM markets WHERE code = ?", "s",
                            cu.market) < 0) {
        rc = -1;
        goto out;
    }
    const char *to = *cu.csr ? cu.csr : csr;
    if (to && *to)
        rc = notify(c, e, "invoice_request", to, number, NULL, "开票申请%s（%s）待审核", number,
                    customer);
    free(csr);
    if (rc == 0)
        rc = kp_json(c, number, out, e);
out:
    free(amounts);
    json_decref(info);
    json_decref(row);
    return rc;
}

/* ---- actions ----------------------------------------------------------------------------- */

struct kpact {
    struct ctx *c;
    const char *number;
    json_t *k; /* the request row */
    struct order_customer *cu;
    json_t *body;
    char to[16];
};

static int a_review(struct kpact *x, struct osb_err *e)
{
    if (only_fields(x->body, NULL, e) < 0 || recheck_invoices(x->c, x->number, false, e) < 0)
        return -1;
    snprintf(x->to, sizeof x->to, "reviewed");
    return db_exec(x->c->db, e,
                   "UPDATE invoice_requests SET reviewed_by = ?, reviewed_at = ? WHERE number = ?",
                   "sis", x->c->user.username, x->c->now, x->number) < 0
               ? -1
               : 0;
}

static int a_issue(struct kpact *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    static const char *const allowed[] = {"fapiao_no", "fapiao_date", NULL};
    const char *no;
    if (only_fields(x->body, allowed, e) < 0 ||
        text_field(x->body, "fapiao_no", FAPIAO_NO_MAX, &no, e) < 0)
        return -1;
    json_t *jd = json_object_get(x->body, "fapiao_date");
    if (jd && !json_is_string(jd))
        return err_bad(e, "fapiao_date", "fapiao_date must be a date string");
    date_t d;
    if (!jd)
        return err_invalid(e, "fapiao_date", "required", "fapiao_date is required");
    if (!date_parse(json_string_value(jd), &d))
        return err_invalid(e, "fapiao_date", "invalid_date", "fapiao_date is YYYY-MM-DD");
    date_t created = ts_to_date(jint(x->k, "created_at"), c->cfg->tz_min);
    if (d > flow_today(c) || d < created)
        return err_invalid(e, "fapiao_date", "date_out_of_range",
                           "fapiao_date is between the request's date and today");
    /* flows.md §5: finance verifies the payment rule again (money may have been reversed or
       credited since the request). */
    if (recheck_invoices(c, x->number, x->cu->prepay_only, e) < 0)
        return -1;
    int64_t used = 0;
    if (db_int(c->db, e, &used, "SELECT count(*) FROM invoice_requests WHERE fapiao_no = ?", "s",
               no) < 0)
        return -1;
    if (used)
        return err_set(e, ERR_DUPLICATE, "fapiao number %s is used already", no);
    char date[11];
    date_format(d, date);
    snprintf(x->to, sizeof x->to, "issued");
    if (db_exec(c->db, e,
                "UPDATE invoice_requests SET issued_by = ?, issued_at = ?, fapiao_no = ?,"
                " fapiao_date = ? WHERE number = ?",
                "sisss", c->user.username, c->now, no, date, x->number) < 0)
        return -1;
    char what[96];
    snprintf(what, sizeof what, "已开具发票%s", no);
    return tell_kam_and_finance(c, x->cu, x->number, "fapiao_issued", what, e);
}

static int a_mail(struct kpact *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    static const char *const allowed[] = {"tracking_no", NULL};
    const char *tn;
    if (only_fields(x->body, allowed, e) < 0 ||
        text_field(x->body, "tracking_no", TRACKING_NO_MAX, &tn, e) < 0)
        return -1;
    char *days_s = settings_get(c->db, FAPIAO_ARRIVAL_DAYS_KEY, FAPIAO_ARRIVAL_DAYS_DEFAULT);
    long days = days_s ? strtol(days_s, NULL, 10) : 3;
    free(days_s);
    char arrival[11];
    date_format(flow_today(c) + (date_t)days, arrival);
    snprintf(x->to, sizeof x->to, "mailed");
    if (db_exec(c->db, e,
                "UPDATE invoice_requests SET mailed_by = ?, mailed_at = ?, mail_tracking_no = ?,"
                " expected_arrival = ? WHERE number = ?",
                "sisss", c->user.username, c->now, tn, arrival, x->number) < 0)
        return -1;
    char what[128];
    snprintf(what, sizeof what, "发票已寄出，运单号%s，预计%s送达", tn, arrival);
    return tell_kam_and_finance(c, x->cu, x->number, "fapiao_mailed", what, e);
}

static int a_confirm_receipt(struct kpact *x, struct osb_err *e)
{
    if (only_fields(x->body, NULL, e) < 0)
        return -1;
    snprintf(x->to, sizeof x->to, "received");
    return db_exec(x->c->db, e,
                   "UPDATE invoice_requests SET receipt_confirmed_by = ?,"
                   " receipt_confirmed_at = ? WHERE number = ?",
                   "sis", x->c->user.username, x->c->now, x->number) < 0
               ? -1
               : 0;
}

static int a_archive(struct kpact *x, struct osb_err *e)
{
    if (only_fields(x->body, NULL, e) < 0)
        return -1;
    snprintf(x->to, sizeof x->to, "archived");
    return db_exec(x->c->db, e, "UPDATE invoice_requests SET archived_at = ? WHERE number = ?",
                   "is", x->c->now, x->number) < 0
               ? -1
               : 0;
}

static int a_return(struct kpact *x, struct osb_err *e)
{
    if (only_fields(x->body, NULL, e) < 0)
        return -1;
    const char *cm = json_string_value(json_object_get(x->body, "comment"));
    if (!cm || !*cm)
        return err_invalid(e, "comment", "comment_required", "say what needs correcting");
    snprintf(x->to, sizeof x->to, "requested");
    /* Back to the requester; a returned request is reviewed again. */
    if (db_exec(x->c->db, e,
                "UPDATE invoice_requests SET reviewed_by = NULL, reviewed_at = NULL"
                " WHERE number = ?",
                "s", x->number) < 0)
        return -1;
    return notify(x->c, e, "invoice_request_returned", jstr(x->k, "requested_by"), x->number, NULL,
                  "开票申请%s被退回：%s", x->number, cm);
}

typedef int (*kpact_fn)(struct kpact *x, struct osb_err *e);

static const struct {
    const char *name;
    enum perm_action perm, perm_or; /* either allows (P__COUNT: none) */
    const char *from[2];
    kpact_fn fn;
} actions[] = {
    {"review", P_INVREQ_HANDLE, P__COUNT, {"requested"}, a_review},
    {"issue", P_INVREQ_ISSUE, P__COUNT, {"reviewed"}, a_issue},
    {"mail", P_INVREQ_HANDLE, P__COUNT, {"issued"}, a_mail},
    {"confirm-receipt", P_INVREQ_HANDLE, P__COUNT, {"mailed"}, a_confirm_receipt},
    {"archive", P_INVREQ_HANDLE, P__COUNT, {"received"}, a_archive},
    /* flows.md §5: csr and finance. */
    {"return", P_INVREQ_HANDLE, P_INVREQ_ISSUE, {"requested", "reviewed"}, a_return},
};

int invoice_request_act(struct ctx *c, const char *number, const char *action, json_t *body,
                        json_t **out, struct osb_err *e)
{
    *out = NULL;
    size_t ai = 0;
    while (ai < sizeof actions / sizeof actions[0] && strcmp(actions[ai].name, action))
        ai++;
    if (ai == sizeof actions / sizeof actions[0])
        return err_set(e, ERR_NOT_FOUND, "no invoice request action '%s'", action);
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    json_t *cm = json_object_get(body, "comment");
    json_t *r;
    struct order_customer cu;
    if (load(c, number, &r, &cu, e) < 0)
        return -1;
    int rc = -1;
    struct kpact x = {c, number, r, &cu, body, ""};
    char from[16];
    snprintf(from, sizeof from, "%s", jstr(r, "state"));
    if (!(actions[ai].perm_or != P__COUNT && perm_may_act(actions[ai].perm_or, c->user.role)) &&
        flow_need(c, actions[ai].perm, e) < 0)
        goto out;
    bool ok = false;
    for (size_t i = 0; i < 2 && actions[ai].from[i]; i++)
        ok = ok || strcmp(actions[ai].from[i], from) == 0;
    if (!ok) {
        err_state(e, from, "an invoice request in state %s cannot %s", from, action);
        goto out;
    }
    if (flow_check_version(c, e, jint(r, "version")) < 0)
        goto out;
    if (cm && !json_is_string(cm) && !json_is_null(cm)) {
        err_bad(e, "comment", "comment must be a string");
        goto out;
    }
    if (json_is_string(cm) && !valid_text(json_string_value(cm), NOTE_MAX, true)) {
        err_invalid(e, "comment", "too_long", "comment has at most %d characters", NOTE_MAX);
        goto out;
    }
    if (actions[ai].fn(&x, e) < 0)
        goto out;
    if (event(c, number, action, from, x.to, json_string_value(cm), e) < 0)
        goto out;
    rc = flow_doc_move(c, e, "invoice_requests", "invoice_request", number, action, from, x.to, jint(r, "version"));
    if (rc == 0)
        rc = kp_json(c, number, out, e);
out:
    json_decref(r);
    return rc;
}
