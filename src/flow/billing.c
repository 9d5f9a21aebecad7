/*
 * billing.c — invoices (FP), credit notes (HZ) and allocation (核销): BC1 and BC5 of
 * flows.md §4, and the hooks of the order and shipment flows (flow/billing.h).
 *
 * An invoice's open amount is amount − settled − credited − written_off. settled_fen is the
 * sum of its allocations from receipts and from other invoices' credit notes; credited_fen the
 * sum of its own credit notes' allocations (allocations.own = 1). `osb check` verifies both.
 */
#include "flow/billing.h"

#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/invoice_request.h"
#include "rules/invoice.h"
#include "store/invoice.h"
#include "store/invoice_request.h"
#include "store/ledger.h"
#include "store/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int credit_note(struct ctx *c, const char *invoice, const char *reason,
                       const char *return_no, const struct cn_line *lines, size_t n, bool whole,
                       char number[DOCNO_MAX], struct osb_err *e);

/* ---- the allocation engine -------------------------------------------------------------- */

static int refresh_state(struct ctx *c, const char *invoice, struct osb_err *e)
{
    return store_invoice_refresh_state(c->db, e, invoice, c->now);
}

int billing_allocate(struct ctx *c, const char *customer, const char *src_kind, const char *source,
                     const char *invoice, int64_t amount, bool own, struct osb_err *e)
{
    if (amount <= 0)
        return 0;
    bool pay = strcmp(src_kind, "payment") == 0;
    char *sd = NULL, *id = NULL;
    if (store_source_date(c->db, e, pay, source, &sd) < 0 ||
        store_invoice_date(c->db, e, invoice, &id) < 0) {
        free(sd);
        free(id);
        return -1;
    }
    /* entities §7.6: settle_date = max(source date, invoice date). */
    const char *settle = (sd && id && strcmp(sd, id) > 0) ? sd : (id ? id : "");
    struct allocation al = {customer, src_kind, source,
                            invoice,  settle,   c->user.username[0] ? c->user.username : "system",
                            amount,   c->now,   own};
    int rc = store_allocation_add(c->db, e, &al);
    free(sd);
    free(id);
    if (rc < 0)
        return -1;
    return refresh_state(c, invoice, e);
}

int billing_money(struct ctx *c, const char *customer, int64_t *unapplied, int64_t *earmarked,
                  struct osb_err *e)
{
    int64_t p = 0, n = 0;
    if (store_customer_money(c->db, e, customer, &p, &n, earmarked) < 0)
        return -1;
    if (!money_add(p, n, unapplied))
        return err_invalid(e, "amount_fen", "amount_overflow", "prepayment overflows");
    return 0;
}

int billing_apply_free(struct ctx *c, const char *customer, const char *first_invoice,
                       const char *first_kind, const char *first_source, struct osb_err *e)
{
    int64_t unapplied = 0, earmarked = 0;
    if (billing_money(c, customer, &unapplied, &earmarked, e) < 0)
        return -1;
    int64_t free_fen = unapplied - earmarked;
    if (free_fen <= 0)
        return 0;
    const char *fi = first_invoice ? first_invoice : "";
    const char *fk = first_kind ? first_kind : "";
    const char *fs = first_source ? first_source : "";
    json_t *inv = store_open_invoices(c->db, e, customer, fi);
    json_t *src = inv ? store_free_sources(c->db, e, customer, fk, fs) : NULL;
    if (!inv || !src) {
        json_decref(inv);
        return -1;
    }
    size_t ii = 0, si = 0;
    int64_t inv_left = 0, src_left = 0;
    if (json_array_size(inv))
        inv_left = jint(json_array_get(inv, 0), "open");
    if (json_array_size(src))
        src_left = jint(json_array_get(src, 0), "unapplied_fen");
    int rc = 0;
    while (free_fen > 0 && ii < json_array_size(inv) && si < json_array_size(src)) {
        json_t *iv = json_array_get(inv, ii), *sv = json_array_get(src, si);
        int64_t amt = inv_left < src_left ? inv_left : src_left;
        if (amt > free_fen)
            amt = free_fen;
        if (billing_allocate(c, customer, jstr(sv, "kind"), jstr(sv, "number"), jstr(iv, "number"),
                             amt, false, e) < 0) {
            rc = -1;
            break;
        }
        free_fen -= amt;
        inv_left -= amt;
        src_left -= amt;
        if (inv_left == 0 && ++ii < json_array_size(inv))
            inv_left = jint(json_array_get(inv, ii), "open");
        if (src_left == 0 && ++si < json_array_size(src))
            src_left = jint(json_array_get(src, si), "unapplied_fen");
    }
    json_decref(inv);
    json_decref(src);
    return rc;
}

/* ---- invoices --------------------------------------------------------------------------- */

struct inv_line {
    int order_line;
    const char *sku;
    int64_t qty, price_fen;
};

/* Consumes the order's active earmarks up to amount (entities §7.7 consumed_by); a larger
   earmark is split so that its remainder stays active for the rest of the order. */
static int consume_earmark(struct ctx *c, const char *order_no, const char *invoice, int64_t amount,
                           struct osb_err *e)
{
    json_t *rows = store_earmarks_active(c->db, e, order_no, false);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        if (amount <= 0)
            break;
        int64_t a = jint(r, "amount_fen");
        if (a <= amount) {
            rc = store_earmark_consume(c->db, e, jint(r, "id"), invoice, -1);
            amount -= a;
        } else {
            rc = store_earmark_consume(c->db, e, jint(r, "id"), invoice, amount);
            if (rc >= 0)
                rc = store_earmark_insert(c->db, e, order_no, jstr(r, "customer"), a - amount,
                                          jint(r, "created_at"));
            amount = 0;
        }
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc;
}

/* One invoice (BC1) for the lines; nothing when the amount is 0 (sample and POP lines only).
   number gets the FP number or "". */
static int invoice_create(struct ctx *c, const char *customer, const char *order_no,
                          const char *shipment, const struct inv_line *lines, size_t n,
                          char number[DOCNO_MAX], struct osb_err *e)
{
    number[0] = '\0';
    int64_t amount = 0, tax = 0;
    int64_t *amounts = xcalloc(n ? n : 1, sizeof *amounts);
    int64_t *taxes = xcalloc(n ? n : 1, sizeof *taxes);
    int32_t *rates = xcalloc(n ? n : 1, sizeof *rates);
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t rate = 1300;
        if (store_product_tax_rate(c->db, e, lines[i].sku, &rate) < 0)
            goto out;
        rates[i] = (int32_t)rate;
        if (!money_mul(lines[i].qty, lines[i].price_fen, &amounts[i]) ||
            !money_tax_fen(amounts[i], rates[i], &taxes[i]) ||
            !money_add(amount, amounts[i], &amount) || !money_add(tax, taxes[i], &tax)) {
            err_invalid(e, "amount_fen", "amount_overflow", "the invoice amount overflows");
            goto out;
        }
    }
    if (amount <= 0) {
        rc = 0;
        goto out;
    }
    int64_t term = 0;
    if (store_customer_term_days(c->db, e, customer, &term) < 0)
        goto out;
    char idate[11], ddate[11];
    date_t today = flow_today(c);
    date_format(today, idate);
    date_format(today + (date_t)term, ddate);
    if (flow_docno(c, e, "FP", number) < 0 ||
        store_invoice_insert(c->db, e, number, customer, order_no, shipment, idate, ddate, amount,
                             tax, c->now) < 0)
        goto out;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (lines[i].qty <= 0)
            continue;
        struct invoice_new_line il = {(int)++k,     lines[i].order_line, lines[i].sku,
                                      lines[i].qty, lines[i].price_fen,  amounts[i],
                                      taxes[i],     (int)rates[i]};
        if (store_invoice_line_insert(c->db, e, number, &il) < 0)
            goto out;
    }
    struct ledger_post lp = {customer, idate, "invoice", number, order_no, amount, 0, c->now};
    /* The open-order value moves to receivables (flows.md §2.5 open_orders). */
    if (store_ledger_append(c->db, e, &lp) < 0 ||
        (order_no && store_order_exposure_invoiced(c->db, e, order_no, amount) < 0) ||
        (order_no && consume_earmark(c, order_no, number, amount, e) < 0) ||
        billing_apply_free(c, customer, number, NULL, NULL, e) < 0)
        goto out;
    json_t *after = json_pack("{ss ss* ss* sI ss ss}", "customer", customer, "order", order_no,
                              "shipment", shipment, "amount_fen", (json_int_t)amount,
                              "invoice_date", idate, "due_date", ddate);
    rc = flow_audit(c, e, "create", "invoice", number, NULL, after);
    json_decref(after);
out:
    free(amounts);
    free(taxes);
    free(rates);
    if (rc < 0)
        number[0] = '\0';
    return rc;
}

static int live_invoices(struct ctx *c, const char *order_no, int64_t *n, struct osb_err *e)
{
    return store_invoices_live(c->db, e, order_no, n);
}

int billing_on_dispatch(struct ctx *c, const char *shipment, struct osb_err *e)
{
    char order_no[DOCNO_MAX], customer[40];
    bool prepay = false;
    int rc = store_shipment_billing(c->db, e, shipment, order_no, customer, &prepay);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error: no shipment %s", shipment);
    int64_t live = 0;
    /* A prepay-only order was invoiced when its payment covered it (BC1); one that reached
       shipment without that invoice (ST approval) is invoiced here like a credit order. */
    if (prepay && (live_invoices(c, order_no, &live, e) < 0 || live > 0))
        return err_ok(e) ? 0 : -1;
    json_t *rows = store_shipment_invoice_lines(c->db, e, order_no, shipment);
    if (!rows)
        return -1;
    size_t n = json_array_size(rows);
    struct inv_line *lines = xcalloc(n ? n : 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(rows, i);
        lines[i] = (struct inv_line){(int)jint(r, "line_no"), jstr(r, "sku"),
                                     jint(r, "qty_shipped"), jint(r, "price_fen")};
    }
    char number[DOCNO_MAX];
    rc = invoice_create(c, customer, order_no, shipment, lines, n, number, e);
    free(lines);
    json_decref(rows);
    if (rc < 0)
        return -1;
    return flow_money_changed(c, customer, e);
}

int billing_prepay_invoice(struct ctx *c, const struct order *o, struct osb_err *e)
{
    int64_t live = 0;
    if (live_invoices(c, o->number, &live, e) < 0)
        return -1;
    if (live > 0 || o->total_fen <= 0)
        return 0;
    struct inv_line lines[ORDER_MAX_LINES];
    size_t n = 0;
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        if (l->qty - l->qty_cut > 0)
            lines[n++] = (struct inv_line){l->line_no, l->sku, l->qty - l->qty_cut, l->price_fen};
    }
    char number[DOCNO_MAX];
    return invoice_create(c, o->customer, o->number, NULL, lines, n, number, e);
}

int billing_prepay_invoice_paid(struct ctx *c, const char *order_no, char number[DOCNO_MAX],
                                int64_t *amount, struct osb_err *e)
{
    number[0] = '\0';
    *amount = 0;
    int64_t live = 0, open = 0;
    char *inv = NULL;
    if (live_invoices(c, order_no, &live, e) < 0)
        return -1;
    if (live != 1)
        return 0;
    if (store_prepay_invoice_of(c->db, e, order_no, &inv) < 0)
        return -1;
    if (!inv)
        return 0;
    int rc = store_invoice_open(c->db, e, inv, &open) < 0 ||
                     store_invoice_uncredited(c->db, e, inv, amount) < 0
                 ? -1
                 : open == 0 && *amount > 0;
    if (rc == 1)
        str_field(number, DOCNO_MAX, inv, "invoice");
    free(inv);
    return rc;
}

/* A credit note for what is still uncredited of the invoice, with the invoice's lines when
   nothing was credited yet. */
static int credit_whole(struct ctx *c, const char *invoice, int64_t amount, const char *reason,
                        struct osb_err *e)
{
    json_t *rows = store_invoice_line_rows(c->db, e, invoice);
    if (!rows)
        return -1;
    int64_t sum = 0;
    size_t n = json_array_size(rows), i;
    json_t *r;
    json_array_foreach(rows, i, r) sum += jint(r, "amount_fen");
    struct cn_line *cl = xcalloc(n ? n : 1, sizeof *cl);
    if (sum == amount) {
        json_array_foreach(rows, i, r) cl[i] =
            (struct cn_line){(int)jint(r, "line_no"), jstr(r, "sku"),       NULL,
                             jint(r, "qty"),          jint(r, "price_fen"), jint(r, "amount_fen")};
    } else {
        const char *sku = n ? jstr(json_array_get(rows, 0), "sku") : "";
        n = 1;
        cl[0] = (struct cn_line){0, sku, NULL, 0, 0, amount};
    }
    char number[DOCNO_MAX];
    int rc = credit_note(c, invoice, reason, NULL, cl, n, true, number, e);
    free(cl);
    json_decref(rows);
    return rc;
}

int billing_order_credit_back(struct ctx *c, const char *order_no, struct osb_err *e)
{
    json_t *rows = store_invoices_uncredited(c->db, e, order_no);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        if (jint(r, "left") <= 0)
            continue;
        if (credit_whole(c, jstr(r, "number"), jint(r, "left"), "order_cancel", e) < 0) {
            rc = -1;
            break;
        }
        rc++;
    }
    json_decref(rows);
    return rc;
}

int billing_on_backorder_cancel(struct ctx *c, const char *order_no, int64_t amount_fen,
                                struct osb_err *e)
{
    if (amount_fen <= 0)
        return 0;
    char customer[40];
    bool prepay = false;
    int rc = store_order_billing(c->db, e, order_no, customer, &prepay);
    if (rc <= 0)
        return rc;
    if (prepay) {
        char *inv = NULL;
        if (store_prepay_invoice_of(c->db, e, order_no, &inv) < 0)
            return -1;
        if (!inv)
            return 0;
        struct cn_line l = {0, "", NULL, 0, 0, amount_fen};
        int64_t left = 0;
        rc = store_invoice_uncredited(c->db, e, inv, &left);
        if (rc >= 0) {
            char number[DOCNO_MAX];
            if (l.amount_fen > left)
                l.amount_fen = left;
            rc = l.amount_fen > 0
                     ? billing_credit_note(c, inv, "backorder_cancel", NULL, &l, 1, number, e)
                     : 0;
        }
        free(inv);
        return rc < 0 ? -1 : flow_money_changed(c, customer, e);
    }
    /* A credit order's earmark covers value not yet invoiced: release what will never be. */
    json_t *rows = store_earmarks_active(c->db, e, order_no, true);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    rc = 0;
    json_array_foreach(rows, i, r)
    {
        if (amount_fen <= 0)
            break;
        int64_t a = jint(r, "amount_fen");
        /* the whole earmark is released, or what will never ship is taken off it */
        bool whole = a <= amount_fen;
        int64_t take = whole ? a : amount_fen;
        rc = whole ? store_earmark_release(c->db, e, jint(r, "id"), c->now)
                   : store_earmark_set_amount(c->db, e, jint(r, "id"), a - take);
        if (rc < 0)
            break;
        rc = 0;
        amount_fen -= take;
    }
    json_decref(rows);
    if (rc < 0 || billing_apply_free(c, customer, NULL, NULL, NULL, e) < 0)
        return -1;
    return flow_money_changed(c, customer, e);
}

/* ---- credit notes ----------------------------------------------------------------------- */

/* Gives the invoice's settlements back to their sources (entities §7.6 reversed_by): the
   money is unapplied again, the invoice open for the credit note to take whole. */
static int reverse_settlements(struct ctx *c, const char *invoice, const char *by,
                               struct osb_err *e)
{
    json_t *rows = store_allocations_settling(c->db, e, invoice);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        bool pay = strcmp(jstr(r, "source_kind"), "payment") == 0;
        if (store_allocation_reverse(c->db, e, jint(r, "id"), by, pay, jstr(r, "source"), invoice,
                                     jint(r, "amount_fen")) < 0) {
            rc = -1;
            break;
        }
    }
    json_decref(rows);
    return rc;
}

int billing_credit_note(struct ctx *c, const char *invoice, const char *reason,
                        const char *return_no, const struct cn_line *lines, size_t n,
                        char number[DOCNO_MAX], struct osb_err *e)
{
    return credit_note(c, invoice, reason, return_no, lines, n, false, number, e);
}

/* whole: the note takes the whole invoice back (order_cancel): its settlements are reversed
   first so that the receipts are prepayment again and the invoice ends cancelled. */
static int credit_note(struct ctx *c, const char *invoice, const char *reason,
                       const char *return_no, const struct cn_line *lines, size_t n, bool whole,
                       char number[DOCNO_MAX], struct osb_err *e)
{
    number[0] = '\0';
    char customer[40], order_no[DOCNO_MAX];
    int64_t open = 0;
    int rc = store_invoice_head(c->db, e, invoice, customer, order_no, &open);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error: no invoice %s", invoice);
    int64_t amount = 0, tax = 0;
    int64_t *taxes = xcalloc(n ? n : 1, sizeof *taxes);
    rc = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t rate = 1300;
        if (lines[i].sku && *lines[i].sku &&
            store_product_tax_rate(c->db, e, lines[i].sku, &rate) < 0)
            goto out;
        if (!money_tax_fen(lines[i].amount_fen, (int32_t)rate, &taxes[i]) ||
            !money_add(amount, lines[i].amount_fen, &amount) || !money_add(tax, taxes[i], &tax)) {
            err_invalid(e, "amount_fen", "amount_overflow", "the credit note overflows");
            goto out;
        }
    }
    if (amount <= 0) {
        err_set(e, ERR_INTERNAL, "internal error: an empty credit note");
        goto out;
    }
    char today[11];
    date_format(flow_today(c), today);
    struct credit_note_new cn = {number,
                                 customer,
                                 invoice,
                                 return_no,
                                 order_no[0] ? order_no : NULL,
                                 reason,
                                 today,
                                 c->user.username[0] ? c->user.username : "system",
                                 amount,
                                 tax,
                                 c->now};
    if (flow_docno(c, e, "HZ", number) < 0 || store_credit_note_insert(c->db, e, &cn) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct credit_note_new_line cl = {(int)i + 1,
                                          lines[i].invoice_line,
                                          lines[i].sku ? lines[i].sku : "",
                                          lines[i].batch,
                                          lines[i].qty,
                                          lines[i].price_fen,
                                          lines[i].amount_fen,
                                          taxes[i]};
        if (store_credit_note_line_insert(c->db, e, number, &cl) < 0)
            goto out;
    }
    struct ledger_post lp = {customer, today,  "credit_note", number, order_no[0] ? order_no : NULL,
                             0,        amount, c->now};
    if (whole) {
        if (reverse_settlements(c, invoice, number, e) < 0 ||
            store_invoice_open(c->db, e, invoice, &open) < 0)
            goto out;
    }
    /* §4.2.5: its own invoice first, the excess like prepayment. */
    if (store_ledger_append(c->db, e, &lp) < 0 ||
        billing_allocate(c, customer, "credit_note", number, invoice, open < amount ? open : amount,
                         true, e) < 0 ||
        billing_apply_free(c, customer, NULL, "credit_note", number, e) < 0)
        goto out;
    json_t *after =
        json_pack("{ss ss ss ss* sI}", "customer", customer, "invoice", invoice, "reason", reason,
                  "return", return_no, "amount_fen", (json_int_t)amount);
    rc = flow_audit(c, e, "create", "credit_note", number, NULL, after);
    json_decref(after);
out:
    free(taxes);
    if (rc < 0)
        number[0] = '\0';
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

/* The invoice on the kernel: its table has no actions (rules/invoice.h), so doc_get answers it
   with allowed_actions []. */
static int iload(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                 struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct invoice *i = calloc(1, sizeof *i);
    int rc = store_invoice_load(c->db, e, number, i);
    if (rc == 1)
        rc = scope_money_sees(c, i->customer, NULL, e);
    if (rc <= 0) {
        store_invoice_release(i);
        free(i);
        return rc;
    }
    *out = i;
    return 1;
}

static void ifree(void *p)
{
    store_invoice_release(p);
    free(p);
}

static int istate(const void *p)
{
    return doc_state_parse(&invoice_doc, ((const struct invoice *)p)->state);
}
static int64_t iversion(const void *p)
{
    return ((const struct invoice *)p)->version;
}

/* The invoice as answered with its fapiao object fp (taken). */
static json_t *invoice_json(struct ctx *c, const struct invoice *i, json_t *fp)
{
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(i->number));
    json_object_set_new(o, "customer", json_string(i->customer));
    json_object_set_new(o, "order", flow_json_str(i->order));
    json_object_set_new(o, "shipment", flow_json_str(i->shipment));
    json_object_set_new(o, "invoice_date", json_string(i->invoice_date));
    json_object_set_new(o, "due_date", json_string(i->due_date));
    json_object_set_new(o, "amount_fen", json_integer(i->amount_fen));
    json_object_set_new(o, "tax_fen", json_integer(i->tax_fen));
    json_object_set_new(o, "settled_fen", json_integer(i->settled_fen));
    json_object_set_new(o, "credited_fen", json_integer(i->credited_fen));
    json_object_set_new(o, "written_off_fen", json_integer(i->written_off_fen));
    json_object_set_new(o, "open_fen", json_integer(i->open_fen));
    json_object_set_new(o, "state", json_string(i->state));
    json_object_set_new(o, "version", json_integer(i->version));
    json_object_set_new(o, "created_at", json_integer(i->created_at));
    json_object_set_new(o, "updated_at", json_integer(i->updated_at));
    flow_ts(c, o, "created_at");
    flow_ts(c, o, "updated_at");
    json_object_set_new(o, "fapiao", fp);
    json_object_set(o, "lines", i->lines);
    json_object_set(o, "allocations", i->allocations);
    json_object_set(o, "credit_notes", i->credit_notes);
    return o;
}

static int ianswer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct invoice *i = p;
    json_t *fp = NULL;
    if (invoice_request_fapiao(c, i->number, &fp, e) < 0)
        return -1;
    *out = invoice_json(c, i, fp);
    return 0;
}

static const struct doc_kind invoice_kind = {
    .type = &invoice_doc,
    .load = iload,
    .free = ifree,
    .state = istate,
    .version = iversion,
    .json = ianswer,
};

int invoice_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &invoice_kind, number, out, e);
}

int credit_note_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *o = NULL;
    int rc = store_credit_note_row(c->db, e, number, &o);
    if (rc < 0)
        return -1;
    int seen = rc == 1 ? scope_money_sees(c, jstr(o, "customer"), NULL, e) : 0;
    if (seen <= 0) {
        json_decref(o);
        return seen < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no credit note '%s'", number);
    }
    flow_ts(c, o, "created_at");
    /* A credit note is final when made: no state, no action (api.md §5.1 every document
       answer carries allowed_actions). */
    json_object_set_new(o, "allowed_actions", json_array());
    *out = o;
    return 0;
}

/* The invoices of a list page, each as invoice_get answers it, read with one statement a kind
   for the page (store_invoice_load_page, store_invoice_fapiao_page) and the scope checked
   once a customer, not six statements an invoice (issue #17). */
static int invoice_list_items(struct ctx *c, json_t *nums, const char *next, json_t **out,
                              struct osb_err *e)
{
    *out = NULL;
    size_t n = json_array_size(nums);
    struct invoice *inv = xcalloc(n + 1, sizeof *inv);
    struct invoice **ps = xcalloc(n + 1, sizeof *ps);
    bool *found = xcalloc(n + 1, sizeof *found);
    for (size_t k = 0; k < n; k++)
        ps[k] = &inv[k];
    json_t *items = json_array(), *codes = json_array(), *fps = NULL;
    struct order_customer *cus = NULL;
    bool *cfound = NULL;
    int rc = store_invoice_load_page(c->db, e, nums, ps, found);
    /* The page's customers, each once (scope_money_sees reads one at a time). */
    for (size_t k = 0; rc == 0 && k < n; k++) {
        bool known = false;
        for (size_t j = 0; found[k] && !known && j < json_array_size(codes); j++)
            known = strcmp(json_string_value(json_array_get(codes, j)), inv[k].customer) == 0;
        if (found[k] && !known)
            json_array_append_new(codes, json_string(inv[k].customer));
    }
    if (rc == 0) {
        cus = xcalloc(json_array_size(codes) + 1, sizeof *cus);
        cfound = xcalloc(json_array_size(codes) + 1, sizeof *cfound);
        rc = store_order_customers_page(c->db, e, codes, cus, cfound);
    }
    for (size_t k = 0; rc == 0 && k < n; k++) {
        /* As doc_get with scope_money_sees: an invoice gone or out of the caller's sight is
           not found (invoice_list refused a role that reads no money). */
        bool seen = false;
        for (size_t j = 0; found[k] && j < json_array_size(codes); j++)
            if (strcmp(json_string_value(json_array_get(codes, j)), inv[k].customer) == 0)
                seen = cfound[j] && scope_sees(c, &cus[j]);
        if (!seen)
            rc = err_set(e, ERR_NOT_FOUND, "no %s '%s'", invoice_doc.object,
                         json_string_value(json_array_get(nums, k)));
    }
    free(cus), free(cfound);
    json_decref(codes);
    if (rc == 0 && !(fps = store_invoice_fapiao_page(c->db, e, nums)))
        rc = -1;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        json_t *fp =
            invoice_request_fapiao_of(c, json_array_get(json_object_get(fps, inv[k].number), 0));
        json_t *doc = invoice_json(c, &inv[k], fp);
        doc_answer_actions(c, &invoice_kind, &inv[k], doc);
        if (doc_check_answers()) {
            json_t *own = NULL;
            struct osb_err e2 = OSB_ERR_INIT;
            (void)invoice_get(c, inv[k].number, &own, &e2);
            err_clear(&e2);
            doc_check_listed(c, inv[k].number, doc, own, NULL);
        }
        json_array_append_new(items, doc);
    }
    for (size_t k = 0; k < n; k++)
        store_invoice_release(&inv[k]);
    free(inv), free(ps), free(found);
    json_decref(fps);
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *out =
        json_pack("{so so}", "items", items, "next_cursor", next ? json_string(next) : json_null());
    return 0;
}

int invoice_list(struct ctx *c, const struct invoice_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&invoice_doc, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see invoices",
                             role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct invoice_filter f = {q->customer, q->state, q->order, q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_invoice_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = invoice_list_items(c, nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}
