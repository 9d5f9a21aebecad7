/*
 * order.c — the OP flow: OG (create, verify, approve-market), OA (accept), QC → AC → CC (check),
 * ST, MA (approve), BG (print-delivery-note, release), and cancel/reject/amend (flows.md §2).
 *
 * Every action follows flows.md §0.1 in this order: data scope (404), who may act (403),
 * state (409 invalid_state), If-Match (409 version_conflict), body validation (400/422), then
 * the change, its timeline row, its audit row and its notifications. The caller's transaction
 * makes the whole action atomic.
 */
#include "flow/order.h"

#include "core/json.h"
#include "core/calendar.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "flow/billing.h"
#include "flow/contract.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/session.h"
#include "rules/order.h"
#include "store/credit.h"
#include "store/order.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

/* Authority of the supervising SLT member to approve a prepay order directly (rule 5-7). */
#define SLT_SHORTFALL_FEN 1000000


/* ---- reading ----------------------------------------------------------------------------- */

/* Data scope: the customer's scope (§4), plus every st_pending order for the SLT voters. */
static bool sees(struct ctx *c, const struct order_customer *cu, enum order_state st)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu->market, cu->region, cu->kam, cu->rep, cu->kam_manager,
                                cu->supervisor};
    if (scope_sees_customer(&su, &sc))
        return true;
    return st == OS_ST_PENDING && role_is_slt(c->user.role);
}

/* The order as api.md §3.3 shows it. */
static int order_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, state, source, note, requested_date,"
                    " stated_total_fen, total_fen, market, region, kam, um, mm, csr, scr, bcr,"
                    " warehouse, credit_check AS \"credit_check!j\", qc AS \"qc!j\","
                    " quota_check AS \"quota_check!j\", warnings AS \"warnings!j\","
                    " earmark_fen, approved_shortfall_fen,"
                    " loose_units_approved AS \"loose_units_approved!b\", delivery_note,"
                    " supersedes, contract, submitted_at, accepted_at, pending_approval_at, approved_at,"
                    " billed_at, released_at, op_started_at, op_receipt_day, op_stopped_at,"
                    " version, created_at, created_by, updated_at FROM orders WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no order '%s'", number);
    static const char *const times[] = {"submitted_at", "accepted_at", "pending_approval_at",
                                        "approved_at",  "billed_at",   "released_at",
                                        "op_started_at", "op_stopped_at", "created_at",
                                        "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, o, times[i]);
    if (json_is_null(json_object_get(o, "warnings")))
        json_object_set_new(o, "warnings", json_array());
    json_t *lines = db_rows(c->db, e,
                            "SELECT line_no, sku, qty, qty_cut, price_fen, amount_fen,"
                            " loose_units AS \"loose_units!b\", cut_reasons AS \"cut_reasons!j\","
                            /* entities §5.2 derived quantities, from the SP rows */
                            " (SELECT coalesce(sum(sl.qty_shipped), 0) FROM shipment_lines sl"
                            "  JOIN shipments s ON s.number = sl.shipment WHERE s.order_no ="
                            "  l.order_no AND sl.line_no = l.line_no) AS qty_shipped,"
                            " (SELECT coalesce(sum(b.qty_open), 0) FROM backorders b WHERE"
                            "  b.order_no = l.order_no AND b.line_no = l.line_no) AS qty_backordered"
                            " FROM order_lines l WHERE order_no = ? ORDER BY line_no",
                            "s", number);
    json_t *tl = db_rows(c->db, e,
                         "SELECT step, action, actor, on_behalf_of, at, comment, from_state,"
                         " to_state FROM order_events WHERE order_no = ? ORDER BY id",
                         "s", number);
    json_t *memo = db_rows(c->db, e,
                           "SELECT at, by, text FROM order_memo WHERE order_no = ? ORDER BY id",
                           "s", number);
    json_t *ships = db_rows(c->db, e,
                            "SELECT number FROM shipments WHERE order_no = ? ORDER BY id", "s",
                            number);
    json_t *st = NULL;
    if (!lines || !tl || !memo || !ships ||
        db_row(c->db, e, &st,
               "SELECT id, reason, reason_text, business_record AS \"business_record!j\","
               " requested_at, requested_by, decide_by, decided_at, result FROM st_requests"
               " WHERE order_no = ? ORDER BY id DESC LIMIT 1",
               "s", number) < 0) {
        json_decref(o), json_decref(lines), json_decref(tl), json_decref(memo);
        json_decref(ships);
        return -1;
    }
    size_t i;
    json_t *it;
    json_array_foreach(lines, i, it) if (json_is_null(json_object_get(it, "cut_reasons")))
        json_object_set_new(it, "cut_reasons", json_array());
    json_array_foreach(tl, i, it) flow_ts(c, it, "at");
    json_array_foreach(memo, i, it) flow_ts(c, it, "at");
    json_t *shipnos = json_array();
    json_array_foreach(ships, i, it) json_array_append(shipnos, json_object_get(it, "number"));
    json_decref(ships);
    if (st) {
        json_t *votes = db_rows(c->db, e,
                                "SELECT member, vote, cast_by, on_behalf_of,"
                                " confirmed_by_phone AS \"confirmed_by_phone!b\", at, comment"
                                " FROM st_votes WHERE st_id = ? ORDER BY id",
                                "i", (int64_t)json_integer_value(json_object_get(st, "id")));
        if (votes) {
            json_array_foreach(votes, i, it) flow_ts(c, it, "at");
            json_object_set_new(st, "votes", votes);
        }
        json_object_del(st, "id");
        flow_ts(c, st, "requested_at");
        flow_ts(c, st, "decide_by");
        flow_ts(c, st, "decided_at");
    }
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "timeline", tl);
    json_object_set_new(o, "memo", memo);
    json_object_set_new(o, "shipments", shipnos);
    json_object_set_new(o, "st", st ? st : json_null());
    if (c->user.role == ROLE_WAREHOUSE) {
        /* §4: the warehouse sees orders without prices or amounts. */
        json_array_foreach(lines, i, it) {
            json_object_del(it, "price_fen");
            json_object_del(it, "amount_fen");
        }
        static const char *const money[] = {"total_fen", "stated_total_fen", "credit_check",
                                            "earmark_fen", "approved_shortfall_fen", "st"};
        for (size_t k = 0; k < sizeof money / sizeof money[0]; k++)
            json_object_del(o, money[k]);
    }
    *out = o;
    return 0;
}

static int load(struct ctx *c, const char *number, struct order *o, struct order_customer *cu,
                struct osb_err *e)
{
    int rc = store_order_load(c->db, e, number, o);
    if (rc < 0)
        return -1;
    if (rc == 0 || store_order_customer(c->db, e, o->customer, cu) != 1 ||
        !sees(c, cu, o->state)) {
        if (rc == 1)
            store_order_release(o);
        if (!err_ok(e))
            return -1;
        return err_set(e, ERR_NOT_FOUND, "no order '%s'", number);
    }
    return 0;
}

int order_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    int rc = load(c, number, o, &cu, e);
    if (rc == 0) {
        store_order_release(o);
        rc = order_json(c, number, out, e);
    }
    free(o);
    return rc;
}

/* An order as lists show it: header and lines; the timeline and memo are on the order. */
static int order_list_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    if (order_json(c, number, out, e) < 0)
        return -1;
    json_object_del(*out, "timeline");
    json_object_del(*out, "memo");
    return 0;
}

int order_list(struct ctx *c, const struct order_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT o.number FROM orders o JOIN customers cu ON cu.code = o.customer"
                 " JOIN markets m ON m.code = o.market WHERE 1=1");
    if (c->user.role == ROLE_DEPUTY_DIRECTOR) {
        /* The deputy votes on every ST, so it also sees st_pending orders of other markets. */
        sb_add(&sql, " AND (m.slt_supervisor = ? OR o.state = 'st_pending')");
        json_array_append_new(p, json_string(c->user.username));
    } else {
        flow_scope_sql(c, &sql, p, "cu");
    }
    if (q->state) {
        if (order_state_parse(q->state) == OS_NONE) {
            json_decref(p);
            sb_free(&sql);
            return err_bad(e, "state", "unknown state '%s'", q->state);
        }
        sb_add(&sql, " AND o.state = ?");
        json_array_append_new(p, json_string(q->state));
    }
    flow_filter_eq(&sql, p, "o.customer", q->customer);
    flow_filter_eq(&sql, p, "o.market", q->market);
    date_t d;
    if (q->from) {
        if (!date_parse(q->from, &d)) {
            json_decref(p);
            sb_free(&sql);
            return err_bad(e, "from", "from must be a date YYYY-MM-DD");
        }
        sb_add(&sql, " AND o.created_at >= ?");
        json_array_append_new(p, json_integer(date_start_ts(d, c->cfg->tz_min)));
    }
    if (q->to) {
        if (!date_parse(q->to, &d)) {
            json_decref(p);
            sb_free(&sql);
            return err_bad(e, "to", "to must be a date YYYY-MM-DD");
        }
        sb_add(&sql, " AND o.created_at < ?");
        json_array_append_new(p, json_integer(date_start_ts(d + 1, c->cfg->tz_min)));
    }
    return flow_doc_page(c, &sql, p, "o.number", q->cursor, q->limit, order_list_json, out, e);
}

/* ---- lines ------------------------------------------------------------------------------ */

struct product_facts {
    bool known, active;
    enum product_kind kind;
    int64_t price_fen;
    int32_t case_size;
};

static int product_facts(struct ctx *c, const char *sku, struct product_facts *pf,
                         struct osb_err *e)
{
    memset(pf, 0, sizeof *pf);
    struct dbq *q = db_query(c->db, e,
                             "SELECT active, kind, price_fen, case_size FROM products"
                             " WHERE sku = ?",
                             "s", sku);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        pf->known = true;
        pf->active = dbq_int(q, 0) != 0;
        const char *k = dbq_text(q, 1);
        pf->kind = is(k, "sample") ? PK_SAMPLE : is(k, "pop") ? PK_POP : PK_GOODS;
        pf->price_fen = dbq_int(q, 2);
        pf->case_size = (int32_t)dbq_int(q, 3);
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

static int line_err(struct osb_err *e, size_t i, const char *sku, const char *rule,
                    const char *fmt, const char *arg)
{
    char field[32];
    snprintf(field, sizeof field, "lines[%zu]", i);
    err_invalid(e, field, rule, fmt, arg);
    e->extra = json_pack("{sI ss}", "line", (json_int_t)(i + 1), "sku", sku ? sku : "");
    return -1;
}

/* Validates the lines of create/amend (flows.md §2.1 create row) into o; whole-case misses
   become warnings, because loose units can be approved. */
static int parse_lines(struct ctx *c, json_t *arr, struct order *o, json_t *warnings,
                       struct osb_err *e)
{
    if (!json_is_array(arr))
        return arr ? err_bad(e, "lines", "lines must be an array")
                   : err_invalid(e, "lines", "required", "an order needs lines");
    size_t n = json_array_size(arr);
    if (n == 0)
        return err_invalid(e, "lines", "required", "an order needs at least one line");
    if (n > ORDER_MAX_LINES)
        return err_invalid(e, "lines", "too_many_lines", "an order has at most 200 lines");
    o->nlines = 0;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_array_get(arr, i);
        if (!json_is_object(l))
            return err_bad(e, "lines", "each line must be an object");
        const char *k;
        json_t *v;
        json_object_foreach(l, k, v) if (strcmp(k, "sku") && strcmp(k, "qty") &&
                                         strcmp(k, "loose_units")) return err_bad(e, k,
                                                                                 "unknown field"
                                                                                 " '%s' in a "
                                                                                 "line",
                                                                                 k);
        json_t *js = json_object_get(l, "sku"), *jq = json_object_get(l, "qty"),
               *jl = json_object_get(l, "loose_units");
        if (!js)
            return line_err(e, i, NULL, "required", "line %s has no sku", "");
        if (!json_is_string(js))
            return err_bad(e, "sku", "sku must be a string");
        if (!jq)
            return line_err(e, i, json_string_value(js), "required", "line %s has no qty",
                            json_string_value(js));
        if (!json_is_integer(jq))
            return err_bad(e, "qty", "qty must be an integer number of units");
        if (jl && !json_is_boolean(jl))
            return err_bad(e, "loose_units", "loose_units must be true or false");
        const char *sku = json_string_value(js);
        int64_t qty = json_integer_value(jq);
        if (qty < 0)
            return line_err(e, i, sku, "negative_qty", "%s: the quantity is negative", sku);
        if (qty == 0)
            return line_err(e, i, sku, "zero_qty", "%s: the quantity is zero", sku);
        if (qty > 100000000)
            return line_err(e, i, sku, "qty_too_large", "%s: at most 100,000,000 a line", sku);
        for (size_t j = 0; j < i; j++)
            if (strcmp(o->lines[j].sku, sku) == 0)
                return line_err(e, i, sku, "duplicate_line", "%s appears on two lines", sku);
        struct product_facts pf;
        if (product_facts(c, sku, &pf, e) < 0)
            return -1;
        if (!pf.known)
            return line_err(e, i, sku, "unknown_sku", "no product '%s'", sku);
        if (!pf.active)
            return line_err(e, i, sku, "inactive_product", "%s is no longer sold", sku);
        struct order_line *ol = &o->lines[o->nlines++];
        memset(ol, 0, sizeof *ol);
        ol->line_no = (int)i + 1;
        snprintf(ol->sku, sizeof ol->sku, "%s", sku);
        ol->qty = qty;
        ol->loose_units = jl && json_is_true(jl);
        ol->price_fen = pf.kind == PK_GOODS ? pf.price_fen : 0;
        if (!money_mul(qty, ol->price_fen, &ol->amount_fen) ||
            !money_add(total, ol->amount_fen, &total))
            return line_err(e, i, sku, "amount_overflow", "%s: the amount overflows", sku);
        if (pf.kind == PK_GOODS && pf.case_size > 1 && qty % pf.case_size != 0)
            json_array_append_new(
                warnings, json_pack("{ss si ss ss}", "rule", "whole_cases", "line", (int)i + 1,
                                    "sku", sku, "message",
                                    "not a whole number of cases: QC will fail unless loose "
                                    "units are approved"));
    }
    o->total_fen = total;
    return 0;
}

/* ---- notifications (flows.md §0.5 copy rule) ------------------------------------------- */

static int notify_role(struct ctx *c, struct osb_err *e, const char *role, const char *event,
                       const struct order *o, const char *subject)
{
    json_t *users = db_rows(c->db, e,
                            "SELECT username FROM users WHERE role = ? AND active = 1"
                            " ORDER BY username",
                            "s", role);
    if (!users)
        return -1;
    size_t i;
    json_t *u;
    int rc = 0;
    json_array_foreach(users, i, u) {
        if (notify(c, e, event, jstr(u, "username"), o->number, NULL, "%s", subject) < 0) {
            rc = -1;
            break;
        }
    }
    json_decref(users);
    return rc;
}

/* Notifies each named user once (NULLs and repeats skipped). */
static int notify_users(struct ctx *c, struct osb_err *e, const char *event,
                        const struct order *o, const char *subject, const char *const *who,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!who[i] || !*who[i])
            continue;
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup = dup || is(who[j], who[i]);
        if (!dup && notify(c, e, event, who[i], o->number, NULL, "%s", subject) < 0)
            return -1;
    }
    return 0;
}

/* Every order step notifies KAM and CSR; from acceptance on also finance; MA and rejections
   also the supervising SLT member. extra adds the step's own recipients. */
static int copy_rule(struct ctx *c, struct osb_err *e, const char *event, const struct order *o,
                     const struct order_customer *cu, bool finance, bool slt, const char *subject,
                     const char *const *extra, size_t nextra)
{
    const char *who[12] = {o->kam, o->csr, slt ? cu->supervisor : NULL};
    size_t n = 3;
    for (size_t i = 0; i < nextra && n < 12; i++)
        who[n++] = extra[i];
    if (notify_users(c, e, event, o, subject, who, n) < 0)
        return -1;
    return finance ? notify_role(c, e, "finance", event, o, subject) : 0;
}

/* ---- acting users and proxies (flows.md §0.3) ------------------------------------------ */

struct actor {
    char who[40];        /* the principal whose authority is used */
    enum role role;      /* the principal's role */
    char obo[40];        /* on_behalf_of when a proxy signs, else "" */
    bool phone;
};

/* Resolves the principal: the user, or with on_behalf_of the SLT member this user is the
   secretary of (403 proxy_not_authorized otherwise; 422 without confirmed_by_phone). */
static int resolve_actor(struct ctx *c, json_t *body, struct actor *a, struct osb_err *e)
{
    memset(a, 0, sizeof *a);
    json_t *obo = json_object_get(body, "on_behalf_of");
    json_t *ph = json_object_get(body, "confirmed_by_phone");
    if (ph && !json_is_boolean(ph))
        return err_bad(e, "confirmed_by_phone", "confirmed_by_phone must be true or false");
    if (obo && !json_is_null(obo)) {
        if (!json_is_string(obo))
            return err_bad(e, "on_behalf_of", "on_behalf_of must be a username");
        const char *p = json_string_value(obo);
        if (!is(c->user.proxy_for, p))
            return err_forbidden(e, "proxy_not_authorized",
                                 "you are not the secretary of '%s'", p);
        if (!ph || !json_is_true(ph))
            return err_invalid(e, "confirmed_by_phone", "phone_confirmation_required",
                               "a proxy signature needs the principal's consent by phone "
                               "(confirmed_by_phone: true)");
        struct user pu;
        bool active = false;
        int rc = session_load_user(c->db, e, p, &pu, &active, NULL);
        if (rc < 0)
            return -1;
        if (rc == 0 || !active)
            return err_forbidden(e, "proxy_not_authorized", "no active principal '%s'", p);
        snprintf(a->who, sizeof a->who, "%s", pu.username);
        a->role = pu.role;
        snprintf(a->obo, sizeof a->obo, "%s", pu.username);
        a->phone = true;
        return 0;
    }
    snprintf(a->who, sizeof a->who, "%s", c->user.username);
    a->role = c->user.role;
    return 0;
}

/* ---- body checks ------------------------------------------------------------------------ */

static int body_only(json_t *body, const char *const *allowed, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok = ok || strcmp(*a, k) == 0;
        if (!ok)
            return err_bad(e, k, "unknown field '%s'", k);
    }
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_null(cm)) {
        if (!json_is_string(cm))
            return err_bad(e, "comment", "comment must be a string");
        if (strlen(json_string_value(cm)) > 2000)
            return err_invalid(e, "comment", "too_long", "comment is too long");
    }
    return 0;
}

static const char *comment_of(json_t *body) { return jstr(body, "comment"); }

/* ---- the OP clock (kpis-and-reports.md §1.2) ------------------------------------------- */

static int load_calendar(struct ctx *c, struct calendar *cal, struct osb_err *e)
{
    return settings_calendar(c->db, e, cal, c->cfg->tz_min);
}

static int op_clock_start(struct ctx *c, const struct order *o, struct osb_err *e)
{
    struct calendar cal;
    if (load_calendar(c, &cal, e) < 0)
        return -1;
    char day[11];
    date_format(cal_bday(&cal, c->now), day);
    settings_calendar_release(&cal);
    return db_exec(c->db, e,
                   "UPDATE orders SET op_started_at = ?, op_receipt_day = ?, op_paused = 0"
                   " WHERE number = ?",
                   "iss", c->now, day, o->number) < 0
               ? -1
               : 0;
}

static int op_clock_pause(struct ctx *c, const struct order *o, struct osb_err *e)
{
    return db_exec(c->db, e, "UPDATE orders SET op_paused = 1 WHERE number = ?", "s",
                   o->number) < 0
               ? -1
               : 0;
}

/* ---- QC → AC → CC ----------------------------------------------------------------------- */

static int64_t quota_sum(struct ctx *c, struct osb_err *e, bool *has, const char *sql,
                         const char *period, const char *sku, const char *who)
{
    int64_t v = 0;
    int rc = db_int(c->db, e, &v, sql, "sss", period, sku, who);
    if (has)
        *has = rc == 1;
    return rc < 0 ? INT64_MIN : v;
}

/* AC for one line (flows.md §2.4 AC 1–3). */
static int ac_line(struct ctx *c, const struct order *o, struct order_line *l,
                   const char *period, bool loose_ok, int32_t case_size, struct ac_result *r,
                   json_t *qinfo, struct osb_err *e)
{
    bool has_c = false, has_r = false;
    int64_t cq = quota_sum(c, e, &has_c,
                           "SELECT qty FROM quotas WHERE period = ? AND sku = ? AND customer = ?",
                           period, l->sku, o->customer);
    int64_t rq = quota_sum(c, e, &has_r,
                           "SELECT qty FROM quotas WHERE period = ? AND sku = ? AND region = ?",
                           period, l->sku, o->region);
    int64_t tin = quota_sum(c, e, NULL,
                            "SELECT coalesce(sum(qty), 0) FROM quota_transfers WHERE period = ?"
                            " AND sku = ? AND to_region = ?",
                            period, l->sku, o->region);
    int64_t tout = quota_sum(c, e, NULL,
                             "SELECT coalesce(sum(qty), 0) FROM quota_transfers WHERE period = ?"
                             " AND sku = ? AND from_region = ?",
                             period, l->sku, o->region);
    int64_t used_c = quota_sum(c, e, NULL,
                               "SELECT coalesce(sum(qty - over_qty), 0) FROM quota_uses"
                               " WHERE released = 0 AND period = ? AND sku = ? AND customer = ?",
                               period, l->sku, o->customer);
    int64_t used_r = quota_sum(c, e, NULL,
                               "SELECT coalesce(sum(qty - over_qty), 0) FROM quota_uses"
                               " WHERE released = 0 AND period = ? AND sku = ? AND region = ?",
                               period, l->sku, o->region);
    int64_t appr = quota_sum(c, e, NULL,
                             "SELECT coalesce(sum(extra_qty), 0) FROM quota_approvals"
                             " WHERE period = ? AND sku = ? AND customer = ?",
                             period, l->sku, o->customer);
    int64_t appr_used = quota_sum(c, e, NULL,
                                  "SELECT coalesce(sum(over_qty), 0) FROM quota_uses"
                                  " WHERE released = 0 AND period = ? AND sku = ? AND customer = ?",
                                  period, l->sku, o->customer);
    if (!err_ok(e))
        return -1;
    struct ac_input in = {l->qty, case_size, loose_ok, has_c, has_r,
                          has_c ? cq - used_c : 0, has_r ? rq + tin - tout - used_r : 0,
                          appr - appr_used};
    ac_cut(&in, r);
    json_array_append_new(qinfo,
                          json_pack("{si ss so so sI sI}", "line", l->line_no, "sku", l->sku,
                                    "customer_remaining",
                                    has_c ? json_integer(in.rem_customer) : json_null(),
                                    "region_remaining",
                                    has_r ? json_integer(in.rem_region) : json_null(),
                                    "approvals_available", (json_int_t)in.approvals_free,
                                    "kept", (json_int_t)r->kept));
    return db_exec(c->db, e,
                   "INSERT INTO quota_uses(period, sku, customer, region, document, line_no,"
                   " qty, over_qty) VALUES(?,?,?,?,?,?,?,?)",
                   "sssssdii", period, l->sku, o->customer, o->region, o->number, l->line_no,
                   r->kept, r->over_qty) < 0
               ? -1
               : 0;
}

/* Regions of the same SKU and period with unused quota, for the AC cut notice. */
static char *regions_with_quota(struct ctx *c, const char *period, const char *sku,
                                const char *except)
{
    struct osb_err e = OSB_ERR_INIT;
    json_t *rows = db_rows(c->db, &e,
                           "SELECT q.region, q.qty - coalesce((SELECT sum(u.qty) FROM quota_uses"
                           " u WHERE u.released = 0 AND u.period = q.period AND u.sku = q.sku"
                           " AND u.region = q.region), 0) AS rem FROM quotas q"
                           " WHERE q.period = ? AND q.sku = ? AND q.region IS NOT NULL"
                           " AND q.region <> ? ORDER BY q.region",
                           "sss", period, sku, except);
    struct sb s = SB_INIT;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) if (json_integer_value(json_object_get(r, "rem")) > 0)
        sb_addf(&s, "%s%s(%lld)", s.len ? ", " : "", jstr(r, "region"),
                (long long)json_integer_value(json_object_get(r, "rem")));
    json_decref(rows);
    err_clear(&e);
    return sb_detach(&s);
}

static json_t *credit_check_json(const struct ctx *c, const struct cc_output *r,
                                 const struct credit_figures *f, enum cc_result_kind result)
{
    json_t *reasons = json_array();
    for (size_t i = 0; i < r->nreasons; i++)
        json_array_append_new(reasons, json_string(r->reasons[i]));
    char at[32];
    ts_format_rfc3339(c->now, c->cfg->tz_min, at);
    return json_pack("{ss si so sI sI sI sI sI sI sI sI sI ss ss ss}", "result",
                     cc_result_str(result), "row", r->row, "reasons", reasons, "exposure_fen",
                     (json_int_t)r->exposure_fen, "limit_fen", (json_int_t)f->limit_fen,
                     "over_pct_bp", (json_int_t)r->over_pct_bp, "overdue_fen",
                     (json_int_t)f->overdue_fen, "open_receivables_fen",
                     (json_int_t)f->open_receivables_fen, "open_orders_fen",
                     (json_int_t)f->open_orders_fen, "prepayment_fen",
                     (json_int_t)f->prepayment_fen, "free_prepayment_fen",
                     (json_int_t)r->free_prepayment_fen, "shortfall_fen",
                     (json_int_t)r->shortfall_fen, "reason_zh", r->reason_zh, "reason_en",
                     r->reason_en, "checked_at", at);
}

/* CC on the order as it stands (lines already cut); sets the next state and writes the
   credit_check object, exposure and earmark. */
static int run_cc(struct ctx *c, struct order *o, const struct order_customer *cu,
                  struct cc_output *r, struct osb_err *e)
{
    struct credit_figures f = {0};
    struct cc_input in = {cu->prepay_only, cu->credit_hold, o->total_fen, {0}, 0};
    if (store_credit_figures(c->db, e, o->customer, flow_today(c), o->number, &f) < 0 ||
        store_other_earmarks(c->db, e, o->customer, o->number, &in.other_earmarks_fen) < 0)
        return -1;
    in.fig = f;
    if (!cc_decide(&in, r))
        return err_invalid(e, "total_fen", "amount_overflow", "credit figures overflow");
    json_t *cc = credit_check_json(c, r, &f, r->result);
    int rc = store_order_set_json(c->db, e, o->number, "credit_check", cc);
    json_decref(cc);
    if (rc < 0)
        return -1;
    if (r->to_pending_approval) {
        o->state = OS_PENDING_APPROVAL;
        if (store_order_set_exposure(c->db, e, o->number, o->customer, o->total_fen) < 0)
            return -1;
        if (r->earmark) {
            if (store_order_earmark(c->db, e, o->number, o->customer, o->total_fen, c->now) < 0)
                return -1;
            o->earmark_fen = o->total_fen;
        }
        /* BC1: a prepay-only order is invoiced the moment its payment covers it (row 1). */
        if (r->row == 1 && cu->prepay_only && billing_prepay_invoice(c, o, e) < 0)
            return -1;
        if (store_order_set_time(c->db, e, o->number, "pending_approval_at", c->now) < 0)
            return -1;
    } else {
        o->state = OS_PREPAY_REQUIRED;
    }
    return 0;
}

/* QC → AC → CC from the original quantities (flows.md §2.4–2.5). */
static int run_check(struct ctx *c, struct order *o, const struct order_customer *cu,
                     json_t **notices, struct osb_err *e)
{
    *notices = json_array();
    /* A prepay-only order checked again gives back the invoice of its last pass (§2.1). */
    if (store_order_release_holds(c->db, e, o->number, c->now) < 0 ||
        (cu->prepay_only && billing_order_credit_back(c, o->number, e) < 0))
        return -1;
    o->earmark_fen = 0;
    o->approved_shortfall_fen = 0;
    struct qc_line ql[ORDER_MAX_LINES];
    struct product_facts pf[ORDER_MAX_LINES];
    for (size_t i = 0; i < o->nlines; i++) {
        struct order_line *l = &o->lines[i];
        if (product_facts(c, l->sku, &pf[i], e) < 0)
            return -1;
        l->qty_cut = 0;
        json_decref(l->cut_reasons);
        l->cut_reasons = NULL;
        ql[i] = (struct qc_line){l->sku,        pf[i].known, pf[i].active, pf[i].kind,
                                 l->qty,        0,           l->price_fen, pf[i].case_size,
                                 l->loose_units};
    }
    int64_t nv = 0, nm = 0;
    if (db_int(c->db, e, &nv, "SELECT count(*) FROM order_events WHERE order_no = ?"
                              " AND action = 'verify'", "s", o->number) < 0 ||
        db_int(c->db, e, &nm, "SELECT count(*) FROM order_events WHERE order_no = ?"
                              " AND action = 'approve-market'", "s", o->number) < 0)
        return -1;
    struct qc_order qo = {ql,
                          o->nlines,
                          is(cu->status, "active"),
                          cu->kam_active && cu->supervisor[0],
                          o->loose_units_approved,
                          nv > 0,
                          nm > 0,
                          o->has_stated_total,
                          o->stated_total_fen};
    struct qc_failure fails[QC_MAX_FAILURES];
    int64_t total = 0;
    size_t nf = qc_run(&qo, fails, QC_MAX_FAILURES, &total);
    json_t *failed = json_array();
    for (size_t i = 0; i < nf; i++) {
        json_t *f = json_pack("{ss ss}", "rule", fails[i].rule, "message", fails[i].message);
        if (fails[i].line) {
            json_object_set_new(f, "line", json_integer(fails[i].line));
            json_object_set_new(f, "sku", json_string(fails[i].sku));
        }
        json_array_append_new(failed, f);
    }
    if (nf == 0) {
        /* AC: period = month of the accept date. */
        int y, m, d;
        date_to_ymd(ts_to_date(o->accepted_at ? o->accepted_at : c->now, c->cfg->tz_min), &y,
                    &m, &d);
        char period[8];
        period_format(y, m, period);
        json_t *qinfo = json_array();
        int64_t kept_all = 0;
        total = 0;
        for (size_t i = 0; i < o->nlines; i++) {
            struct order_line *l = &o->lines[i];
            if (pf[i].kind == PK_POP) {
                kept_all += l->qty;
                continue;
            }
            struct ac_result r;
            if (ac_line(c, o, l, period, l->loose_units && o->loose_units_approved,
                        pf[i].case_size, &r, qinfo, e) < 0) {
                json_decref(qinfo), json_decref(failed);
                return -1;
            }
            l->qty_cut = r.cut;
            if (r.cut > 0) {
                l->cut_reasons = json_pack("[{ss sI}]", "kind", r.reason, "qty", (json_int_t)r.cut);
                char *others = regions_with_quota(c, period, l->sku, o->region);
                json_array_append_new(
                    *notices,
                    json_sprintf("配额检查：订单%s第%d行%s削减%lld（%s）；其他区域尚有配额：%s",
                                 o->number, l->line_no, l->sku, (long long)r.cut,
                                 strcmp(r.reason, "customer_quota") == 0 ? "客户配额不足"
                                                                          : "区域配额不足",
                                 *others ? others : "无"));
                free(others);
            }
            kept_all += r.kept;
            if (!money_mul(l->qty - l->qty_cut, l->price_fen, &l->amount_fen) ||
                !money_add(total, l->amount_fen, &total)) {
                json_decref(qinfo), json_decref(failed);
                return err_invalid(e, "lines", "amount_overflow", "the order total overflows");
            }
        }
        for (size_t i = 0; i < o->nlines; i++)
            if (pf[i].kind == PK_POP)
                o->lines[i].amount_fen = 0;
        o->total_fen = total;
        if (store_order_set_json(c->db, e, o->number, "quota_check", qinfo) < 0) {
            json_decref(qinfo), json_decref(failed);
            return -1;
        }
        json_decref(qinfo);
        if (kept_all == 0)
            json_array_append_new(failed,
                                  json_pack("{ss ss}", "rule", "quota_exhausted", "message",
                                            "every line was cut to zero by the quota check"));
    }
    if (json_array_size(failed) > 0) {
        /* needs_fix: quota taken by this pass is given back (nothing to fix it with). */
        if (store_order_release_holds(c->db, e, o->number, c->now) < 0) {
            json_decref(failed);
            return -1;
        }
        json_t *qc = json_pack("{so}", "failed", failed);
        int rc = store_order_set_json(c->db, e, o->number, "qc", qc);
        json_decref(qc);
        o->state = OS_NEEDS_FIX;
        return rc < 0 ? -1 : store_order_set_json(c->db, e, o->number, "credit_check", NULL);
    }
    json_decref(failed);
    if (store_order_set_json(c->db, e, o->number, "qc", NULL) < 0)
        return -1;
    struct cc_output r;
    return run_cc(c, o, cu, &r, e);
}

/* Sets one field of the order's credit_check object (read, change, write: portable SQL). */
static int set_credit_field(struct ctx *c, const char *number, const char *key, json_t *value,
                            struct osb_err *e)
{
    json_t *row = NULL;
    if (db_row(c->db, e, &row, "SELECT credit_check AS \"cc!j\" FROM orders WHERE number = ?",
               "s", number) < 0) {
        json_decref(value);
        return -1;
    }
    json_t *cc = row ? json_object_get(row, "cc") : NULL;
    json_t *obj = json_is_object(cc) ? json_incref(cc) : json_object();
    json_object_set_new(obj, key, value);
    int rc = store_order_set_json(c->db, e, number, "credit_check", obj);
    json_decref(obj);
    json_decref(row);
    return rc;
}

/* ---- the actions ------------------------------------------------------------------------ */

struct act {
    struct ctx *c;
    struct order *o;
    struct order_customer *cu;
    json_t *body;
    struct actor a;
    enum order_state from;
    const char *comment;
    json_t *notices; /* extra lines for the memo */
};

static int record(struct act *x, enum order_action act, struct osb_err *e)
{
    const struct order_action_def *d = order_action(act);
    struct ctx *c = x->c;
    struct order *o = x->o;
    if (store_order_update(c->db, e, o, c->now) < 0 || store_order_lines_save(c->db, e, o) < 0 ||
        store_order_event(c->db, e, o->number, c->now, d->step, d->name, c->user.username,
                          x->a.obo[0] ? x->a.obo : NULL, order_state_str(x->from),
                          order_state_str(o->state), x->comment) < 0)
        return -1;
    json_t *before = json_pack("{ss sI}", "state", order_state_str(x->from), "version",
                               (json_int_t)o->version);
    json_t *after = json_pack("{ss sI sI}", "state", order_state_str(o->state), "version",
                              (json_int_t)(o->version + 1), "total_fen",
                              (json_int_t)o->total_fen);
    if (x->comment)
        json_object_set_new(after, "comment", json_string(x->comment));
    int rc = flow_audit_obo(c, e, x->a.obo[0] ? x->a.obo : NULL, d->name, "order", o->number,
                            before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* Is the principal the supervising SLT member of the customer's market? */
static bool is_supervisor(const struct act *x) { return is(x->a.who, x->cu->supervisor); }

static int need_supervisor(struct act *x, struct osb_err *e)
{
    if (!is_supervisor(x))
        return err_forbidden(e, x->a.obo[0] ? "proxy_not_authorized" : "role",
                             "only the supervising SLT member of market %s (%s) or their "
                             "secretary may do this",
                             x->cu->market, x->cu->supervisor);
    return 0;
}

static bool is_st_voter(enum role r) { return role_is_slt(r); }

/* Who may act: role symbol of the matrix plus the S/P/O refinements of §3. */
static int authorize(struct act *x, enum order_action act, struct osb_err *e)
{
    struct ctx *c = x->c;
    const struct order_action_def *d = order_action(act);
    enum role r = c->user.role;
    char sym = perm_symbol(d->perm, r);
    bool proxy = x->a.obo[0] != 0;
    if (act == OA_REJECT && (is_st_voter(x->a.role)))
        sym = 'Y'; /* an ST voter (or their secretary) may reject */
    if (sym == '-' || sym == 'R')
        return err_forbidden(e, "role", "the role %s may not %s an order", role_str(r),
                             d->name);
    if (sym == 'P' && !proxy)
        return err_forbidden(e, "proxy_not_authorized",
                             "sign on behalf of your principal (on_behalf_of, "
                             "confirmed_by_phone)");
    if (proxy && sym != 'P' && !(act == OA_REJECT))
        return err_forbidden(e, "proxy_not_authorized", "this action cannot be signed by proxy");
    switch (act) {
    case OA_VERIFY:
    case OA_AMEND:
        if (r != ROLE_KAM || !is(x->cu->kam, c->user.username))
            return err_forbidden(e, "role", "only the customer's KAM (%s) may do this",
                                 x->cu->kam);
        break;
    case OA_SEND_BACK:
    case OA_APPROVE_MARKET:
        if (!is(c->user.market, x->cu->market))
            return err_forbidden(e, "role", "only the MM of market %s may do this",
                                 x->cu->market);
        break;
    case OA_APPROVE:
    case OA_RETURN_FOR_FIX:
        return need_supervisor(x, e);
    case OA_REJECT:
        if (!is_supervisor(x) && !is_st_voter(x->a.role))
            return need_supervisor(x, e);
        if (x->from != OS_PENDING_APPROVAL && x->from != OS_PREPAY_REQUIRED &&
            !is_st_voter(x->a.role) && !is_supervisor(x))
            return need_supervisor(x, e);
        break;
    case OA_ST_VOTE:
        if (!is_st_voter(x->a.role))
            return err_forbidden(e, "role", "only SLT members vote on special treatment");
        break;
    case OA_CANCEL:
        if (r == ROLE_KAM && !is(x->cu->kam, c->user.username))
            return err_forbidden(e, "role", "only the customer's KAM may cancel");
        break;
    default:
        break;
    }
    /* Segregation (flows.md §0.4): nobody approves what they created. */
    if ((act == OA_APPROVE || act == OA_ST_VOTE) &&
        (is(x->o->created_by, c->user.username) || is(x->o->created_by, x->a.who)))
        return err_forbidden(e, "self_approval", "you may not approve your own order");
    return 0;
}

static int a_verify(struct act *x, struct osb_err *e)
{
    x->o->state = OS_VERIFIED;
    const char *who[] = {x->o->mm};
    (void)who;
    return copy_rule(x->c, e, "order_verified", x->o, x->cu, false, false,
                     "订单已由客户经理核实，待市场经理审批", NULL, 0);
}

static int a_send_back(struct act *x, struct osb_err *e)
{
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "comment_required", "say why the order goes back");
    x->o->state = OS_DRAFT;
    return copy_rule(x->c, e, "order_sent_back", x->o, x->cu, false, false,
                     "订单被市场经理退回修改", NULL, 0);
}

static int a_approve_market(struct act *x, struct osb_err *e)
{
    x->o->state = OS_SUBMITTED;
    if (store_order_set_time(x->c->db, e, x->o->number, "submitted_at", x->c->now) < 0)
        return -1;
    /* OG-3: notify the CSR who will accept and the SSG leader; the 30-minute OA clock runs. */
    char csr[40] = "";
    if (x->cu->csr[0]) {
        snprintf(csr, sizeof csr, "%s", x->cu->csr);
    } else {
        char *d = NULL;
        if (db_text(x->c->db, e, &d, "SELECT default_csr FROM markets WHERE code = ?", "s",
                    x->cu->market) < 0)
            return -1;
        snprintf(csr, sizeof csr, "%s", d ? d : "");
        free(d);
    }
    const char *who[] = {x->o->kam, csr};
    if (notify_users(x->c, e, "order_submitted", x->o, "新订单已提交，请在30个工作分钟内接收",
                     who, 2) < 0)
        return -1;
    return notify_role(x->c, e, "ssg_leader", "order_submitted", x->o,
                       "新订单已提交，请在30个工作分钟内接收");
}

/* OA-3: CSR, SCR and BCR (api.md §4 "order roles"). */
static int assign_roles(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    char *v = NULL;
    if (x->cu->csr[0]) {
        snprintf(o->csr, sizeof o->csr, "%s", x->cu->csr);
    } else {
        if (db_text(c->db, e, &v,
                    "SELECT coalesce((SELECT default_csr FROM markets WHERE code = ?),"
                    " (SELECT username FROM users WHERE role = 'csr' AND active = 1"
                    "  ORDER BY username LIMIT 1))",
                    "s", x->cu->market) < 0)
            return -1;
        snprintf(o->csr, sizeof o->csr, "%s", v ? v : "");
        free(v);
    }
    if (db_text(c->db, e, &v,
                "SELECT coalesce((SELECT bcr FROM markets WHERE code = ?),"
                " (SELECT username FROM users WHERE role = 'ssg_leader' AND active = 1"
                "  ORDER BY username LIMIT 1))",
                "s", x->cu->market) < 0)
        return -1;
    snprintf(o->bcr, sizeof o->bcr, "%s", v ? v : "");
    free(v);
    if (db_text(c->db, e, &v,
                "SELECT code FROM warehouses WHERE active = 1 ORDER BY code LIMIT 1", NULL) < 0)
        return -1;
    snprintf(o->warehouse, sizeof o->warehouse, "%s", v ? v : "");
    free(v);
    if (db_text(c->db, e, &v,
                "SELECT coalesce((SELECT scr FROM warehouses WHERE code = ?),"
                " (SELECT username FROM users WHERE role = 'warehouse' AND active = 1"
                "  ORDER BY username LIMIT 1))",
                "s", o->warehouse) < 0)
        return -1;
    snprintf(o->scr, sizeof o->scr, "%s", v ? v : "");
    free(v);
    return 0;
}

static int a_accept(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    if (!is(x->cu->status, "active"))
        return err_invalid(e, "customer", "customer_inactive",
                           "the customer is %s; orders are accepted for active customers only",
                           x->cu->status);
    o->state = OS_ACCEPTED;
    o->accepted_at = c->now;
    if (assign_roles(x, e) < 0)
        return -1;
    /* OA-4: prices from the customer's price list on the accept date (the standard list). */
    int64_t total = 0;
    for (size_t i = 0; i < o->nlines; i++) {
        struct order_line *l = &o->lines[i];
        struct product_facts pf;
        if (product_facts(c, l->sku, &pf, e) < 0)
            return -1;
        l->price_fen = pf.kind == PK_GOODS ? pf.price_fen : 0;
        if (!money_mul(l->qty - l->qty_cut, l->price_fen, &l->amount_fen) ||
            !money_add(total, l->amount_fen, &total))
            return err_invalid(e, "lines", "amount_overflow", "the order total overflows");
    }
    o->total_fen = total;
    if (op_clock_start(c, o, e) < 0)
        return -1;
    /* OA-2: the memo's first entry. */
    struct sb m = SB_INIT;
    char tot[40];
    money_format(total, tot, sizeof tot);
    /* The entry's own time is the received time (OA-2); the text says the rest. */
    sb_addf(&m, "接收订单：客户 %s %s，客户经理 %s，市场经理 %s；", x->cu->code,
            x->cu->name, o->kam, o->mm[0] ? o->mm : "-");
    for (size_t i = 0; i < o->nlines; i++)
        sb_addf(&m, "%s%s×%lld", i ? "，" : "", o->lines[i].sku, (long long)o->lines[i].qty);
    sb_addf(&m, "；合计 %s。CSR %s，SCR %s，BCR %s。已通知市场经理、区域经理、客户经理和财务。",
            tot, o->csr, o->scr, o->bcr);
    /* QC-6: the same customer with the same lines accepted in the last 24 h. */
    int64_t dups = 0;
    if (db_int(c->db, e, &dups,
               "SELECT count(*) FROM orders o2 WHERE o2.customer = ? AND o2.number <> ?"
               " AND o2.accepted_at >= ?"
               " AND (SELECT count(*) FROM order_lines a WHERE a.order_no = o2.number) ="
               "     (SELECT count(*) FROM order_lines b WHERE b.order_no = ?)"
               " AND NOT EXISTS (SELECT 1 FROM order_lines a WHERE a.order_no = o2.number"
               "     AND NOT EXISTS (SELECT 1 FROM order_lines b WHERE b.order_no = ?"
               "     AND b.sku = a.sku AND b.qty = a.qty))",
               "ssiss", o->customer, o->number, c->now - 24 * TS_PER_HOUR, o->number,
               o->number) < 0) {
        sb_free(&m);
        return -1;
    }
    if (dups)
        sb_add(&m, " 注意：24小时内已接收过该客户相同内容的订单（QC-6 重复提醒）。");
    if (!x->cu->consignee[0] || !x->cu->consignee_phone[0] || !x->cu->station[0])
        sb_add(&m, " 注意：客户储运信息不全（收货人/电话/托运站），请CSR补充。");
    int rc = store_order_memo(c->db, e, o->number, c->now, c->user.username, m.buf);
    sb_free(&m);
    if (rc < 0)
        return -1;
    const char *who[] = {o->mm, o->um};
    return copy_rule(c, e, "order_accepted", o, x->cu, true, false,
                     "订单已接收（订单号、明细和预计金额见订单）", who, 2);
}

static int a_check(struct act *x, struct osb_err *e)
{
    json_t *notices;
    int rc = run_check(x->c, x->o, x->cu, &notices, e);
    if (rc < 0) {
        json_decref(notices);
        return -1;
    }
    struct order *o = x->o;
    size_t i;
    json_t *n;
    json_array_foreach(notices, i, n) {
        const char *who[] = {o->kam, o->um};
        if (store_order_memo(x->c->db, e, o->number, x->c->now, "system", json_string_value(n)) <
                0 ||
            notify_users(x->c, e, "quota_cut", o, json_string_value(n), who, 2) < 0) {
            json_decref(notices);
            return -1;
        }
    }
    json_decref(notices);
    if (o->state == OS_NEEDS_FIX || o->state == OS_PREPAY_REQUIRED) {
        if (op_clock_pause(x->c, o, e) < 0)
            return -1;
    } else if (x->from == OS_NEEDS_FIX || x->from == OS_PREPAY_REQUIRED) {
        /* kpis §1.2: the OP clock restarts when the order leaves needs_fix/prepay_required. */
        if (op_clock_start(x->c, o, e) < 0)
            return -1;
    }
    if (o->state == OS_NEEDS_FIX) {
        const char *who[] = {o->um};
        return copy_rule(x->c, e, "order_needs_fix", o, x->cu, true, false,
                         "订单未通过合格性检查，需修改", who, 1);
    }
    if (o->state == OS_PREPAY_REQUIRED) {
        const char *who[] = {o->um};
        char sub[200];
        json_t *cc;
        if (db_row(x->c->db, e, &cc, "SELECT credit_check AS \"c!j\" FROM orders WHERE number = ?",
                   "s", o->number) < 0)
            return -1;
        snprintf(sub, sizeof sub, "先款后货，除非特别处理(ST)：预收款尚差%lld分",
                 (long long)json_integer_value(
                     json_object_get(json_object_get(cc, "c"), "shortfall_fen")));
        json_decref(cc);
        char cust[64];
        snprintf(cust, sizeof cust, "customer:%s", o->customer);
        if (notify(x->c, e, "shortfall", cust, o->number, NULL, "%s", sub) < 0)
            return -1;
        return copy_rule(x->c, e, "order_prepay_required", o, x->cu, true, false, sub, who, 1);
    }
    return copy_rule(x->c, e, "order_pending_approval", o, x->cu, true, true,
                     "订单已通过检查，待分管SLT成员批准", NULL, 0);
}

static int a_amend(struct act *x, struct osb_err *e)
{
    struct order *o = x->o;
    json_t *warnings = json_array();
    for (size_t i = 0; i < o->nlines; i++) {
        json_decref(o->lines[i].cut_reasons);
        o->lines[i].cut_reasons = NULL;
    }
    if (parse_lines(x->c, json_object_get(x->body, "lines"), o, warnings, e) < 0 ||
        store_order_release_holds(x->c->db, e, o->number, x->c->now) < 0 ||
        store_order_set_json(x->c->db, e, o->number, "warnings", warnings) < 0 ||
        store_order_set_json(x->c->db, e, o->number, "qc", NULL) < 0 ||
        store_order_set_json(x->c->db, e, o->number, "credit_check", NULL) < 0) {
        json_decref(warnings);
        return -1;
    }
    json_decref(warnings);
    o->earmark_fen = 0;
    o->accepted_at = 0;
    o->state = OS_SUBMITTED;
    if (store_order_set_time(x->c->db, e, o->number, "submitted_at", x->c->now) < 0)
        return -1;
    return copy_rule(x->c, e, "order_amended", o, x->cu, true, false,
                     "订单已修改并重新提交，请重新接收", NULL, 0);
}

static int a_loose_units(struct act *x, struct osb_err *e)
{
    x->o->loose_units_approved = true;
    if (notify_role(x->c, e, "warehouse", "loose_units", x->o, "订单已批准散听（非整箱）发货") <
        0)
        return -1;
    return copy_rule(x->c, e, "loose_units", x->o, x->cu, false, false, "散听例外已批准", NULL,
                     0);
}

/* The business record snapshot for ST (生意记录): 12 months of invoiced sales, AR, limit. */
static json_t *business_record(struct ctx *c, const struct order_customer *cu,
                               struct osb_err *e)
{
    struct credit_figures f = {0};
    if (store_credit_figures(c->db, e, cu->code, flow_today(c), NULL, &f) < 0)
        return NULL;
    char from[11];
    date_format(flow_today(c) - 365, from);
    json_t *months = db_rows(c->db, e,
                             "SELECT substr(invoice_date, 1, 7) AS month,"
                             " sum(amount_fen) AS sales_fen FROM invoices WHERE customer = ?"
                             " AND invoice_date >= ? GROUP BY 1 ORDER BY 1",
                             "ss", cu->code, from);
    char *grade = NULL;
    if (!months || db_text(c->db, e, &grade, "SELECT grade FROM customers WHERE code = ?", "s",
                           cu->code) < 0) {
        json_decref(months);
        return NULL;
    }
    json_t *r = json_pack("{so so ss}", "sales_by_month", months, "credit", credit_json(&f),
                          "grade", grade ? grade : "");
    free(grade);
    return r;
}

static int a_request_st(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    const char *reason = jstr(x->body, "reason");
    const char *rt = jstr(x->body, "reason_text");
    if (json_object_get(x->body, "reason") && !reason)
        return err_bad(e, "reason", "reason must be a string");
    if (!reason)
        reason = "other";
    if (strcmp(reason, "order_conference") && strcmp(reason, "growth_above_plan") &&
        strcmp(reason, "other"))
        return err_invalid(e, "reason", "invalid_value",
                           "reason is order_conference, growth_above_plan or other");
    if (rt && strlen(rt) > 1500)
        return err_invalid(e, "reason_text", "too_long", "reason_text is too long");
    json_t *br = business_record(c, x->cu, e);
    if (!br)
        return -1;
    /* Due by the end of the next working day after the request (flows.md §2.6.4). */
    struct calendar cal;
    if (load_calendar(c, &cal, e) < 0) {
        json_decref(br);
        return -1;
    }
    date_t due = cal_add_working_days(&cal, flow_today(c), 1);
    settings_calendar_release(&cal);
    int rc = db_exec(c->db, e,
                     "INSERT INTO st_requests(order_no, reason, reason_text, business_record,"
                     " requested_at, requested_by, decide_by) VALUES(?,?,?,?,?,?,?)",
                     "sssjisi", x->o->number, reason, rt, br, c->now, c->user.username,
                     date_start_ts(due + 1, c->cfg->tz_min));
    json_decref(br);
    if (rc < 0)
        return -1;
    x->o->state = OS_ST_PENDING;
    if (op_clock_pause(c, x->o, e) < 0)
        return -1;
    if (notify_role(c, e, "gm", "st_request", x->o, "特别处理(ST)申请待表决") < 0 ||
        notify_role(c, e, "sales_director", "st_request", x->o, "特别处理(ST)申请待表决") < 0 ||
        notify_role(c, e, "deputy_director", "st_request", x->o, "特别处理(ST)申请待表决") < 0)
        return -1;
    return copy_rule(c, e, "st_request", x->o, x->cu, true, false, "已申请特别处理(ST)", NULL, 0);
}

static int st_decided(struct act *x, bool yes, struct osb_err *e)
{
    struct order *o = x->o;
    const char *who[] = {o->um, o->mm};
    char cust[64];
    snprintf(cust, sizeof cust, "customer:%s", o->customer);
    const char *sub = yes ? "特别处理(ST)已通过" : "特别处理(ST)未通过：先款后货";
    if (notify(x->c, e, "st_decision", cust, o->number, NULL, "%s", sub) < 0)
        return -1;
    return copy_rule(x->c, e, "st_decision", o, x->cu, true, false, sub, who, 2);
}

static int a_st_vote(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    json_t *v = json_object_get(x->body, "vote"), *ap = json_object_get(x->body, "approve");
    bool yes = true;
    if (v && !json_is_null(v)) {
        const char *s = json_string_value(v);
        if (!s)
            return err_bad(e, "vote", "vote must be \"yes\" or \"no\"");
        if (strcmp(s, "yes") && strcmp(s, "no"))
            return err_invalid(e, "vote", "invalid_value", "vote must be \"yes\" or \"no\"");
        yes = strcmp(s, "yes") == 0;
    } else if (ap && !json_is_null(ap)) {
        if (!json_is_boolean(ap))
            return err_bad(e, "approve", "approve must be true or false");
        yes = json_is_true(ap);
    }
    int64_t st_id = 0;
    if (db_int(c->db, e, &st_id,
               "SELECT id FROM st_requests WHERE order_no = ? AND decided_at IS NULL"
               " ORDER BY id DESC LIMIT 1",
               "s", x->o->number) != 1)
        return err_ok(e) ? err_set(e, ERR_INTERNAL, "internal error: no open ST request") : -1;
    int64_t voted = 0;
    if (db_int(c->db, e, &voted, "SELECT count(*) FROM st_votes WHERE st_id = ? AND member = ?",
               "is", st_id, x->a.who) < 0)
        return -1;
    if (voted)
        return err_invalid(e, "vote", "already_voted", "%s has already voted on this request",
                           x->a.who);
    if (db_exec(c->db, e,
                "INSERT INTO st_votes(st_id, member, vote, cast_by, on_behalf_of,"
                " confirmed_by_phone, at, comment) VALUES(?,?,?,?,?,?,?,?)",
                "issssdis", st_id, x->a.who, yes ? "yes" : "no", c->user.username,
                x->a.obo[0] ? x->a.obo : NULL, (int)x->a.phone, c->now, x->comment) < 0)
        return -1;
    if (!yes) {
        /* The first no decides: back to prepay_required. */
        if (db_exec(c->db, e,
                    "UPDATE st_requests SET decided_at = ?, result = 'refused' WHERE id = ?",
                    "ii", c->now, st_id) < 0)
            return -1;
        x->o->state = OS_PREPAY_REQUIRED;
        return st_decided(x, false, e);
    }
    /* Three yes votes: one from each of the gm, the sales director and the deputy. */
    int64_t yeses = 0;
    if (db_int(c->db, e, &yeses,
               "SELECT count(DISTINCT u.role) FROM st_votes v JOIN users u ON u.username ="
               " v.member WHERE v.st_id = ? AND v.vote = 'yes' AND u.role IN ('gm',"
               " 'sales_director', 'deputy_director')",
               "i", st_id) < 0)
        return -1;
    if (yeses < 3)
        return 0; /* still st_pending */
    if (db_exec(c->db, e, "UPDATE st_requests SET decided_at = ?, result = 'approved' WHERE id = ?",
                "ii", c->now, st_id) < 0 ||
        set_credit_field(c, x->o->number, "result", json_string("st_approved"), e) < 0 ||
        store_order_set_exposure(c->db, e, x->o->number, x->o->customer, x->o->total_fen) < 0 ||
        store_order_set_time(c->db, e, x->o->number, "pending_approval_at", c->now) < 0 ||
        op_clock_start(c, x->o, e) < 0)
        return -1;
    x->o->state = OS_PENDING_APPROVAL;
    return st_decided(x, true, e);
}

static int a_approve(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    if (x->from == OS_PREPAY_REQUIRED) {
        /* Rule 5-7: direct approval while the shortfall is within the SLT authority. */
        struct cc_output r;
        struct credit_figures f = {0};
        struct cc_input in = {x->cu->prepay_only, x->cu->credit_hold, o->total_fen, {0}, 0};
        if (store_credit_figures(c->db, e, o->customer, flow_today(c), o->number, &f) < 0 ||
            store_other_earmarks(c->db, e, o->customer, o->number, &in.other_earmarks_fen) < 0)
            return -1;
        in.fig = f;
        if (!cc_decide(&in, &r))
            return err_invalid(e, "total_fen", "amount_overflow", "credit figures overflow");
        if (r.shortfall_fen > SLT_SHORTFALL_FEN) {
            err_invalid(e, "shortfall_fen", "shortfall_exceeds_authority",
                        "the shortfall %lld fen exceeds the SLT member's authority of "
                        "1,000,000 fen (¥10,000): payment or ST is needed",
                        (long long)r.shortfall_fen);
            e->extra = json_pack("{sI sI}", "shortfall_fen", (json_int_t)r.shortfall_fen,
                                 "limit_fen", (json_int_t)SLT_SHORTFALL_FEN);
            return -1;
        }
        int64_t earmark = o->total_fen - r.shortfall_fen;
        if (store_order_earmark(c->db, e, o->number, o->customer, earmark, c->now) < 0 ||
            store_order_set_exposure(c->db, e, o->number, o->customer, o->total_fen) < 0 ||
            set_credit_field(c, o->number, "approved_shortfall_fen",
                             json_integer(r.shortfall_fen), e) < 0 ||
            op_clock_start(c, o, e) < 0)
            return -1;
        o->earmark_fen = earmark;
        o->approved_shortfall_fen = r.shortfall_fen;
        /* BC1: the SLT's direct approval of a shortfall invoices a prepay-only order. */
        if (x->cu->prepay_only && billing_prepay_invoice(c, o, e) < 0)
            return -1;
    }
    o->state = OS_APPROVED;
    if (store_order_set_time(c->db, e, o->number, "approved_at", c->now) < 0)
        return -1;
    const char *who[] = {o->um};
    return copy_rule(c, e, "order_approved", o, x->cu, true, true,
                     "订单已批准，请财务当日打印送货单", who, 1);
}

/* flows.md §2.1: a prepay-only order that leaves the path to shipment with its invoice has
   it credited back (HZ order_cancel); the money is prepayment again for the other orders. */
static int credit_back(struct act *x, struct osb_err *e)
{
    if (!x->cu->prepay_only)
        return 0;
    int n = billing_order_credit_back(x->c, x->o->number, e);
    return n <= 0 ? n : order_recheck_customer(x->c, x->o->customer, e);
}

static int a_return_for_fix(struct act *x, struct osb_err *e)
{
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "comment_required", "say what must be corrected");
    if (store_order_release_holds(x->c->db, e, x->o->number, x->c->now) < 0 ||
        credit_back(x, e) < 0 || op_clock_pause(x->c, x->o, e) < 0)
        return -1;
    x->o->earmark_fen = 0;
    x->o->state = OS_NEEDS_FIX;
    const char *who[] = {x->o->um};
    return copy_rule(x->c, e, "order_returned", x->o, x->cu, true, true,
                     "订单被退回区域经理修改", who, 1);
}

static int void_delivery_note(struct act *x, struct osb_err *e)
{
    if (!x->o->delivery_note[0])
        return 0;
    return db_exec(x->c->db, e, "UPDATE delivery_notes SET voided = 1 WHERE number = ?", "s",
                   x->o->delivery_note) < 0
               ? -1
               : 0;
}

static int a_reject(struct act *x, struct osb_err *e)
{
    if (x->from == OS_ST_PENDING &&
        db_exec(x->c->db, e,
                "UPDATE st_requests SET decided_at = ?, result = 'refused' WHERE order_no = ?"
                " AND decided_at IS NULL",
                "is", x->c->now, x->o->number) < 0)
        return -1;
    if (store_order_release_holds(x->c->db, e, x->o->number, x->c->now) < 0 ||
        credit_back(x, e) < 0)
        return -1;
    x->o->earmark_fen = 0;
    x->o->state = OS_REJECTED;
    const char *who[] = {x->o->um, x->o->mm};
    char cust[64];
    snprintf(cust, sizeof cust, "customer:%s", x->o->customer);
    if (notify(x->c, e, "order_rejected", cust, x->o->number, NULL, "订单已被拒绝") < 0)
        return -1;
    return copy_rule(x->c, e, "order_rejected", x->o, x->cu, true, true, "订单已被拒绝", who, 2);
}

static int a_cancel(struct act *x, struct osb_err *e)
{
    enum role r = x->c->user.role;
    if (r == ROLE_KAM && x->from != OS_DRAFT && x->from != OS_VERIFIED &&
        x->from != OS_SUBMITTED)
        return err_state(e, order_state_str(x->from),
                         "a KAM may cancel only before acceptance; ask the SSG leader");
    if (store_order_release_holds(x->c->db, e, x->o->number, x->c->now) < 0 ||
        credit_back(x, e) < 0 || void_delivery_note(x, e) < 0)
        return -1;
    x->o->earmark_fen = 0;
    x->o->state = OS_CANCELLED;
    return copy_rule(x->c, e, "order_cancelled", x->o, x->cu, x->from >= OS_ACCEPTED, false,
                     "订单已取消", NULL, 0);
}

static int a_print(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    /* BG-2 (seed 003): a prepay-only order needs its money in hand first. */
    if (x->cu->prepay_only && o->earmark_fen + o->approved_shortfall_fen < o->total_fen)
        return err_invalid(e, "order", "prepayment_missing",
                           "the prepay-only customer's payment does not yet cover this order");
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "FHTZ", number) < 0)
        return -1;
    json_t *lines = json_array();
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        json_t *p;
        if (db_row(c->db, e, &p, "SELECT name, spec, unit, case_size FROM products WHERE sku = ?",
                   "s", l->sku) != 1) {
            json_decref(lines);
            return err_ok(e) ? err_set(e, ERR_INTERNAL, "internal error") : -1;
        }
        int64_t qty = l->qty - l->qty_cut;
        json_int_t cs = json_integer_value(json_object_get(p, "case_size"));
        if (cs < 1)
            cs = 1;
        json_object_set_new(p, "sku", json_string(l->sku));
        json_object_set_new(p, "qty", json_integer(qty));
        json_object_set_new(p, "cases", json_integer(qty / cs));
        json_object_set_new(p, "loose_units", json_integer(qty % cs));
        json_object_set_new(p, "price_fen", json_integer(l->price_fen));
        json_object_set_new(p, "amount_fen", json_integer(l->amount_fen));
        json_array_append_new(lines, p);
    }
    /* The actual arrival address goes in parentheses (seed 004). */
    struct sb addr = SB_INIT;
    sb_add(&addr, x->cu->address);
    if (x->cu->arrival[0])
        sb_addf(&addr, "（%s）", x->cu->arrival);
    int rc = db_exec(c->db, e,
                     "INSERT INTO delivery_notes(number, order_no, printed_at, printed_by, lines,"
                     " consignee, consignee_phone, consignment_station, address)"
                     " VALUES(?,?,?,?,?,?,?,?,?)",
                     "ssisjssss", number, o->number, c->now, c->user.username, lines,
                     x->cu->consignee, x->cu->consignee_phone, x->cu->station, addr.buf);
    sb_free(&addr);
    json_decref(lines);
    if (rc < 0)
        return -1;
    snprintf(o->delivery_note, sizeof o->delivery_note, "%s", number);
    o->state = OS_BILLED;
    if (store_order_set_time(c->db, e, o->number, "billed_at", c->now) < 0)
        return -1;
    return copy_rule(c, e, "delivery_note_printed", o, x->cu, false, false,
                     "送货单已打印，请当日交储运部", NULL, 0);
}

/* BG-3: the shipment, with stock reserved first-expiring-first in one warehouse. */
static int a_release(struct act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct order *o = x->o;
    /* The first warehouse (by code) that can serve every line, else the one that can serve
       the most units. */
    char *wh = NULL;
    if (db_text(c->db, e, &wh,
                "SELECT w.code FROM warehouses w WHERE w.active = 1 ORDER BY"
                " (SELECT count(*) FROM order_lines l WHERE l.order_no = ?1 AND l.qty - l.qty_cut"
                "  > coalesce((SELECT sum(on_hand - reserved) FROM stock_lots s WHERE"
                "  s.warehouse = w.code AND s.sku = l.sku AND s.quality = 'ok'), 0)),"
                " w.code LIMIT 1",
                "s", o->number) < 0)
        return -1;
    if (!wh)
        return err_invalid(e, "warehouse", "unknown_reference", "there is no active warehouse");
    snprintf(o->warehouse, sizeof o->warehouse, "%s", wh);
    free(wh);
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "FH", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO shipments(number, order_no, delivery_note, warehouse, scr,"
                " released_at, created_at) VALUES(?,?,?,?,?,?,?)",
                "sssssii", number, o->number, o->delivery_note, o->warehouse, o->scr, c->now,
                c->now) < 0)
        return -1;
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        int64_t want = l->qty - l->qty_cut;
        json_t *res = json_array();
        json_t *lots = db_rows(c->db, e,
                               "SELECT batch, on_hand - reserved AS free FROM stock_lots"
                               " WHERE warehouse = ? AND sku = ? AND quality = 'ok'"
                               " AND on_hand > reserved"
                               " ORDER BY coalesce(expires, '9999-12-31'),"
                               " coalesce(produced_on, '9999-12-31'), batch",
                               "ss", o->warehouse, l->sku);
        if (!lots) {
            json_decref(res);
            return -1;
        }
        size_t k;
        json_t *lot;
        json_array_foreach(lots, k, lot) {
            if (want <= 0)
                break;
            int64_t free_q = json_integer_value(json_object_get(lot, "free"));
            int64_t take = free_q < want ? free_q : want;
            const char *batch = jstr(lot, "batch");
            if (db_exec(c->db, e,
                        "UPDATE stock_lots SET reserved = reserved + ? WHERE warehouse = ?"
                        " AND sku = ? AND batch = ?",
                        "isss", take, o->warehouse, l->sku, batch) < 0 ||
                db_exec(c->db, e,
                        "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document,"
                        " by) VALUES(?,?,?,?,'reserve',?,?,?)",
                        "isssiss", c->now, o->warehouse, l->sku, batch, take, number,
                        c->user.username) < 0) {
                json_decref(lots), json_decref(res);
                return -1;
            }
            json_array_append_new(res, json_pack("{ss sI}", "batch", batch, "qty",
                                                 (json_int_t)take));
            want -= take;
        }
        json_decref(lots);
        if (db_exec(c->db, e,
                    "INSERT INTO shipment_lines(shipment, line_no, sku, qty_requested, reserved)"
                    " VALUES(?,?,?,?,?)",
                    "sdsij", number, l->line_no, l->sku, l->qty - l->qty_cut, res) < 0) {
            json_decref(res);
            return -1;
        }
        json_decref(res);
    }
    if (db_exec(c->db, e,
                "UPDATE delivery_notes SET released_at = ?, released_by = ? WHERE number = ?",
                "iss", c->now, c->user.username, o->delivery_note) < 0 ||
        db_exec(c->db, e,
                "UPDATE orders SET released_at = ?, op_stopped_at = ? WHERE number = ?", "iis",
                c->now, c->now, o->number) < 0)
        return -1;
    o->state = OS_RELEASED;
    const char *who[] = {o->scr};
    return copy_rule(c, e, "order_released", o, x->cu, true, false,
                     "送货单已交储运部，请按单发运", who, 1);
}

typedef int (*act_fn)(struct act *x, struct osb_err *e);

static const act_fn handlers[OA__COUNT] = {
    [OA_VERIFY] = a_verify,           [OA_SEND_BACK] = a_send_back,
    [OA_APPROVE_MARKET] = a_approve_market, [OA_ACCEPT] = a_accept,
    [OA_CHECK] = a_check,             [OA_RECHECK] = a_check,
    [OA_AMEND] = a_amend,             [OA_LOOSE_UNITS] = a_loose_units,
    [OA_REQUEST_ST] = a_request_st,   [OA_ST_VOTE] = a_st_vote,
    [OA_APPROVE] = a_approve,         [OA_RETURN_FOR_FIX] = a_return_for_fix,
    [OA_REJECT] = a_reject,           [OA_PRINT] = a_print,
    [OA_RELEASE] = a_release,         [OA_CANCEL] = a_cancel,
};

static const char *const common_fields[] = {"comment", "on_behalf_of", "confirmed_by_phone",
                                            NULL};
static const char *const vote_fields[] = {"comment", "on_behalf_of", "confirmed_by_phone",
                                          "vote", "approve", NULL};
static const char *const st_fields[] = {"comment", "reason", "reason_text", NULL};
static const char *const amend_fields[] = {"comment", "lines", NULL};

int order_act(struct ctx *c, const char *number, const char *action, json_t *body,
              json_t **out, struct osb_err *e)
{
    *out = NULL;
    int ai = order_action_parse(action);
    if (ai < 0)
        return err_set(e, ERR_NOT_FOUND, "no order action '%s'", action);
    enum order_action act = (enum order_action)ai;
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    struct act x = {c, o, &cu, body, {{0}, ROLE_NONE, {0}, false}, OS_NONE, NULL, NULL};
    int rc = -1;
    if (load(c, number, o, &cu, e) < 0) {
        free(o);
        return -1;
    }
    x.from = o->state;
    const char *const *fields = act == OA_ST_VOTE      ? vote_fields
                                : act == OA_REQUEST_ST ? st_fields
                                : act == OA_AMEND      ? amend_fields
                                                       : common_fields;
    if (body_only(body, fields, e) < 0 || resolve_actor(c, body, &x.a, e) < 0 ||
        authorize(&x, act, e) < 0)
        goto out;
    if (!order_action_allowed_from(act, o->state)) {
        err_state(e, order_state_str(o->state), "an order in state %s cannot %s",
                  order_state_str(o->state), order_action(act)->name);
        goto out;
    }
    if (flow_check_version(c, e, o->version) < 0)
        goto out;
    x.comment = comment_of(body);
    if (handlers[act](&x, e) < 0 || record(&x, act, e) < 0)
        goto out;
    rc = order_json(c, number, out, e);
out:
    store_order_release(o);
    free(o);
    return rc;
}

/* ---- create ------------------------------------------------------------------------------ */

static const char *const sources[] = {"portal", "kam", "fax", "phone", "email", "contract",
                                      "exchange", NULL};
static const struct field_def create_fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"lines", FK_JSON, 0, 0, F_REQUIRED, 0, 0, 0},
    {"note", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"requested_date", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"stated_total_fen", FK_FEN, 0, 0, 0, 0, 0, 0},
    {"source", FK_ENUM, 0, 0, 0, 0, sources, 0},
    {"contract", FK_TEXT, 0, 40, 0, 0, 0, 0}, /* a signed contract of the customer (§7) */
};
static const struct record_def create_def = {"orders", "number", "order", create_fields, 7};

int order_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL, *warnings = json_array();
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    int rc = -1;
    if (flow_need(c, P_ORDER_CREATE, e) < 0 || record_check(&create_def, body, true, &n, e) < 0)
        goto out;
    const char *code = jstr(n, "customer");
    int f = store_order_customer(c->db, e, code, &cu);
    if (f < 0)
        goto out;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu.market, cu.region, cu.kam, cu.rep, cu.kam_manager,
                                cu.supervisor};
    if (f == 0 || !scope_sees_customer(&su, &sc)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", code);
        goto out;
    }
    if (!scope_owns_customer(&su, &sc)) {
        err_forbidden(e, "role", "you may order only for your own customers");
        goto out;
    }
    if (!is(cu.status, "active")) {
        err_invalid(e, "customer", "customer_inactive", "customer %s is %s", code, cu.status);
        goto out;
    }
    const char *contract = jstr(n, "contract");
    if (contract && contract_check_for_order(c, contract, code, e) < 0)
        goto out;
    const char *rd = jstr(n, "requested_date");
    if (rd) {
        date_t d;
        date_parse(rd, &d);
        if (d < flow_today(c)) {
            err_invalid(e, "requested_date", "requested_date_past",
                        "the requested date is in the past");
            goto out;
        }
        snprintf(o->requested_date, sizeof o->requested_date, "%s", rd);
    }
    if (parse_lines(c, json_object_get(n, "lines"), o, warnings, e) < 0)
        goto out;
    snprintf(o->customer, sizeof o->customer, "%s", code);
    snprintf(o->market, sizeof o->market, "%s", cu.market);
    snprintf(o->region, sizeof o->region, "%s", cu.region);
    snprintf(o->kam, sizeof o->kam, "%s", cu.kam);
    snprintf(o->created_by, sizeof o->created_by, "%s", c->user.username);
    char *v = NULL;
    if (db_text(c->db, e, &v, "SELECT um FROM regions WHERE code = ?", "s", cu.region) < 0)
        goto out;
    snprintf(o->um, sizeof o->um, "%s", v ? v : "");
    free(v);
    v = NULL;
    if (db_text(c->db, e, &v, "SELECT mm FROM markets WHERE code = ?", "s", cu.market) < 0)
        goto out;
    snprintf(o->mm, sizeof o->mm, "%s", v ? v : "");
    free(v);
    json_t *st = json_object_get(n, "stated_total_fen");
    o->has_stated_total = st != NULL;
    o->stated_total_fen = st ? json_integer_value(st) : 0;
    o->state = OS_DRAFT;
    if (flow_docno(c, e, "DD", o->number) < 0 ||
        store_order_insert(c->db, e, o, jstr(n, "note"), warnings, c->now) < 0)
        goto out;
    const char *src = jstr(n, "source");
    if (src && db_exec(c->db, e, "UPDATE orders SET source = ? WHERE number = ?", "ss", src,
                       o->number) < 0)
        goto out;
    if (contract && db_exec(c->db, e, "UPDATE orders SET contract = ? WHERE number = ?", "ss",
                            contract, o->number) < 0)
        goto out;
    if (store_order_event(c->db, e, o->number, c->now, "OG", "create", c->user.username, NULL,
                          NULL, "draft", NULL) < 0)
        goto out;
    json_t *after = json_pack("{ss ss sI}", "state", "draft", "customer", code, "total_fen",
                              (json_int_t)o->total_fen);
    rc = flow_audit(c, e, "create", "order", o->number, NULL, after);
    json_decref(after);
    if (rc < 0)
        goto out;
    rc = order_json(c, o->number, out, e);
out:
    json_decref(n);
    json_decref(warnings);
    store_order_release(o);
    free(o);
    return rc;
}

/* ---- rule 5-7: re-check on money ------------------------------------------------------- */

int order_recheck_customer(struct ctx *c, const char *customer, struct osb_err *e)
{
    json_t *nums = db_rows(c->db, e,
                           "SELECT number FROM orders WHERE customer = ? AND state ="
                           " 'prepay_required' ORDER BY accepted_at, number",
                           "s", customer);
    if (!nums)
        return -1;
    size_t i;
    json_t *it;
    int rc = 0;
    json_array_foreach(nums, i, it) {
        struct order *o = xcalloc(1, sizeof *o);
        struct order_customer cu;
        struct cc_output r;
        if (store_order_load(c->db, e, jstr(it, "number"), o) != 1 ||
            store_order_customer(c->db, e, customer, &cu) != 1) {
            store_order_release(o);
            free(o);
            rc = err_ok(e) ? err_set(e, ERR_INTERNAL, "internal error") : -1;
            break;
        }
        if (run_cc(c, o, &cu, &r, e) < 0) {
            store_order_release(o);
            free(o);
            rc = -1;
            break;
        }
        if (o->state == OS_PENDING_APPROVAL) {
            struct act x = {c, o, &cu, NULL, {{0}, ROLE_NONE, {0}, false}, OS_PREPAY_REQUIRED,
                            "re-check on money (rule 5-7)", NULL};
            snprintf(x.a.who, sizeof x.a.who, "system");
            struct user saved = c->user;
            if (op_clock_start(c, o, e) < 0 || store_order_update(c->db, e, o, c->now) < 0 ||
                store_order_event(c->db, e, o->number, c->now, "CC", "recheck-on-money",
                                  "system", NULL, "prepay_required", "pending_approval",
                                  "re-check on money (rule 5-7)") < 0 ||
                copy_rule(c, e, "order_pending_approval", o, &cu, true, true,
                          "到款后信用复核通过，订单待批准", NULL, 0) < 0) {
                c->user = saved;
                store_order_release(o);
                free(o);
                rc = -1;
                break;
            }
            json_t *after = json_pack("{ss}", "state", "pending_approval");
            json_t *before = json_pack("{ss}", "state", "prepay_required");
            rc = flow_audit(c, e, "recheck-on-money", "order", o->number, before, after);
            json_decref(after);
            json_decref(before);
            (void)x;
        }
        store_order_release(o);
        free(o);
        if (rc < 0)
            break;
    }
    json_decref(nums);
    return rc;
}
