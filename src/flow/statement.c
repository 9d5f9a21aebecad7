/*
 * statement.c — statement documents and the semi-annual reconciliation (flow/statement.h).
 *
 * Who (numbering-and-rules.md §3): generate and send — ssg_leader, csr, the customer's KAM,
 * finance; record the customer's reply — ssg_leader, csr, the customer's KAM; report — the
 * customer's KAM (flows.md §4.5: "the KAM obtains the confirmation, reports the result to the
 * MM and informs finance"). Reading needs a role that sees money and the customer in scope.
 * The deadline rule recon_semiannual (flow/deadlines.c) reads state and response.
 */
#include "flow/statement.h"

#include "core/json.h"
#include "core/record.h"
#include "core/sb.h"
#include "flow/billing.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "report/statement.h"
#include "rules/billing.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>

#define ACCOUNT_CUTOFF_DAY 25 /* numbering-and-rules.md §9 account_cutoff_day */


static int doc_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT s.number, s.customer, cu.name AS customer_name, s.kind,"
                    " s.period_from, s.period_to, s.opening_fen, s.debits_fen, s.credits_fen,"
                    " s.closing_fen, s.entries AS \"entries!j\", s.state, s.sent_at, s.response,"
                    " s.difference_fen, s.difference_note, s.replied_at, s.replied_by,"
                    " s.reported_to_mm_at, s.reported_to_finance_at, s.version, s.created_at,"
                    " s.created_by, s.updated_at FROM statements s JOIN customers cu"
                    " ON cu.code = s.customer WHERE s.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no statement '%s'", number);
    json_t *tl = flow_doc_timeline(c, e, "statement_events", "statement", number);
    if (!tl) {
        json_decref(o);
        return -1;
    }
    static const char *const times[] = {"sent_at", "replied_at", "reported_to_mm_at",
                                        "reported_to_finance_at", "created_at", "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, o, times[i]);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static int event(struct ctx *c, const char *number, const char *action, const char *from,
                 const char *to, const char *comment, struct osb_err *e)
{
    return flow_doc_event(c, e, "statement_events", "statement", number, action, from, to, comment);
}

/* Takes the snapshot and writes the document, its first event and the audit row. */
static int generate(struct ctx *c, const char *customer, const char *kind, date_t from,
                    date_t to, const char *by, char number[DOCNO_MAX], struct osb_err *e)
{
    char fs[11], ts[11];
    date_format(from, fs);
    date_format(to, ts);
    struct ledger_figures f;
    if (ledger_figures(c, customer, fs, ts, &f, e) < 0)
        return -1;
    int rc = -1;
    if (flow_docno(c, e, "DZ", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO statements(number, customer, kind, period_from, period_to,"
                " opening_fen, debits_fen, credits_fen, closing_fen, entries, created_at,"
                " created_by, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                "sssssiiiijisi", number, customer, kind, fs, ts, f.opening_fen, f.debits_fen,
                f.credits_fen, f.closing_fen, f.entries, c->now, by, c->now) < 0 ||
        event(c, number, "generate", NULL, "generated", NULL, e) < 0)
        goto out;
    json_t *after = json_pack("{ss ss ss ss sI}", "kind", kind, "customer", customer,
                              "period_from", fs, "period_to", ts, "closing_fen",
                              (json_int_t)f.closing_fen);
    rc = flow_audit(c, e, "generate", "statement", number, NULL, after);
    json_decref(after);
out:
    json_decref(f.entries);
    return rc;
}

static const char *const create_kinds[] = {"adhoc", "monthly", NULL};
static const struct field_def create_fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"kind", FK_ENUM, 0, 0, F_REQUIRED, 0, create_kinds, 0},
    {"from", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"to", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"month", FK_PERIOD, 0, 0, 0, 0, 0, 0},
};
static const struct record_def create_def = {"statements", "number", "statement", create_fields,
                                             5};

int statement_doc_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    if (flow_need(c, P_STATEMENT_SEND, e) < 0 || record_check(&create_def, body, true, &n, e) < 0)
        return -1;
    int rc = -1;
    const char *customer = jstr(n, "customer"), *kind = jstr(n, "kind");
    int sees = scope_money_sees(c, customer, e);
    if (sees <= 0) {
        if (sees == 0)
            err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    date_t today = flow_today(c), from, to;
    int y, m, d;
    date_to_ymd(today, &y, &m, &d);
    if (strcmp(kind, "monthly") == 0) {
        if (json_object_get(n, "from") || json_object_get(n, "to")) {
            err_invalid(e, json_object_get(n, "from") ? "from" : "to", "not_allowed",
                        "a monthly statement covers one account month: give month");
            goto out;
        }
        /* The account month (26th of M−1 to the 25th of M, flows.md §4.6) named by month,
           else the last one ended by today. */
        date_t in;
        if (jstr(n, "month")) {
            sscanf(jstr(n, "month"), "%4d-%2d", &y, &m);
            in = date_from_ymd(y, m, 1);
        } else {
            /* the cut-off day of this month once passed, else of the month before */
            in = d > ACCOUNT_CUTOFF_DAY ? date_from_ymd(y, m, ACCOUNT_CUTOFF_DAY)
                                        : date_from_ymd(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1,
                                                        ACCOUNT_CUTOFF_DAY);
        }
        billing_account_month(in, ACCOUNT_CUTOFF_DAY, &from, &to);
    } else {
        if (json_object_get(n, "month")) {
            err_invalid(e, "month", "not_allowed", "an ad-hoc statement takes from and to");
            goto out;
        }
        from = date_from_ymd(y, m, 1);
        to = today;
        if (jstr(n, "from"))
            date_parse(jstr(n, "from"), &from);
        if (jstr(n, "to"))
            date_parse(jstr(n, "to"), &to);
    }
    if (to < from) {
        err_invalid(e, "to", "date_out_of_range", "to is before from");
        goto out;
    }
    if (to > today) {
        err_invalid(e, "to", "date_out_of_range", "a statement cannot end after today");
        goto out;
    }
    char number[DOCNO_MAX];
    if (generate(c, customer, kind, from, to, c->user.username, number, e) < 0)
        goto out;
    rc = doc_json(c, number, out, e);
out:
    json_decref(n);
    return rc;
}

/* 1 in scope (customer copied out), 0 not, -1 error (403 for a role that sees no money). */
static int doc_sees(struct ctx *c, const char *number, char customer[40], struct osb_err *e)
{
    char *cust = NULL;
    if (db_text(c->db, e, &cust, "SELECT customer FROM statements WHERE number = ?", "s",
                number) < 0)
        return -1;
    int rc = cust ? scope_money_sees(c, cust, e) : 0;
    snprintf(customer, 40, "%s", cust ? cust : "");
    free(cust);
    return rc;
}

int statement_doc_get(struct ctx *c, const char *number, const char *format,
                      struct statement_out *out, struct osb_err *e)
{
    memset(out, 0, sizeof *out);
    const char *fmt = format ? format : "json";
    if (strcmp(fmt, "json") && strcmp(fmt, "pdf") && strcmp(fmt, "xlsx"))
        return err_bad(e, "format", "format is json, pdf or xlsx");
    char customer[40];
    int rc = doc_sees(c, number, customer, e);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no statement '%s'", number);
    json_t *o = NULL;
    if (doc_json(c, number, &o, e) < 0)
        return -1;
    if (strcmp(fmt, "json") == 0) {
        out->json = o;
        return 0;
    }
    json_t *entries = json_object_get(o, "entries");
    size_t n = json_array_size(entries), i;
    struct stmt_item *items = xcalloc(n ? n : 1, sizeof *items);
    json_t *it;
    json_array_foreach(entries, i, it) items[i] = (struct stmt_item){
        jstr(it, "date"),      jstr(it, "kind"),       jstr(it, "document"), jstr(it, "order"),
        jint(it, "debit_fen"), jint(it, "credit_fen"), jint(it, "balance_fen")};
    char generated[11];
    date_format(flow_today(c), generated);
    const char *created = jstr(o, "created_at");
    if (created && strlen(created) >= 10)
        snprintf(generated, sizeof generated, "%.10s", created);
    struct stmt_doc d = {"",
                         customer,
                         jstr(o, "customer_name") ? jstr(o, "customer_name") : "",
                         jstr(o, "period_from"),
                         jstr(o, "period_to"),
                         generated,
                         strcmp(jstr(o, "kind"), "monthly") == 0 ? "account_month" : "calendar",
                         jint(o, "opening_fen"),
                         jint(o, "debits_fen"),
                         jint(o, "credits_fen"),
                         jint(o, "closing_fen"),
                         0,
                         0,
                         items,
                         n};
    bool pdf = strcmp(fmt, "pdf") == 0;
    rc = pdf ? report_statement_pdf(&d, &out->raw, &out->raw_len, e)
             : report_statement_xlsx(&d, &out->raw, &out->raw_len, e);
    out->raw_type = pdf ? "application/pdf"
                        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    free(items);
    json_decref(o);
    return rc;
}

static const char *const kinds[] = {"monthly", "semiannual", "adhoc", NULL};
static const char *const responses[] = {"pending", "confirmed", "disputed", NULL};
static const char *const states[] = {"generated", "sent", "confirmed", "disputed", "reported",
                                     NULL};

static int one_of(const char *v, const char *const *set, const char *field, struct osb_err *e)
{
    if (!v)
        return 0;
    for (const char *const *p = set; *p; p++)
        if (strcmp(*p, v) == 0)
            return 0;
    return err_bad(e, field, "unknown %s '%s'", field, v);
}

int statement_doc_list(struct ctx *c, const struct statement_doc_query *q, json_t **out,
                       struct osb_err *e)
{
    *out = NULL;
    if (one_of(q->kind, kinds, "kind", e) < 0 || one_of(q->response, responses, "response", e) < 0 ||
        one_of(q->state, states, "state", e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see statements",
                             role_str(c->user.role));
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT s.number FROM statements s JOIN customers cu ON cu.code = s.customer"
                 " WHERE 1=1");
    scope_money_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "s.customer", q->customer);
    flow_filter_eq(&sql, p, "s.kind", q->kind);
    flow_filter_eq(&sql, p, "s.response", q->response);
    flow_filter_eq(&sql, p, "s.state", q->state);
    return flow_doc_page(c, &sql, p, "s.number", q->cursor, q->limit, doc_json, out, e);
}

/* ---- actions ----------------------------------------------------------------------------- */

struct sact {
    struct ctx *c;
    const char *number;
    json_t *s; /* the statement row */
    struct order_customer *cu;
    json_t *body;
    char to[16];
};

static int a_send(struct sact *x, struct osb_err *e)
{
    snprintf(x->to, sizeof x->to, "sent");
    if (db_exec(x->c->db, e, "UPDATE statements SET sent_at = ? WHERE number = ?", "is",
                x->c->now, x->number) < 0)
        return -1;
    /* Sent to the customer and its KAM (flows.md §4.1 BC7). */
    return notify(x->c, e, "statement_sent", x->cu->kam, x->number, NULL,
                  "对账单%s（%s）已发送，请取得客户确认", x->number, x->cu->code);
}

static int reply(struct sact *x, const char *response, struct osb_err *e)
{
    json_t *df = json_object_get(x->body, "difference_fen");
    json_t *dn = json_object_get(x->body, "difference_note");
    bool dispute = strcmp(response, "disputed") == 0;
    if (!dispute && (df || dn))
        return err_bad(e, df ? "difference_fen" : "difference_note",
                       "a confirmation carries no difference");
    if (dispute) {
        if (!df)
            return err_invalid(e, "difference_fen", "required",
                               "how much does the customer's account differ?");
        if (!json_is_integer(df))
            return err_bad(e, "difference_fen", "difference_fen must be an integer (fen)");
        if (json_integer_value(df) == 0)
            return err_invalid(e, "difference_fen", "zero_amount",
                               "a dispute has a non-zero difference");
        if (!dn)
            return err_invalid(e, "difference_note", "required", "explain the difference");
        if (!json_is_string(dn))
            return err_bad(e, "difference_note", "difference_note must be a string");
        const char *t = json_string_value(dn);
        if (!*t)
            return err_invalid(e, "difference_note", "required", "explain the difference");
        if (strlen(t) > 1500)
            return err_invalid(e, "difference_note", "too_long",
                               "difference_note is at most 500 characters");
    }
    snprintf(x->to, sizeof x->to, "%s", response);
    return db_exec(x->c->db, e,
                   "UPDATE statements SET response = ?, difference_fen = ?, difference_note = ?,"
                   " replied_at = ?, replied_by = ? WHERE number = ?",
                   "sisiss", response, dispute ? json_integer_value(df) : 0,
                   dispute ? json_string_value(dn) : NULL, x->c->now, x->c->user.username,
                   x->number) < 0
               ? -1
               : 0;
}

static int a_confirm(struct sact *x, struct osb_err *e) { return reply(x, "confirmed", e); }
static int a_dispute(struct sact *x, struct osb_err *e) { return reply(x, "disputed", e); }

static int a_report(struct sact *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    if (c->user.role != ROLE_KAM || strcmp(c->user.username, x->cu->kam))
        return err_forbidden(e, "role", "only the customer's KAM reports the reconciliation");
    snprintf(x->to, sizeof x->to, "reported");
    if (db_exec(c->db, e,
                "UPDATE statements SET reported_to_mm_at = ?, reported_to_finance_at = ?"
                " WHERE number = ?",
                "iis", c->now, c->now, x->number) < 0)
        return -1;
    json_t *who = db_rows(c->db, e,
                          "SELECT mm AS u FROM markets WHERE code = ? AND mm IS NOT NULL"
                          " UNION SELECT username AS u FROM users WHERE role = 'finance'"
                          " AND active = 1 ORDER BY 1",
                          "s", x->cu->market);
    if (!who)
        return -1;
    const char *resp = jstr(x->s, "response");
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(who, i, u) if (rc == 0) rc =
        notify(c, e, "statement_reported", jstr(u, "u"), x->number, NULL,
               "对账单%s（%s）对账结果：%s", x->number, x->cu->code,
               resp && strcmp(resp, "confirmed") == 0 ? "客户已确认" : "客户有差异");
    json_decref(who);
    return rc;
}

typedef int (*sact_fn)(struct sact *x, struct osb_err *e);

static const struct {
    const char *name;
    enum perm_action perm;
    const char *from[3];
    sact_fn fn;
} actions[] = {
    {"send", P_STATEMENT_SEND, {"generated"}, a_send},
    {"confirm", P_STATEMENT_REPLY, {"sent", "disputed"}, a_confirm},
    {"dispute", P_STATEMENT_REPLY, {"sent"}, a_dispute},
    {"report", P_STATEMENT_REPLY, {"confirmed", "disputed"}, a_report},
};

int statement_doc_act(struct ctx *c, const char *number, const char *action, json_t *body,
                      json_t **out, struct osb_err *e)
{
    *out = NULL;
    size_t ai = 0;
    while (ai < sizeof actions / sizeof actions[0] && strcmp(actions[ai].name, action))
        ai++;
    if (ai == sizeof actions / sizeof actions[0])
        return err_set(e, ERR_NOT_FOUND, "no statement action '%s'", action);
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (strcmp(k, "comment") && strcmp(k, "difference_fen") && strcmp(k, "difference_note"))
            return err_bad(e, k, "unknown field '%s'", k);
    }
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_string(cm) && !json_is_null(cm))
        return err_bad(e, "comment", "comment must be a string");
    json_t *s = NULL;
    int rc = db_row(c->db, e, &s,
                    "SELECT number, customer, state, response, version FROM statements"
                    " WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    struct order_customer cu;
    if (rc == 0 || store_order_customer(c->db, e, jstr(s, "customer"), &cu) != 1) {
        json_decref(s);
        return err_ok(e) ? err_set(e, ERR_NOT_FOUND, "no statement '%s'", number) : -1;
    }
    rc = -1;
    int sees = scope_money_sees(c, cu.code, e);
    if (sees <= 0) {
        if (sees == 0)
            err_set(e, ERR_NOT_FOUND, "no statement '%s'", number);
        goto out;
    }
    struct sact x = {c, number, s, &cu, body, ""};
    char from[16];
    snprintf(from, sizeof from, "%s", jstr(s, "state"));
    if (flow_need(c, actions[ai].perm, e) < 0)
        goto out;
    bool ok = false;
    for (size_t i = 0; i < 3 && actions[ai].from[i]; i++)
        ok = ok || strcmp(actions[ai].from[i], from) == 0;
    if (!ok) {
        err_state(e, from, "a statement in state %s cannot %s", from, action);
        goto out;
    }
    if (flow_check_version(c, e, jint(s, "version")) < 0 || actions[ai].fn(&x, e) < 0)
        goto out;
    if (event(c, number, action, from, x.to, json_string_value(cm), e) < 0)
        goto out;
    rc = flow_doc_move(c, e, "statements", "statement", number, action, from, x.to, jint(s, "version"));
    if (rc == 0)
        rc = doc_json(c, number, out, e);
out:
    json_decref(s);
    return rc;
}

/* ---- the semi-annual job ----------------------------------------------------------------- */

int statement_job_semiannual(struct ctx *c, const char *period, struct osb_err *e)
{
    int y;
    char h;
    if (sscanf(period, "%4d-H%c", &y, &h) != 2 || (h != '1' && h != '2'))
        return err_set(e, ERR_INTERNAL, "bad half-year period '%s'", period);
    date_t from = date_from_ymd(y, h == '1' ? 1 : 7, 1);
    date_t to = date_from_ymd(y, h == '1' ? 6 : 12, h == '1' ? 30 : 31);
    char fs[11], ts[11];
    date_format(from, fs);
    date_format(to, ts);
    /* Activity in the half-year, or a balance at its end (flows.md §4.5). */
    json_t *rows = db_rows(c->db, e,
                           "SELECT l.customer FROM ledger l WHERE l.date <= ?"
                           " AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.customer ="
                           " l.customer AND s.kind = 'semiannual' AND s.period_to = ?)"
                           " GROUP BY l.customer HAVING max(l.date) >= ?"
                           " OR sum(l.debit_fen - l.credit_fen) <> 0 ORDER BY l.customer",
                           "sss", ts, ts, fs);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char number[DOCNO_MAX];
        if (rc == 0)
            rc = generate(c, jstr(r, "customer"), "semiannual", from, to, "system", number, e);
        if (rc == 0) {
            char *kam = NULL;
            rc = db_text(c->db, e, &kam, "SELECT kam FROM customers WHERE code = ?", "s",
                         jstr(r, "customer")) < 0
                     ? -1
                     : 0;
            if (rc == 0 && kam)
                rc = notify(c, e, "statement_semiannual", kam, number, NULL,
                            "半年对账单%s（%s，截至%s）已生成，请于%s前取得客户确认并报告",
                            number, jstr(r, "customer"), ts, h == '1' ? "7月15日" : "1月15日");
            free(kam);
        }
    }
    json_decref(rows);
    return rc < 0 ? -1 : 0;
}
