/*
 * shipment.c — the SP flow (flows.md §3) on the document kernel (flow/doc.h): receive (SP1),
 * pick by batch (SP2), check (SP3), book carrier and station (SP4), dispatch (SP5), track
 * (SP6), proof of delivery (SP7) and the short-close extension, plus reading shipments. The
 * table is rules/shipment.c, the SQL store/shipment.c (and store/stock.c for lots).
 *
 * Who (numbering-and-rules.md §3 "SP"): the warehouse does every step; track also csr and
 * ssg_leader; deliver also csr, ssg_leader and the customer for its own shipments (portal).
 * Anyone who sees the customer reads its shipments (the warehouse too: nothing on a shipment
 * is a price).
 *
 * Stock: a shipment line holds its reservation as [{batch, qty}] (shipment_lines.reserved) and
 * every change to it goes through store_stock_move, which writes the lot and its move
 * together. Picking re-points the reservation to the picked batches; dispatch ships the picks
 * (on_hand and reserved both fall) and releases whatever else the line still held.
 *
 * Backorders: this file opens them (dispatch, short-close) and fulfils them (the dispatch of a
 * shipment that fills one) through store/backorder.c — the system's transitions of flows.md
 * §3.3. The backorder document (schedule, cancel) is flow/backorder.c, which sits above this
 * file and calls shipment_create_for_backorder, shipment_cancel_pending and
 * shipment_close_order_if_done; nothing here includes it.
 */
#include "flow/shipment.h"

#include "core/date.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/billing.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/market.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/shipment.h"
#include "store/backorder.h"
#include "store/delivery_note.h"
#include "store/shipment.h"
#include "store/stock.h"

#include <stdlib.h>
#include <string.h>

/* The aggregate the kernel holds: the shipment, its order and the order's customer. */
struct sdoc {
    struct shipment s;
    struct order o;
    struct order_customer cu;
    bool dispatched;  /* invoice the dispatch (BC1) once the shipped lines are saved */
    bool close_order; /* run the order-closing check once the state is saved */
};

static void sfree(void *p)
{
    struct sdoc *d = p;
    store_shipment_release(&d->s);
    store_order_release(&d->o);
    free(d);
}

/* 1 with the aggregate when the shipment exists and its customer is in the caller's scope. */
static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct sdoc *d = xcalloc(1, sizeof *d);
    int rc = store_shipment_load(c->db, e, number, &d->s);
    if (rc == 1)
        rc = store_order_load(c->db, e, d->s.order_no, &d->o);
    if (rc == 1)
        rc = store_order_customer(c->db, e, d->o.customer, &d->cu);
    if (rc == 1 && !scope_sees(c, &d->cu))
        rc = 0;
    if (rc <= 0) {
        sfree(d);
        return rc;
    }
    *out = d;
    return 1;
}

static int sstate(const void *p)
{
    return ((const struct sdoc *)p)->s.state;
}
static int64_t sversion(const void *p)
{
    return ((const struct sdoc *)p)->s.version;
}

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct sdoc *d = p;
    const struct doc_action *da = &shipment_doc.actions[a];
    /* 'O': the customer confirms delivery of its own shipments only; a KAM reports
       discrepancies of its own customers only. */
    if (perm_symbol(da->perm, actor->role) == 'O' && !scope_owns(c, &d->cu))
        return err_forbidden(e, "role", "only the customer's own people may do this");
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

static void list_default(json_t *obj, const char *key)
{
    if (!json_is_array(json_object_get(obj, key)))
        json_object_set_new(obj, key, json_array());
}

/* The shipment as GET /shipments/{number} shows it: header, lines with reservation and picks,
   tracking, proof of delivery, the backorders it opened, and (with_timeline) its timeline.
   Nothing on it is a price, so the warehouse sees the same answer as everyone else. */
static int view(struct ctx *c, const char *number, bool with_timeline, json_t **out,
                struct osb_err *e)
{
    json_t *s;
    int rc = store_shipment_view(c->db, e, number, with_timeline, &s);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no shipment '%s'", number);
    static const char *const times[] = {
        "released_at",   "received_at",  "picked_at",          "checked_at", "booked_at",
        "dispatched_at", "delivered_at", "feedback_to_csr_at", "created_at", "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, s, times[i]);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(s, "lines"), i, it)
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
    json_array_foreach(json_object_get(s, "tracking"), i, it)
    {
        flow_ts(c, it, "at");
        flow_ts(c, it, "recorded_at");
    }
    json_array_foreach(json_object_get(s, "timeline"), i, it) flow_ts(c, it, "at");
    /* api.md §5.5: delivery discrepancies reported after POD. */
    json_t *disc = store_shipment_discrepancies(c->db, e, number);
    if (!disc) {
        json_decref(s);
        return -1;
    }
    json_array_foreach(disc, i, it) flow_ts(c, it, "reported_at");
    json_object_set_new(s, "discrepancies", disc);
    *out = s;
    return 0;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    return view(c, ((struct sdoc *)p)->s.number, true, out, e);
}

/* ---- stock helpers ------------------------------------------------------------------------ */

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

/* ---- backorders: opened and fulfilled by shipments (flows.md §3.3, the system's rows) ------- */

char *shipment_describe(struct ctx *c, const char *sku, int64_t qty, struct osb_err *e)
{
    json_t *p = NULL;
    if (store_backorder_product(c->db, e, sku, &p) < 0)
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

/* Opens a backorder for qty of line line_no (sku) of order o, short on shipment: notifies the
   UM and the customer and adds the remark to the delivery note. */
static int backorder_open_no(struct ctx *c, const struct order *o, const char *shipment,
                             int line_no, const char *sku, int64_t qty, char *number,
                             struct osb_err *e);

static int backorder_open(struct ctx *c, const struct order *o, const char *shipment, int line_no,
                          const char *sku, int64_t qty, struct osb_err *e)
{
    return backorder_open_no(c, o, shipment, line_no, sku, qty, NULL, e);
}

/* The same, and number (when not NULL, DOCNO_MAX bytes) gets the QH number. */
static int backorder_open_no(struct ctx *c, const struct order *o, const char *shipment,
                             int line_no, const char *sku, int64_t qty, char *number,
                             struct osb_err *e)
{
    struct backorder b = {.line_no = line_no, .qty = qty, .qty_open = qty};
    STR_COPY_ARRAY(b.order_no, o->number);
    str_field(b.shipment, sizeof b.shipment, shipment, "shipment");
    STR_COPY_ARRAY(b.customer, o->customer);
    str_field(b.sku, sizeof b.sku, sku, "sku");
    char cust[64];
    STR_FMT_FITS(cust, sizeof "customer:" + sizeof o->customer - 1, "customer:%s", o->customer);
    json_t *notified = json_array();
    if (o->um[0])
        json_array_append_new(notified, json_string(o->um));
    json_array_append_new(notified, json_string(cust));
    char *what = NULL;
    int rc = -1;
    if (flow_docno(c, e, "QH", b.number) < 0 ||
        store_backorder_insert(c->db, e, &b, notified, c->now) < 0)
        goto out;
    what = shipment_describe(c, sku, qty, e);
    if (!what)
        goto out;
    struct sb r = SB_INIT;
    sb_addf(&r, "欠货：%s，欠货单%s，到货后补发", what, b.number);
    rc = store_delivery_note_remark(c->db, e, o->delivery_note, r.buf);
    sb_free(&r);
    if (rc < 0)
        goto out;
    rc = -1;
    /* flows.md §3.3: UM and customer are told at once, with the SKU and missing quantity. */
    if (notify(c, e, "backorder_opened", o->um, b.number, NULL, "订单%s欠货：%s（欠货单%s）",
               o->number, what, b.number) < 0 ||
        notify(c, e, "backorder_opened", cust, b.number, NULL,
               "您的订单%s本次发运欠货：%s，到货后补发（欠货单%s）", o->number, what, b.number) < 0)
        goto out;
    json_t *after =
        json_pack("{ss ss ss sI ss sO}", "state", "open", "order", o->number, "sku", sku,
                  "qty_open", (json_int_t)qty, "shipment", shipment, "notified", notified);
    rc = flow_audit(c, e, "open", "backorder", b.number, NULL, after);
    json_decref(after);
    if (rc == 0 && number)
        str_field(number, DOCNO_MAX, b.number, "backorder");
out:
    free(what);
    json_decref(notified);
    return rc;
}

/* The shipment filling backorder number left (dispatch) with shipped units, or was closed short
   (shipped 0): the shipped units are fulfilled, a remainder keeps it open. */
static int backorder_shipment_done(struct ctx *c, const struct order *o, const char *number,
                                   const char *shipment, int64_t shipped, struct osb_err *e)
{
    struct backorder b;
    int rc = store_backorder_load(c->db, e, number, &b);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error");
    int64_t open = b.qty_open;
    if (shipped > open)
        shipped = open; /* a backorder shipment asks for at most what is open */
    if (shipped < 0)
        shipped = 0;
    int64_t left = open - shipped;
    const char *state = left == 0 ? "fulfilled" : "open";
    json_t *before = json_pack("{ss sI sI}", "state", b.state, "qty_open", (json_int_t)open,
                               "version", (json_int_t)b.version);
    json_t *after = json_pack("{ss sI sI ss sI}", "state", state, "qty_open", (json_int_t)left,
                              "qty_fulfilled_now", (json_int_t)shipped, "shipment", shipment,
                              "version", (json_int_t)(b.version + 1));
    b.qty_open = left;
    b.qty_fulfilled += shipped;
    b.scheduled[0] = '\0';
    b.dirty |= BOD_QTY | BOD_SCHEDULED;
    if (left == 0) {
        b.fulfilled_at = c->now;
        b.dirty |= BOD_FULFILLED;
    }
    rc = -1;
    if (store_backorder_save(c->db, e, &b, state, c->now) < 0 ||
        flow_audit(c, e, left == 0 ? "fulfil" : "ship-part", "backorder", number, before, after) <
            0)
        goto out;
    if (left == 0) {
        char cust[64];
        STR_FMT_FITS(cust, sizeof "customer:" + sizeof o->customer - 1, "customer:%s", o->customer);
        if (notify(c, e, "backorder_fulfilled", o->um, number, NULL, "欠货单%s已补发（发运单%s）",
                   number, shipment) < 0 ||
            notify(c, e, "backorder_fulfilled", cust, number, NULL, "欠货单%s已补发（发运单%s）",
                   number, shipment) < 0)
            goto out;
    }
    rc = 0;
out:
    json_decref(before);
    json_decref(after);
    return rc;
}

/* ---- the actions -------------------------------------------------------------------------- */

static int line_field_err(struct osb_err *e, size_t i, const char *sub, const char *rule,
                          const char *fmt, const char *arg)
{
    char field[48];
    /* sub is one of this file's line field names (at most 12 bytes): 27 + 1 + 12 < 48 */
    if (str_fmt(field, sizeof field, "lines[%zu]%s%s", i, sub ? "." : "", sub ? sub : "") < 0)
        return err_set(e, ERR_INTERNAL, "internal error: line field %s", sub);
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

static int a_receive(struct doc_act *a, struct osb_err *e)
{
    (void)e;
    struct sdoc *x = a->doc;
    x->s.received_at = a->c->now;
    x->s.dirty |= SHD_RECEIVED;
    return 0;
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
static int pick_line(struct ctx *c, struct sdoc *x, struct shipment_line *l, json_t *arr,
                     struct osb_err *e)
{
    json_t *lots = store_stock_fefo(c->db, e, x->s.warehouse, l->sku);
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
        if ((d > 0 && move(c, &x->s, l->sku, b, SM_RESERVE, d, e) < 0) ||
            (d < 0 && move(c, &x->s, l->sku, b, SM_UNRESERVE, -d, e) < 0)) {
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
    rc = 0;
out:
    free(pl);
    json_decref(lots);
    return rc;
}

static int a_pick(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    static const char *const keys[] = {"sku", "batch", "qty", NULL};
    json_t *arr = json_object_get(a->body, "lines");
    if (arr && json_is_null(arr))
        arr = NULL;
    if (arr && check_body_lines(&x->s, arr, keys, e) < 0)
        return -1;
    for (size_t i = 0; i < x->s.nlines; i++)
        if (pick_line(a->c, x, &x->s.lines[i], arr, e) < 0)
            return -1;
    x->s.picked_at = a->c->now;
    x->s.dirty |= SHD_PICKED;
    return 0;
}

/* SP3: the count. Omitted lines count as picked; a count below the pick trims the picks (the
   latest-expiring units go back on the shelf, still reserved until dispatch); a line short of
   its request is a shortage unless the warehouse marks it pick_error. */
static int a_check(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    static const char *const keys[] = {"sku", "qty_counted", "discrepancy", "note", NULL};
    static const char *const kinds[] = {"none", "shortage", "pick_error", NULL};
    json_t *arr = json_object_get(a->body, "lines");
    if (arr && json_is_null(arr))
        arr = NULL;
    if (arr && check_body_lines(&x->s, arr, keys, e) < 0)
        return -1;
    json_t *disc = json_array();
    int rc = -1;
    for (size_t li = 0; li < x->s.nlines; li++) {
        struct shipment_line *l = &x->s.lines[li];
        int64_t picked = store_alloc_total(l->picks), counted = picked;
        const char *disc_kind = NULL, *note = NULL;
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
                disc_kind = *k;
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
            disc_kind = is(disc_kind, "pick_error") ? "pick_error" : "shortage";
        else if (!disc_kind || strcmp(disc_kind, "shortage") == 0)
            disc_kind = "none";
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
        str_field(l->discrepancy, sizeof l->discrepancy, disc_kind, "discrepancy");
        if (note)
            str_field(l->note, sizeof l->note, note, "note");
        if (strcmp(disc_kind, "none") != 0)
            json_array_append_new(disc, json_pack("{si ss sI sI ss}", "line", l->line_no, "sku",
                                                  l->sku, "qty_requested",
                                                  (json_int_t)l->qty_requested, "qty_counted",
                                                  (json_int_t)counted, "discrepancy", disc_kind));
    }
    json_object_set(a->audit_after, "discrepancies", disc);
    x->s.checked_at = a->c->now;
    x->s.dirty |= SHD_CHECKED;
    rc = 0;
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
static int a_book(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    struct shipment *s = &x->s;
    json_t *wb = json_object_get(a->body, "waybill");
    if (!wb || json_is_null(wb) || (json_is_string(wb) && !*json_string_value(wb)))
        return err_invalid(e, "waybill", "waybill_required",
                           "a shipment is booked with its waybill number");
    json_t *n;
    if (record_check(&book_def, a->body, true, &n, e) < 0)
        return -1;
    str_field(s->carrier, sizeof s->carrier, jstr(n, "carrier"), "carrier");
    str_field(s->station, sizeof s->station, jstr(n, "station"), "station");
    str_field(s->waybill, sizeof s->waybill, jstr(n, "waybill"), "waybill");
    json_decref(n);
    bool dup = false;
    if (store_shipment_waybill_used(a->c->db, e, s->carrier, s->waybill, s->number, &dup) < 0)
        return -1;
    if (dup) {
        err_set(e, ERR_DUPLICATE, "waybill %s of %s is already used by another shipment",
                s->waybill, s->carrier);
        STR_COPY_ARRAY(e->field, "waybill");
        return -1;
    }
    json_object_set_new(a->audit_after, "carrier", json_string(s->carrier));
    json_object_set_new(a->audit_after, "station", json_string(s->station));
    json_object_set_new(a->audit_after, "waybill", json_string(s->waybill));
    if (x->cu.station[0] && strcmp(x->cu.station, s->station) != 0) {
        json_object_set_new(a->audit_after, "station_differs_from", json_string(x->cu.station));
        if (notify(a->c, e, "shipment_station_changed", x->o.csr, s->number, NULL,
                   "发运单%s托运站为%s，与客户%s资料中的%s不同，请确认或更正客户物流信息",
                   s->number, s->station, x->cu.code, x->cu.station) < 0)
            return -1;
    }
    s->booked_at = a->c->now;
    s->dirty |= SHD_BOOKING | SHD_BOOKED;
    return 0;
}

/* SP5: ship what was picked, release the rest, open backorders for what is short, tell the
   CSR, the UM and the customer. */
static int a_dispatch(struct doc_act *a, struct osb_err *e)
{
    struct ctx *c = a->c;
    struct sdoc *x = a->doc;
    struct shipment *s = &x->s;
    const struct order *o = &x->o;
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
        json_array_append_new(shipped, json_pack("{ss sI sI}", "sku", l->sku, "qty_requested",
                                                 (json_int_t)l->qty_requested, "qty_shipped",
                                                 (json_int_t)l->qty_shipped));
        /* A shipment that fills a backorder keeps its remainder on that backorder (flows.md
           §3.3: no second backorder); any other short line opens one. */
        if (!s->backorder[0] && l->qty_shipped < l->qty_requested &&
            backorder_open(c, o, s->number, l->line_no, l->sku, l->qty_requested - l->qty_shipped,
                           e) < 0)
            goto fail;
    }
    if (s->backorder[0] && backorder_shipment_done(c, o, s->backorder, s->number, total, e) < 0)
        goto fail;
    json_object_set_new(a->audit_after, "shipped", shipped);
    shipped = NULL;
    /* expected_delivery_by = dispatch date + the customer's transit days (entities §6.2). */
    int64_t transit = 3;
    if (store_shipment_transit_days(c->db, e, o->customer, &transit) < 0)
        return -1;
    date_format(flow_today(c) + (date_t)(transit > 0 && transit < 3650 ? transit : 0),
                s->expected_delivery_by);
    s->dispatched_at = s->feedback_to_csr_at = c->now;
    s->dirty |= SHD_DISPATCHED;
    const char *due = s->expected_delivery_by;
    char cust[64];
    STR_FMT_FITS(cust, sizeof "customer:" + sizeof o->customer - 1, "customer:%s", o->customer);
    if (notify(c, e, "shipment_dispatched", o->csr, s->number, NULL,
               "发运单%s（订单%s）已发运：%s，运单号%s，托运站%s，预计%s前到货", s->number,
               o->number, s->carrier, s->waybill, s->station, due) < 0 ||
        (!is(o->um, o->csr) && notify(c, e, "shipment_dispatched", o->um, s->number, NULL,
                                      "订单%s已发运（发运单%s，%s运单号%s），发运清单见发运单",
                                      o->number, s->number, s->carrier, s->waybill) < 0) ||
        notify(c, e, "shipment_dispatched", cust, s->number, NULL,
               "您的订单%s已发运：%s运单号%s，托运站%s，预计%s前到达", o->number, s->carrier,
               s->waybill, s->station, due) < 0)
        return -1;
    x->dispatched = x->close_order = true;
    return 0;
fail:
    json_decref(shipped);
    return -1;
}

static int parse_at(struct ctx *c, json_t *n, ts_t *at, struct osb_err *e)
{
    const char *s = jstr(n, "at");
    *at = c->now;
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
static int a_track(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    json_t *n;
    if (record_check(&track_def, a->body, true, &n, e) < 0)
        return -1;
    ts_t at;
    int rc = -1;
    if (parse_at(a->c, n, &at, e) < 0)
        goto out;
    const char *status = jstr(n, "status");
    const char *src = jstr(n, "source") ? jstr(n, "source") : "carrier_query";
    if (!x->s.new_tracking)
        x->s.new_tracking = json_array();
    json_array_append_new(x->s.new_tracking,
                          json_pack("{sI ss ss? ss ss? ss sI}", "at", (json_int_t)at, "status",
                                    status, "location", jstr(n, "location"), "source", src, "note",
                                    jstr(n, "note"), "recorded_by", a->c->user.username,
                                    "recorded_at", (json_int_t)a->c->now));
    json_object_set_new(
        a->audit_after, "tracking",
        json_pack("{ss ss? ss}", "status", status, "location", jstr(n, "location"), "source", src));
    if (strcmp(status, "exception") == 0) {
        const char *loc = jstr(n, "location") ? jstr(n, "location") : "";
        if (notify(a->c, e, "shipment_exception", x->o.csr, x->s.number, NULL,
                   "发运单%s运输异常（%s），请跟进", x->s.number, loc) < 0 ||
            (!is(x->o.um, x->o.csr) &&
             notify(a->c, e, "shipment_exception", x->o.um, x->s.number, NULL,
                    "发运单%s运输异常（%s），请跟进", x->s.number, loc) < 0))
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
static int a_deliver(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    struct ctx *c = a->c;
    json_t *n;
    if (record_check(&deliver_def, a->body, true, &n, e) < 0)
        return -1;
    ts_t at;
    int rc = -1;
    if (parse_at(c, n, &at, e) < 0)
        goto out;
    if (at < x->s.dispatched_at) {
        err_invalid(e, "at", "pod_before_dispatch",
                    "the goods cannot have been signed for before they were dispatched");
        goto out;
    }
    char ats[32], rec[32];
    ts_format_rfc3339(at, c->cfg->tz_min, ats);
    ts_format_rfc3339(c->now, c->cfg->tz_min, rec);
    json_decref(x->s.pod);
    x->s.pod = json_pack("{ss ss ss? ss ss}", "signed_by", jstr(n, "signed_by"), "at", ats, "note",
                         jstr(n, "note"), "recorded_by", c->user.username, "recorded_at", rec);
    x->s.delivered_at = at;
    x->s.feedback_to_csr_at = c->now;
    x->s.dirty |= SHD_DELIVERED;
    json_object_set(a->audit_after, "pod", x->s.pod);
    rc = notify(c, e, "shipment_delivered", x->o.csr, x->s.number, NULL,
                "发运单%s（订单%s）已签收：%s，%s", x->s.number, x->o.number, jstr(n, "signed_by"),
                ats);
out:
    json_decref(n);
    return rc < 0 ? -1 : 0;
}

/* Extension (flows.md §3.2): nothing can be shipped; every requested unit becomes a backorder
   and the reservation goes back to stock. */
static int a_short_close(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    struct shipment *s = &x->s;
    json_t *none = json_array();
    int rc = -1;
    for (size_t li = 0; li < s->nlines; li++) {
        struct shipment_line *l = &s->lines[li];
        if (release_unpicked(a->c, s, l, none, e) < 0)
            goto out;
        json_decref(l->picks);
        l->picks = json_array();
        l->has_shipped = true;
        l->qty_shipped = 0;
        if (!s->backorder[0] &&
            backorder_open(a->c, &x->o, s->number, l->line_no, l->sku, l->qty_requested, e) < 0)
            goto out;
    }
    if (s->backorder[0] && backorder_shipment_done(a->c, &x->o, s->backorder, s->number, 0, e) < 0)
        goto out;
    rc = notify(a->c, e, "shipment_short_closed", x->o.csr, s->number, NULL,
                "发运单%s无货可发，已关闭，全部数量转为欠货", s->number);
out:
    json_decref(none);
    return rc;
}

/* ---- delivery discrepancies after POD (api.md §5.5, entities.md §6.4, flows.md §3.2) ------ */

#define DISCREPANCY_WINDOW_DAYS 7 /* numbering-and-rules.md §9 discrepancy_window_days */

static const char *const disc_kinds[] = {"short", "excess", "wrong_item", "damaged", NULL};

/* One reported line checked: sku a product; short and damaged name a line of the shipment,
   and short, wrong_item and damaged at most what it shipped of a SKU it carried; resolution
   "backorder" only for a shortage. */
static int disc_line(struct ctx *c, struct sdoc *x, json_t *l, size_t i, struct shipment_line **sl,
                     struct osb_err *e)
{
    static const char *const keys[] = {"sku", "qty", "kind", "resolution", NULL};
    char field[48];
    (void)str_fmt(field, sizeof field, "lines[%zu]", i); /* fits: 27 bytes at most */
    if (!json_is_object(l))
        return err_bad(e, field, "each line is {sku, qty, kind}");
    const char *k;
    json_t *v;
    json_object_foreach(l, k, v)
    {
        bool ok = false;
        for (const char *const *n = keys; *n; n++)
            ok = ok || strcmp(*n, k) == 0;
        if (!ok)
            return err_bad(e, k, "unknown field '%s' in %s", k, field);
    }
    json_t *js = json_object_get(l, "sku"), *jq = json_object_get(l, "qty");
    json_t *jk = json_object_get(l, "kind"), *jr = json_object_get(l, "resolution");
    if (!json_is_string(js) || !json_is_integer(jq) || !json_is_string(jk) ||
        (jr && !json_is_string(jr)))
        return err_bad(e, field,
                       "each line is {\"sku\": string, \"qty\": integer, \"kind\": "
                       "string}");
    const char *dk = json_string_value(jk);
    bool known_kind = false;
    for (const char *const *n = disc_kinds; *n; n++)
        known_kind = known_kind || strcmp(*n, dk) == 0;
    if (!known_kind)
        return err_invalid(e, field, "unknown_kind",
                           "kind is short, excess, wrong_item or damaged, not '%s'", dk);
    if (json_integer_value(jq) <= 0)
        return err_invalid(e, field, "negative_qty", "qty must be > 0");
    bool known = false;
    if (store_discrepancy_sku_known(c->db, e, json_string_value(js), &known) < 0)
        return -1;
    if (!known)
        return err_invalid(e, field, "unknown_sku", "no product '%s'", json_string_value(js));
    *sl = line_of(&x->s, json_string_value(js));
    /* Short and damaged goods are goods the shipment carried; a wrong item may name what came
       instead, and an excess anything: those only must be products. */
    bool carried = strcmp(dk, "short") == 0 || strcmp(dk, "damaged") == 0;
    if (carried && (!*sl || (*sl)->qty_shipped <= 0))
        return err_invalid(e, field, "not_shipped", "shipment %s shipped no %s", x->s.number,
                           json_string_value(js));
    if (strcmp(dk, "excess") != 0 && *sl && json_integer_value(jq) > (*sl)->qty_shipped)
        return err_invalid(e, field, "exceeds_shipped", "shipment %s shipped only %lld of %s",
                           x->s.number, (long long)(*sl)->qty_shipped, json_string_value(js));
    const char *res = jr ? json_string_value(jr) : NULL;
    if (res && strcmp(res, "none") && !(strcmp(res, "backorder") == 0 && !strcmp(dk, "short")))
        return err_invalid(e, field, "resolution_not_allowed",
                           "resolution is none, or backorder for a shortage");
    return 0;
}

/* The order line's price of sku (0 when the order has no such line). */
static int64_t order_price(const struct order *o, const char *sku, int *line_no)
{
    for (size_t i = 0; i < o->nlines; i++)
        if (strcmp(o->lines[i].sku, sku) == 0) {
            *line_no = o->lines[i].line_no;
            return o->lines[i].price_fen;
        }
    *line_no = 0;
    return 0;
}

/* A shortage resolved by a backorder: the missing units are owed again (QH on the order line)
   and, for a credit customer whose dispatch invoice billed them, credited (HZ, reason other) so
   that the backorder's own dispatch invoice does not bill them twice. A prepay-only order's
   invoice was for the order total and stays. */
static int disc_backorder(struct ctx *c, struct sdoc *x, const char *sku, int64_t qty,
                          char bo[DOCNO_MAX], struct osb_err *e)
{
    int ol = 0;
    int64_t price = order_price(&x->o, sku, &ol);
    if (ol == 0)
        return err_invalid(e, "lines", "not_on_order", "order %s has no line of %s", x->o.number,
                           sku);
    if (backorder_open_no(c, &x->o, x->s.number, ol, sku, qty, bo, e) < 0)
        return -1;
    if (x->cu.prepay_only || price <= 0)
        return 0;
    char *inv = NULL;
    if (store_shipment_invoice(c->db, e, x->s.number, &inv) < 0)
        return -1;
    int rc = 0;
    if (inv) {
        int64_t amount = 0;
        struct cn_line cl = {0, sku, NULL, qty, price, 0};
        if (!money_mul(qty, price, &amount))
            rc = err_invalid(e, "lines", "amount_overflow", "the credit overflows");
        cl.amount_fen = amount;
        if (rc == 0) {
            char number[DOCNO_MAX];
            rc = billing_credit_note(c, inv, "other", NULL, &cl, 1, number, e);
        }
        if (rc == 0)
            rc = flow_money_changed(c, x->cu.code, e);
    }
    free(inv);
    return rc < 0 ? -1 : 0;
}

static int a_report_discrepancy(struct doc_act *a, struct osb_err *e)
{
    struct ctx *c = a->c;
    struct sdoc *x = a->doc;
    json_t *lines = json_object_get(a->body, "lines"), *jn = json_object_get(a->body, "note");
    if (jn && !json_is_null(jn) && !json_is_string(jn))
        return err_bad(e, "note", "note is a string");
    const char *note = json_is_string(jn) ? json_string_value(jn) : NULL;
    if (note && !valid_text(note, 2000, true))
        return err_invalid(e, "note", "too_long", "note is too long or not plain text");
    if (!json_is_array(lines))
        return lines ? err_bad(e, "lines", "lines must be an array")
                     : err_invalid(e, "lines", "required", "which lines were wrong?");
    size_t n = json_array_size(lines);
    if (n == 0 || n > SHIPMENT_MAX_LINES)
        return err_invalid(e, "lines", "required", "1 to %d lines", SHIPMENT_MAX_LINES);
    struct shipment_line **sl = xcalloc(n, sizeof *sl);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = disc_line(c, x, json_array_get(lines, i), i, &sl[i], e);
    /* entities §6.4: reported within the window after POD, it counts against accuracy. */
    bool counts = x->s.delivered_at > 0 &&
                  ts_to_date(c->now, c->cfg->tz_min) <=
                      ts_to_date(x->s.delivered_at, c->cfg->tz_min) + DISCREPANCY_WINDOW_DAYS;
    json_t *made = json_array();
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *l = json_array_get(lines, i);
        const char *sku = jstr(l, "sku"), *dkind = jstr(l, "kind"), *res = jstr(l, "resolution");
        char bo[DOCNO_MAX] = "";
        if (res && strcmp(res, "backorder") == 0)
            rc = disc_backorder(c, x, sku, jint(l, "qty"), bo, e);
        /* A SKU not on the shipment (an excess or a wrong item) counts against its first line. */
        struct discrepancy d = {x->s.number,
                                sku,
                                dkind,
                                note,
                                c->user.username,
                                bo[0] ? bo : NULL,
                                sl[i] ? sl[i]->line_no : (x->s.nlines ? x->s.lines[0].line_no : 1),
                                jint(l, "qty"),
                                c->now,
                                counts};
        if (rc == 0)
            rc = store_discrepancy_insert(c->db, e, &d);
        json_array_append_new(made, json_pack("{ss sI ss ss*}", "sku", sku, "qty",
                                              (json_int_t)jint(l, "qty"), "kind", dkind,
                                              "backorder", bo[0] ? bo : NULL));
    }
    free(sl);
    json_object_set_new(a->audit_after, "discrepancies", made);
    json_object_set_new(a->audit_after, "counts", json_boolean(counts));
    if (rc < 0)
        return -1;
    /* The CSR follows the order up; the warehouse (its SCR) owns the accuracy target. */
    const char *tell[] = {x->o.csr, x->s.scr, x->o.kam};
    for (size_t i = 0; i < sizeof tell / sizeof tell[0]; i++) {
        if (!tell[i][0] || strcmp(tell[i], c->user.username) == 0)
            continue;
        if (notify(c, e, "shipment_discrepancy", tell[i], x->s.number, NULL,
                   "发运单%s（订单%s）签收后报告差错%zu项%s", x->s.number, x->o.number, n,
                   counts ? "，计入发运准确率" : "") < 0)
            return -1;
    }
    return 0;
}

static int save(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    if (store_shipment_save(a->c->db, e, &x->s, doc_state_str(&shipment_doc, a->to), a->c->now) < 0)
        return -1;
    /* BC1: the invoice of this dispatch reads the shipped quantities just saved. */
    if (x->dispatched && billing_on_dispatch(a->c, x->s.number, e) < 0)
        return -1;
    /* POP requests on the order become shipped, sample lines become sample issues (YP). */
    if (x->dispatched && market_on_dispatch(a->c, x->s.number, e) < 0)
        return -1;
    return x->close_order ? shipment_close_order_if_done(a->c, x->s.order_no, e) : 0;
}

static int event(struct doc_act *a, struct osb_err *e)
{
    struct sdoc *x = a->doc;
    if (a->comment)
        json_object_set_new(a->audit_after, "comment", json_string(a->comment));
    return store_shipment_event(
        a->c->db, e, x->s.number, a->c->now, shipment_step((enum shipment_action)a->action),
        shipment_doc.actions[a->action].name, a->c->user.username,
        doc_state_str(&shipment_doc, a->from), doc_state_str(&shipment_doc, a->to), a->comment);
}

/* The kernel checks the comment's type and byte length; a comment is also text without
   control characters (but newlines) and at most 2,000 characters, as every text field. */
static int check(struct doc_act *x, struct osb_err *e)
{
    if (x->comment && !valid_text(x->comment, 2000, true))
        return err_invalid(e, "comment", "too_long", "comment is too long or not plain text");
    return 0;
}

static const doc_run_fn run[SA__COUNT] = {
    [SA_RECEIVE] = a_receive,
    [SA_PICK] = a_pick,
    [SA_CHECK] = a_check,
    [SA_BOOK] = a_book,
    [SA_DISPATCH] = a_dispatch,
    [SA_TRACK] = a_track,
    [SA_DELIVER] = a_deliver,
    [SA_SHORT_CLOSE] = a_short_close,
    [SA_REPORT_DISCREPANCY] = a_report_discrepancy,
};

static const struct doc_kind kind = {
    .type = &shipment_doc,
    .load = load,
    .free = sfree,
    .state = sstate,
    .version = sversion,
    .who = who,
    .check = check,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const shipment_doc_kind = &kind;

int shipment_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

/* A shipment as lists show it: without its timeline, with allowed_actions. */
static int item(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    void *d = NULL;
    int f = load(c, &kind, number, &d, e);
    if (f <= 0)
        return f < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no shipment '%s'", number);
    int rc = view(c, number, false, out, e);
    if (rc == 0)
        doc_answer_actions(c, &kind, d, *out);
    sfree(d);
    return rc;
}

int shipment_list(struct ctx *c, const struct shipment_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&shipment_doc, q->state, e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct shipment_filter f = {q->state, q->order, q->customer, q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_shipment_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, item, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int shipment_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                 struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}

/* ---- for backorders ----------------------------------------------------------------------- */

int shipment_create_for_backorder(struct ctx *c, const struct order *o, const char *bo, int line_no,
                                  const char *sku, int64_t qty, char number[DOCNO_MAX],
                                  struct osb_err *e)
{
    /* The warehouse that can fill it all, preferring the order's own; else the one with most. */
    char wh[40] = "";
    int64_t free_qty = 0;
    int rc = store_shipment_best_warehouse(c->db, e, sku, qty, o->warehouse, wh, &free_qty);
    if (rc < 0)
        return -1;
    if (rc == 0 || free_qty <= 0) {
        err_invalid(e, "sku", "insufficient_stock",
                    "no warehouse has free stock of %s to schedule this backorder", sku);
        e->extra = json_pack("{ss}", "sku", sku);
        return -1;
    }
    struct shipment *s = xcalloc(1, sizeof *s);
    STR_COPY_ARRAY(s->order_no, o->number);
    STR_COPY_ARRAY(s->delivery_note, o->delivery_note);
    str_field(s->backorder, sizeof s->backorder, bo, "backorder");
    STR_COPY_ARRAY(s->warehouse, wh);
    STR_COPY_ARRAY(s->scr, o->scr);
    s->state = SS_NEW;
    s->released_at = c->now; /* its own 24 h clock (flows.md §3.3) */
    s->nlines = 1;
    struct shipment_line *l = &s->lines[0];
    l->line_no = line_no;
    str_field(l->sku, sizeof l->sku, sku, "sku");
    l->qty_requested = qty;
    l->reserved = json_array();
    l->picks = json_array();
    rc = -1;
    json_t *lots = NULL;
    if (flow_docno(c, e, "FH", s->number) < 0)
        goto out;
    lots = store_stock_fefo(c->db, e, s->warehouse, sku);
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
    if (store_shipment_insert(c->db, e, s, c->now) < 0 ||
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
    str_field(number, DOCNO_MAX, s->number, "number");
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
    int64_t version = s->version;
    json_t *none = json_array();
    if (from == SS_DISPATCHED || from == SS_DELIVERED || from == SS_CANCELLED) {
        err_state(e, shipment_state_str(from), "shipment %s is already %s", number,
                  shipment_state_str(from));
        goto out;
    }
    for (size_t i = 0; i < s->nlines; i++) {
        struct shipment_line *l = &s->lines[i];
        if (release_unpicked(c, s, l, none, e) < 0)
            goto out;
        json_decref(l->picks);
        l->picks = json_array();
    }
    json_t *before =
        json_pack("{ss sI}", "state", shipment_state_str(from), "version", (json_int_t)version);
    json_t *after = json_pack("{ss sI ss}", "state", "cancelled", "version",
                              (json_int_t)(version + 1), "reason", why);
    if (store_shipment_save(c->db, e, s, "cancelled", c->now) == 0 &&
        store_shipment_event(c->db, e, number, c->now, "SP", "cancel", c->user.username,
                             shipment_state_str(from), "cancelled", why) == 0 &&
        flow_audit(c, e, "cancel", "shipment", number, before, after) == 0)
        rc = 0;
    json_decref(before);
    json_decref(after);
out:
    json_decref(none);
    store_shipment_release(s);
    free(s);
    return rc;
}

int shipment_close_order_if_done(struct ctx *c, const char *order_no, struct osb_err *e)
{
    struct order *o = xcalloc(1, sizeof *o);
    int rc = store_order_load(c->db, e, order_no, o);
    bool released = rc == 1 && o->state == OS_RELEASED;
    if (rc == 1)
        store_order_release(o);
    free(o);
    if (rc < 0)
        return -1;
    if (!released)
        return 0;
    int64_t pending = 0;
    if (store_shipment_order_pending(c->db, e, order_no, &pending) < 0)
        return -1;
    if (pending)
        return 0;
    const char *why = "全部发运（或欠货已取消），订单关闭";
    json_t *before = json_pack("{ss}", "state", "released");
    json_t *after = json_pack("{ss}", "state", "closed");
    rc = (store_shipment_close_order(c->db, e, order_no, c->now) < 0 ||
          store_order_event(c->db, e, order_no, c->now, "SP", "close", c->user.username, NULL,
                            "released", "closed", why) < 0 ||
          flow_audit(c, e, "close", "order", order_no, before, after) < 0)
             ? -1
             : 0;
    json_decref(before);
    json_decref(after);
    return rc;
}
