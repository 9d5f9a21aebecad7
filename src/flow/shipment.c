/*
 * shipment.c — the SP flow (flows.md §3): receive (SP1), pick by batch (SP2), check (SP3),
 * book carrier and station (SP4), dispatch (SP5), track (SP6), proof of delivery (SP7) and the
 * short-close extension, plus reading shipments.
 *
 * Every action follows flows.md §0.1 in this order: data scope (404), who may act (403),
 * state (409 invalid_state), If-Match (409 version_conflict), body validation (400/422), then
 * the change, its timeline row, its audit row and its notifications. The caller's transaction
 * makes the whole action atomic.
 *
 * Stock: a shipment line holds its reservation as [{batch, qty}] (shipment_lines.reserved) and
 * every change to it goes through store_stock_move, which writes the lot and its move
 * together. Picking re-points the reservation to the picked batches; dispatch ships the picks
 * (on_hand and reserved both fall) and releases whatever else the line still held.
 */
#include "flow/shipment.h"

#include "core/json.h"
#include "core/date.h"
#include "core/record.h"
#include "core/validate.h"
#include "flow/backorder.h"
#include "flow/billing.h"
#include "flow/flow.h"
#include "flow/scope.h"
#include "flow/notify.h"
#include "store/shipment.h"
#include "store/stock.h"

#include <stdlib.h>
#include <string.h>


/* ---- scope -------------------------------------------------------------------------------- */

/* ---- reading ------------------------------------------------------------------------------ */

static void list_default(json_t *obj, const char *key)
{
    if (!json_is_array(json_object_get(obj, key)))
        json_object_set_new(obj, key, json_array());
}

/* The shipment as GET /shipments/{number} shows it: header, lines with reservation and picks,
   tracking, proof of delivery, the backorders it opened, and its timeline. Nothing on it is a
   price, so the warehouse sees the same answer as everyone else. */
static int shipment_json(struct ctx *c, const char *number, bool with_timeline, json_t **out,
                         struct osb_err *e)
{
    json_t *s;
    int rc = db_row(c->db, e, &s,
                    "SELECT s.number, s.order_no AS \"order\", o.customer,"
                    " cu.name AS customer_name, s.delivery_note, s.backorder, s.warehouse, s.scr,"
                    " s.state, s.carrier, s.station, s.waybill, s.released_at, s.received_at,"
                    " s.picked_at, s.checked_at, s.booked_at, s.dispatched_at, s.delivered_at,"
                    " s.expected_delivery_by, s.feedback_to_csr_at, s.pod AS \"pod!j\","
                    " s.version, s.created_at, s.updated_at FROM shipments s"
                    " JOIN orders o ON o.number = s.order_no"
                    " JOIN customers cu ON cu.code = o.customer WHERE s.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no shipment '%s'", number);
    static const char *const times[] = {
        "released_at",   "received_at",  "picked_at",          "checked_at", "booked_at",
        "dispatched_at", "delivered_at", "feedback_to_csr_at", "created_at", "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, s, times[i]);
    json_t *lines = db_rows(c->db, e,
                            "SELECT l.line_no, l.sku, p.name, p.spec, p.unit, p.case_size,"
                            " l.qty_requested, l.reserved AS \"reserved!j\","
                            " l.picks AS \"picks!j\", l.qty_counted, l.qty_shipped,"
                            " l.discrepancy, l.note FROM shipment_lines l"
                            " LEFT JOIN products p ON p.sku = l.sku WHERE l.shipment = ?"
                            " ORDER BY l.line_no",
                            "s", number);
    json_t *tracking = db_rows(c->db, e,
                               "SELECT at, status, location, source, note, recorded_by,"
                               " recorded_at FROM tracking_events WHERE shipment = ?"
                               " ORDER BY at, id",
                               "s", number);
    json_t *bos = db_rows(c->db, e,
                          "SELECT number, sku, qty, qty_open, state FROM backorders"
                          " WHERE shipment = ? ORDER BY id",
                          "s", number);
    json_t *tl = with_timeline
                     ? db_rows(c->db, e,
                               "SELECT step, action, actor, at, from_state, to_state, comment"
                               " FROM shipment_events WHERE shipment = ? ORDER BY id",
                               "s", number)
                     : json_array();
    if (!lines || !tracking || !bos || !tl) {
        json_decref(s), json_decref(lines), json_decref(tracking), json_decref(bos);
        json_decref(tl);
        return -1;
    }
    size_t i;
    json_t *it;
    json_array_foreach(lines, i, it)
    {
        list_default(it, "reserved");
        list_default(it, "picks");
        int64_t cases, loose;
        qty_cases(jint(it, "qty_requested"), jint(it, "case_size"), &cases, &loose);
        json_object_set_new(it, "cases", json_integer(cases));
        json_object_set_new(it, "loose_units", json_integer(loose));
        json_object_set_new(it, "qty_reserved",
                            json_integer(store_alloc_total(json_object_get(it, "reserved"))));
        json_object_set_new(it, "qty_picked",
                            json_integer(store_alloc_total(json_object_get(it, "picks"))));
    }
    json_array_foreach(tracking, i, it)
    {
        flow_ts(c, it, "at");
        flow_ts(c, it, "recorded_at");
    }
    json_array_foreach(tl, i, it) flow_ts(c, it, "at");
    json_object_set_new(s, "lines", lines);
    json_object_set_new(s, "tracking", tracking);
    json_object_set_new(s, "backorders", bos);
    if (with_timeline)
        json_object_set_new(s, "timeline", tl);
    else
        json_decref(tl);
    *out = s;
    return 0;
}

/* Loads the shipment, its order and customer; 404 when any is missing or out of scope. */
static int load(struct ctx *c, const char *number, struct shipment *s, struct order *o,
                struct order_customer *cu, struct osb_err *e)
{
    int rc = store_shipment_load(c->db, e, number, s);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        rc = store_order_load(c->db, e, s->order_no, o);
        if (rc == 1) {
            rc = store_order_customer(c->db, e, o->customer, cu);
            if (rc == 1 && scope_sees(c, cu))
                return 0;
            store_order_release(o);
        }
        store_shipment_release(s);
    }
    if (rc < 0 || !err_ok(e))
        return -1;
    return err_set(e, ERR_NOT_FOUND, "no shipment '%s'", number);
}

int shipment_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    struct shipment *s = xcalloc(1, sizeof *s);
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    int rc = load(c, number, s, o, &cu, e);
    if (rc == 0) {
        store_shipment_release(s);
        store_order_release(o);
        rc = shipment_json(c, number, true, out, e);
    }
    free(s);
    free(o);
    return rc;
}

/* A shipment as lists show it (without its timeline). */
static int shipment_list_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return shipment_json(c, number, false, out, e);
}

int shipment_list(struct ctx *c, const struct shipment_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (q->state && shipment_state_parse(q->state) == SS_NONE)
        return err_bad(e, "state", "unknown state '%s'", q->state);
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT s.number FROM shipments s JOIN orders o ON o.number = s.order_no"
                 " JOIN customers cu ON cu.code = o.customer WHERE 1=1");
    flow_scope_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "s.state", q->state);
    flow_filter_eq(&sql, p, "s.order_no", q->order);
    flow_filter_eq(&sql, p, "o.customer", q->customer);
    return flow_doc_page(c, &sql, p, "s.number", q->cursor, q->limit, shipment_list_json, out, e);
}

/* ---- stock helpers ------------------------------------------------------------------------ */

/* The lots of sku in wh, first-expiring-first (flows.md §3.1 SP2: earliest expires, then
   earliest produced_on, then batch code), each with ok and free (on_hand − reserved). */
static json_t *fefo_lots(struct ctx *c, const char *wh, const char *sku, struct osb_err *e)
{
    return db_rows(c->db, e,
                   "SELECT batch, quality = 'ok' AS \"ok!b\", on_hand - reserved AS free"
                   " FROM stock_lots WHERE warehouse = ? AND sku = ?"
                   " ORDER BY coalesce(expires, '9999-12-31'), coalesce(produced_on, '9999-12-31'),"
                   " batch",
                   "ss", wh, sku);
}

static int move(struct ctx *c, const struct shipment *s, const char *sku, const char *batch,
                enum stock_move_kind kind, int64_t qty, struct osb_err *e)
{
    struct stock_move m = {c->now, s->warehouse, sku,       batch,
                           kind,   qty,          s->number, c->user.username};
    return store_stock_move(c->db, e, &m);
}

/* Gives back everything the line holds beyond what it ships (keep = picks at dispatch, an
   empty list at short-close and cancel). */
static int release_unpicked(struct ctx *c, const struct shipment *s, struct shipment_line *l,
                            json_t *keep, struct osb_err *e)
{
    size_t i;
    json_t *it;
    json_array_foreach(l->reserved, i, it)
    {
        const char *b = jstr(it, "batch");
        int64_t left = jint(it, "qty") - store_alloc_of(keep, b);
        if (left > 0 && move(c, s, l->sku, b, SM_UNRESERVE, left, e) < 0)
            return -1;
    }
    json_decref(l->reserved);
    l->reserved = json_array();
    return 0;
}

/* ---- the actions -------------------------------------------------------------------------- */

struct sact {
    struct ctx *c;
    struct shipment *s;
    struct order *o;
    struct order_customer *cu;
    json_t *body;
    enum shipment_state from;
    const char *comment;
    json_t *audit;    /* facts for the audit row's "after" (owned) */
    bool close_order; /* run the order-closing check after the state is written */
};

static int line_field_err(struct osb_err *e, size_t i, const char *sub, const char *rule,
                          const char *fmt, const char *arg)
{
    char field[48];
    snprintf(field, sizeof field, "lines[%zu]%s%s", i, sub ? "." : "", sub ? sub : "");
    return err_invalid(e, field, rule, fmt, arg);
}

static struct shipment_line *line_of(struct shipment *s, const char *sku)
{
    for (size_t i = 0; i < s->nlines; i++)
        if (strcmp(s->lines[i].sku, sku) == 0)
            return &s->lines[i];
    return NULL;
}

/* The shape of a body "lines" list: an array of objects with only the allowed keys and a
   string sku naming a line of this shipment. */
static int check_body_lines(struct shipment *s, json_t *arr, const char *const *keys,
                            struct osb_err *e)
{
    if (!json_is_array(arr))
        return err_bad(e, "lines", "lines must be an array");
    size_t i;
    json_t *l;
    json_array_foreach(arr, i, l)
    {
        if (!json_is_object(l))
            return err_bad(e, "lines", "each line must be an object");
        const char *k;
        json_t *v;
        json_object_foreach(l, k, v)
        {
            bool ok = false;
            for (const char *const *a = keys; *a; a++)
                ok = ok || strcmp(*a, k) == 0;
            if (!ok)
                return err_bad(e, k, "unknown field '%s' in a line", k);
        }
        json_t *js = json_object_get(l, "sku");
        if (!js)
            return line_field_err(e, i, "sku", "required", "line %s has no sku", "");
        if (!json_is_string(js))
            return err_bad(e, "sku", "sku must be a string");
        if (!line_of(s, json_string_value(js)))
            return line_field_err(e, i, "sku", "unknown_sku", "%s is not on this shipment",
                                  json_string_value(js));
    }
    return 0;
}

/* A quantity in a body line: absent → has=false; otherwise an integer 0..10^8. */
static int body_qty(json_t *l, size_t i, const char *key, bool required, bool *has, int64_t *out,
                    struct osb_err *e)
{
    json_t *v = json_object_get(l, key);
    *has = v && !json_is_null(v);
    if (!*has)
        return required ? line_field_err(e, i, key, "required", "%s is required", key) : 0;
    if (!json_is_integer(v))
        return err_bad(e, key, "%s must be an integer number of units", key);
    *out = json_integer_value(v);
    if (*out < 0)
        return line_field_err(e, i, key, "negative_qty", "%s is negative", key);
    if (*out > 100000000)
        return line_field_err(e, i, key, "qty_too_large", "%s is above 100,000,000", key);
    return 0;
}

static int a_receive(struct sact *x, struct osb_err *e)
{
    return store_shipment_set_time(x->c->db, e, x->s->number, "received_at", x->c->now);
}

/* Index of the first body line about sku (and batch, when given), for error fields. */
static size_t body_index(json_t *arr, const char *sku, const char *batch)
{
    size_t i;
    json_t *l;
    json_array_foreach(arr, i, l)
    {
        if (!is(jstr(l, "sku"), sku))
            continue;
        if (!batch || is(jstr(l, "batch"), batch))
            return i;
    }
    return 0;
}

/* SP2 for one line: want[] per lot from the body (or the whole request when the body has no
   lines), planned by pick_plan, then the reservation moves it implies. */
static int pick_line(struct sact *x, struct shipment_line *l, json_t *arr, struct osb_err *e)
{
    struct ctx *c = x->c;
    json_t *lots = fefo_lots(c, x->s->warehouse, l->sku, e);
    if (!lots)
        return -1;
    size_t n = json_array_size(lots);
    struct pick_lot *pl = xcalloc(n + 1, sizeof *pl);
    int rc = -1;
    int64_t unnamed = 0, obtainable = 0;
    for (size_t k = 0; k < n; k++) {
        json_t *lot = json_array_get(lots, k);
        pl[k].ok = json_is_true(json_object_get(lot, "ok"));
        pl[k].free = jint(lot, "free");
        pl[k].reserved = store_alloc_of(l->reserved, jstr(lot, "batch"));
        if (pl[k].ok)
            obtainable += pl[k].reserved + pl[k].free;
    }
    if (!arr) {
        /* No list: pick the line as planned — its reservation first, then any stock that came
           in since release — as far as stock allows. */
        unnamed = l->qty_requested < obtainable ? l->qty_requested : obtainable;
    } else {
        size_t i;
        json_t *bl;
        json_array_foreach(arr, i, bl)
        {
            if (!is(jstr(bl, "sku"), l->sku))
                continue;
            bool has;
            int64_t q = 0;
            if (body_qty(bl, i, "qty", true, &has, &q, e) < 0)
                goto out;
            json_t *jb = json_object_get(bl, "batch");
            if (!jb || json_is_null(jb)) {
                unnamed += q;
                continue;
            }
            if (!json_is_string(jb)) {
                err_bad(e, "batch", "batch must be a string");
                goto out;
            }
            size_t k = 0;
            while (k < n && !is(jstr(json_array_get(lots, k), "batch"), json_string_value(jb)))
                k++;
            if (k == n) {
                line_field_err(e, i, "batch", "unknown_batch",
                               "there is no batch %s of this product in the warehouse",
                               json_string_value(jb));
                goto out;
            }
            pl[k].want += q;
        }
    }
    size_t bad = n;
    enum pick_result pr = pick_plan(pl, n, unnamed, l->qty_requested, &bad);
    if (pr != PICK_OK) {
        const char *batch = bad < n ? jstr(json_array_get(lots, bad), "batch") : NULL;
        size_t bi = arr ? body_index(arr, l->sku, batch) : 0;
        if (pr == PICK_EXCEEDS_REQUESTED)
            line_field_err(e, bi, "qty", "pick_exceeds_requested",
                           "more is picked of %s than the shipment requests", l->sku);
        else if (pr == PICK_NOT_AVAILABLE)
            line_field_err(e, bi, "batch", "batch_not_available",
                           "batch %s may not be shipped (quality is not ok)", batch);
        else
            line_field_err(e, bi, batch ? "batch" : "qty", "insufficient_stock",
                           "not enough free stock of %s for this pick", l->sku);
        json_object_set_new(e->extra ? e->extra : (e->extra = json_object()), "sku",
                            json_string(l->sku));
        if (batch)
            json_object_set_new(e->extra, "batch", json_string(batch));
        goto out;
    }
    json_t *res = json_array(), *picks = json_array();
    for (size_t k = 0; k < n; k++) {
        const char *b = jstr(json_array_get(lots, k), "batch");
        int64_t d = pl[k].reserve - pl[k].reserved;
        if ((d > 0 && move(c, x->s, l->sku, b, SM_RESERVE, d, e) < 0) ||
            (d < 0 && move(c, x->s, l->sku, b, SM_UNRESERVE, -d, e) < 0)) {
            json_decref(res), json_decref(picks);
            goto out;
        }
        if (pl[k].reserve > 0)
            json_array_append_new(
                res, json_pack("{ss sI}", "batch", b, "qty", (json_int_t)pl[k].reserve));
        if (pl[k].pick > 0)
            json_array_append_new(picks,
                                  json_pack("{ss sI}", "batch", b, "qty", (json_int_t)pl[k].pick));
    }
    json_decref(l->reserved);
    json_decref(l->picks);
    l->reserved = res;
    l->picks = picks;
    /* A (re-)pick voids the last count: the check runs again on what is now picked. */
    l->has_counted = l->has_shipped = false;
    l->discrepancy[0] = '\0';
    rc = store_shipment_line_save(c->db, e, x->s->number, l);
out:
    free(pl);
    json_decref(lots);
    return rc;
}

static int a_pick(struct sact *x, struct osb_err *e)
{
    static const char *const keys[] = {"sku", "batch", "qty", NULL};
    json_t *arr = json_object_get(x->body, "lines");
    if (arr && json_is_null(arr))
        arr = NULL;
    if (arr && check_body_lines(x->s, arr, keys, e) < 0)
        return -1;
    for (size_t i = 0; i < x->s->nlines; i++)
        if (pick_line(x, &x->s->lines[i], arr, e) < 0)
            return -1;
    return store_shipment_set_time(x->c->db, e, x->s->number, "picked_at", x->c->now);
}

/* SP3: the count. Omitted lines count as picked; a count below the pick trims the picks (the
   latest-expiring units go back on the shelf, still reserved until dispatch); a line short of
   its request is a shortage unless the warehouse marks it pick_error. */
static int a_check(struct sact *x, struct osb_err *e)
{
    static const char *const keys[] = {"sku", "qty_counted", "discrepancy", "note", NULL};
    static const char *const kinds[] = {"none", "shortage", "pick_error", NULL};
    json_t *arr = json_object_get(x->body, "lines");
    if (arr && json_is_null(arr))
        arr = NULL;
    if (arr && check_body_lines(x->s, arr, keys, e) < 0)
        return -1;
    json_t *disc = json_array();
    int rc = -1;
    for (size_t li = 0; li < x->s->nlines; li++) {
        struct shipment_line *l = &x->s->lines[li];
        int64_t picked = store_alloc_total(l->picks), counted = picked;
        const char *kind = NULL, *note = NULL;
        size_t i;
        json_t *bl;
        json_array_foreach(arr, i, bl)
        {
            if (!is(jstr(bl, "sku"), l->sku))
                continue;
            bool has;
            int64_t q = 0;
            if (body_qty(bl, i, "qty_counted", false, &has, &q, e) < 0)
                goto out;
            if (has && q > picked) {
                line_field_err(e, i, "qty_counted", "count_exceeds_picked",
                               "more is counted of %s than was picked: pick again first", l->sku);
                goto out;
            }
            if (has)
                counted = q;
            json_t *d = json_object_get(bl, "discrepancy");
            if (d && !json_is_null(d)) {
                if (!json_is_string(d)) {
                    err_bad(e, "discrepancy", "discrepancy must be a string");
                    goto out;
                }
                const char *const *k = kinds;
                while (*k && strcmp(*k, json_string_value(d)) != 0)
                    k++;
                if (!*k) {
                    line_field_err(e, i, "discrepancy", "invalid_value",
                                   "discrepancy is none, shortage or pick_error, not %s",
                                   json_string_value(d));
                    goto out;
                }
                kind = *k;
            }
            json_t *nt = json_object_get(bl, "note");
            if (nt && !json_is_null(nt)) {
                if (!json_is_string(nt)) {
                    err_bad(e, "note", "note must be a string");
                    goto out;
                }
                if (!valid_text(json_string_value(nt), 500, true)) {
                    line_field_err(e, i, "note", "too_long", "%s", "the note is too long");
                    goto out;
                }
                note = json_string_value(nt);
            }
        }
        /* The shipped-vs-ordered mismatch is recorded whatever the body says. */
        if (counted < l->qty_requested)
            kind = is(kind, "pick_error") ? "pick_error" : "shortage";
        else if (!kind || strcmp(kind, "shortage") == 0)
            kind = "none";
        struct pick_lot *pl = xcalloc(json_array_size(l->picks) + 1, sizeof *pl);
        json_t *it;
        json_array_foreach(l->picks, i, it) pl[i].pick = jint(it, "qty");
        pick_trim(pl, json_array_size(l->picks), counted);
        json_t *picks = json_array();
        json_array_foreach(l->picks, i, it) if (pl[i].pick > 0) json_array_append_new(
            picks, json_pack("{ss sI}", "batch", jstr(it, "batch"), "qty", (json_int_t)pl[i].pick));
        free(pl);
        json_decref(l->picks);
        l->picks = picks;
        l->has_counted = true;
        l->qty_counted = counted;
        snprintf(l->discrepancy, sizeof l->discrepancy, "%s", kind);
        if (note)
            snprintf(l->note, sizeof l->note, "%s", note);
        if (strcmp(kind, "none") != 0)
            json_array_append_new(disc, json_pack("{si ss sI sI ss}", "line", l->line_no, "sku",
                                                  l->sku, "qty_requested",
                                                  (json_int_t)l->qty_requested, "qty_counted",
                                                  (json_int_t)counted, "discrepancy", kind));
        if (store_shipment_line_save(x->c->db, e, x->s->number, l) < 0)
            goto out;
    }
    json_object_set(x->audit, "discrepancies", disc);
    rc = store_shipment_set_time(x->c->db, e, x->s->number, "checked_at", x->c->now);
out:
    json_decref(disc);
    return rc;
}

static const struct field_def book_fields[] = {
    {"carrier", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"station", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"waybill", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"comment", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def book_def = {"shipments", "number", "shipment", book_fields, 4};

/* SP4: carrier, consignment station and waybill, all required; a waybill is unique per
   carrier; a station other than the customer's is accepted and told to the CSR. */
static int a_book(struct sact *x, struct osb_err *e)
{
    json_t *wb = json_object_get(x->body, "waybill");
    if (!wb || json_is_null(wb) || (json_is_string(wb) && !*json_string_value(wb)))
        return err_invalid(e, "waybill", "waybill_required",
                           "a shipment is booked with its waybill number");
    json_t *n;
    if (record_check(&book_def, x->body, true, &n, e) < 0)
        return -1;
    snprintf(x->s->carrier, sizeof x->s->carrier, "%s", jstr(n, "carrier"));
    snprintf(x->s->station, sizeof x->s->station, "%s", jstr(n, "station"));
    snprintf(x->s->waybill, sizeof x->s->waybill, "%s", jstr(n, "waybill"));
    json_decref(n);
    int64_t dup = 0;
    if (db_int(x->c->db, e, &dup,
               "SELECT count(*) FROM shipments WHERE carrier = ? AND waybill = ?"
               " AND number <> ?",
               "sss", x->s->carrier, x->s->waybill, x->s->number) < 0)
        return -1;
    if (dup) {
        err_set(e, ERR_DUPLICATE, "waybill %s of %s is already used by another shipment",
                x->s->waybill, x->s->carrier);
        snprintf(e->field, sizeof e->field, "waybill");
        return -1;
    }
    json_object_set_new(x->audit, "carrier", json_string(x->s->carrier));
    json_object_set_new(x->audit, "station", json_string(x->s->station));
    json_object_set_new(x->audit, "waybill", json_string(x->s->waybill));
    if (x->cu->station[0] && strcmp(x->cu->station, x->s->station) != 0) {
        json_object_set_new(x->audit, "station_differs_from", json_string(x->cu->station));
        if (notify(x->c, e, "shipment_station_changed", x->o->csr, x->s->number, NULL,
                   "发运单%s托运站为%s，与客户%s资料中的%s不同，请确认或更正客户物流信息",
                   x->s->number, x->s->station, x->cu->code, x->cu->station) < 0)
            return -1;
    }
    return store_shipment_set_time(x->c->db, e, x->s->number, "booked_at", x->c->now);
}

/* SP5: ship what was picked, release the rest, open backorders for what is short, tell the
   CSR, the UM and the customer. */
static int a_dispatch(struct sact *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct shipment *s = x->s;
    int64_t total = 0;
    for (size_t i = 0; i < s->nlines; i++)
        total += store_alloc_total(s->lines[i].picks);
    if (total <= 0)
        return err_invalid(e, "lines", "nothing_to_dispatch",
                           "nothing was picked: pick again, or close the shipment short");
    json_t *shipped = json_array();
    for (size_t li = 0; li < s->nlines; li++) {
        struct shipment_line *l = &s->lines[li];
        size_t i;
        json_t *it;
        json_array_foreach(l->picks, i, it)
        {
            if (move(c, s, l->sku, jstr(it, "batch"), SM_SHIP, jint(it, "qty"), e) < 0)
                goto fail;
        }
        if (release_unpicked(c, s, l, l->picks, e) < 0)
            goto fail;
        l->has_shipped = true;
        l->qty_shipped = store_alloc_total(l->picks);
        if (store_shipment_line_save(c->db, e, s->number, l) < 0)
            goto fail;
        json_array_append_new(shipped, json_pack("{ss sI sI}", "sku", l->sku, "qty_requested",
                                                 (json_int_t)l->qty_requested, "qty_shipped",
                                                 (json_int_t)l->qty_shipped));
        /* A shipment that fills a backorder keeps its remainder on that backorder (flows.md
           §3.3: no second backorder); any other short line opens one. */
        if (!s->backorder[0] && l->qty_shipped < l->qty_requested &&
            backorder_open(c, x->o, s->number, l->line_no, l->sku,
                           l->qty_requested - l->qty_shipped, e) < 0)
            goto fail;
    }
    if (s->backorder[0] && backorder_shipment_done(c, s->backorder, s->number, total, e) < 0)
        goto fail;
    json_object_set_new(x->audit, "shipped", shipped);
    shipped = NULL;
    if (billing_on_dispatch(c, s->number, e) < 0) /* BC1: the invoice of this dispatch */
        return -1;
    /* expected_delivery_by = dispatch date + the customer's transit days (entities §6.2). */
    int64_t transit = 3;
    if (db_int(c->db, e, &transit, "SELECT transit_days FROM customers WHERE code = ?", "s",
               x->o->customer) < 0)
        return -1;
    char due[11];
    date_format(flow_today(c) + (date_t)(transit > 0 && transit < 3650 ? transit : 0), due);
    if (db_exec(c->db, e,
                "UPDATE shipments SET dispatched_at = ?, feedback_to_csr_at = ?,"
                " expected_delivery_by = ? WHERE number = ?",
                "iiss", c->now, c->now, due, s->number) < 0)
        return -1;
    char cust[64];
    snprintf(cust, sizeof cust, "customer:%s", x->o->customer);
    if (notify(c, e, "shipment_dispatched", x->o->csr, s->number, NULL,
               "发运单%s（订单%s）已发运：%s，运单号%s，托运站%s，预计%s前到货", s->number,
               x->o->number, s->carrier, s->waybill, s->station, due) < 0 ||
        (!is(x->o->um, x->o->csr) &&
         notify(c, e, "shipment_dispatched", x->o->um, s->number, NULL,
                "订单%s已发运（发运单%s，%s运单号%s），发运清单见发运单", x->o->number, s->number,
                s->carrier, s->waybill) < 0) ||
        notify(c, e, "shipment_dispatched", cust, s->number, NULL,
               "您的订单%s已发运：%s运单号%s，托运站%s，预计%s前到达", x->o->number, s->carrier,
               s->waybill, s->station, due) < 0)
        return -1;
    x->close_order = true;
    return 0;
fail:
    json_decref(shipped);
    return -1;
}

static int parse_at(struct sact *x, json_t *n, ts_t *at, struct osb_err *e)
{
    const char *s = jstr(n, "at");
    *at = x->c->now;
    if (s && !ts_parse_rfc3339(s, at))
        return err_invalid(e, "at", "invalid_date",
                           "at must be a timestamp like 2026-11-22T09:30:00+08:00");
    return 0;
}

static const char *const track_sources[] = {"carrier_query", "customer", "driver", "system", NULL};
static const struct field_def track_fields[] = {
    {"status", FK_TEXT, 0, 40, F_REQUIRED, 0, 0, 0},
    {"location", FK_TEXT, 0, 80, 0, 0, 0, 0},
    {"at", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"source", FK_ENUM, 0, 0, 0, 0, track_sources, 0},
    {"note", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"comment", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def track_def = {"tracking_events", "id", "shipment", track_fields, 6};

/* SP6: one tracking event; "exception" tells the CSR and the UM at once. */
static int a_track(struct sact *x, struct osb_err *e)
{
    json_t *n;
    if (record_check(&track_def, x->body, true, &n, e) < 0)
        return -1;
    ts_t at;
    int rc = -1;
    if (parse_at(x, n, &at, e) < 0)
        goto out;
    const char *status = jstr(n, "status");
    const char *src = jstr(n, "source") ? jstr(n, "source") : "carrier_query";
    if (db_exec(x->c->db, e,
                "INSERT INTO tracking_events(shipment, at, status, location, source, note,"
                " recorded_by, recorded_at) VALUES(?,?,?,?,?,?,?,?)",
                "sisssssi", x->s->number, at, status, jstr(n, "location"), src, jstr(n, "note"),
                x->c->user.username, x->c->now) < 0)
        goto out;
    json_object_set_new(
        x->audit, "tracking",
        json_pack("{ss ss? ss}", "status", status, "location", jstr(n, "location"), "source", src));
    if (strcmp(status, "exception") == 0) {
        const char *loc = jstr(n, "location") ? jstr(n, "location") : "";
        if (notify(x->c, e, "shipment_exception", x->o->csr, x->s->number, NULL,
                   "发运单%s运输异常（%s），请跟进", x->s->number, loc) < 0 ||
            (!is(x->o->um, x->o->csr) &&
             notify(x->c, e, "shipment_exception", x->o->um, x->s->number, NULL,
                    "发运单%s运输异常（%s），请跟进", x->s->number, loc) < 0))
            goto out;
    }
    rc = 0;
out:
    json_decref(n);
    return rc;
}

static const struct field_def deliver_fields[] = {
    {"signed_by", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"at", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"note", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"comment", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def deliver_def = {"shipments", "number", "shipment", deliver_fields, 4};

/* SP7: proof of delivery (who signed, when), and feedback to the CSR. */
static int a_deliver(struct sact *x, struct osb_err *e)
{
    json_t *n;
    if (record_check(&deliver_def, x->body, true, &n, e) < 0)
        return -1;
    ts_t at;
    int rc = -1;
    if (parse_at(x, n, &at, e) < 0)
        goto out;
    if (at < x->s->dispatched_at) {
        err_invalid(e, "at", "pod_before_dispatch",
                    "the goods cannot have been signed for before they were dispatched");
        goto out;
    }
    char ats[32], rec[32];
    ts_format_rfc3339(at, x->c->cfg->tz_min, ats);
    ts_format_rfc3339(x->c->now, x->c->cfg->tz_min, rec);
    json_t *pod =
        json_pack("{ss ss ss? ss ss}", "signed_by", jstr(n, "signed_by"), "at", ats, "note",
                  jstr(n, "note"), "recorded_by", x->c->user.username, "recorded_at", rec);
    rc = db_exec(x->c->db, e,
                 "UPDATE shipments SET pod = ?, delivered_at = ?, feedback_to_csr_at = ?"
                 " WHERE number = ?",
                 "jiis", pod, at, x->c->now, x->s->number);
    json_object_set_new(x->audit, "pod", pod);
    if (rc < 0)
        goto out;
    rc = notify(x->c, e, "shipment_delivered", x->o->csr, x->s->number, NULL,
                "发运单%s（订单%s）已签收：%s，%s", x->s->number, x->o->number,
                jstr(n, "signed_by"), ats);
out:
    json_decref(n);
    return rc < 0 ? -1 : 0;
}

/* Extension (flows.md §3.2): nothing can be shipped; every requested unit becomes a backorder
   and the reservation goes back to stock. */
static int a_short_close(struct sact *x, struct osb_err *e)
{
    struct shipment *s = x->s;
    json_t *none = json_array();
    int rc = -1;
    for (size_t li = 0; li < s->nlines; li++) {
        struct shipment_line *l = &s->lines[li];
        if (release_unpicked(x->c, s, l, none, e) < 0)
            goto out;
        json_decref(l->picks);
        l->picks = json_array();
        l->has_shipped = true;
        l->qty_shipped = 0;
        if (store_shipment_line_save(x->c->db, e, s->number, l) < 0)
            goto out;
        if (!s->backorder[0] &&
            backorder_open(x->c, x->o, s->number, l->line_no, l->sku, l->qty_requested, e) < 0)
            goto out;
    }
    if (s->backorder[0] && backorder_shipment_done(x->c, s->backorder, s->number, 0, e) < 0)
        goto out;
    rc = notify(x->c, e, "shipment_short_closed", x->o->csr, s->number, NULL,
                "发运单%s无货可发，已关闭，全部数量转为欠货", s->number);
out:
    json_decref(none);
    return rc;
}

typedef int (*sact_fn)(struct sact *x, struct osb_err *e);

static const sact_fn handlers[SA__COUNT] = {
    [SA_RECEIVE] = a_receive,   [SA_PICK] = a_pick,
    [SA_CHECK] = a_check,       [SA_BOOK] = a_book,
    [SA_DISPATCH] = a_dispatch, [SA_TRACK] = a_track,
    [SA_DELIVER] = a_deliver,   [SA_SHORT_CLOSE] = a_short_close,
};

/* The body keys each action accepts (the handlers check their values). */
static const char *const *fields_of(enum shipment_action a)
{
    static const char *const common[] = {"comment", NULL};
    static const char *const lines[] = {"comment", "lines", NULL};
    static const char *const book[] = {"comment", "carrier", "station", "waybill", NULL};
    static const char *const track[] = {"comment", "status", "location", "at",
                                        "source",  "note",   NULL};
    static const char *const deliver[] = {"comment", "signed_by", "at", "note", NULL};
    switch (a) {
    case SA_PICK:
    case SA_CHECK:
        return lines;
    case SA_BOOK:
        return book;
    case SA_TRACK:
        return track;
    case SA_DELIVER:
        return deliver;
    default:
        return common;
    }
}

static int body_only(json_t *body, const char *const *allowed, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
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
        if (!valid_text(json_string_value(cm), 2000, true))
            return err_invalid(e, "comment", "too_long", "comment is too long");
    }
    return 0;
}

static int record(struct sact *x, enum shipment_action a, struct osb_err *e)
{
    const struct shipment_action_def *d = shipment_action(a);
    struct ctx *c = x->c;
    x->s->state = d->to;
    if (store_shipment_update(c->db, e, x->s, c->now) < 0 ||
        store_shipment_event(c->db, e, x->s->number, c->now, d->step, d->name, c->user.username,
                             shipment_state_str(x->from), shipment_state_str(x->s->state),
                             x->comment) < 0)
        return -1;
    json_t *before = json_pack("{ss sI}", "state", shipment_state_str(x->from), "version",
                               (json_int_t)x->s->version);
    json_object_set_new(x->audit, "state", json_string(shipment_state_str(x->s->state)));
    json_object_set_new(x->audit, "version", json_integer(x->s->version + 1));
    if (x->comment)
        json_object_set_new(x->audit, "comment", json_string(x->comment));
    int rc = flow_audit(c, e, d->name, "shipment", x->s->number, before, x->audit);
    json_decref(before);
    return rc;
}

int shipment_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                 struct osb_err *e)
{
    *out = NULL;
    int ai = shipment_action_parse(action);
    if (ai < 0)
        return err_set(e, ERR_NOT_FOUND, "no shipment action '%s'", action);
    enum shipment_action act = (enum shipment_action)ai;
    const struct shipment_action_def *d = shipment_action(act);
    struct shipment *s = xcalloc(1, sizeof *s);
    struct order *o = xcalloc(1, sizeof *o);
    struct order_customer cu;
    struct sact x = {c, s, o, &cu, body, SS_NONE, NULL, json_object(), false};
    int rc = -1;
    if (load(c, number, s, o, &cu, e) < 0) {
        free(s), free(o);
        json_decref(x.audit);
        return -1;
    }
    x.from = s->state;
    if (body_only(body, fields_of(act), e) < 0)
        goto out;
    if (!perm_may_act(d->perm, c->user.role)) {
        err_forbidden(e, "role", "the role %s may not %s a shipment", role_str(c->user.role),
                      d->name);
        goto out;
    }
    if (!shipment_action_allowed_from(act, s->state)) {
        err_state(e, shipment_state_str(s->state), "a shipment in state %s cannot %s",
                  shipment_state_str(s->state), d->name);
        goto out;
    }
    if (flow_check_version(c, e, s->version) < 0)
        goto out;
    x.comment = jstr(body, "comment");
    if (handlers[act](&x, e) < 0 || record(&x, act, e) < 0)
        goto out;
    if (x.close_order && shipment_close_order_if_done(c, s->order_no, e) < 0)
        goto out;
    rc = shipment_json(c, number, true, out, e);
out:
    json_decref(x.audit);
    store_shipment_release(s);
    store_order_release(o);
    free(s);
    free(o);
    return rc;
}

/* ---- for backorders ----------------------------------------------------------------------- */

int shipment_create_for_backorder(struct ctx *c, const struct order *o, const char *bo, int line_no,
                                  const char *sku, int64_t qty, char number[DOCNO_MAX],
                                  struct osb_err *e)
{
    /* The warehouse that can fill it all, preferring the order's own; else the one with most. */
    json_t *w = NULL;
    int rc = db_row(c->db, e, &w,
                    /* a derived table: PostgreSQL sorts by an output column only when it
                       stands alone (not in "free >= ?") */
                    "SELECT code, free FROM (SELECT w.code, coalesce((SELECT"
                    " sum(l.on_hand - l.reserved) FROM stock_lots l WHERE l.warehouse = w.code"
                    " AND l.sku = ?1 AND l.quality = 'ok'), 0) AS free FROM warehouses w"
                    " WHERE w.active = 1) AS x"
                    " ORDER BY free >= ?2 DESC, code = ?3 DESC, free DESC, code LIMIT 1",
                    "sis", sku, qty, o->warehouse);
    if (rc < 0)
        return -1;
    if (rc == 0 || jint(w, "free") <= 0) {
        json_decref(w);
        err_invalid(e, "sku", "insufficient_stock",
                    "no warehouse has free stock of %s to schedule this backorder", sku);
        e->extra = json_pack("{ss}", "sku", sku);
        return -1;
    }
    struct shipment *s = xcalloc(1, sizeof *s);
    snprintf(s->order_no, sizeof s->order_no, "%s", o->number);
    snprintf(s->delivery_note, sizeof s->delivery_note, "%s", o->delivery_note);
    snprintf(s->backorder, sizeof s->backorder, "%s", bo);
    snprintf(s->warehouse, sizeof s->warehouse, "%s", jstr(w, "code"));
    snprintf(s->scr, sizeof s->scr, "%s", o->scr);
    json_decref(w);
    s->state = SS_NEW;
    s->released_at = c->now; /* its own 24 h clock (flows.md §3.3) */
    s->nlines = 1;
    struct shipment_line *l = &s->lines[0];
    l->line_no = line_no;
    snprintf(l->sku, sizeof l->sku, "%s", sku);
    l->qty_requested = qty;
    l->reserved = json_array();
    l->picks = json_array();
    rc = -1;
    json_t *lots = NULL;
    if (flow_docno(c, e, "FH", s->number) < 0 || store_shipment_insert(c->db, e, s, c->now) < 0)
        goto out;
    lots = fefo_lots(c, s->warehouse, sku, e);
    if (!lots)
        goto out;
    int64_t want = qty;
    size_t i;
    json_t *lot;
    json_array_foreach(lots, i, lot)
    {
        int64_t f = jint(lot, "free");
        if (want <= 0)
            break;
        if (!json_is_true(json_object_get(lot, "ok")) || f <= 0)
            continue;
        int64_t take = f < want ? f : want;
        if (move(c, s, sku, jstr(lot, "batch"), SM_RESERVE, take, e) < 0)
            goto out;
        json_array_append_new(l->reserved, json_pack("{ss sI}", "batch", jstr(lot, "batch"), "qty",
                                                     (json_int_t)take));
        want -= take;
    }
    json_t *after = json_pack("{ss ss ss ss sO}", "state", "new", "order", o->number, "backorder",
                              bo, "warehouse", s->warehouse, "reserved", l->reserved);
    if (store_shipment_line_save(c->db, e, s->number, l) < 0 ||
        store_shipment_event(c->db, e, s->number, c->now, "SP", "schedule", c->user.username, NULL,
                             "new", bo) < 0 ||
        flow_audit(c, e, "create", "shipment", s->number, NULL, after) < 0) {
        json_decref(after);
        goto out;
    }
    json_decref(after);
    if (notify(c, e, "shipment_new", s->scr, s->number, NULL,
               "欠货单%s已安排补发：发运单%s（%s %lld），请按单发运", bo, s->number, sku,
               (long long)qty) < 0)
        goto out;
    snprintf(number, DOCNO_MAX, "%s", s->number);
    rc = 0;
out:
    json_decref(lots);
    store_shipment_release(s);
    free(s);
    return rc;
}

int shipment_cancel_pending(struct ctx *c, const char *number, const char *why, struct osb_err *e)
{
    struct shipment *s = xcalloc(1, sizeof *s);
    int rc = store_shipment_load(c->db, e, number, s);
    if (rc <= 0) {
        free(s);
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error");
    }
    rc = -1;
    enum shipment_state from = s->state;
    if (from == SS_DISPATCHED || from == SS_DELIVERED || from == SS_CANCELLED) {
        err_state(e, shipment_state_str(from), "shipment %s is already %s", number,
                  shipment_state_str(from));
        goto out;
    }
    json_t *none = json_array();
    for (size_t i = 0; i < s->nlines; i++) {
        struct shipment_line *l = &s->lines[i];
        if (release_unpicked(c, s, l, none, e) < 0) {
            json_decref(none);
            goto out;
        }
        json_decref(l->picks);
        l->picks = json_array();
        if (store_shipment_line_save(c->db, e, number, l) < 0) {
            json_decref(none);
            goto out;
        }
    }
    json_decref(none);
    s->state = SS_CANCELLED;
    json_t *before =
        json_pack("{ss sI}", "state", shipment_state_str(from), "version", (json_int_t)s->version);
    json_t *after = json_pack("{ss sI ss}", "state", "cancelled", "version",
                              (json_int_t)(s->version + 1), "reason", why);
    if (store_shipment_update(c->db, e, s, c->now) == 0 &&
        store_shipment_event(c->db, e, number, c->now, "SP", "cancel", c->user.username,
                             shipment_state_str(from), "cancelled", why) == 0 &&
        flow_audit(c, e, "cancel", "shipment", number, before, after) == 0)
        rc = 0;
    json_decref(before);
    json_decref(after);
out:
    store_shipment_release(s);
    free(s);
    return rc;
}

int shipment_close_order_if_done(struct ctx *c, const char *order_no, struct osb_err *e)
{
    char *st = NULL;
    int64_t pending = 0, open = 0;
    if (db_text(c->db, e, &st, "SELECT state FROM orders WHERE number = ?", "s", order_no) < 0)
        return -1;
    bool released = st && strcmp(st, "released") == 0;
    free(st);
    if (!released)
        return 0;
    if (db_int(c->db, e, &pending,
               "SELECT count(*) FROM shipments WHERE order_no = ? AND state IN"
               " ('new', 'received', 'picked', 'checked', 'booked')",
               "s", order_no) < 0 ||
        db_int(c->db, e, &open,
               "SELECT count(*) FROM backorders WHERE order_no = ? AND state = 'open'", "s",
               order_no) < 0)
        return -1;
    if (pending || open)
        return 0;
    const char *why = "全部发运（或欠货已取消），订单关闭";
    json_t *before = json_pack("{ss}", "state", "released");
    json_t *after = json_pack("{ss}", "state", "closed");
    int rc = (db_exec(c->db, e,
                      "UPDATE orders SET state = 'closed', closed_at = ?, updated_at = ?,"
                      " version = version + 1 WHERE number = ?",
                      "iis", c->now, c->now, order_no) < 0 ||
              store_order_event(c->db, e, order_no, c->now, "SP", "close", c->user.username, NULL,
                                "released", "closed", why) < 0 ||
              flow_audit(c, e, "close", "order", order_no, before, after) < 0)
                 ? -1
                 : 0;
    json_decref(before);
    json_decref(after);
    return rc;
}
