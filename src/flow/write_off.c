/*
 * write_off.c — bad-debt write-offs (HX; flow/refund.h).
 *
 * Who (numbering-and-rules.md §3, §5): finance requests, the GM approves or rejects (any
 * amount). The amount is at most the invoice's open amount less the other write-offs of it
 * still requested (422 writeoff_exceeds_open), checked again at approval since payments may
 * have settled the invoice meanwhile.
 *
 * Approval (flows.md §4.7): the invoice's written_off_fen grows by the amount and its state
 * follows (written_off when nothing is left open, else partial); a write_off ledger credit
 * keeps balance = open receivables − unapplied; the customer's KAM and the market's BCR are
 * told, and a credit incident is recorded (entities.md §2.4, kind `other`: the spec's kinds
 * have no write-off; its invoice column stays empty because (invoice, kind) is unique and an
 * invoice may be written off in parts — the note names both documents). A write-off does not re-run the credit check of waiting orders:
 * forgiving a bad debt must not release goods to the same customer.
 */
#include "flow/refund.h"

#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/validate.h"
#include "flow/billing.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "store/ledger.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>

#define REASON_MAX 500
#define OPEN_SQL "(amount_fen - settled_fen - credited_fen - written_off_fen)"

static int hx_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, invoice, amount_fen, reason, state, requested_by,"
                    " approved_by, approved_at, rejected_by, rejected_at, version, created_at,"
                    " updated_at FROM write_offs WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no write-off '%s'", number);
    json_t *tl = refund_timeline(c, number, e);
    if (!tl) {
        json_decref(o);
        return -1;
    }
    static const char *const times[] = {"approved_at", "rejected_at", "created_at",
                                        "updated_at"};
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++)
        flow_ts(c, o, times[k]);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

int write_off_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    char *cust = NULL;
    if (db_text(c->db, e, &cust, "SELECT customer FROM write_offs WHERE number = ?", "s",
                number) < 0)
        return -1;
    int rc = cust ? scope_money_sees(c, cust, e) : 0;
    free(cust);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no write-off '%s'", number);
    return hx_json(c, number, out, e);
}

int write_off_list(struct ctx *c, const struct write_off_query *q, json_t **out,
                   struct osb_err *e)
{
    *out = NULL;
    static const char *const states[] = {"requested", "approved", "rejected", NULL};
    if (flow_state_filter(states, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see write-offs",
                             role_str(c->user.role));
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT t.number FROM write_offs t JOIN customers cu ON cu.code = t.customer"
                 " WHERE 1=1");
    scope_money_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "t.customer", q->customer);
    flow_filter_eq(&sql, p, "t.invoice", q->invoice);
    flow_filter_eq(&sql, p, "t.state", q->state);
    return flow_doc_page(c, &sql, p, "t.number", q->cursor, q->limit, hx_json, out, e);
}

/* What may still be written off invoice: its open amount less the other write-offs of it
   still requested (except this one). *customer gets the invoice's customer. 0 = no such
   invoice. */
static int open_left(struct ctx *c, const char *invoice, const char *except, int64_t *left,
                     char customer[40], struct osb_err *e)
{
    json_t *inv = NULL;
    int rc = db_row(c->db, e, &inv,
                    "SELECT customer, " OPEN_SQL " AS open, state FROM invoices WHERE number = ?",
                    "s", invoice);
    if (rc <= 0)
        return rc;
    snprintf(customer, 40, "%s", jstr(inv, "customer"));
    int64_t open = jint(inv, "open"), pending = 0;
    json_decref(inv);
    if (db_int(c->db, e, &pending,
               "SELECT coalesce(sum(amount_fen), 0) FROM write_offs WHERE invoice = ?"
               " AND state = 'requested' AND number <> ?",
               "ss", invoice, except ? except : "") < 0)
        return -1;
    *left = open - pending > 0 ? open - pending : 0;
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
    char customer[40] = "";
    int f = open_left(c, invoice, NULL, &left, customer, e);
    if (f < 0)
        goto out;
    int seen = f == 1 ? scope_money_sees(c, customer, e) : 0;
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
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "HX", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO write_offs(number, customer, invoice, amount_fen, reason,"
                " requested_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                "sssissii", number, customer, invoice, amount, jstr(n, "reason"),
                c->user.username, c->now, c->now) < 0 ||
        refund_event(c, number, "request", NULL, NULL, "requested", NULL, e) < 0)
        goto out;
    json_t *after = json_pack("{ss ss sI ss ss}", "customer", customer, "invoice", invoice,
                              "amount_fen", (json_int_t)amount, "reason", jstr(n, "reason"),
                              "state", "requested");
    rc = flow_audit(c, e, "request", "write_off", number, NULL, after);
    json_decref(after);
    if (rc < 0)
        goto out;
    json_t *gm = db_rows(c->db, e,
                         "SELECT username FROM users WHERE role = 'gm' AND active = 1"
                         " ORDER BY username",
                         NULL);
    if (!gm) {
        rc = -1;
        goto out;
    }
    size_t i;
    json_t *u;
    json_array_foreach(gm, i, u) if (rc == 0) rc =
        notify(c, e, "write_off_requested", jstr(u, "username"), number, NULL,
               "坏账核销申请%s（发票%s）待总经理审批", number, invoice);
    json_decref(gm);
    if (rc == 0)
        rc = hx_json(c, number, out, e);
out:
    json_decref(n);
    return rc;
}

/* GM approves: the invoice is written down and the ledger credited. */
static int approve(struct ctx *c, json_t *w, const char *number, struct osb_err *e)
{
    const char *invoice = jstr(w, "invoice");
    int64_t amount = jint(w, "amount_fen"), left = 0;
    char customer[40];
    if (open_left(c, invoice, number, &left, customer, e) != 1)
        return err_ok(e) ? err_set(e, ERR_NOT_FOUND, "no invoice '%s'", invoice) : -1;
    if (amount > left)
        return exceeds(e, amount, left);
    int64_t open = 0, total = 0;
    if (db_int(c->db, e, &open, "SELECT " OPEN_SQL " FROM invoices WHERE number = ?", "s",
               invoice) < 0 ||
        db_int(c->db, e, &total, "SELECT amount_fen FROM invoices WHERE number = ?", "s",
               invoice) < 0)
        return -1;
    /* The SET expressions read the old row, so the new state is decided here. */
    const char *st = open - amount <= 0 ? "written_off" : open - amount < total ? "partial" : "open";
    char today[11];
    date_format(flow_today(c), today);
    char *order_no = NULL;
    if (db_text(c->db, e, &order_no, "SELECT order_no FROM invoices WHERE number = ?", "s",
                invoice) < 0)
        return -1;
    struct ledger_post lp = {customer, today, "write_off", number, order_no, 0, amount, c->now};
    int rc = db_exec(c->db, e,
                     "UPDATE invoices SET written_off_fen = written_off_fen + ?, state = ?,"
                     " version = version + 1, updated_at = ? WHERE number = ?",
                     "isis", amount, st, c->now, invoice) < 0 ||
                     store_ledger_append(c->db, e, &lp) < 0 ||
                     db_exec(c->db, e,
                             "UPDATE write_offs SET approved_by = ?, approved_at = ?"
                             " WHERE number = ?",
                             "sis", c->user.username, c->now, number) < 0
                 ? -1
                 : 0;
    free(order_no);
    if (rc < 0)
        return -1;
    struct sb note = SB_INIT;
    sb_addf(&note, "坏账核销%s：发票%s", number, invoice);
    rc = db_exec(c->db, e,
                 "INSERT INTO credit_incidents(customer, date, kind, amount_fen, note,"
                 " recorded_by, created_at) VALUES(?,?,'other',?,?,?,?)",
                 "ssissi", customer, today, amount, sb_str(&note), c->user.username, c->now);
    sb_free(&note);
    if (rc < 0)
        return -1;
    rc = 0;
    /* Tell the customer's KAM and the market's BCR (flows.md §4.7). */
    json_t *who = db_rows(c->db, e,
                          "SELECT cu.kam AS u FROM customers cu WHERE cu.code = ?"
                          " UNION SELECT m.bcr FROM customers cu JOIN markets m"
                          " ON m.code = cu.market WHERE cu.code = ? AND m.bcr IS NOT NULL",
                          "ss", customer, customer);
    if (!who)
        return -1;
    size_t i;
    json_t *u;
    json_array_foreach(who, i, u) if (rc == 0 && jstr(u, "u")) rc =
        notify(c, e, "write_off_approved", jstr(u, "u"), number, NULL,
               "客户%s发票%s核销坏账%lld.%02lld元（%s）", customer, invoice,
               (long long)(amount / 100), (long long)(amount % 100), number);
    json_decref(who);
    return rc;
}

int write_off_act(struct ctx *c, const char *number, const char *action, json_t *body,
                  json_t **out, struct osb_err *e)
{
    *out = NULL;
    bool appr = strcmp(action, "approve") == 0;
    if (!appr && strcmp(action, "reject") != 0)
        return err_set(e, ERR_NOT_FOUND, "no write-off action '%s'", action);
    json_t *w = NULL;
    int rc = db_row(c->db, e, &w,
                    "SELECT number, customer, invoice, amount_fen, state, version, requested_by"
                    " FROM write_offs WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    int seen = rc == 1 ? scope_money_sees(c, jstr(w, "customer"), e) : 0;
    if (seen <= 0) {
        json_decref(w);
        return seen < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no write-off '%s'", number);
    }
    rc = -1;
    char from[16];
    snprintf(from, sizeof from, "%s", jstr(w, "state"));
    const char *to = appr ? "approved" : "rejected";
    if (flow_need(c, P_WRITEOFF_APPROVE, e) < 0)
        goto out;
    if (strcmp(from, "requested") != 0) {
        err_state(e, from, "a write-off in state %s cannot %s", from, action);
        goto out;
    }
    if (flow_check_version(c, e, jint(w, "version")) < 0)
        goto out;
    if (!json_is_object(body)) {
        err_bad(e, NULL, "the body must be a JSON object");
        goto out;
    }
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) if (strcmp(k, "comment"))
    {
        err_bad(e, k, "unknown field '%s'", k);
        goto out;
    }
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_string(cm) && !json_is_null(cm)) {
        err_bad(e, "comment", "comment must be a string");
        goto out;
    }
    if (json_is_string(cm) && !valid_text(json_string_value(cm), REASON_MAX, true)) {
        err_invalid(e, "comment", "too_long", "comment has at most %d characters", REASON_MAX);
        goto out;
    }
    if (appr && is(jstr(w, "requested_by"), c->user.username)) {
        err_forbidden(e, "self_approval", "you may not approve your own write-off");
        goto out;
    }
    if (appr) {
        if (approve(c, w, number, e) < 0)
            goto out;
    } else if (db_exec(c->db, e,
                       "UPDATE write_offs SET rejected_by = ?, rejected_at = ? WHERE number = ?",
                       "sis", c->user.username, c->now, number) < 0 ||
               notify(c, e, "write_off_rejected", jstr(w, "requested_by"), number, NULL,
                      "坏账核销申请%s未获批准", number) < 0)
        goto out;
    if (refund_event(c, number, action, NULL, from, to, json_string_value(cm), e) < 0)
        goto out;
    rc = flow_doc_move(c, e, "write_offs", "write_off", number, action, from, to,
                       jint(w, "version"));
    if (rc == 0)
        rc = hx_json(c, number, out, e);
out:
    json_decref(w);
    return rc;
}
