/*
 * kpi.c — the five OSB business targets of kpis-and-reports.md §2.1 over a period, with the
 * documents behind every figure, and the monthly kpi_<name> breach entries (§3.1).
 *
 * Each KPI is a SQL query for the candidate items whose attribution date falls in [from, to]
 * (store/kpi.c; limited to the caller's data scope and the market/region filter) and a
 * function here (`judges` below) that turns one row into a verdict (rules/kpi.h) against the
 * deadline the calendar gives (rules/deadline.h). Items still in time are left out until decided
 * (§1.1).
 *
 * Decisions where the spec is silent:
 * - An order counts on the receipt day of its last start (§1.2.4); an order whose clock was
 *   paused, or which was rejected or cancelled, at or before the deadline is left out.
 * - An ST request of an order cancelled while undecided is left out when the cancel came by
 *   the deadline (like §1.2.5); a reject decides it (the refusal is recorded on it).
 * - shipment_accuracy counts every line of a dispatched shipment on its dispatch date; a line
 *   is accurate unless the check recorded pick_error or a delivery discrepancy was reported
 *   on it within 7 days of POD (api.md §5.5; a reported SKU not on the shipment counts
 *   against its first line).
 * - collected_within_5_days_of_due: "in_numerator" of an invoice is true when anything of it
 *   counts as collected; num_fen/den_fen show its exact share.
 */
#include "flow/kpi.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/osb_issue.h"
#include "rules/deadline.h"
#include "store/kpi.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

static bool has(json_t *o, const char *k)
{
    return json_is_integer(json_object_get(o, k));
}

/* One candidate row, read where the cursor stands (store_kpi_candidates): its columns found
   by name once per query. A column the KPI's query does not have is -1. Reading the rows as
   they come, not as JSON objects, halves what the meeting report's fifteen readings cost. */
enum kcol {
    KC_DOCUMENT,
    KC_ATTRIBUTION_DATE,
    KC_START_AT,
    KC_DONE_AT,
    KC_RELEASED_AT,
    KC_PAUSED_AT,
    KC_ENDED_AT,
    KC_LINE_NO,
    KC_SKU,
    KC_DISCREPANCY,
    KC_DELIVERY_DISCREPANCIES,
    KC_AMOUNT_FEN,
    KC_CREDITED_FEN,
    KC_SETTLED_FEN,
    KC_MARKET,
    KC__COUNT
};
static const char *const kcol_names[KC__COUNT] = {
    [KC_DOCUMENT] = "document",
    [KC_ATTRIBUTION_DATE] = "attribution_date",
    [KC_START_AT] = "start_at",
    [KC_DONE_AT] = "done_at",
    [KC_RELEASED_AT] = "released_at",
    [KC_PAUSED_AT] = "paused_at",
    [KC_ENDED_AT] = "ended_at",
    [KC_LINE_NO] = "line_no",
    [KC_SKU] = "sku",
    [KC_DISCREPANCY] = "discrepancy",
    [KC_AMOUNT_FEN] = "amount_fen",
    [KC_DELIVERY_DISCREPANCIES] = "delivery_discrepancies",
    [KC_CREDITED_FEN] = "credited_fen",
    [KC_SETTLED_FEN] = "settled_fen",
    [KC_MARKET] = "market",
};

struct krow {
    struct dbq *q;
    int col[KC__COUNT];
};

static void krow_map(struct krow *r, struct dbq *q)
{
    r->q = q;
    for (int k = 0; k < KC__COUNT; k++)
        r->col[k] = -1;
    for (int i = 0, n = dbq_cols(q); i < n; i++)
        for (int k = 0; k < KC__COUNT; k++)
            if (strcmp(dbq_name(q, i), kcol_names[k]) == 0)
                r->col[k] = i;
}

/* The column is the query's (even when NULL in this row). */
static bool present(const struct krow *r, enum kcol k)
{
    return r->col[k] >= 0;
}

/* An integer (an instant, a count, fen) in this row. */
static bool col_has(const struct krow *r, enum kcol k)
{
    return r->col[k] >= 0 && dbq_kind(r->q, r->col[k]) == DBQ_INT;
}

static int64_t col_int(const struct krow *r, enum kcol k)
{
    return col_has(r, k) ? dbq_int(r->q, r->col[k]) : 0;
}

static const char *col_str(const struct krow *r, enum kcol k)
{
    return r->col[k] >= 0 && dbq_kind(r->q, r->col[k]) == DBQ_TEXT ? dbq_text(r->q, r->col[k])
                                                                   : NULL;
}

/* The column's value as JSON (an integer, a string or null). */
static json_t *col_json(const struct krow *r, enum kcol k)
{
    if (col_has(r, k))
        return json_integer(dbq_int(r->q, r->col[k]));
    const char *v = col_str(r, k);
    return v ? json_stringn(v, dbq_len(r->q, r->col[k])) : json_null();
}

/* What a row function needs besides the row. */
struct kctx {
    struct ctx *c;
    const struct calendar *cal;
    int sp_hours;      /* sp_hours_target */
    int coll_days;     /* collection_days_after_due */
    bool coll_working; /* ... counted in working days */
    date_t today;
};

/* One judged item: the verdict, and for money KPIs the amounts. */
struct kitem {
    enum kpi_verdict v;
    int64_t num, den; /* contribution: 1/1, 0/1 for counts; fen for money */
    json_t *info;     /* extra fields for the drill-down (owned), may be NULL */
    ts_t deadline;
    bool has_deadline;
};

static void ts_field(const struct ctx *c, json_t *o, const char *k, ts_t t)
{
    char b[32];
    ts_format_rfc3339(t, c->cfg->tz_min, b);
    json_object_set_new(o, k, json_string(b));
}

static void counted(struct kitem *it, enum kpi_verdict v)
{
    it->v = v;
    it->num = v == KV_HIT;
    it->den = v != KV_LEFT_OUT;
}

/* §1.2: orders by receipt day; deadline 24:00 of the receipt day; hit when released by it. */
static int row_same_day(struct kctx *k, const struct krow *r, struct kitem *it, struct osb_err *e)
{
    (void)e;
    date_t day;
    if (!date_parse(col_str(r, KC_ATTRIBUTION_DATE), &day)) {
        it->v = KV_LEFT_OUT;
        return 0;
    }
    struct kpi_timed t = {deadline_end_of_day(k->cal, day), col_has(r, KC_RELEASED_AT),
                          col_int(r, KC_RELEASED_AT), false, 0};
    if (col_has(r, KC_PAUSED_AT)) {
        t.left = true;
        t.left_at = col_int(r, KC_PAUSED_AT);
    }
    if (col_has(r, KC_ENDED_AT) && (!t.left || col_int(r, KC_ENDED_AT) < t.left_at)) {
        t.left = true;
        t.left_at = col_int(r, KC_ENDED_AT);
    }
    it->deadline = t.deadline;
    it->has_deadline = true;
    counted(it, kpi_judge(&t, k->c->now));
    return 0;
}

/* §2.1: decided by 24:00 of the first working day after the request's calendar date. */
static int row_st(struct kctx *k, const struct krow *r, struct kitem *it, struct osb_err *e)
{
    (void)e;
    static const struct deadline_rule next = {DL_NEXT_WORKING_DAY, 1, 0};
    struct kpi_timed t = {deadline_at(k->cal, &next, col_int(r, KC_START_AT)),
                          col_has(r, KC_DONE_AT), col_int(r, KC_DONE_AT), col_has(r, KC_ENDED_AT),
                          col_int(r, KC_ENDED_AT)};
    it->deadline = t.deadline;
    it->has_deadline = true;
    counted(it, kpi_judge(&t, k->c->now));
    return 0;
}

/* §2.1: dispatched within 24 WC-hours of release. */
static int row_shipped(struct kctx *k, const struct krow *r, struct kitem *it, struct osb_err *e)
{
    (void)e;
    struct deadline_rule h = {DL_WC_HOURS, k->sp_hours, 0};
    struct kpi_timed t = {deadline_at(k->cal, &h, col_int(r, KC_START_AT)), col_has(r, KC_DONE_AT),
                          col_int(r, KC_DONE_AT), false, 0};
    it->deadline = t.deadline;
    it->has_deadline = true;
    counted(it, kpi_judge(&t, k->c->now));
    return 0;
}

/* §2.1: a dispatched line is accurate when the check found none or a shortage and no delivery
   discrepancy was reported on it within 7 days of POD. */
static int row_accuracy(struct kctx *k, const struct krow *r, struct kitem *it, struct osb_err *e)
{
    (void)k, (void)e;
    const char *d = col_str(r, KC_DISCREPANCY);
    bool at_check = !d || !*d || strcmp(d, "none") == 0 || strcmp(d, "shortage") == 0;
    counted(it, at_check && col_int(r, KC_DELIVERY_DISCREPANCIES) == 0 ? KV_HIT : KV_MISS);
    return 0;
}

/* The day an invoice due on `due` must be settled by (due date + N days, or N working days). */
static date_t settle_by(const struct kctx *k, date_t due)
{
    return k->coll_working ? cal_add_working_days(k->cal, due, k->coll_days) : due + k->coll_days;
}

/* §2.1: money of invoices due in the period, settled by due date + N days (the row's
   credited_fen and settled_fen are summed by that day: figures_run reads a day at a time). */
static int row_collection(struct kctx *k, const struct krow *r, struct kitem *it, struct osb_err *e)
{
    (void)e;
    date_t due;
    if (!date_parse(col_str(r, KC_ATTRIBUTION_DATE), &due)) {
        it->v = KV_LEFT_OUT;
        return 0;
    }
    date_t dn = settle_by(k, due);
    if (dn >= k->today) { /* only invoices with due_date + N < today */
        it->v = KV_LEFT_OUT;
        return 0;
    }
    int64_t credited = col_int(r, KC_CREDITED_FEN), settled = col_int(r, KC_SETTLED_FEN);
    kpi_collection(col_int(r, KC_AMOUNT_FEN), credited, settled, &it->num, &it->den);
    it->v = it->num > 0 ? KV_HIT : KV_MISS;
    it->deadline = deadline_end_of_day(k->cal, dn);
    it->has_deadline = true;
    it->info = json_pack("{sI sI sI sI sI}", "amount_fen", (json_int_t)col_int(r, KC_AMOUNT_FEN),
                         "credited_fen", (json_int_t)credited, "settled_fen", (json_int_t)settled,
                         "num_fen", (json_int_t)it->num, "den_fen", (json_int_t)it->den);
    return 0;
}

/* The verdict of one candidate row of each KPI (its query: store/kpi.c). */
static int (*const judges[KPI__COUNT])(struct kctx *k, const struct krow *r, struct kitem *it,
                                       struct osb_err *e) = {
    [KPI_SAME_DAY_DELIVERY_NOTE] = row_same_day,    [KPI_ST_DECIDED_NEXT_DAY] = row_st,
    [KPI_SHIPPED_WITHIN_24H] = row_shipped,         [KPI_SHIPMENT_ACCURACY] = row_accuracy,
    [KPI_COLLECTED_WITHIN_5_DAYS] = row_collection,
};

json_t *kpi_json(enum kpi_id k, int64_t num, int64_t den)
{
    int64_t pct;
    return json_pack("{sI sI so si}", "num", (json_int_t)num, "den", (json_int_t)den, "pct_bp",
                     kpi_pct_bp(num, den, &pct) ? json_integer(pct) : json_null(), "target_bp",
                     (int)kpi_def(k)->target_bp);
}

/* The drill-down row for a counted item. */
static json_t *item_json(struct kctx *k, const struct krow *r, const struct kitem *it)
{
    struct ctx *c = k->c;
    json_t *o =
        json_pack("{ss sb}", "document", col_str(r, KC_DOCUMENT), "in_numerator", it->v == KV_HIT);
    if (col_str(r, KC_ATTRIBUTION_DATE)) {
        json_object_set_new(o, "attribution_date", json_string(col_str(r, KC_ATTRIBUTION_DATE)));
    } else if (col_has(r, KC_START_AT)) {
        char d[11];
        date_format(ts_to_date(col_int(r, KC_START_AT), c->cfg->tz_min), d);
        json_object_set_new(o, "attribution_date", json_string(d));
    }
    if (col_has(r, KC_START_AT))
        ts_field(c, o, "start_at", col_int(r, KC_START_AT));
    if (it->has_deadline && it->deadline != INT64_MAX)
        ts_field(c, o, "deadline", it->deadline);
    if (col_has(r, KC_DONE_AT))
        ts_field(c, o, "done_at", col_int(r, KC_DONE_AT));
    else if (present(r, KC_DONE_AT))
        json_object_set_new(o, "done_at", json_null());
    if (present(r, KC_LINE_NO)) {
        json_object_set_new(o, "line_no", col_json(r, KC_LINE_NO));
        json_object_set_new(o, "sku", col_json(r, KC_SKU));
        json_object_set_new(o, "discrepancy", col_json(r, KC_DISCREPANCY));
        json_object_set_new(o, "delivery_discrepancies", col_json(r, KC_DELIVERY_DISCREPANCIES));
    }
    if (it->info)
        json_object_update(o, it->info);
    return o;
}

/* Judges the candidates of one query (store_kpi_candidates w) into the figures. */
static int judge_all(struct kctx *k, enum kpi_id id, const struct kpi_candidates *w, int64_t *num,
                     int64_t *den, json_t *items, struct kpi_split *split, struct osb_err *e)
{
    struct dbq *q = store_kpi_candidates(k->c->db, e, id, w);
    if (!q)
        return -1;
    struct krow r;
    krow_map(&r, q);
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        struct kitem it = {KV_LEFT_OUT, 0, 0, NULL, 0, false};
        if (judges[id](k, &r, &it, e) < 0) {
            rc = -1;
            break;
        }
        if (it.v != KV_LEFT_OUT) {
            *num += it.num;
            *den += it.den;
            if (items)
                json_array_append_new(items, item_json(k, &r, &it));
            const char *mk = col_str(&r, KC_MARKET);
            for (size_t m = 0; split && m < split->n; m++)
                if (strcmp(split->code[m], mk ? mk : "") == 0) {
                    split->num[m] += it.num;
                    split->den[m] += it.den;
                    break;
                }
        }
        json_decref(it.info);
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

static int figures_run(struct ctx *c, enum kpi_id id, date_t from, date_t to, const char *market,
                       const char *region, int64_t *num, int64_t *den, json_t *items,
                       struct kpi_split *split, struct osb_err *e)
{
    *num = *den = 0;
    if (id < 0 || id >= KPI__COUNT)
        return err_set(e, ERR_NOT_FOUND, "no such KPI");
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    struct kctx k = {c,
                     &cal,
                     settings_int(c->db, "sp_hours_target", 24, SETTINGS_INT_MAX),
                     settings_int(c->db, "collection_days_after_due", 5, SETTINGS_INT_MAX),
                     settings_bool(c->db, "collection_days_working"),
                     flow_today(c)};
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct kpi_candidates w = {
        from, to, c->cfg->tz_min, market, region, &su, split != NULL, items != NULL, NULL};
    int rc = 0;
    if (id != KPI_COLLECTED_WITHIN_5_DAYS) {
        rc = judge_all(&k, id, &w, num, den, items, split, e);
    } else {
        /* a day's invoices at a time, their money summed by the day they must be settled by;
           the days whose invoices are not due + N before today have none counted (N >= 0: no
           day from today on), and none is read before the first invoice due in the range */
        char f[11];
        date_format(from, f);
        date_t first = from, last = to < k.today ? to : k.today - 1;
        int found = store_kpi_first_due(c->db, e, f, &first);
        rc = found < 0 ? -1 : 0;
        if (found == 0) /* no invoice due from `from` on: no day to read */
            last = first - 1;
        for (date_t d = first > from ? first : from; d <= last && rc == 0; d++) {
            char by[11];
            date_t dn = settle_by(&k, d);
            if (dn >= k.today)
                continue;
            date_format(dn, by);
            w.from = w.to = d;
            w.settle_by = by;
            rc = judge_all(&k, id, &w, num, den, items, split, e);
        }
    }
    settings_calendar_release(&cal);
    return rc;
}

int kpi_figures(struct ctx *c, enum kpi_id id, date_t from, date_t to, const char *market,
                const char *region, int64_t *num, int64_t *den, json_t *items, struct osb_err *e)
{
    return figures_run(c, id, from, to, market, region, num, den, items, NULL, e);
}

int kpi_figures_split(struct ctx *c, enum kpi_id id, date_t from, date_t to, const char *market,
                      int64_t *num, int64_t *den, struct kpi_split *split, struct osb_err *e)
{
    return figures_run(c, id, from, to, market, NULL, num, den, NULL, split, e);
}

/* from/to (default: the first of this month, today), market and region checked. */
static int period_of(struct ctx *c, const struct kpi_query *q, date_t *from, date_t *to,
                     struct osb_err *e)
{
    int y, m, d;
    date_to_ymd(flow_today(c), &y, &m, &d);
    *from = date_from_ymd(y, m, 1);
    *to = flow_today(c);
    if (q->from && !date_parse(q->from, from))
        return err_bad(e, "from", "from must be a date YYYY-MM-DD");
    if (q->to && !date_parse(q->to, to))
        return err_bad(e, "to", "to must be a date YYYY-MM-DD");
    if (*from > *to)
        return err_bad(e, "from", "from must not be after to");
    const struct {
        const char *v, *field;
        int (*exists)(struct db *db, struct osb_err *e, const char *code);
    } refs[] = {{q->market, "market", store_kpi_market_exists},
                {q->region, "region", store_kpi_region_exists}};
    for (size_t i = 0; i < 2; i++) {
        if (!refs[i].v)
            continue;
        int n = refs[i].exists(c->db, e, refs[i].v);
        if (n < 0)
            return -1;
        if (!n)
            return err_bad(e, refs[i].field, "no %s '%s'", refs[i].field, refs[i].v);
    }
    return 0;
}

int kpi_list(struct ctx *c, const struct kpi_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    date_t from, to;
    if (flow_need_read(c, P_REPORTS, e) < 0 || period_of(c, q, &from, &to, e) < 0)
        return -1;
    json_t *o = json_object();
    for (int k = 0; k < KPI__COUNT; k++) {
        int64_t num, den;
        if (kpi_figures(c, (enum kpi_id)k, from, to, q->market, q->region, &num, &den, NULL, e) <
            0) {
            json_decref(o);
            return -1;
        }
        json_object_set_new(o, kpi_def((enum kpi_id)k)->name, kpi_json((enum kpi_id)k, num, den));
    }
    *out = o;
    return 0;
}

/* ---- further KPIs (§2.2): visit_plan_completion, satisfaction ------------------------------ */

static int visit_completion(struct ctx *c, date_t from, date_t to, const char *market,
                            const char *region, const struct scope_user *su, json_t **fig,
                            json_t *items, struct osb_err *e)
{
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    /* a planned visit's report is due as the visit_report rule has it (flow/deadlines.c) */
    struct deadline_rule dl = {DL_NEXT_WORKING_DAY,
                               settings_int(c->db, "visit_report_working_days", 1, 365), 0};
    char f[11], t[11];
    date_format(from, f);
    date_format(to, t);
    json_t *rows = store_kpi_visit_items(c->db, e, f, t, market, region, su);
    int64_t num = 0, den = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        date_t d;
        if (!date_parse(jstr(r, "attribution_date"), &d))
            continue;
        ts_t deadline = deadline_at(&cal, &dl, date_start_ts(d, c->cfg->tz_min));
        bool done = has(r, "done_at");
        enum kpi_verdict v = kpi_visit_planned(done, deadline, c->now);
        if (v == KV_LEFT_OUT)
            continue;
        num += v == KV_HIT;
        den++;
        if (!items)
            continue;
        json_t *o = json_pack("{ss ss sb so so}", "document", jstr(r, "document"),
                              "attribution_date", jstr(r, "attribution_date"), "in_numerator",
                              v == KV_HIT, "owner", json_incref(json_object_get(r, "owner")),
                              "customer", json_incref(json_object_get(r, "customer")));
        if (deadline != INT64_MAX)
            ts_field(c, o, "deadline", deadline);
        if (done)
            ts_field(c, o, "done_at", jint(r, "done_at"));
        else
            json_object_set_new(o, "done_at", json_null());
        json_array_append_new(items, o);
    }
    settings_calendar_release(&cal);
    if (!rows)
        return -1;
    json_decref(rows);
    int64_t pct;
    *fig = json_pack("{sI sI so so}", "num", (json_int_t)num, "den", (json_int_t)den, "pct_bp",
                     kpi_pct_bp(num, den, &pct) ? json_integer(pct) : json_null(), "target_bp",
                     json_null());
    return 0;
}

struct ratings {
    int64_t sum, n, tickets, calls;
};

static void rated(struct ctx *c, struct ratings *s, json_t *items, const char *doc,
                  const char *kind, json_t *r, int64_t rating)
{
    if (!kpi_rating_counts(rating))
        return;
    s->sum += rating;
    s->n++;
    if (strcmp(kind, "after_sales") == 0)
        s->tickets++;
    else
        s->calls++;
    if (!items)
        return;
    json_t *o = json_pack("{ss ss so sI sb}", "document", doc, "kind", kind, "customer",
                          json_incref(json_object_get(r, "customer")), "rating", (json_int_t)rating,
                          "in_numerator", true);
    ts_field(c, o, "done_at", jint(r, "done_at"));
    char d[11];
    date_format(ts_to_date(jint(r, "done_at"), c->cfg->tz_min), d);
    json_object_set_new(o, "attribution_date", json_string(d));
    json_array_append_new(items, o);
}

static int satisfaction(struct ctx *c, date_t from, date_t to, const char *market,
                        const char *region, const struct scope_user *su, json_t **fig,
                        json_t *items, struct osb_err *e)
{
    int64_t t0 = date_start_ts(from, c->cfg->tz_min), t1 = date_start_ts(to + 1, c->cfg->tz_min);
    json_t *tickets = store_kpi_ticket_ratings(c->db, e, t0, t1, market, region, su);
    json_t *calls = tickets ? store_kpi_call_ratings(c->db, e, t0, t1, market, region, su) : NULL;
    if (!calls) {
        json_decref(tickets);
        return -1;
    }
    struct ratings s = {0, 0, 0, 0};
    size_t i;
    json_t *r;
    json_array_foreach(tickets, i, r)
    {
        json_t *d = json_loads(jstr(r, "data") ? jstr(r, "data") : "{}", 0, NULL);
        json_t *rv = json_object_get(d, "rating");
        json_object_del(r, "data");
        if (json_is_integer(rv))
            rated(c, &s, items, jstr(r, "document"), "after_sales", r, json_integer_value(rv));
        json_decref(d);
    }
    json_array_foreach(calls, i, r)
    {
        char doc[32];
        if (str_fmt(doc, sizeof doc, "call:%lld", (long long)jint(r, "id")) == 0)
            rated(c, &s, items, doc, "satisfaction_call", r, jint(r, "rating"));
    }
    json_decref(tickets);
    json_decref(calls);
    int64_t mean;
    *fig = json_pack("{sI sI so sI sI so}", "num", (json_int_t)s.sum, "den", (json_int_t)s.n,
                     "mean_x100",
                     kpi_mean_x100(s.sum, s.n, &mean) ? json_integer(mean) : json_null(), "tickets",
                     (json_int_t)s.tickets, "calls", (json_int_t)s.calls, "target_bp", json_null());
    return 0;
}

int kpi_field_figures(struct ctx *c, enum kpi_field_id k, date_t from, date_t to,
                      const char *market, const char *region, json_t **fig, json_t *items,
                      struct osb_err *e)
{
    *fig = NULL;
    struct scope_user su;
    ctx_scope_user(c, &su);
    switch (k) {
    case KPI_VISIT_PLAN_COMPLETION:
        return visit_completion(c, from, to, market, region, &su, fig, items, e);
    case KPI_SATISFACTION:
        return satisfaction(c, from, to, market, region, &su, fig, items, e);
    case KPI_FIELD__COUNT:
        break;
    }
    return err_set(e, ERR_NOT_FOUND, "no such KPI");
}

/* One KPI of either kind; items may be NULL. */
static int one_kpi(struct ctx *c, const char *name, const struct kpi_query *q, bool with_items,
                   json_t **out, struct osb_err *e)
{
    *out = NULL;
    int k = kpi_parse(name), fk = k < 0 ? kpi_field_parse(name) : -1;
    if (k < 0 && fk < 0)
        return err_set(e, ERR_NOT_FOUND, "no KPI '%s'", name);
    date_t from, to;
    if (flow_need_read(c, P_REPORTS, e) < 0 || period_of(c, q, &from, &to, e) < 0)
        return -1;
    json_t *items = with_items ? json_array() : NULL, *o = NULL;
    if (k >= 0) {
        int64_t num, den;
        if (kpi_figures(c, (enum kpi_id)k, from, to, q->market, q->region, &num, &den, items, e) ==
            0)
            o = kpi_json((enum kpi_id)k, num, den);
    } else if (kpi_field_figures(c, (enum kpi_field_id)fk, from, to, q->market, q->region, &o,
                                 items, e) < 0) {
        o = NULL;
    }
    if (!o) {
        json_decref(items);
        return -1;
    }
    char f[11], t[11];
    date_format(from, f);
    date_format(to, t);
    json_object_set_new(o, "kpi", json_string(name));
    json_object_set_new(o, "from", json_string(f));
    json_object_set_new(o, "to", json_string(t));
    json_object_set_new(o, "market", q->market ? json_string(q->market) : json_null());
    if (items)
        json_object_set_new(o, "items", items);
    *out = o;
    return 0;
}

int kpi_get(struct ctx *c, const char *name, const struct kpi_query *q, json_t **out,
            struct osb_err *e)
{
    return one_kpi(c, name, q, false, out, e);
}

int kpi_items(struct ctx *c, const char *name, const struct kpi_query *q, json_t **out,
              struct osb_err *e)
{
    if (kpi_field_parse(name) >= 0)
        return one_kpi(c, name, q, true, out, e);
    *out = NULL;
    int k = kpi_parse(name);
    if (k < 0)
        return err_set(e, ERR_NOT_FOUND, "no KPI '%s'", name);
    date_t from, to;
    if (flow_need_read(c, P_REPORTS, e) < 0 || period_of(c, q, &from, &to, e) < 0)
        return -1;
    json_t *items = json_array();
    int64_t num, den;
    if (kpi_figures(c, (enum kpi_id)k, from, to, q->market, q->region, &num, &den, items, e) < 0) {
        json_decref(items);
        return -1;
    }
    char f[11], t[11];
    date_format(from, f);
    date_format(to, t);
    json_t *o = kpi_json((enum kpi_id)k, num, den);
    json_object_set_new(o, "kpi", json_string(name));
    json_object_set_new(o, "from", json_string(f));
    json_object_set_new(o, "to", json_string(t));
    json_object_set_new(o, "market", q->market ? json_string(q->market) : json_null());
    json_object_set_new(o, "items", items);
    *out = o;
    return 0;
}

/* ---- the monthly breach entries (§3.1 kpi_<name>) --------------------------------------- */

int kpi_job_breaches(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    /* The entry's deadline is the job's own time: the 1st 06:00 of the month it runs in. */
    ts_t deadline = date_start_ts(date_from_ymd(y, m, 1), c->cfg->tz_min) + 6 * TS_PER_HOUR;
    if (--m == 0)
        m = 12, y--;
    char month[8];
    period_format(y, m, month);
    date_t from = date_from_ymd(y, m, 1), to = date_from_ymd(y, m, date_days_in_month(y, m));
    json_t *markets = store_kpi_markets(c->db, e, NULL);
    if (!markets)
        return -1;
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0) {
        json_decref(markets);
        return -1;
    }
    int rc = 0;
    size_t i;
    json_t *mk;
    json_array_foreach(markets, i, mk)
    {
        for (int k = 0; k < KPI__COUNT && rc == 0; k++) {
            const struct kpi_def *d = kpi_def((enum kpi_id)k);
            int64_t num, den, pct;
            if (kpi_figures(c, (enum kpi_id)k, from, to, jstr(mk, "code"), NULL, &num, &den, NULL,
                            e) < 0) {
                rc = -1;
                break;
            }
            if (!kpi_pct_bp(num, den, &pct) || pct >= d->target_bp)
                continue;
            char rule[64], doc[48];
            /* the entry's rule and document: a cut one would file it under another */
            if (str_fmt(rule, sizeof rule, "kpi_%s", d->name) < 0 ||
                str_fmt(doc, sizeof doc, "%s:%s", month, jstr(mk, "code")) < 0) {
                rc = err_set(e, ERR_INTERNAL, "internal error: KPI entry of %s", d->name);
                break;
            }
            struct sb desc = SB_INIT;
            sb_addf(&desc, "%s %s %s：%lld/%lld = %lld bp，低于目标 %d bp", month, jstr(mk, "name"),
                    d->name, (long long)num, (long long)den, (long long)pct, (int)d->target_bp);
            json_t *who = json_array();
            if (osb_department_heads(c, d->department, who, e) < 0) {
                rc = -1;
            } else {
                struct osb_open o = {rule,     d->department, doc, deadline, NULL, jstr(mk, "code"),
                                     desc.buf, who,           NULL};
                char number[32];
                rc = osb_issue_open(c, &cal, &o, number, e) < 0 ? -1 : 0;
            }
            json_decref(who);
            sb_free(&desc);
        }
        if (rc < 0)
            break;
    }
    settings_calendar_release(&cal);
    json_decref(markets);
    return rc;
}
