/*
 * ledger.c — the customer ledger, statements and aging (flow/ledger.h). Reads only.
 */
#include "flow/ledger.h"
#include "store/settings.h"

#include "core/json.h"
#include "core/money.h"
#include "core/sb.h"
#include "flow/flow.h"
#include "flow/scope.h"
#include "report/statement.h"
#include "rules/billing.h"
#include "store/ledger.h"

#include <stdlib.h>
#include <string.h>

#define ACCOUNT_CUTOFF_DAY 25 /* numbering-and-rules.md §9 account_cutoff_day */

static int see_customer(struct ctx *c, const char *customer, struct osb_err *e)
{
    int rc = scope_money_sees(c, customer, NULL, e);
    if (rc < 0)
        return -1;
    return rc == 0 ? err_set(e, ERR_NOT_FOUND, "no customer '%s'", customer) : 0;
}

static int opt_date(const char *s, const char *field, date_t *out, struct osb_err *e)
{
    if (s && !date_parse(s, out))
        return err_bad(e, field, "%s must be a date YYYY-MM-DD", field);
    return 0;
}

int ledger_get(struct ctx *c, const char *customer, const char *from, const char *to, json_t **out,
               struct osb_err *e)
{
    *out = NULL;
    date_t f = 0, t = 0;
    if (opt_date(from, "from", &f, e) < 0 || opt_date(to, "to", &t, e) < 0 ||
        see_customer(c, customer, e) < 0)
        return -1;
    json_t *items = store_ledger_entries(c->db, e, customer, from, to);
    if (!items)
        return -1;
    *out =
        json_pack("{ss so so}", "customer", customer, "items", items, "next_cursor", json_null());
    return 0;
}

static void account_month(date_t d, date_t *first, date_t *last)
{
    billing_account_month(d, ACCOUNT_CUTOFF_DAY, first, last);
}

static int period(struct ctx *c, const struct statement_query *q, date_t *from, date_t *to,
                  bool *acct, struct osb_err *e)
{
    *acct = false;
    if (q->basis && strcmp(q->basis, "calendar") && strcmp(q->basis, "account_month"))
        return err_bad(e, "basis", "basis is calendar or account_month");
    *acct = q->basis && strcmp(q->basis, "account_month") == 0;
    date_t today = flow_today(c);
    if (q->month) {
        int y, m;
        char extra;
        if (!*acct)
            return err_bad(e, "month", "month goes with basis=account_month");
        if (sscanf(q->month, "%4d-%2d%c", &y, &m, &extra) != 2 || m < 1 || m > 12 ||
            !date_valid_ymd(y, m, 1) || strlen(q->month) != 7)
            return err_bad(e, "month", "month must be YYYY-MM");
        date_t first, last;
        account_month(date_from_ymd(y, m, 1), &first, &last);
        *from = first;
        *to = last;
        return 0;
    }
    int y, m, d;
    date_to_ymd(today, &y, &m, &d);
    *from = date_from_ymd(y, m, 1);
    *to = today;
    if (opt_date(q->from, "from", from, e) < 0 || opt_date(q->to, "to", to, e) < 0)
        return -1;
    if (*acct) {
        date_t first, last;
        account_month(q->from ? *from : today, &first, &last);
        *from = first;
        account_month(q->to ? *to : today, &first, &last);
        *to = last;
    }
    if (*to < *from)
        return err_invalid(e, "to", "date_out_of_range", "to is before from");
    return 0;
}

int statement_get(struct ctx *c, const char *customer, const struct statement_query *q,
                  struct statement_out *out, struct osb_err *e)
{
    memset(out, 0, sizeof *out);
    const char *fmt = q->format ? q->format : "json";
    if (strcmp(fmt, "json") && strcmp(fmt, "pdf") && strcmp(fmt, "xlsx"))
        return err_bad(e, "format", "format is json, pdf or xlsx");
    date_t from, to;
    bool acct;
    if (period(c, q, &from, &to, &acct, e) < 0 || see_customer(c, customer, e) < 0)
        return -1;
    char fs[11], ts[11], today[11];
    date_format(from, fs);
    date_format(to, ts);
    date_format(flow_today(c), today);
    int64_t opening = 0;
    char *name = NULL;
    if (store_ledger_opening(c->db, e, customer, fs, &opening) < 0 ||
        store_customer_name(c->db, e, customer, &name) < 0)
        return -1;
    json_t *rows = store_ledger_period(c->db, e, customer, fs, ts, true);
    if (!rows) {
        free(name);
        return -1;
    }
    size_t n = json_array_size(rows), i;
    struct stmt_item *items = xcalloc(n ? n : 1, sizeof *items);
    int64_t bal = opening, debits = 0, credits = 0, cash = 0, expense = 0;
    bool overflow = false;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        int64_t d = jint(it, "debit_fen"), cr = jint(it, "credit_fen");
        overflow = overflow || !money_add(bal, d, &bal) || !money_sub(bal, cr, &bal) ||
                   !money_add(debits, d, &debits) || !money_add(credits, cr, &credits);
        const char *pk = jstr(it, "payment_kind");
        if (pk && strcmp(pk, "expense") == 0)
            overflow = overflow || !money_add(expense, cr, &expense);
        else if (pk)
            overflow = overflow || !money_add(cash, cr, &cash);
        json_object_set_new(it, "balance_fen", json_integer(bal));
        json_object_del(it, "payment_kind");
        items[i] = (struct stmt_item){jstr(it, "date"),
                                      jstr(it, "kind"),
                                      jstr(it, "document"),
                                      jstr(it, "order"),
                                      d,
                                      cr,
                                      bal};
    }
    int rc = 0;
    if (overflow) {
        rc = err_invalid(e, "amount_fen", "amount_overflow", "the statement overflows");
    } else if (strcmp(fmt, "json") == 0) {
        out->json = json_pack("{ss ss ss ss ss sI sO sI sI sI sI sI}", "customer", customer,
                              "customer_name", name ? name : "", "from", fs, "to", ts, "basis",
                              acct ? "account_month" : "calendar", "opening_fen",
                              (json_int_t)opening, "items", rows, "closing_fen", (json_int_t)bal,
                              "debits_fen", (json_int_t)debits, "credits_fen", (json_int_t)credits,
                              "cash_fen", (json_int_t)cash, "expense_fen", (json_int_t)expense);
    } else {
        /* the issuing company (settings company_name) heads the statement and its stamp */
        char *company = settings_get(c->db, "company_name", "");
        struct stmt_doc d = {company ? company : "",
                             customer,
                             name ? name : "",
                             fs,
                             ts,
                             today,
                             acct ? "account_month" : "calendar",
                             opening,
                             debits,
                             credits,
                             bal,
                             cash,
                             expense,
                             items,
                             n};
        bool pdf = strcmp(fmt, "pdf") == 0;
        rc = pdf ? report_statement_pdf(&d, &out->raw, &out->raw_len, e)
                 : report_statement_xlsx(&d, &out->raw, &out->raw_len, e);
        out->raw_type = pdf ? "application/pdf"
                            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        free(company);
    }
    free(items);
    free(name);
    json_decref(rows);
    return rc;
}

int ledger_figures(struct ctx *c, const char *customer, const char *from, const char *to,
                   struct ledger_figures *out, struct osb_err *e)
{
    memset(out, 0, sizeof *out);
    int64_t opening = 0;
    if (store_ledger_opening(c->db, e, customer, from, &opening) < 0)
        return -1;
    json_t *rows = store_ledger_period(c->db, e, customer, from, to, false);
    if (!rows)
        return -1;
    int64_t bal = opening, debits = 0, credits = 0;
    bool overflow = false;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        int64_t d = jint(it, "debit_fen"), cr = jint(it, "credit_fen");
        overflow = overflow || !money_add(bal, d, &bal) || !money_sub(bal, cr, &bal) ||
                   !money_add(debits, d, &debits) || !money_add(credits, cr, &credits);
        json_object_set_new(it, "balance_fen", json_integer(bal));
    }
    if (overflow) {
        json_decref(rows);
        return err_invalid(e, "amount_fen", "amount_overflow", "the statement overflows");
    }
    *out = (struct ledger_figures){opening, debits, credits, bal, rows};
    return 0;
}

int aging_get(struct ctx *c, const char *as_of, const char *market, const char *region,
              json_t **out, struct osb_err *e)
{
    *out = NULL;
    date_t d = flow_today(c);
    if (opt_date(as_of, "as_of", &d, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see receivables by customer",
                             role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *items = store_aging(c->db, e, &su, d, market, region);
    if (!items)
        return -1;
    char ds[11];
    date_format(d, ds);
    json_t *tot = json_object();
    static const char *const keys[] = {"current_fen", "d1_30_fen",    "d31_60_fen",
                                       "d61_90_fen",  "d90_plus_fen", "total_fen"};
    for (size_t k = 0; k < 6; k++) {
        int64_t s = 0;
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) s += jint(it, keys[k]);
        json_object_set_new(tot, keys[k], json_integer(s));
    }
    *out = json_pack("{ss so so}", "as_of", ds, "items", items, "totals", tot);
    return 0;
}
