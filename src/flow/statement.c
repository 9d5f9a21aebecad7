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

#include "core/calendar.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/str.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "report/statement.h"
#include "rules/billing.h"
#include "rules/statement.h"
#include "store/order.h"
#include "store/recipients.h"
#include "store/settings.h"
#include "store/statement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT_CUTOFF_DAY 25 /* numbering-and-rules.md §9 account_cutoff_day */

/* The aggregate the kernel holds: the statement and the facts of its customer. */
struct sdoc {
    struct statement_doc s;
    struct order_customer cu;
};

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct sdoc *d = calloc(1, sizeof *d);
    int rc = store_statement_load(c->db, e, number, &d->s);
    if (rc == 1)
        rc = scope_money_sees(c, d->s.customer, &d->cu, e);
    if (rc <= 0) {
        store_statement_release(&d->s);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void sfree(void *p)
{
    struct sdoc *d = p;
    store_statement_release(&d->s);
    free(d);
}

static int sstate(const void *p)
{
    return doc_state_parse(&statement_doc, ((const struct sdoc *)p)->s.state);
}
static int64_t sversion(const void *p)
{
    return ((const struct sdoc *)p)->s.version;
}

/* flows.md §4.5: the KAM obtains the confirmation and reports it; the matrix row of the reply
   lets ssg_leader and csr record it, but only the customer's KAM reports. */
static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    (void)c;
    const struct sdoc *d = p;
    if (a == DZA_REPORT && (actor->role != ROLE_KAM || !is(actor->who, d->cu.kam)))
        return err_forbidden(e, "role", "only the customer's KAM reports the reconciliation");
    return 0;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct statement_doc *s = &((struct sdoc *)p)->s;
    json_t *tl = flow_doc_timeline(c, e, "statement_events", "statement", s->number);
    if (!tl)
        return -1;
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(s->number));
    json_object_set_new(o, "customer", json_string(s->customer));
    json_object_set_new(o, "customer_name", json_string(s->customer_name));
    json_object_set_new(o, "kind", json_string(s->kind));
    json_object_set_new(o, "period_from", json_string(s->period_from));
    json_object_set_new(o, "period_to", json_string(s->period_to));
    json_object_set_new(o, "opening_fen", json_integer(s->opening_fen));
    json_object_set_new(o, "debits_fen", json_integer(s->debits_fen));
    json_object_set_new(o, "credits_fen", json_integer(s->credits_fen));
    json_object_set_new(o, "closing_fen", json_integer(s->closing_fen));
    json_object_set(o, "entries", s->entries);
    json_object_set_new(o, "state", json_string(s->state));
    json_object_set_new(o, "sent_at", flow_json_ts(c, s->sent_at));
    json_object_set_new(o, "response", json_string(s->response));
    json_object_set_new(o, "difference_fen",
                        s->has_difference ? json_integer(s->difference_fen) : json_null());
    json_object_set_new(o, "difference_note", flow_json_str(s->difference_note));
    json_object_set_new(o, "replied_at", flow_json_ts(c, s->replied_at));
    json_object_set_new(o, "replied_by", flow_json_str(s->replied_by));
    json_object_set_new(o, "reported_to_mm_at", flow_json_ts(c, s->reported_to_mm_at));
    json_object_set_new(o, "reported_to_finance_at", flow_json_ts(c, s->reported_to_finance_at));
    json_object_set_new(o, "version", json_integer(s->version));
    json_object_set_new(o, "created_at", flow_json_ts(c, s->created_at));
    json_object_set_new(o, "created_by", json_string(s->created_by));
    json_object_set_new(o, "updated_at", flow_json_ts(c, s->updated_at));
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

/* Takes the snapshot and writes the document, its first event and the audit row. */
static int generate(struct ctx *c, const char *customer, const char *kind, date_t from, date_t to,
                    const char *by, char number[DOCNO_MAX], struct osb_err *e)
{
    struct statement_doc s = {0};
    date_format(from, s.period_from);
    date_format(to, s.period_to);
    struct ledger_figures f;
    if (ledger_figures(c, customer, s.period_from, s.period_to, &f, e) < 0)
        return -1;
    str_field(s.customer, sizeof s.customer, customer, "customer");
    str_field(s.kind, sizeof s.kind, kind, "kind");
    str_field(s.created_by, sizeof s.created_by, by, "created_by");
    s.opening_fen = f.opening_fen;
    s.debits_fen = f.debits_fen;
    s.credits_fen = f.credits_fen;
    s.closing_fen = f.closing_fen;
    s.entries = f.entries;
    s.created_at = c->now;
    int rc = -1;
    if (flow_docno(c, e, "DZ", s.number) < 0 || store_statement_insert(c->db, e, &s) < 0 ||
        flow_doc_event(c, e, "statement_events", "statement", s.number, "generate", NULL,
                       "generated", NULL) < 0)
        goto out;
    str_field(number, DOCNO_MAX, s.number, "number");
    json_t *after = json_pack("{ss ss ss ss sI}", "kind", kind, "customer", customer, "period_from",
                              s.period_from, "period_to", s.period_to, "closing_fen",
                              (json_int_t)f.closing_fen);
    rc = flow_audit(c, e, "generate", "statement", s.number, NULL, after);
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
static const struct record_def create_def = {"statements", "number", "statement", create_fields, 5};

int statement_doc_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    if (flow_need(c, P_STATEMENT_SEND, e) < 0 || record_check(&create_def, body, true, &n, e) < 0)
        return -1;
    int rc = -1;
    const char *customer = jstr(n, "customer"), *kind = jstr(n, "kind");
    int sees = scope_money_sees(c, customer, NULL, e);
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
            in = d > ACCOUNT_CUTOFF_DAY
                     ? date_from_ymd(y, m, ACCOUNT_CUTOFF_DAY)
                     : date_from_ymd(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, ACCOUNT_CUTOFF_DAY);
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
    rc = statement_doc_get_json(c, number, out, e);
out:
    json_decref(n);
    return rc;
}

/* ---- actions ----------------------------------------------------------------------------- */

static int a_send(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct sdoc *d = x->doc;
    d->s.sent_at = x->c->now;
    d->s.sent_changed = true;
    return 0;
}

static int reply(struct doc_act *x, const char *response, struct osb_err *e)
{
    struct sdoc *d = x->doc;
    json_t *df = json_object_get(x->body, "difference_fen");
    json_t *dn = json_object_get(x->body, "difference_note");
    bool dispute = strcmp(response, "disputed") == 0;
    if (dispute) {
        if (!df)
            return err_invalid(e, "difference_fen", "required",
                               "how much does the customer's account differ?");
        if (!json_is_integer(df))
            return err_bad(e, "difference_fen", "difference_fen must be an integer (fen)");
        if (json_integer_value(df) == 0)
            return err_invalid(e, "difference_fen", "zero_amount",
                               "a dispute has a non-zero difference");
        if (json_integer_value(df) > MONEY_MAX_FEN || json_integer_value(df) < -MONEY_MAX_FEN)
            return err_invalid(e, "difference_fen", "amount_too_large",
                               "a difference is at most 10^13 fen either way");
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
    str_field(d->s.response, sizeof d->s.response, response, "response");
    d->s.has_difference = true;
    d->s.difference_fen = dispute ? json_integer_value(df) : 0;
    free(d->s.difference_note);
    d->s.difference_note = dispute ? strdup(json_string_value(dn)) : NULL;
    d->s.replied_at = x->c->now;
    STR_COPY_ARRAY(d->s.replied_by, x->c->user.username);
    d->s.reply_changed = true;
    return 0;
}

static int a_confirm(struct doc_act *x, struct osb_err *e)
{
    return reply(x, "confirmed", e);
}
static int a_dispute(struct doc_act *x, struct osb_err *e)
{
    return reply(x, "disputed", e);
}

static int a_report(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct sdoc *d = x->doc;
    d->s.reported_to_mm_at = d->s.reported_to_finance_at = x->c->now;
    d->s.reported_changed = true;
    return 0;
}

/* The notices of an action, after its save: sent to the customer's KAM (flows.md §4.1 BC7);
   the reconciliation's result to the MM and finance (§4.5). */
static int tell(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct sdoc *d = x->doc;
    if (x->action == DZA_SEND)
        return notify(c, e, "statement_sent", d->cu.kam, d->s.number, NULL,
                      "对账单%s（%s）已发送，请取得客户确认", d->s.number, d->cu.code);
    if (x->action != DZA_REPORT)
        return 0;
    json_t *readers = store_mm_and_finance(c->db, e, d->cu.market);
    if (!readers)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(readers, i, u) if (rc == 0) rc =
        notify(c, e, "statement_reported", json_string_value(u), d->s.number, NULL,
               "对账单%s（%s）对账结果：%s", d->s.number, d->cu.code,
               is(d->s.response, "confirmed") ? "客户已确认" : "客户有差异");
    json_decref(readers);
    return rc;
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct sdoc *d = x->doc;
    if (store_statement_save(x->c->db, e, &d->s, doc_state_str(&statement_doc, x->to), x->c->now) <
        0)
        return -1;
    return tell(x, e);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "statement_events", "statement",
                          ((struct sdoc *)x->doc)->s.number, t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static const doc_run_fn run[] = {[DZA_SEND] = a_send,
                                 [DZA_CONFIRM] = a_confirm,
                                 [DZA_DISPUTE] = a_dispute,
                                 [DZA_REPORT] = a_report};

static const struct doc_kind statement_kind = {
    .type = &statement_doc,
    .load = load,
    .free = sfree,
    .state = sstate,
    .version = sversion,
    .who = who,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const statement_doc_kind = &statement_kind;

int statement_doc_act(struct ctx *c, const char *number, const char *action, json_t *body,
                      json_t **out, struct osb_err *e)
{
    return doc_act(c, &statement_kind, number, action, body, out, e);
}

int statement_doc_get_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &statement_kind, number, out, e);
}

int statement_doc_get(struct ctx *c, const char *number, const char *format,
                      struct statement_out *out, struct osb_err *e)
{
    memset(out, 0, sizeof *out);
    const char *fmt = format ? format : "json";
    if (strcmp(fmt, "json") && strcmp(fmt, "pdf") && strcmp(fmt, "xlsx"))
        return err_bad(e, "format", "format is json, pdf or xlsx");
    if (strcmp(fmt, "json") == 0)
        return statement_doc_get_json(c, number, &out->json, e);
    void *p = NULL;
    int rc = load(c, &statement_kind, number, &p, e);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no statement '%s'", number);
    const struct statement_doc *s = &((struct sdoc *)p)->s;
    size_t n = json_array_size(s->entries), i;
    struct stmt_item *items = xcalloc(n ? n : 1, sizeof *items);
    json_t *it;
    json_array_foreach(s->entries, i, it) items[i] = (struct stmt_item){
        jstr(it, "date"),      jstr(it, "kind"),       jstr(it, "document"),   jstr(it, "order"),
        jint(it, "debit_fen"), jint(it, "credit_fen"), jint(it, "balance_fen")};
    /* the generation date, in the company zone */
    char generated[11], created[32];
    ts_format_rfc3339(s->created_at, c->cfg->tz_min, created);
    /* the date part, YYYY-MM-DD, of an RFC 3339 time: 10 bytes and the NUL */
    (void)str_fmt(generated, sizeof generated, "%.10s", created);
    struct stmt_doc d = {"",
                         s->customer,
                         s->customer_name,
                         s->period_from,
                         s->period_to,
                         generated,
                         is(s->kind, "monthly") ? "account_month" : "calendar",
                         s->opening_fen,
                         s->debits_fen,
                         s->credits_fen,
                         s->closing_fen,
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
    sfree(p);
    return rc;
}

static const char *const kinds[] = {"monthly", "semiannual", "adhoc", NULL};
static const char *const responses[] = {"pending", "confirmed", "disputed", NULL};

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
    if (one_of(q->kind, kinds, "kind", e) < 0 ||
        one_of(q->response, responses, "response", e) < 0 ||
        doc_state_filter(&statement_doc, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see statements",
                             role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct statement_filter f = {q->customer, q->kind,  q->response, q->state,
                                 q->cursor,   q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_statement_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, statement_doc_get_json, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

/* ---- the timed jobs --------------------------------------------------------------------- */

/* One statement of kind for every customer that owes one for from..to (activity in it or a
   balance at its end, none of that kind made yet: a second run adds nothing); the KAM is told,
   and for a monthly one also the customer's own users (their inbox; notify() queues the e-mail
   twin where the user has an address). */
static int job_generate(struct ctx *c, const char *kind, date_t from, date_t to, char half,
                        struct osb_err *e)
{
    char fs[11], ts[11];
    date_format(from, fs);
    date_format(to, ts);
    bool monthly = strcmp(kind, "monthly") == 0;
    json_t *due = store_statement_due(c->db, e, kind, fs, ts);
    if (!due)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(due, i, r)
    {
        const char *code = json_string_value(r);
        char number[DOCNO_MAX];
        if (rc == 0)
            rc = generate(c, code, kind, from, to, "system", number, e);
        if (rc == 0) {
            struct order_customer cu;
            int f = store_order_customer(c->db, e, code, &cu);
            rc = f < 0 ? -1 : 0;
            if (f == 1 && *cu.kam)
                rc = monthly
                         ? notify(c, e, "statement_monthly", cu.kam, number, NULL,
                                  "月度对账单%s（%s，账期%s至%s）已生成", number, code, fs, ts)
                         : notify(c, e, "statement_semiannual", cu.kam, number, NULL,
                                  "半年对账单%s（%s，截至%s）已生成，请于%s前取得客户确认并报告",
                                  number, code, ts, half == '1' ? "7月15日" : "1月15日");
        }
        if (rc == 0 && monthly) {
            json_t *inbox = store_customer_users(c->db, e, code);
            size_t k;
            json_t *u;
            if (!inbox)
                rc = -1;
            json_array_foreach(inbox, k, u) if (rc == 0) rc =
                notify(c, e, "statement_monthly", json_string_value(u), number, NULL,
                       "您%s至%s的月度对账单%s已生成", fs, ts, number);
            json_decref(inbox);
        }
    }
    json_decref(due);
    return rc < 0 ? -1 : 0;
}

int statement_job_semiannual(struct ctx *c, const char *period, struct osb_err *e)
{
    int y;
    char h;
    if (sscanf(period, "%4d-H%c", &y, &h) != 2 || (h != '1' && h != '2'))
        return err_set(e, ERR_INTERNAL, "bad half-year period '%s'", period);
    date_t from = date_from_ymd(y, h == '1' ? 1 : 7, 1);
    date_t to = date_from_ymd(y, h == '1' ? 6 : 12, h == '1' ? 30 : 31);
    /* Activity in the half-year, or a balance at its end (flows.md §4.5). */
    return job_generate(c, "semiannual", from, to, h, e);
}

int statement_job_monthly(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (sscanf(period, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
        return err_set(e, ERR_INTERNAL, "bad month period '%s'", period);
    /* Account month M of period: the 26th of M−1 to the 25th of M (flows.md §4.6). */
    date_t from, to;
    billing_account_month(date_from_ymd(y, m, ACCOUNT_CUTOFF_DAY), ACCOUNT_CUTOFF_DAY, &from, &to);
    return job_generate(c, "monthly", from, to, 0, e);
}

/* The reminder days: the working days from the third working day before the cut-off day up to
   the cut-off day itself (when that is a working day). */
static bool cutoff_reminder_day(const struct calendar *cal, date_t today, date_t cutoff)
{
    if (today > cutoff || !cal_is_working(cal, today))
        return false;
    date_t first = cutoff;
    for (int n = 0, guard = 0; n < 3 && guard < 60; guard++)
        if (cal_is_working(cal, --first))
            n++;
    return today >= first;
}

int statement_job_cutoff_reminders(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    date_t today = flow_today(c);
    int y, m, d;
    date_to_ymd(today, &y, &m, &d);
    date_t cutoff = date_from_ymd(y, m, ACCOUNT_CUTOFF_DAY);
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    bool remind = cutoff_reminder_day(&cal, today, cutoff);
    settings_calendar_release(&cal);
    if (!remind)
        return 0;
    json_t *readers = store_finance_and_bcrs(c->db, e);
    if (!readers)
        return -1;
    char cs[11], doc[16], key[64];
    date_format(cutoff, cs);
    period_format(y, m, doc);
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(readers, i, u) if (rc == 0)
    {
        /* one notice a user a day, however often the job is run */
        if (str_fmt(key, sizeof key, "account_cutoff:%s:%s:%d", doc, json_string_value(u), d) < 0)
            rc = err_set(e, ERR_INTERNAL, "internal error: dedup key");
        else
            rc = notify(c, e, "account_cutoff", json_string_value(u), doc, key,
                        "本账期将于%s（%d日）截账，请完成本月对账、开票与收款确认", cs,
                        ACCOUNT_CUTOFF_DAY);
    }
    json_decref(readers);
    return rc < 0 ? -1 : 0;
}
