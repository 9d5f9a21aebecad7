/*
 * backorder.c — backorders (欠货, QH; flows.md §3.3): opened by the shipment flow when less
 * leaves than was requested; scheduled on a new shipment (csr, ssg_leader) or cancelled
 * (ssg_leader), and fulfilled when the shipment that fills them dispatches.
 *
 * States follow api.md §4 (open, fulfilled, cancelled): a scheduled backorder stays open and
 * names its scheduled_shipment. While open, its value stays in the order's open-order exposure
 * and its quantity in the quota used; cancelling gives both back.
 */
#include "flow/backorder.h"

#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "flow/billing.h"
#include "flow/flow.h"
#include "flow/scope.h"
#include "flow/notify.h"
#include "flow/shipment.h"
#include "rules/shipment.h"

#include <stdlib.h>
#include <string.h>


/* ---- reading ------------------------------------------------------------------------------ */

/* The backorder as api.md §4 pins it ({number, order, sku, qty_open, state}) plus its history:
   the quantities fulfilled and cancelled, where it arose and which shipments fill it. */
static int backorder_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *b;
    int rc = db_row(c->db, e, &b,
                    "SELECT b.number, b.order_no AS \"order\", b.customer, b.sku, p.name,"
                    " p.spec, p.unit, b.line_no, b.qty, b.qty_open, b.qty_fulfilled,"
                    " b.qty_cancelled, b.state, b.shipment, b.scheduled_shipment,"
                    " b.notified_at, b.notified AS \"notified!j\", b.cancel_reason,"
                    " b.cancelled_at, b.cancelled_by, b.fulfilled_at, b.version, b.created_at,"
                    " b.updated_at FROM backorders b LEFT JOIN products p ON p.sku = b.sku"
                    " WHERE b.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no backorder '%s'", number);
    json_t *ships = db_rows(c->db, e,
                            "SELECT number, state FROM shipments WHERE backorder = ?"
                            " ORDER BY id",
                            "s", number);
    if (!ships) {
        json_decref(b);
        return -1;
    }
    static const char *const times[] = {"notified_at", "cancelled_at", "fulfilled_at", "created_at",
                                        "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, b, times[i]);
    json_object_set_new(b, "shipments", ships);
    *out = b;
    return 0;
}

struct bo {
    char number[DOCNO_MAX], order_no[DOCNO_MAX], sku[40], scheduled[DOCNO_MAX];
    enum backorder_state state;
    int line_no;
    int64_t qty_open, version;
};

/* Loads the backorder with its order and customer; 404 when missing or out of scope. */
static int load(struct ctx *c, const char *number, struct bo *b, struct order *o,
                struct order_customer *cu, struct osb_err *e)
{
    memset(b, 0, sizeof *b);
    json_t *r = NULL;
    int rc = db_row(c->db, e, &r,
                    "SELECT number, order_no, sku, scheduled_shipment, state, line_no, qty_open,"
                    " version FROM backorders WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        snprintf(b->number, sizeof b->number, "%s", jstr(r, "number"));
        snprintf(b->order_no, sizeof b->order_no, "%s", jstr(r, "order_no"));
        snprintf(b->sku, sizeof b->sku, "%s", jstr(r, "sku"));
        snprintf(b->scheduled, sizeof b->scheduled, "%s",
                 jstr(r, "scheduled_shipment") ? jstr(r, "scheduled_shipment") : "");
        b->state = backorder_state_parse(jstr(r, "state"));
        b->line_no = (int)jint(r, "line_no");
        b->qty_open = jint(r, "qty_open");
        b->version = jint(r, "version");
        json_decref(r);
        rc = store_order_load(c->db, e, b->order_no, o);
        if (rc == 1) {
            rc = store_order_customer(c->db, e, o->customer, cu);
            if (rc == 1 && scope_sees(c, cu))
                return 0;
            store_order_release(o);
        }
    }
    if (rc < 0 || !err_ok(e))
        return -1;
    return err_set(e, ERR_NOT_FOUND, "no backorder '%s'", number);
}

int backorder_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    struct bo b;
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    int rc = load(c, number, &b, o, &cu, e);
    if (rc == 0) {
        store_order_release(o);
        rc = backorder_json(c, number, out, e);
    }
    free(o);
    return rc;
}

int backorder_list(struct ctx *c, const struct backorder_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (q->state && backorder_state_parse(q->state) == BS_NONE)
        return err_bad(e, "state", "unknown state '%s'", q->state);
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT b.number FROM backorders b JOIN customers cu ON cu.code = b.customer"
                 " WHERE 1=1");
    flow_scope_sql(c, &sql, p, "cu");
    static const char *const col[] = {"b.state", "b.order_no", "b.customer", "b.sku"};
    const char *val[] = {q->state, q->order, q->customer, q->sku};
    for (size_t i = 0; i < 4; i++) {
        if (!val[i])
            continue;
        sb_addf(&sql, " AND %s = ?", col[i]);
        json_array_append_new(p, json_string(val[i]));
    }
    return flow_doc_page(c, &sql, p, "b.number", q->cursor, q->limit, backorder_json, out, e);
}

/* ---- remarks on the delivery note --------------------------------------------------------- */

/* Appends one line to the delivery note's remarks (seed 004: backorder remarks are printed on
   the shipping list). */
static int remark(struct ctx *c, const char *delivery_note, const char *text, struct osb_err *e)
{
    if (!delivery_note || !*delivery_note)
        return 0;
    return db_exec(c->db, e,
                   "UPDATE delivery_notes SET remarks = CASE WHEN coalesce(remarks, '') = ''"
                   " THEN ?1 ELSE remarks || '\n' || ?1 END WHERE number = ?2",
                   "ss", text, delivery_note) < 0
               ? -1
               : 0;
}

/* "M牌婴儿配方奶粉1段 900g/听 60听（5箱）" — what the customer reads on notes and notices. */
static char *describe(struct ctx *c, const char *sku, int64_t qty, struct osb_err *e)
{
    json_t *p = NULL;
    if (db_row(c->db, e, &p, "SELECT name, spec, unit, case_size FROM products WHERE sku = ?", "s",
               sku) < 0)
        return NULL;
    struct sb s = SB_INIT;
    int64_t cases = 0, loose = 0;
    qty_cases(qty, p ? jint(p, "case_size") : 1, &cases, &loose);
    const char *unit = p && jstr(p, "unit") ? jstr(p, "unit") : "";
    sb_addf(&s, "%s %s%s%s %lld%s（%lld箱", sku, p ? jstr(p, "name") : "",
            p && jstr(p, "spec") && *jstr(p, "spec") ? " " : "",
            p && jstr(p, "spec") ? jstr(p, "spec") : "", (long long)qty, unit, (long long)cases);
    if (loose)
        sb_addf(&s, "%lld散%s", (long long)loose, unit);
    sb_add(&s, "）");
    json_decref(p);
    return sb_detach(&s);
}

/* ---- opened and fulfilled by the shipment flow --------------------------------------------- */

int backorder_open(struct ctx *c, const struct order *o, const char *shipment, int line_no,
                   const char *sku, int64_t qty, struct osb_err *e)
{
    char number[DOCNO_MAX];
    char cust[64];
    snprintf(cust, sizeof cust, "customer:%s", o->customer);
    json_t *notified = json_array();
    if (o->um[0])
        json_array_append_new(notified, json_string(o->um));
    json_array_append_new(notified, json_string(cust));
    char *what = NULL;
    int rc = -1;
    if (flow_docno(c, e, "QH", number) < 0)
        goto out;
    if (db_exec(c->db, e,
                "INSERT INTO backorders(number, order_no, shipment, customer, line_no, sku, qty,"
                " qty_open, state, notified_at, notified, created_at, updated_at)"
                " VALUES(?,?,?,?,?,?,?,?,'open',?,?,?,?)",
                "ssssdsiiijii", number, o->number, shipment, o->customer, line_no, sku, qty, qty,
                c->now, notified, c->now, c->now) < 0)
        goto out;
    what = describe(c, sku, qty, e);
    if (!what)
        goto out;
    struct sb r = SB_INIT;
    sb_addf(&r, "欠货：%s，欠货单%s，到货后补发", what, number);
    rc = remark(c, o->delivery_note, r.buf, e);
    sb_free(&r);
    if (rc < 0)
        goto out;
    rc = -1;
    /* flows.md §3.3: UM and customer are told at once, with the SKU and missing quantity. */
    if (notify(c, e, "backorder_opened", o->um, number, NULL, "订单%s欠货：%s（欠货单%s）",
               o->number, what, number) < 0 ||
        notify(c, e, "backorder_opened", cust, number, NULL,
               "您的订单%s本次发运欠货：%s，到货后补发（欠货单%s）", o->number, what, number) < 0)
        goto out;
    json_t *after =
        json_pack("{ss ss ss sI ss sO}", "state", "open", "order", o->number, "sku", sku,
                  "qty_open", (json_int_t)qty, "shipment", shipment, "notified", notified);
    rc = flow_audit(c, e, "open", "backorder", number, NULL, after);
    json_decref(after);
out:
    free(what);
    json_decref(notified);
    return rc;
}

int backorder_shipment_done(struct ctx *c, const char *number, const char *shipment,
                            int64_t shipped, struct osb_err *e)
{
    json_t *r = NULL;
    int rc = db_row(c->db, e, &r,
                    "SELECT b.qty_open, b.state, b.version, b.sku, b.order_no, o.um, o.customer"
                    " FROM backorders b JOIN orders o ON o.number = b.order_no"
                    " WHERE b.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error");
    int64_t open = jint(r, "qty_open");
    if (shipped > open)
        shipped = open; /* a backorder shipment asks for at most what is open */
    if (shipped < 0)
        shipped = 0;
    int64_t left = open - shipped;
    const char *state = left == 0 ? "fulfilled" : "open";
    rc = -1;
    json_t *before = json_pack("{ss sI sI}", "state", jstr(r, "state"), "qty_open",
                               (json_int_t)open, "version", (json_int_t)jint(r, "version"));
    json_t *after = json_pack("{ss sI sI ss sI}", "state", state, "qty_open", (json_int_t)left,
                              "qty_fulfilled_now", (json_int_t)shipped, "shipment", shipment,
                              "version", (json_int_t)(jint(r, "version") + 1));
    if (db_exec(c->db, e,
                "UPDATE backorders SET qty_open = ?, qty_fulfilled = qty_fulfilled + ?,"
                " state = ?, scheduled_shipment = NULL,"
                " fulfilled_at = CASE WHEN ? = 'fulfilled' THEN ? ELSE fulfilled_at END,"
                " version = version + 1, updated_at = ? WHERE number = ?",
                "iissiis", left, shipped, state, state, c->now, c->now, number) < 0 ||
        flow_audit(c, e, left == 0 ? "fulfil" : "ship-part", "backorder", number, before, after) <
            0)
        goto out;
    if (left == 0) {
        char cust[64];
        snprintf(cust, sizeof cust, "customer:%s", jstr(r, "customer"));
        if (notify(c, e, "backorder_fulfilled", jstr(r, "um"), number, NULL,
                   "欠货单%s已补发（发运单%s）", number, shipment) < 0 ||
            notify(c, e, "backorder_fulfilled", cust, number, NULL, "欠货单%s已补发（发运单%s）",
                   number, shipment) < 0)
            goto out;
    }
    rc = 0;
out:
    json_decref(before);
    json_decref(after);
    json_decref(r);
    return rc;
}

/* ---- actions ------------------------------------------------------------------------------ */

/* Gives back qty of the quota the order line took at AC (quota_uses of that order/line): the
   part taken from over-quota approvals first, then plain quota; a use that reaches zero is
   marked released. */
static int release_quota(struct ctx *c, const char *order_no, int line_no, int64_t qty,
                         struct osb_err *e)
{
    json_t *uses = db_rows(c->db, e,
                           "SELECT id, qty, over_qty FROM quota_uses WHERE document = ?"
                           " AND line_no = ? AND released = 0 ORDER BY id DESC",
                           "sd", order_no, line_no);
    if (!uses)
        return -1;
    size_t i;
    json_t *u;
    int rc = 0;
    json_array_foreach(uses, i, u)
    {
        if (qty <= 0)
            break;
        int64_t q = jint(u, "qty"), over = jint(u, "over_qty");
        int64_t d = q < qty ? q : qty;
        int64_t nover = over - d > 0 ? over - d : 0;
        rc = d == q ? db_exec(c->db, e, "UPDATE quota_uses SET released = 1 WHERE id = ?", "i",
                              jint(u, "id"))
                    : db_exec(c->db, e, "UPDATE quota_uses SET qty = ?, over_qty = ? WHERE id = ?",
                              "iii", q - d, nover, jint(u, "id"));
        if (rc < 0)
            break;
        rc = 0;
        qty -= d;
    }
    json_decref(uses);
    return rc;
}

/* Lowers the order's open-order exposure by qty × the line's price (never below zero). */
static int release_exposure(struct ctx *c, const char *order_no, int line_no, int64_t qty,
                            int64_t *amount, struct osb_err *e)
{
    int64_t price = 0;
    *amount = 0;
    if (db_int(c->db, e, &price,
               "SELECT price_fen FROM order_lines WHERE order_no = ? AND line_no = ?", "sd",
               order_no, line_no) < 0)
        return -1;
    if (!money_mul(qty, price, amount))
        return err_invalid(e, "qty", "amount_overflow", "the backorder's value overflows");
    return db_exec(c->db, e,
                   /* max(0, open_fen - ?1), written so PostgreSQL (no scalar max) takes it */
                   "UPDATE order_exposure SET open_fen = CASE WHEN open_fen > ?1"
                   " THEN open_fen - ?1 ELSE 0 END WHERE order_no = ?2",
                   "is", *amount, order_no) < 0
               ? -1
               : 0;
}

static const struct field_def cancel_fields[] = {
    {"reason", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"comment", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def cancel_def = {"backorders", "number", "backorder", cancel_fields, 2};
static const struct field_def schedule_fields[] = {
    {"comment", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def schedule_def = {"backorders", "number", "backorder", schedule_fields,
                                               1};

/* flows.md §3.3 cancel: on UM or customer request; quota and exposure released; a shipment
   already scheduled for it is cancelled and its reservation given back. */
static int a_cancel(struct ctx *c, struct bo *b, struct order *o, json_t *n, json_t *after,
                    struct osb_err *e)
{
    const char *reason = jstr(n, "reason") ? jstr(n, "reason") : jstr(n, "comment");
    if (b->scheduled[0] && shipment_cancel_pending(c, b->scheduled, "欠货单已取消", e) < 0)
        return -1;
    int64_t amount = 0;
    if (release_quota(c, o->number, b->line_no, b->qty_open, e) < 0 ||
        release_exposure(c, o->number, b->line_no, b->qty_open, &amount, e) < 0 ||
        billing_on_backorder_cancel(c, o->number, amount, e) < 0) /* HZ or earmark back */
        return -1;
    if (db_exec(c->db, e,
                "UPDATE backorders SET state = 'cancelled', qty_cancelled = qty_cancelled + ?,"
                " qty_open = 0, scheduled_shipment = NULL, cancel_reason = ?, cancelled_at = ?,"
                " cancelled_by = ?, version = version + 1, updated_at = ? WHERE number = ?",
                "isisis", b->qty_open, reason, c->now, c->user.username, c->now, b->number) < 0)
        return -1;
    json_object_set_new(after, "qty_cancelled", json_integer(b->qty_open));
    json_object_set_new(after, "exposure_released_fen", json_integer(amount));
    if (b->scheduled[0])
        json_object_set_new(after, "cancelled_shipment", json_string(b->scheduled));
    char *what = describe(c, b->sku, b->qty_open, e);
    if (!what)
        return -1;
    struct sb r = SB_INIT;
    sb_addf(&r, "欠货单%s已取消：%s", b->number, what);
    int rc = remark(c, o->delivery_note, r.buf, e);
    sb_free(&r);
    free(what);
    if (rc < 0)
        return -1;
    char cust[64];
    snprintf(cust, sizeof cust, "customer:%s", o->customer);
    const char *who[] = {o->um, o->csr, cust};
    for (size_t i = 0; i < 3; i++)
        if ((i == 0 || strcmp(who[i], who[0]) != 0) &&
            notify(c, e, "backorder_cancelled", who[i], b->number, NULL,
                   "欠货单%s（订单%s，%s %lld）已取消", b->number, o->number, b->sku,
                   (long long)b->qty_open) < 0)
            return -1;
    return shipment_close_order_if_done(c, o->number, e);
}

/* flows.md §3.3 schedule: a new shipment for the open quantity, reserved FEFO. */
static int a_schedule(struct ctx *c, struct bo *b, struct order *o, json_t *after,
                      struct osb_err *e)
{
    if (b->scheduled[0]) {
        err_state(e, "open", "backorder %s is already scheduled on shipment %s", b->number,
                  b->scheduled);
        e->extra = json_pack("{ss}", "scheduled_shipment", b->scheduled);
        return -1;
    }
    char fh[DOCNO_MAX];
    if (shipment_create_for_backorder(c, o, b->number, b->line_no, b->sku, b->qty_open, fh, e) <
            0 ||
        db_exec(c->db, e,
                "UPDATE backorders SET scheduled_shipment = ?, version = version + 1,"
                " updated_at = ? WHERE number = ?",
                "sis", fh, c->now, b->number) < 0)
        return -1;
    json_object_set_new(after, "scheduled_shipment", json_string(fh));
    return 0;
}

int backorder_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e)
{
    *out = NULL;
    bool cancel = strcmp(action, "cancel") == 0;
    if (!cancel && strcmp(action, "schedule") != 0)
        return err_set(e, ERR_NOT_FOUND, "no backorder action '%s'", action);
    struct bo b;
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    json_t *n = NULL, *after = json_object();
    int rc = -1;
    if (load(c, number, &b, o, &cu, e) < 0) {
        free(o);
        json_decref(after);
        return -1;
    }
    if (!json_is_object(body)) {
        err_bad(e, NULL, "the body must be a JSON object");
        goto out;
    }
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) if (!record_field(cancel ? &cancel_def : &schedule_def, k))
    {
        err_bad(e, k, "unknown field '%s'", k);
        goto out;
    }
    if (flow_need(c, cancel ? P_BACKORDER_CANCEL : P_BACKORDER_SCHEDULE, e) < 0)
        goto out;
    if (b.state != BS_OPEN) {
        err_state(e, backorder_state_str(b.state), "a %s backorder cannot be %s",
                  backorder_state_str(b.state), cancel ? "cancelled" : "scheduled");
        goto out;
    }
    if (flow_check_version(c, e, b.version) < 0 ||
        record_check(cancel ? &cancel_def : &schedule_def, body, true, &n, e) < 0)
        goto out;
    if (cancel ? a_cancel(c, &b, o, n, after, e) < 0 : a_schedule(c, &b, o, after, e) < 0)
        goto out;
    json_t *before = json_pack("{ss sI sI}", "state", "open", "qty_open", (json_int_t)b.qty_open,
                               "version", (json_int_t)b.version);
    json_object_set_new(after, "state", json_string(cancel ? "cancelled" : "open"));
    json_object_set_new(after, "version", json_integer(b.version + 1));
    if (jstr(body, "comment"))
        json_object_set_new(after, "comment", json_string(jstr(body, "comment")));
    rc = flow_audit(c, e, cancel ? "cancel" : "schedule", "backorder", number, before, after);
    json_decref(before);
    if (rc == 0)
        rc = backorder_json(c, number, out, e);
out:
    json_decref(n);
    json_decref(after);
    store_order_release(o);
    free(o);
    return rc;
}
