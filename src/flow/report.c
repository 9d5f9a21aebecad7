/*
 * report.c (flow) — the report engine (flow/report.h). The table below is the ONE list of
 * the reports of this build: a definition (what the report is, rules/report_defs.c) and its
 * query (store/report*.c). Adding a report is adding a definition, a query and one line
 * here (docs/reports.md); nothing else in this file knows any report by name.
 */
#include "flow/report.h"

#include "core/date.h"
#include "core/json_out.h"
#include "core/money.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/meeting.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "report/table.h"
#include "rules/money_view.h"
#include "rules/report.h"
#include "store/osb_issue.h"
#include "store/report.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

/* A report computed in flow/ from other flows' figures (the OSB meeting report reads the KPIs):
   the same rows as a store query answers. */
typedef json_t *(*report_flow_fn)(struct ctx *c, struct osb_err *e, const struct report_params *p);

struct report {
    const struct report_def *def;
    report_query_fn query;
    report_flow_fn flow_query; /* instead of query */
};

static json_t *meeting_rows(struct ctx *c, struct osb_err *e, const struct report_params *p)
{
    char month[8];
    memcpy(month, p->period ? p->period : p->from, 7);
    month[7] = 0;
    json_t *rows = NULL;
    return osb_meeting_rows(c, month, p->market, &rows, e) < 0 ? NULL : rows;
}

/* The most-used first (kpis-and-reports.md §4.1, then §4.2–§4.5): GET /reports lists them
   in this order. */
static const struct report reports[] = {
    {&report_weekly_sales, store_report_sales, NULL},
    {&report_monthly_sales, store_report_sales, NULL},
    {&report_regional_sales, store_report_regional, NULL},
    {&report_distributor_purchases, store_report_purchases, NULL},
    {&report_osb_daily_status, store_report_daily_status, NULL},
    {&report_logistics_info, store_report_logistics, NULL},
    {&report_replenishment_record, store_report_replenishment, NULL},
    {&report_receivables_record, store_report_receivables, NULL},
    {&report_overdue_list, store_report_overdue, NULL},
    {&report_collection_rate, store_report_collection, NULL},
    {&report_customer_business_report, store_report_business, NULL},
    {&report_sales_by, store_report_sales_by, NULL},
    {&report_sales_ranking, store_report_salespeople, NULL},
    {&report_customer_composition, store_report_composition, NULL},
    {&report_commission_base, store_report_salespeople, NULL},
    {&report_quota_utilisation, store_report_quota, NULL},
    {&report_stock_by_batch, store_report_stock, NULL},
    {&report_batch_trace, store_report_batch_trace, NULL},
    {&report_backorders, store_report_backorders, NULL},
    {&report_order_shipment_check, store_report_order_check, NULL},
    {&report_incomplete_archives, store_report_archives, NULL},
    {&report_risk_indicators, store_report_risk, NULL},
    {&report_internal_audit, store_report_audit, NULL},
    /* the second-wave modules (rules/report_modules.c, store/report_modules.c) */
    {&report_contract_ledger, store_report_contracts, NULL},
    {&report_market_expenses_vs_budget, store_report_expenses, NULL},
    {&report_distributor_inventory_summary, store_report_inventory, NULL},
    {&report_pop_and_samples, store_report_pop_samples, NULL},
    {&report_credit_grade_list, store_report_grades, NULL},
    {&report_quotation_register, store_report_quotations, NULL},
    {&report_after_sales, store_report_after_sales, NULL},
    /* the monthly management reports (rules/report_monthly.c) */
    {&report_distributor_management_monthly, store_report_distributor_monthly, NULL},
    {&report_osb_meeting_report, NULL, meeting_rows},
    /* field sales (issue #13: rules/report_defs.c, store/report_field.c) */
    {&report_weekly_work_plan, store_report_weekly_plan, NULL},
    {&report_monthly_work_plan, store_report_monthly_plan, NULL},
    {&report_salesperson_weekly, store_report_salesperson, NULL},
    {&report_salesperson_monthly, store_report_salesperson, NULL},
    {&report_market_weekly, store_report_market_visits, NULL},
    {&report_market_monthly, store_report_market_visits, NULL},
    {&report_target_customer_info, store_report_target_customers, NULL},
    {&report_key_customer_followup, store_report_key_customers, NULL},
    {&report_forecast_vs_actual, store_report_forecast_actual, NULL},
    {&report_plan_vs_actual, store_report_plan_actual, NULL},
    /* the collection routine (rules/report_collection.c, store/report_collection.c) */
    {&report_daily_receipts, store_report_daily_receipts, NULL},
    {&report_cash_vs_expense, store_report_cash_expense, NULL},
    {&report_prepayments, store_report_prepayments, NULL},
    {&report_weekly_call_list, store_report_call_list, NULL},
    {&report_dso_trend, store_report_dso, NULL},
};

#define NREPORTS (sizeof reports / sizeof reports[0])

static const struct report *find(const char *name)
{
    for (size_t i = 0; i < NREPORTS; i++)
        if (strcmp(reports[i].def->name, name) == 0)
            return &reports[i];
    return NULL;
}

const struct report_def *report_at(size_t i, report_query_fn *query)
{
    if (i >= NREPORTS)
        return NULL;
    *query = reports[i].query;
    return reports[i].def;
}

static const struct {
    const char *name;
    unsigned filter;
} param_names[] = {
    {"from", RF_RANGE},          {"to", RF_RANGE},          {"market", RF_MARKET},
    {"region", RF_REGION},       {"customer", RF_CUSTOMER}, {"as_of", RF_AS_OF},
    {"dimension", RF_DIMENSION}, {"sku", RF_SKU},           {"batch", RF_BATCH},
    {"period", RF_PERIOD},       {"from", RF_SPAN},         {"to", RF_SPAN},
};

int report_list(struct ctx *c, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    json_t *items = json_array();
    for (size_t i = 0; i < NREPORTS; i++) {
        const struct report_def *d = reports[i].def;
        json_t *filters = json_array();
        for (size_t k = 0; k < sizeof param_names / sizeof param_names[0]; k++)
            if (d->filters & param_names[k].filter)
                json_array_append_new(filters, json_string(param_names[k].name));
        /* filters (beyond the pinned four): the query parameters the report takes, so that a
           client (the web page) offers only those */
        json_array_append_new(items, json_pack("{ss ss ss s[sss] so}", "name", d->name, "title_zh",
                                               d->title_zh, "title_en", d->title_en, "formats",
                                               "json", "csv", "xlsx", "filters", filters));
    }
    *out = json_pack("{so}", "items", items);
    return 0;
}

/* ---- rights --------------------------------------------------------------------------- */

static int may_open(struct ctx *c, const struct report_def *d, struct osb_err *e)
{
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    enum role r = c->user.role;
    if ((d->flags & REPORT_MONEY) && !scope_role_reads_money(r))
        return err_forbidden(e, "role", "the role %s does not see customers' money", role_str(r));
    if ((d->flags & REPORT_AUDIT) && !perm_may_read(P_AUDIT_READ, r))
        return err_forbidden(e, "role", "the role %s does not read the audit trail", role_str(r));
    if ((d->flags & REPORT_QUOTA) && !perm_reads_quota(r))
        return err_forbidden(e, "role", "the role %s does not read quotas", role_str(r));
    return 0;
}

/* ---- parameters ----------------------------------------------------------------------- */

struct run {
    const struct report *rep;
    struct report_params p;
    struct scope_user u;
    const char *format;
    json_t *params; /* the effective parameters, for the answer and the export log */
    bool tree;      /* never the streaming writer (bench/reports_bench --compare) */
};

static const char *qstr(json_t *query, const char *k)
{
    return json_string_value(json_object_get(query, k));
}

static int parse_date(json_t *query, const char *k, date_t *out, bool *given, struct osb_err *e)
{
    const char *v = qstr(query, k);
    *given = v != NULL;
    if (v && !date_parse(v, out))
        return err_bad(e, k, "%s must be a date YYYY-MM-DD", k);
    return 0;
}

/* The RF_* flag of one of api.md §5.8's five pinned parameters, else 0. */
static unsigned pinned_filter(const char *k)
{
    static const char *const pinned[] = {"from", "to", "market", "region", "customer"};
    for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++)
        if (strcmp(k, pinned[i]) == 0)
            for (size_t j = 0; j < sizeof param_names / sizeof param_names[0]; j++)
                if (strcmp(k, param_names[j].name) == 0)
                    return param_names[j].filter;
    return 0;
}

static int read_params(struct ctx *c, struct run *x, json_t *query, struct osb_err *e)
{
    const struct report_def *d = x->rep->def;
    unsigned ignored = 0; /* the pinned parameters given that this report has no use for */
    const char *k;
    json_t *v;
    json_object_foreach(query, k, v)
    {
        /* api.md §5.8 pins from/to on every report: a snapshot report (as_of, no range) takes
           them too, its as_of then defaulting to `to` (below) */
        bool ok = strcmp(k, "format") == 0 ||
                  ((d->filters & RF_AS_OF) && (strcmp(k, "from") == 0 || strcmp(k, "to") == 0));
        for (size_t i = 0; !ok && i < sizeof param_names / sizeof param_names[0]; i++)
            ok = strcmp(k, param_names[i].name) == 0 && (d->filters & param_names[i].filter);
        /* api.md §5.8 pins from, to, market, region and customer on EVERY report: one that
           has no such dimension accepts it (its value still checked) and says it ignored it
           (params.ignored, docs/reports.md) */
        unsigned pin = pinned_filter(k);
        if (!ok && pin) {
            ok = true;
            ignored |= pin;
        }
        if (!ok)
            return err_bad(e, k, "unknown query parameter '%s' for report %s", k, d->name);
        if (!json_is_string(v) || !*json_string_value(v))
            return err_bad(e, k, "%s must not be empty", k);
    }
    x->format = qstr(query, "format") ? qstr(query, "format") : "json";
    if (strcmp(x->format, "json") && strcmp(x->format, "csv") && strcmp(x->format, "xlsx"))
        return err_bad(e, "format", "format is json, csv or xlsx");

    date_t today = flow_today(c), from, to, as_of = today;
    bool has_from, has_to, has_as_of;
    if (parse_date(query, "from", &from, &has_from, e) < 0 ||
        parse_date(query, "to", &to, &has_to, e) < 0 ||
        parse_date(query, "as_of", &as_of, &has_as_of, e) < 0)
        return -1;
    /* a snapshot report's as_of defaults to to; a report that takes from/to only as a filter
       (RF_SPAN: backorders' age) stays as of today */
    if (has_to && !has_as_of && (d->filters & RF_AS_OF) && !(d->filters & RF_RANGE))
        as_of = to;
    date_t anchor = has_from ? from : has_to ? to : today;
    int y, m, dd;
    date_to_ymd(anchor, &y, &m, &dd);
    if (d->default_days == REPORT_PREVIOUS_MONTH && !has_from && !has_to) {
        if (--m == 0)
            m = 12, y--;
    }
    /* the default range: the week (Monday–Sunday) or the month holding from, to or today */
    date_t start =
        d->default_days == 7 ? anchor - (date_weekday(anchor) - 1) : date_from_ymd(y, m, 1);
    date_t end = d->default_days == 7 ? start + 6 : date_from_ymd(y, m, date_days_in_month(y, m));
    if (!has_from)
        from = has_to && to < start ? to : start;
    if (!has_to)
        to = has_from && from > end ? from : end;
    if (from > to)
        return err_bad(e, "from", "from is after to");
    date_format(from, x->p.from);
    date_format(to, x->p.to);
    date_format(as_of, x->p.as_of);
    x->p.range_given = (has_from || has_to) && !(ignored & RF_RANGE);
    x->p.from_ts = date_start_ts(from, c->cfg->tz_min);
    x->p.to_ts = date_start_ts(to + 1, c->cfg->tz_min);
    x->p.tz_min = c->cfg->tz_min;
    /* an ignored parameter reaches no query */
    x->p.market = ignored & RF_MARKET ? NULL : qstr(query, "market");
    x->p.region = ignored & RF_REGION ? NULL : qstr(query, "region");
    x->p.customer = ignored & RF_CUSTOMER ? NULL : qstr(query, "customer");
    x->p.sku = qstr(query, "sku");
    x->p.batch = qstr(query, "batch");
    x->p.period = qstr(query, "period");
    int py, pm;
    if (x->p.period && !period_parse(x->p.period, &py, &pm))
        return err_bad(e, "period", "period must be YYYY-MM");
    if (x->p.period && d->default_days == REPORT_PREVIOUS_MONTH && !has_from && !has_to) {
        /* a monthly report asked for by period: the range is that month */
        from = date_from_ymd(py, pm, 1);
        to = date_from_ymd(py, pm, date_days_in_month(py, pm));
        date_format(from, x->p.from);
        date_format(to, x->p.to);
        x->p.from_ts = date_start_ts(from, c->cfg->tz_min);
        x->p.to_ts = date_start_ts(to + 1, c->cfg->tz_min);
    }
    if (d->filters & RF_DIMENSION) {
        static const char *const dims[] = {"market", "region", "salesperson", "product",
                                           "customer"};
        x->p.dimension = qstr(query, "dimension") ? qstr(query, "dimension") : "market";
        bool ok = false;
        for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
            ok = ok || strcmp(dims[i], x->p.dimension) == 0;
        if (!ok)
            return err_bad(e, "dimension",
                           "dimension is market, region, salesperson, product or customer");
    }
    if ((d->flags & REPORT_NEEDS_CUSTOMER) && !x->p.customer)
        return err_bad(e, "customer", "report %s needs customer=", d->name);
    ctx_scope_user(c, &x->u);
    x->p.u = &x->u;

    x->params = json_object();
    if ((d->filters & RF_RANGE) || ((d->filters & RF_SPAN) && x->p.range_given)) {
        json_object_set_new(x->params, "from", json_string(x->p.from));
        json_object_set_new(x->params, "to", json_string(x->p.to));
    }
    if (d->filters & RF_AS_OF)
        json_object_set_new(x->params, "as_of", json_string(x->p.as_of));
    static const char *const keep[] = {"market", "region", "customer", "dimension",
                                       "sku",    "batch",  "period"};
    const char *vals[] = {x->p.market, x->p.region, x->p.customer, x->p.dimension,
                          x->p.sku,    x->p.batch,  x->p.period};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (vals[i])
            json_object_set_new(x->params, keep[i], json_string(vals[i]));
    json_object_set_new(x->params, "format", json_string(x->format));
    if (ignored) {
        static const char *const names[] = {"from", "to", "market", "region", "customer"};
        json_t *list = json_array();
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if ((ignored & pinned_filter(names[i])) && qstr(query, names[i]))
                json_array_append_new(list, json_string(names[i]));
        json_object_set_new(x->params, "ignored", list);
    }
    return 0;
}

/* ---- computed columns and totals ------------------------------------------------------ */

static int64_t ival(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

/* The totals row of sums sum[k] of the RK_INT and RK_MONEY columns (exact: 128-bit, then
   checked against the int64 range), RK_BP and RK_SHARE computed from them; NULL with e set. */
static json_t *totals_of(const struct report_def *d, const __int128 *sum, struct osb_err *e)
{
    json_t *totals = json_object();
    for (size_t k = 0; k < d->ncols; k++) {
        const struct report_column *col = &d->cols[k];
        if (col->kind != RK_INT && col->kind != RK_MONEY)
            continue;
        if (sum[k] > INT64_MAX || sum[k] < INT64_MIN) {
            json_decref(totals);
            err_set(e, ERR_INTERNAL, "the total of %s is out of range", col->key);
            return NULL;
        }
        json_object_set_new(totals, col->key, json_integer((json_int_t)sum[k]));
    }
    for (size_t k = 0; k < d->ncols; k++) {
        const struct report_column *col = &d->cols[k];
        if (col->kind == RK_BP && col->num)
            json_object_set_new(
                totals, col->key,
                json_integer(report_bp(ival(totals, col->num), ival(totals, col->den))));
        else if (col->kind == RK_SHARE)
            json_object_set_new(totals, col->key, json_integer(ival(totals, col->num) ? 10000 : 0));
    }
    return totals;
}

/* The totals row of the query's rows raw (totals_of over their sums), NULL on an error. */
static json_t *raw_totals(const struct report_def *d, json_t *raw, struct osb_err *e)
{
    __int128 *sum = xcalloc(d->ncols ? d->ncols : 1, sizeof *sum);
    size_t i;
    json_t *r;
    json_array_foreach(raw, i, r) for (size_t k = 0; k < d->ncols; k++)
    {
        const struct report_column *col = &d->cols[k];
        if (col->kind == RK_INT || col->kind == RK_MONEY)
            sum[k] += ival(r, col->key);
    }
    json_t *totals = totals_of(d, sum, e);
    free(sum);
    return totals;
}

/* Rows in the definition's column order with only its keys; RK_BP, RK_SHARE and RK_TIME
   filled; the totals (totals_of). */
static int shape(struct ctx *c, const struct report_def *d, json_t *raw, json_t **rows_out,
                 json_t **totals_out, struct osb_err *e)
{
    json_t *totals = raw_totals(d, raw, e);
    if (!totals)
        return -1;
    size_t i;
    json_t *r;
    json_t *rows = json_array();
    json_array_foreach(raw, i, r)
    {
        json_t *o = json_object();
        for (size_t k = 0; k < d->ncols; k++) {
            const struct report_column *col = &d->cols[k];
            json_t *v = json_object_get(r, col->key);
            if (col->kind == RK_BP && col->num)
                v = json_integer(report_bp(ival(r, col->num), ival(r, col->den)));
            else if (col->kind == RK_SHARE)
                v = json_integer(report_bp(ival(r, col->num), ival(totals, col->num)));
            else if (col->kind == RK_TIME)
                v = json_is_integer(v) ? flow_json_ts(c, ival(r, col->key)) : json_null();
            else
                v = v ? json_incref(v) : json_null();
            json_object_set_new(o, col->key, v);
        }
        json_array_append_new(rows, o);
    }
    *rows_out = rows;
    *totals_out = totals;
    return 0;
}

/* A column's kind for clients (beyond the pinned key and titles): how to show its values. */
static const char *const kind_names[] = {
    [RK_TEXT] = "text", [RK_DATE] = "date",     [RK_INT] = "int",    [RK_MONEY] = "money",
    [RK_BP] = "bp",     [RK_SHARE] = "bp",      [RK_LABEL] = "text", [RK_NUM] = "int",
    [RK_TIME] = "time", [RK_BALANCE] = "money",
};

static json_t *columns_json(const struct report_def *d)
{
    json_t *cols = json_array();
    for (size_t k = 0; k < d->ncols; k++)
        json_array_append_new(cols, json_pack("{ss ss ss ss}", "key", d->cols[k].key, "title_zh",
                                              d->cols[k].title_zh, "title_en", d->cols[k].title_en,
                                              "kind", kind_names[d->cols[k].kind]));
    return cols;
}

/* ---- exports -------------------------------------------------------------------------- */

static enum table_kind table_kind(enum report_kind k)
{
    switch (k) {
    case RK_INT:
    case RK_NUM:
        return TK_INT;
    case RK_MONEY:
    case RK_BALANCE:
        return TK_MONEY;
    case RK_BP:
    case RK_SHARE:
        return TK_BP;
    default:
        return TK_TEXT;
    }
}

/* numbering-and-rules §7.2: customer lists only for SLT, the SSG leader and admin; more than
   export_rows_needing_approval (500) customers in one file or more than exports_per_day (3)
   such files a day need an SLT approval first (POST /export-approvals), which this export then
   uses up. */
static int customer_list_limits(struct ctx *c, const char *report, size_t nrows, const char *number,
                                struct osb_err *e)
{
    if (flow_need(c, P_EXPORT_CUSTOMERS, e) < 0)
        return -1;
    int64_t max_rows = settings_int(c->db, "export_rows_needing_approval", 500, SETTINGS_INT_MAX);
    int64_t per_day = settings_int(c->db, "exports_per_day", 3, SETTINGS_INT_MAX), done = 0;
    ts_t day = date_start_ts(flow_today(c), c->cfg->tz_min);
    if (store_report_exports_since(c->db, e, c->user.username, day, &done) < 0)
        return -1;
    bool too_many = (int64_t)nrows > max_rows, too_often = done >= per_day;
    if (!too_many && !too_often)
        return 0;
    int took = store_report_approval_take(c->db, e, c->user.username, report, number);
    if (took != 0)
        return took < 0 ? -1 : 0;
    if (too_many)
        return err_invalid(e, "rows", "export_needs_approval",
                           "an export of %zu customers (more than %lld) needs an SLT approval",
                           nrows, (long long)max_rows);
    return err_invalid(e, "format", "export_needs_approval",
                       "more than %lld customer-list exports a day need an SLT approval",
                       (long long)per_day);
}

int report_export_approve(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (!role_is_slt(c->user.role))
        return err_forbidden(e, "role", "only an SLT member approves an export");
    json_t *u = json_object_get(body, "username"), *r = json_object_get(body, "report"),
           *n = json_object_get(body, "note");
    if (!json_is_string(u) || !json_is_string(r) || (n && !json_is_null(n) && !json_is_string(n)))
        return err_bad(e,
                       !json_is_string(u)   ? "username"
                       : !json_is_string(r) ? "report"
                                            : "note",
                       "username and report are strings, note an optional string");
    const struct report *rep = find(json_string_value(r));
    if (!rep || !(rep->def->flags & REPORT_CUSTOMER_LIST))
        return err_invalid(e, "report", "unknown_reference",
                           "%s is not a customer list that needs an approval",
                           json_string_value(r));
    int ok = store_report_user_exists(c->db, e, json_string_value(u));
    if (ok <= 0)
        return ok < 0 ? -1
                      : err_invalid(e, "username", "unknown_reference", "no active user %s",
                                    json_string_value(u));
    int64_t id;
    if (store_report_approval_insert(c->db, e, json_string_value(u), json_string_value(r),
                                     json_string_value(n), c->user.username, c->now, &id) < 0)
        return -1;
    json_t *a = json_pack("{sI ss ss so ss so so}", "id", (json_int_t)id, "username",
                          json_string_value(u), "report", json_string_value(r), "note",
                          flow_json_str(json_string_value(n)), "approved_by", c->user.username,
                          "created_at", flow_json_ts(c, c->now), "used_by", json_null());
    char key[24];
    if (str_fmt(key, sizeof key, "%lld", (long long)id) < 0 ||
        flow_audit(c, e, "approve", "export_approval", key, NULL, a) < 0) {
        json_decref(a);
        return -1;
    }
    *out = a;
    return 0;
}

/* The columns an export shows (the money a role must not see leaves the file with its
   column, as it leaves the JSON answer: a report of customers' rows is no aggregate), into
   cols (d->ncols places); their number. */
static size_t export_cols(struct ctx *c, const struct report_def *d, struct table_col *cols)
{
    bool per_customer = false;
    for (size_t k = 0; k < d->ncols; k++)
        per_customer = per_customer || strcmp(d->cols[k].key, "customer") == 0;
    size_t ncols = 0;
    for (size_t k = 0; k < d->ncols; k++)
        if (!money_view_hides(c->user.role, d->cols[k].key, !per_customer))
            cols[ncols++] = (struct table_col){d->cols[k].key, d->cols[k].title_zh,
                                               table_kind(d->cols[k].kind), d->cols[k].width};
    return ncols;
}

/* An export of nrows rows: its number (DC…) and watermark, the customer-list limits. */
static int export_open(struct ctx *c, struct run *x, size_t nrows, char number[40], struct sb *mark,
                       struct osb_err *e)
{
    const struct report_def *d = x->rep->def;
    if (flow_docno(c, e, "DC", number) < 0)
        return -1;
    if ((d->flags & REPORT_CUSTOMER_LIST) && customer_list_limits(c, d->name, nrows, number, e) < 0)
        return -1;
    char when[40];
    ts_format_rfc3339(c->now, c->cfg->tz_min, when);
    sb_addf(mark, "导出人 %s · 导出时间 %s · 导出编号 %s · 内部资料", c->user.username, when,
            number);
    return 0;
}

/* The export's log row and audit row (after its file was written). */
static int export_close(struct ctx *c, struct run *x, size_t nrows, const char *number,
                        const char *mark, struct osb_err *e)
{
    const struct report_def *d = x->rep->def;
    json_t *after = json_pack("{ss sO sI ss ss}", "report", d->name, "filters", x->params, "rows",
                              (json_int_t)nrows, "format", x->format, "watermark", mark);
    int rc = store_report_export_log(c->db, e, number, c->user.username, c->now, d->name, x->params,
                                     (int64_t)nrows, x->format,
                                     (d->flags & REPORT_CUSTOMER_LIST) ? 1 : 0, mark);
    if (rc == 0)
        rc = flow_audit(c, e, "export", "report", number, NULL, after);
    json_decref(after);
    return rc;
}

static const char *export_type(const char *format)
{
    return strcmp(format, "csv") == 0
               ? "text/csv; charset=utf-8"
               : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

static int export_file(struct ctx *c, struct run *x, json_t *rows, json_t *totals,
                       struct report_out *out, struct osb_err *e)
{
    const struct report_def *d = x->rep->def;
    char number[40];
    struct sb mark = SB_INIT;
    if (export_open(c, x, json_array_size(rows), number, &mark, e) < 0) {
        sb_free(&mark);
        return -1;
    }
    struct table_col *cols = xcalloc(d->ncols ? d->ncols : 1, sizeof *cols);
    size_t ncols = export_cols(c, d, cols);
    struct report_table t = {d->title_zh, cols, ncols, rows, totals, sb_str(&mark)};
    bool csv = strcmp(x->format, "csv") == 0;
    int rc = csv ? report_table_csv(&t, &out->raw, &out->raw_len, e)
                 : report_table_xlsx(&t, &out->raw, &out->raw_len, e);
    free(cols);
    if (rc == 0)
        rc = export_close(c, x, json_array_size(rows), number, sb_str(&mark), e);
    sb_free(&mark);
    if (rc < 0) {
        free(out->raw);
        out->raw = NULL;
        return -1;
    }
    out->raw_type = export_type(x->format);
    return 0;
}

/* ---- the streaming writer -------------------------------------------------------------- */

/* A row report's answer written as its rows are read (store_report_stream): each row straight
   into the JSON or CSV text in the definition's column order, with the computed columns and
   totals of shape() — the same bytes as the tree path (bench/reports_bench --compare holds
   them equal on every report and range), without a jansson object per row or a second tree
   to encode. A report with an RK_SHARE column needs its total before its rows: never here. */
struct stream {
    struct report_sink sink; /* first: what the store sees */
    struct ctx *c;
    const struct report_def *d;
    bool csv;
    const struct table_col *tcols; /* CSV: the columns the file shows … */
    size_t ntcols;
    size_t *tdef;   /* … and each one's definition column */
    int *at;        /* each definition column's place in the query's row (-1: none) */
    int *num, *den; /* RK_BP: its numerator's and denominator's places */
    bool mapped;
    __int128 *sum;
    size_t nrows;
    struct sb out;
    json_t *obj; /* the current row as dbq_object makes it (for a DBQ_OTHER value), or NULL */
    const struct report_cell *cells; /* the current row when made in C (q is NULL) … */
    int ncells;                      /* … and its cells */
    struct sb keys; /* JSON: each column's {"key": (the first) or ,"key": (keys.buf +
                       key_at[k], key_len[k] bytes), made once — its length kept, not a strlen
                       per cell (2.9 million rows of ten cells in daily_receipts a year at
                       1,000,000 orders) */
    size_t *key_at, *key_len;
};

/* sb_addn and sb_addc inline while the buffer has room (it doubles: nearly always): a row of
   ten cells is some twenty appends, and their calls were a tenth of daily_receipts' CPU a year
   at 1,000,000 orders. */
static inline void out_addn(struct sb *out, const char *p, size_t n)
{
    if (out->len + n + 1 > out->cap) {
        sb_addn(out, p, n);
        return;
    }
    sb_copy_short(out->buf + out->len, p, n);
    out->len += n;
    out->buf[out->len] = '\0';
}

static inline void out_addc(struct sb *out, char c)
{
    if (out->len + 2 > out->cap) {
        sb_addc(out, c);
        return;
    }
    out->buf[out->len++] = c;
    out->buf[out->len] = '\0';
}

/* v as "%lld" writes it (a row report has hundreds of thousands of figures: vsnprintf twice
   per figure in sb_addf was a tenth of writing them), two digits a step */
static void put_int(struct sb *out, int64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                "31323334353637383940414243444546474849505152535455565758596061"
                                "62636465666768697071727374757677787980818283848586878889909192"
                                "93949596979899";
    char b[24];
    size_t i = sizeof b;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    while (u >= 100) {
        size_t k = (size_t)(u % 100) * 2;
        u /= 100;
        b[--i] = pairs[k + 1];
        b[--i] = pairs[k];
    }
    if (u >= 10) {
        b[--i] = pairs[u * 2 + 1];
        b[--i] = pairs[u * 2];
    } else {
        b[--i] = (char)('0' + u);
    }
    if (v < 0)
        b[--i] = '-';
    out_addn(out, b + i, sizeof b - i);
}

/* The place of the query's column named key (as dbq_object names it: up to a '!', 63
   bytes; the last one of that name), or of the cell of that name, or -1. */
static int col_at(const struct stream *s, struct dbq *q, const char *key)
{
    if (!key)
        return -1;
    int at = -1;
    if (!s->cells && !q)
        return -1;
    if (s->cells) {
        for (int i = 0; i < s->ncells; i++)
            if (strcmp(s->cells[i].name, key) == 0)
                at = i;
        return at;
    }
    int n = dbq_cols(q);
    size_t len = strlen(key);
    for (int i = 0; i < n; i++) {
        const char *name = dbq_name(q, i), *bang = strchr(name, '!');
        size_t kl = bang ? (size_t)(bang - name) : strlen(name);
        if (kl > 63)
            kl = 63;
        if (kl == len && memcmp(name, key, len) == 0)
            at = i;
    }
    return at;
}

/* Column i's value as the row object holds it (borrowed; NULL when none). */
static json_t *row_value(struct stream *s, struct dbq *q, int i)
{
    if (!s->obj)
        s->obj = dbq_object(q);
    const char *name = dbq_name(q, i), *bang = strchr(name, '!');
    char key[64];
    size_t kl = bang ? (size_t)(bang - name) : strlen(name);
    if (kl >= sizeof key)
        kl = sizeof key - 1;
    memcpy(key, name, kl);
    key[kl] = '\0';
    return json_object_get(s->obj, key);
}

/* What column i of the current row is (a cell is never DBQ_OTHER: store_report_put). */
static enum dbq_kind cell_kind(const struct stream *s, struct dbq *q, int i)
{
    if (s->cells)
        return s->cells[i].is_int ? DBQ_INT : s->cells[i].text ? DBQ_TEXT : DBQ_NULL;
    return dbq_kind(q, i);
}

static int64_t cell_int(const struct stream *s, struct dbq *q, int i)
{
    return s->cells ? s->cells[i].i : dbq_int(q, i);
}

/* ival() of the row object, read from the row. */
static int64_t row_int(struct stream *s, struct dbq *q, int i)
{
    if (i < 0)
        return 0;
    switch (cell_kind(s, q, i)) {
    case DBQ_INT:
        return cell_int(s, q, i);
    case DBQ_OTHER:
        return (int64_t)json_integer_value(row_value(s, q, i));
    default:
        return 0;
    }
}

/* Appends v as json_compact writes it inside an object. */
static int put_json(struct sb *out, json_t *v, struct osb_err *e)
{
    json_t *one = json_array();
    json_array_append(one, v ? v : json_null());
    size_t n;
    char *txt = json_compact(one, &n);
    json_decref(one);
    if (!txt)
        return err_set(e, ERR_INTERNAL, "unencodable answer");
    sb_addn(out, txt + 1, n - 2);
    free(txt);
    return 0;
}

static void map_row(struct stream *s, struct dbq *q)
{
    const struct report_def *d = s->d;
    for (size_t k = 0; k < d->ncols; k++) {
        s->at[k] = col_at(s, q, d->cols[k].key);
        s->num[k] = d->cols[k].kind == RK_BP ? col_at(s, q, d->cols[k].num) : -1;
        s->den[k] = d->cols[k].kind == RK_BP ? col_at(s, q, d->cols[k].den) : -1;
        s->key_at[k] = s->keys.len;
        sb_addc(&s->keys, k ? ',' : '{');
        json_put_string(&s->keys, d->cols[k].key, strlen(d->cols[k].key));
        sb_addc(&s->keys, ':');
        s->key_len[k] = s->keys.len - s->key_at[k];
    }
    s->mapped = true;
}

/* Definition column k of the current row into the JSON text (csv false) or as a CSV cell of
   table column tc. */
static int put_cell(struct stream *s, struct dbq *q, size_t k, const struct table_col *tc,
                    struct osb_err *e)
{
    const struct report_column *col = &s->d->cols[k];
    int i = s->at[k];
    if (col->kind == RK_BP && col->num) {
        int64_t bp = report_bp(row_int(s, q, s->num[k]), row_int(s, q, s->den[k]));
        if (tc)
            report_csv_int(&s->out, tc, bp);
        else
            put_int(&s->out, bp);
        return 0;
    }
    enum dbq_kind kind = i < 0 ? DBQ_NULL : cell_kind(s, q, i);
    if (col->kind == RK_TIME) {
        bool integer =
            kind == DBQ_INT || (kind == DBQ_OTHER && json_is_integer(row_value(s, q, i)));
        json_t *v = integer ? flow_json_ts(s->c, row_int(s, q, i)) : json_null();
        int rc = 0;
        if (tc)
            report_csv_value(&s->out, tc, v);
        else
            rc = put_json(&s->out, v, e);
        json_decref(v);
        return rc;
    }
    switch (kind) {
    case DBQ_NULL:
        if (!tc)
            out_addn(&s->out, "null", 4);
        return 0;
    case DBQ_INT:
        if (tc)
            report_csv_int(&s->out, tc, cell_int(s, q, i));
        else
            put_int(&s->out, cell_int(s, q, i));
        return 0;
    case DBQ_TEXT: {
        const char *t = s->cells ? s->cells[i].text : dbq_text(q, i);
        if (tc)
            report_csv_text(&s->out, t);
        else
            json_put_string(&s->out, t, s->cells ? strlen(t) : dbq_len(q, i));
        return 0;
    }
    default:
        if (tc) {
            report_csv_value(&s->out, tc, row_value(s, q, i));
            return 0;
        }
        return put_json(&s->out, row_value(s, q, i), e);
    }
}

static int stream_row(struct report_sink *sink, struct dbq *q, struct osb_err *e)
{
    struct stream *s = (struct stream *)sink;
    const struct report_def *d = s->d;
    if (!s->mapped)
        map_row(s, q);
    s->obj = NULL;
    int rc = 0;
    for (size_t k = 0; k < d->ncols; k++)
        if (d->cols[k].kind == RK_INT || d->cols[k].kind == RK_MONEY)
            s->sum[k] += row_int(s, q, s->at[k]);
    if (s->csv) {
        for (size_t t = 0; t < s->ntcols && rc == 0; t++) {
            if (t)
                sb_addc(&s->out, ',');
            rc = put_cell(s, q, s->tdef[t], &s->tcols[t], e);
        }
        sb_add(&s->out, "\r\n");
    } else {
        if (s->nrows)
            out_addc(&s->out, ',');
        for (size_t k = 0; k < d->ncols && rc == 0; k++) {
            out_addn(&s->out, s->keys.buf + s->key_at[k], s->key_len[k]);
            rc = put_cell(s, q, k, NULL, e);
        }
        out_addc(&s->out, '}');
    }
    json_decref(s->obj);
    s->obj = NULL;
    s->nrows++;
    return rc;
}

/* stream_row of a row made in C into the JSON text, in one pass: each cell's figure summed
   as it is written (the cells are integers, text or null — never DBQ_OTHER), put_cell only
   for a computed or time column. The two passes over the definition per row, and the kind
   tests per cell, were a sixth of daily_receipts' instructions (2.9 million rows a year at
   1,000,000 orders). */
static int cells_json_row(struct stream *s, struct osb_err *e)
{
    const struct report_def *d = s->d;
    if (s->nrows)
        out_addc(&s->out, ',');
    int rc = 0;
    for (size_t k = 0; k < d->ncols && rc == 0; k++) {
        out_addn(&s->out, s->keys.buf + s->key_at[k], s->key_len[k]);
        enum report_kind kind = d->cols[k].kind;
        int i = s->at[k];
        if (i < 0 || kind == RK_BP || kind == RK_TIME) {
            rc = put_cell(s, NULL, k, NULL, e);
            continue;
        }
        const struct report_cell *c = &s->cells[i];
        if (c->is_int) {
            if (kind == RK_INT || kind == RK_MONEY)
                s->sum[k] += c->i;
            put_int(&s->out, c->i);
        } else if (c->text) {
            json_put_string(&s->out, c->text, strlen(c->text));
        } else {
            out_addn(&s->out, "null", 4);
        }
    }
    out_addc(&s->out, '}');
    s->nrows++;
    return rc;
}

static int stream_cells(struct report_sink *sink, const struct report_cell *c, int n,
                        struct osb_err *e)
{
    struct stream *s = (struct stream *)sink;
    s->cells = c;
    s->ncells = n;
    int rc;
    if (s->csv) {
        rc = stream_row(sink, NULL, e);
    } else {
        if (!s->mapped)
            map_row(s, NULL);
        rc = cells_json_row(s, e);
    }
    s->cells = NULL;
    return rc;
}

/* Whether report d can be written as its rows are read: no RK_SHARE column (it needs the
   total first), no key twice (an object keeps one). */
static bool streamable(const struct report_def *d)
{
    for (size_t k = 0; k < d->ncols; k++) {
        if (d->cols[k].kind == RK_SHARE)
            return false;
        for (size_t j = 0; j < k; j++)
            if (strcmp(d->cols[j].key, d->cols[k].key) == 0)
                return false;
    }
    return true;
}

static void stream_free(struct stream *s)
{
    free(s->at);
    free(s->key_at);
    free(s->key_len);
    sb_free(&s->keys);
    free(s->num);
    free(s->den);
    free(s->sum);
    free(s->tdef);
    sb_free(&s->out);
}

/* Runs the query with the streaming writer: 1 answered (out filled), 0 the query did not
   stream (its rows in *raw, for the tree path), -1 error. */
static int run_stream(struct ctx *c, struct run *x, json_t **raw, struct report_out *out,
                      struct osb_err *e)
{
    const struct report_def *d = x->rep->def;
    struct stream s = {.sink = {stream_row, stream_cells, false},
                       .c = c,
                       .d = d,
                       .csv = strcmp(x->format, "csv") == 0,
                       .out = SB_INIT,
                       .keys = SB_INIT};
    size_t n = d->ncols ? d->ncols : 1;
    s.at = xcalloc(n, sizeof *s.at);
    s.key_at = xcalloc(n, sizeof *s.key_at);
    s.key_len = xcalloc(n, sizeof *s.key_len);
    s.num = xcalloc(n, sizeof *s.num);
    s.den = xcalloc(n, sizeof *s.den);
    s.sum = xcalloc(n, sizeof *s.sum);
    struct table_col *cols = NULL;
    if (s.csv) {
        cols = xcalloc(n, sizeof *cols);
        s.ntcols = export_cols(c, d, cols);
        s.tcols = cols;
        s.tdef = xcalloc(n, sizeof *s.tdef);
        for (size_t t = 0; t < s.ntcols; t++)
            for (size_t k = 0; k < d->ncols; k++)
                if (strcmp(d->cols[k].key, cols[t].key) == 0)
                    s.tdef[t] = k;
        struct report_table head = {d->title_zh, cols, s.ntcols, NULL, NULL, NULL};
        report_csv_begin(&s.out, &head);
    } else {
        /* the answer's keys before its rows, as json_pack in run_in_tx orders them */
        json_t *h =
            json_pack("{ss ss ss sO so}", "report", d->name, "title_zh", d->title_zh, "title_en",
                      d->title_en, "params", x->params, "columns", columns_json(d));
        size_t len;
        char *txt = json_compact(h, &len);
        json_decref(h);
        sb_addn(&s.out, txt, len - 1);
        free(txt);
        sb_add(&s.out, ",\"rows\":[");
    }
    struct report_params p = x->p;
    p.sink = &s.sink;
    *raw = x->rep->query(c->db, e, &p);
    int rc = *raw ? 0 : -1;
    if (rc == 0 && s.sink.streamed) {
        json_decref(*raw);
        *raw = NULL;
        json_t *totals = totals_of(d, s.sum, e);
        if (!totals) {
            rc = -1;
        } else if (!s.csv) {
            sb_add(&s.out, "],\"totals\":");
            size_t len;
            char *txt = json_compact(totals, &len);
            sb_addn(&s.out, txt, len);
            free(txt);
            sb_addc(&s.out, '}');
            out->json_len = s.out.len;
            out->json_text = sb_detach(&s.out);
            out->nrows = s.nrows;
            rc = 1;
        } else {
            char number[40];
            struct sb mark = SB_INIT;
            rc = export_open(c, x, s.nrows, number, &mark, e);
            if (rc == 0) {
                struct report_table tail = {d->title_zh, cols,   s.ntcols,
                                            NULL,        totals, sb_str(&mark)};
                report_csv_end(&s.out, &tail);
                rc = export_close(c, x, s.nrows, number, sb_str(&mark), e);
            }
            if (rc == 0) {
                out->raw_len = s.out.len;
                out->raw = sb_detach(&s.out);
                out->raw_type = export_type(x->format);
                rc = 1;
            }
            sb_free(&mark);
        }
        json_decref(totals);
    }
    free(cols);
    stream_free(&s);
    return rc;
}

/* ---- running one ---------------------------------------------------------------------- */

static int run_in_tx(struct ctx *c, struct run *x, struct report_out *out, struct osb_err *e)
{
    const struct report_def *d = x->rep->def;
    if ((d->flags & REPORT_NEEDS_CUSTOMER) && (d->flags & REPORT_MONEY)) {
        int seen = scope_money_sees(c, x->p.customer, NULL, e);
        if (seen <= 0)
            return seen < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no customer %s", x->p.customer);
    }
    json_t *raw = NULL;
    /* the streaming writer: JSON for a role that sees all money (http_money_view changes no
       tree then), CSV for any role (its columns are chosen before the rows) */
    bool json = strcmp(x->format, "json") == 0;
    if (!x->rep->flow_query && !x->tree && strcmp(x->format, "xlsx") != 0 && streamable(d) &&
        (!json || money_view_of(c->user.role) == MONEY_VIEW_ALL)) {
        int streamed = run_stream(c, x, &raw, out, e);
        if (streamed != 0)
            return streamed < 0 ? -1 : 0;
    } else {
        raw = x->rep->flow_query ? x->rep->flow_query(c, e, &x->p) : x->rep->query(c->db, e, &x->p);
    }
    if (!raw)
        return -1;
    json_t *rows, *totals;
    int rc = shape(c, d, raw, &rows, &totals, e);
    json_decref(raw);
    if (rc < 0)
        return -1;
    if (strcmp(x->format, "json") == 0) {
        out->json = json_pack("{ss ss ss sO so so so}", "report", d->name, "title_zh", d->title_zh,
                              "title_en", d->title_en, "params", x->params, "columns",
                              columns_json(d), "rows", rows, "totals", totals);
        return 0;
    }
    rc = export_file(c, x, rows, totals, out, e);
    json_decref(rows);
    json_decref(totals);
    return rc;
}

int report_run(struct ctx *c, const char *name, json_t *query, struct report_out *out,
               struct osb_err *e)
{
    memset(out, 0, sizeof *out);
    struct run x = {0};
    x.rep = find(name);
    if (!x.rep)
        return err_set(e, ERR_NOT_FOUND, "no report %s", name);
    if (may_open(c, x.rep->def, e) < 0 || read_params(c, &x, query, e) < 0) {
        json_decref(x.params);
        return -1;
    }
    /* a JSON answer only reads (one snapshot); a file writes its export log and audit rows */
    bool file = strcmp(x.format, "json") != 0;
    int rc = file ? db_begin(c->db, e) : db_begin_read(c->db, e);
    if (rc == 0)
        rc = run_in_tx(c, &x, out, e);
    if (rc == 0)
        rc = db_commit(c->db, e);
    if (rc < 0) {
        if (db_in_tx(c->db))
            db_rollback(c->db);
        json_decref(out->json);
        free(out->raw);
        free(out->json_text);
        memset(out, 0, sizeof *out);
    }
    json_decref(x.params);
    return rc;
}

int report_json_text(struct ctx *c, size_t i, const struct report_params *p, bool stream,
                     char **txt, size_t *len, size_t *nrows, struct osb_err *e)
{
    *txt = NULL;
    if (i >= NREPORTS)
        return err_set(e, ERR_NOT_FOUND, "no report %zu", i);
    struct run x = {.rep = &reports[i], .p = *p, .format = "json", .tree = !stream};
    x.p.sink = NULL;
    x.params = json_object();
    struct report_out out = {0};
    int rc = run_in_tx(c, &x, &out, e);
    json_decref(x.params);
    if (rc < 0)
        return -1;
    if (out.json_text) {
        *txt = out.json_text;
        *len = out.json_len;
        *nrows = out.nrows;
    } else {
        *nrows = json_array_size(json_object_get(out.json, "rows"));
        *txt = json_compact(out.json, len);
        json_decref(out.json);
    }
    return *txt ? 0 : err_set(e, ERR_INTERNAL, "unencodable answer");
}

/* ---- the 08:00 job -------------------------------------------------------------------- */

int report_job_daily_status(struct ctx *c, const char *period, struct osb_err *e)
{
    /* the whole company: the job reads as the general manager does */
    struct scope_user all = {.role = ROLE_GM,
                             .username = "",
                             .market = "",
                             .region = "",
                             .manager = "",
                             .proxy_for = ""};
    struct report_params p = {.u = &all, .tz_min = c->cfg->tz_min};
    if (str_fmt(p.from, sizeof p.from, "%s", period) < 0)
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    json_t *rows = store_report_daily_status(c->db, e, &p);
    if (!rows)
        return -1;
    int64_t n[4] = {0};
    static const char *const areas[] = {"orders", "shipments", "backorders", "osb_issues"};
    size_t i;
    json_t *r;
    json_array_foreach(rows, i,
                       r) for (size_t k = 0; k < 4;
                               k++) if (strcmp(json_string_value(json_object_get(r, "area")),
                                               areas[k]) == 0) n[k] += ival(r, "count");
    json_decref(rows);
    json_t *who = json_array();
    if (store_osb_slt(c->db, e, true, who) < 0) {
        json_decref(who);
        return -1;
    }
    int rc = 0;
    json_t *u;
    json_array_foreach(who, i, u)
    {
        char key[96];
        if (str_fmt(key, sizeof key, "osb_daily_status:%s:%s", period, json_string_value(u)) < 0) {
            rc = err_set(e, ERR_INTERNAL, "internal error: notification key");
            break;
        }
        if ((rc = notify(c, e, "osb_daily_status", json_string_value(u), NULL, key,
                         "OSB日报 %s：在办订单 %lld，未完成发运 %lld，未结欠货 %lld，"
                         "未解决OSB问题 %lld（见报表「OSB日报」）",
                         period, (long long)n[0], (long long)n[1], (long long)n[2],
                         (long long)n[3])) < 0)
            break;
    }
    json_decref(who);
    return rc;
}

/* ---- the weekly and monthly reports into the inbox ------------------------------------ */

/* Runs report name over [from, to] for the whole company (as the general manager reads it)
   and tells the SLT and the SSG leader: its title, range, rows and the total of its first
   money column, with the request that opens it. One notification per (report, range, user). */
static int scheduled(struct ctx *c, const char *name, date_t from, date_t to, struct osb_err *e)
{
    const struct report *rep = find(name);
    if (!rep)
        return err_set(e, ERR_INTERNAL, "no report %s", name);
    const struct report_def *d = rep->def;
    struct scope_user all = {.role = ROLE_GM,
                             .username = "",
                             .market = "",
                             .region = "",
                             .manager = "",
                             .proxy_for = ""};
    struct report_params p = {.u = &all, .tz_min = c->cfg->tz_min};
    date_format(from, p.from);
    date_format(to, p.to);
    date_format(to, p.as_of);
    p.from_ts = date_start_ts(from, c->cfg->tz_min);
    p.to_ts = date_start_ts(to + 1, c->cfg->tz_min);
    json_t *raw = rep->flow_query ? rep->flow_query(c, e, &p) : rep->query(c->db, e, &p);
    if (!raw)
        return -1;
    /* Only the row count and the totals are told: no shaped copy of the rows (the monthly
       distributor report over every customer held two copies at once, 55 MB at 10,000). */
    size_t nrows = json_array_size(raw);
    json_t *totals = raw_totals(d, raw, e);
    json_decref(raw);
    if (!totals)
        return -1;
    int rc = 0;
    char money[48] = "";
    for (size_t k = 0; k < d->ncols; k++)
        if (d->cols[k].kind == RK_MONEY) {
            char y[32];
            money_format(ival(totals, d->cols[k].key), y, sizeof y);
            if (str_fmt(money, sizeof money, "，%s %s", d->cols[k].title_zh, y) < 0)
                money[0] = '\0';
            break;
        }
    json_decref(totals);
    json_t *who = json_array();
    if (store_osb_slt(c->db, e, true, who) < 0) {
        json_decref(who);
        return -1;
    }
    size_t i;
    json_t *u;
    json_array_foreach(who, i, u)
    {
        char key[128];
        if (str_fmt(key, sizeof key, "report:%s:%s:%s:%s", name, p.from, p.to,
                    json_string_value(u)) < 0) {
            rc = err_set(e, ERR_INTERNAL, "internal error: notification key");
            break;
        }
        if ((rc = notify(c, e, "scheduled_report", json_string_value(u), NULL, key,
                         "%s %s—%s：%zu 行%s（GET /reports/%s?from=%s&to=%s）", d->title_zh, p.from,
                         p.to, nrows, money, name, p.from, p.to)) < 0)
            break;
    }
    json_decref(who);
    return rc;
}

int report_job_weekly(struct ctx *c, const char *period, struct osb_err *e)
{
    date_t today;
    if (!date_parse(period, &today))
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    if (date_weekday(today) != 1)
        return 0; /* Mondays only: the week that ended yesterday */
    return scheduled(c, "weekly_sales", today - 7, today - 1, e);
}

int report_job_monthly(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    if (--m == 0)
        m = 12, y--;
    date_t from = date_from_ymd(y, m, 1), to = date_from_ymd(y, m, date_days_in_month(y, m));
    static const char *const monthly[] = {"monthly_sales", "regional_sales",
                                          "distributor_purchases",
                                          "distributor_management_monthly"};
    for (size_t i = 0; i < sizeof monthly / sizeof monthly[0]; i++)
        if (scheduled(c, monthly[i], from, to, e) < 0)
            return -1;
    return 0;
}

/* The customer-list export rules for an export that is not a report (flow/list_export.c: the
   customers list page exported as shown), counted and approved under the name "customers". */
int report_customer_list_check(struct ctx *c, size_t nrows, const char *number, struct osb_err *e)
{
    return customer_list_limits(c, "customers", nrows, number, e);
}
