/*
 * billing.c — invoices (FP), credit notes (HZ) and allocation (核销): BC1 and BC5 of
 * flows.md §4, and the hooks of the order and shipment flows (flow/billing.h).
 *
 * An invoice's open amount is amount − settled − credited − written_off. settled_fen is the
 * sum of its allocations from receipts and from other invoices' credit notes; credited_fen the
 * sum of its own credit notes' allocations (allocations.own = 1). `osb check` verifies both.
 */
#include "flow/billing.h"

#include "core/json.h"
#include "core/money.h"
#include "flow/flow.h"
#include "flow/invoice_request.h"
#include "flow/notify.h"
#include "store/order.h"
#include "store/ledger.h"

#include <stdlib.h>
#include <string.h>


#define OPEN_SQL "(amount_fen - settled_fen - credited_fen - written_off_fen)"

static int credit_note(struct ctx *c, const char *invoice, const char *reason,
                       const char *return_no, const struct cn_line *lines, size_t n, bool whole,
                       char number[DOCNO_MAX], struct osb_err *e);

/* ---- scope ------------------------------------------------------------------------------ */

/* Roles that read customers' money (numbering-and-rules.md §4): the warehouse sees no prices,
   customer service no ledger, marketing AR only in aggregate, admin master data only. */
/* ---- the allocation engine -------------------------------------------------------------- */

static int refresh_state(struct ctx *c, const char *invoice, struct osb_err *e)
{
    /* Fully credited = cancelled (credited back or returned whole); nothing open = paid. */
    return db_exec(c->db, e,
                   "UPDATE invoices SET state = CASE"
                   " WHEN credited_fen >= amount_fen THEN 'cancelled'"
                   " WHEN " OPEN_SQL " <= 0 THEN 'paid'"
                   " WHEN " OPEN_SQL " < amount_fen THEN 'partial' ELSE 'open' END,"
                   " version = version + 1, updated_at = ? WHERE number = ?",
                   "is", c->now, invoice) < 0
               ? -1
               : 0;
}

int billing_allocate(struct ctx *c, const char *customer, const char *src_kind, const char *source,
                     const char *invoice, int64_t amount, bool own, struct osb_err *e)
{
    if (amount <= 0)
        return 0;
    bool pay = strcmp(src_kind, "payment") == 0;
    char *sd = NULL, *id = NULL;
    if (db_text(c->db, e, &sd,
                pay ? "SELECT received_on FROM payments WHERE number = ?"
                    : "SELECT date FROM credit_notes WHERE number = ?",
                "s", source) < 0 ||
        db_text(c->db, e, &id, "SELECT invoice_date FROM invoices WHERE number = ?", "s", invoice) <
            0) {
        free(sd);
        free(id);
        return -1;
    }
    /* entities §7.6: settle_date = max(source date, invoice date). */
    const char *settle = (sd && id && strcmp(sd, id) > 0) ? sd : (id ? id : "");
    int rc = db_exec(c->db, e,
                     "INSERT INTO allocations(customer, source_kind, source, invoice, amount_fen,"
                     " own, allocated_at, settle_date, by) VALUES(?,?,?,?,?,?,?,?,?)",
                     "ssssibiss", customer, src_kind, source, invoice, amount, own, c->now, settle,
                     c->user.username[0] ? c->user.username : "system");
    free(sd);
    free(id);
    if (rc < 0 ||
        db_exec(c->db, e,
                pay ? "UPDATE payments SET unapplied_fen = unapplied_fen - ? WHERE number = ?"
                    : "UPDATE credit_notes SET unapplied_fen = unapplied_fen - ? WHERE number = ?",
                "is", amount, source) < 0 ||
        db_exec(c->db, e,
                own ? "UPDATE invoices SET credited_fen = credited_fen + ? WHERE number = ?"
                    : "UPDATE invoices SET settled_fen = settled_fen + ? WHERE number = ?",
                "is", amount, invoice) < 0)
        return -1;
    return refresh_state(c, invoice, e);
}

int billing_money(struct ctx *c, const char *customer, int64_t *unapplied, int64_t *earmarked,
                  struct osb_err *e)
{
    int64_t p = 0, n = 0;
    if (db_int(c->db, e, &p,
               "SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?"
               " AND state = 'registered'",
               "s", customer) < 0 ||
        db_int(c->db, e, &n,
               "SELECT coalesce(sum(unapplied_fen), 0) FROM credit_notes WHERE customer = ?", "s",
               customer) < 0 ||
        db_int(c->db, e, earmarked,
               "SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE customer = ?"
               " AND released_at IS NULL AND consumed_by IS NULL",
               "s", customer) < 0)
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
    json_t *inv = db_rows(c->db, e,
                          "SELECT number, " OPEN_SQL " AS open FROM invoices WHERE customer = ?"
                          " AND state IN ('open', 'partial') AND " OPEN_SQL " > 0"
                          " ORDER BY CASE WHEN number = ? THEN 0 ELSE 1 END, due_date, number",
                          "ss", customer, fi);
    json_t *src = inv ? db_rows(c->db, e,
                                "SELECT kind, number, unapplied_fen FROM ("
                                " SELECT 'payment' AS kind, number, unapplied_fen,"
                                "  received_on AS d, id FROM payments WHERE customer = ?"
                                "  AND state = 'registered' AND unapplied_fen > 0"
                                " UNION ALL SELECT 'credit_note' AS kind, number, unapplied_fen,"
                                "  date AS d, id FROM credit_notes WHERE customer = ?"
                                "  AND unapplied_fen > 0) s"
                                " ORDER BY CASE WHEN kind = ? AND number = ? THEN 0 ELSE 1 END,"
                                " d, id, kind",
                                "ssss", customer, customer, fk, fs)
                      : NULL;
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
    json_t *rows = db_rows(c->db, e,
                           "SELECT id, customer, amount_fen, created_at FROM earmarks"
                           " WHERE order_no = ? AND released_at IS NULL AND consumed_by IS NULL"
                           " ORDER BY id",
                           "s", order_no);
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
            rc = db_exec(c->db, e, "UPDATE earmarks SET consumed_by = ? WHERE id = ?", "si",
                         invoice, jint(r, "id"));
            amount -= a;
        } else {
            rc = db_exec(c->db, e,
                         "UPDATE earmarks SET amount_fen = ?, consumed_by = ? WHERE id = ?", "isi",
                         amount, invoice, jint(r, "id"));
            if (rc >= 0)
                rc = db_exec(c->db, e,
                             "INSERT INTO earmarks(order_no, customer, amount_fen, created_at)"
                             " VALUES(?,?,?,?)",
                             "ssii", order_no, jstr(r, "customer"), a - amount,
                             jint(r, "created_at"));
            amount = 0;
        }
        if (rc < 0)
            break;
        rc = 0;
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
        if (db_int(c->db, e, &rate, "SELECT tax_rate_bp FROM products WHERE sku = ?", "s",
                   lines[i].sku) < 0)
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
    if (db_int(c->db, e, &term, "SELECT payment_term_days FROM customers WHERE code = ?", "s",
               customer) < 0)
        goto out;
    char idate[11], ddate[11];
    date_t today = flow_today(c);
    date_format(today, idate);
    date_format(today + (date_t)term, ddate);
    if (flow_docno(c, e, "FP", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO invoices(number, customer, order_no, shipment, invoice_date,"
                " due_date, amount_fen, tax_fen, created_at, updated_at)"
                " VALUES(?,?,?,?,?,?,?,?,?,?)",
                "ssssssiiii", number, customer, order_no, shipment, idate, ddate, amount, tax,
                c->now, c->now) < 0)
        goto out;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (lines[i].qty <= 0)
            continue;
        if (db_exec(c->db, e,
                    "INSERT INTO invoice_lines(invoice, line_no, order_line, sku, qty, price_fen,"
                    " amount_fen, tax_rate_bp, tax_fen) VALUES(?,?,?,?,?,?,?,?,?)",
                    "sddsiiidi", number, (int)++k, lines[i].order_line, lines[i].sku, lines[i].qty,
                    lines[i].price_fen, amounts[i], (int)rates[i], taxes[i]) < 0)
            goto out;
    }
    struct ledger_post lp = {customer, idate, "invoice", number, order_no, amount, 0, c->now};
    /* The open-order value moves to receivables (flows.md §2.5 open_orders). */
    if (store_ledger_append(c->db, e, &lp) < 0 ||
        (order_no &&
         db_exec(c->db, e,
                 "UPDATE order_exposure SET open_fen = CASE WHEN open_fen > ? THEN open_fen - ?"
                 " ELSE 0 END WHERE order_no = ?",
                 "iis", amount, amount, order_no) < 0) ||
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
    return db_int(c->db, e, n,
                  "SELECT count(*) FROM invoices WHERE order_no = ? AND state <> 'cancelled'", "s",
                  order_no) < 0
               ? -1
               : 0;
}

int billing_on_dispatch(struct ctx *c, const char *shipment, struct osb_err *e)
{
    json_t *s = NULL;
    int rc = db_row(c->db, e, &s,
                    "SELECT s.order_no, o.customer, cu.prepay_only FROM shipments s"
                    " JOIN orders o ON o.number = s.order_no"
                    " JOIN customers cu ON cu.code = o.customer WHERE s.number = ?",
                    "s", shipment);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error: no shipment %s", shipment);
    char order_no[DOCNO_MAX], customer[40];
    snprintf(order_no, sizeof order_no, "%s", jstr(s, "order_no"));
    snprintf(customer, sizeof customer, "%s", jstr(s, "customer"));
    bool prepay = jint(s, "prepay_only") != 0;
    json_decref(s);
    int64_t live = 0;
    /* A prepay-only order was invoiced when its payment covered it (BC1); one that reached
       shipment without that invoice (ST approval) is invoiced here like a credit order. */
    if (prepay && (live_invoices(c, order_no, &live, e) < 0 || live > 0))
        return err_ok(e) ? 0 : -1;
    json_t *rows = db_rows(c->db, e,
                           "SELECT sl.line_no, sl.sku, sl.qty_shipped, ol.price_fen"
                           " FROM shipment_lines sl JOIN order_lines ol ON ol.order_no = ?"
                           " AND ol.line_no = sl.line_no WHERE sl.shipment = ?"
                           " AND sl.qty_shipped > 0 ORDER BY sl.line_no",
                           "ss", order_no, shipment);
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

/* A credit note for what is still uncredited of the invoice, with the invoice's lines when
   nothing was credited yet. */
static int credit_whole(struct ctx *c, const char *invoice, int64_t amount, const char *reason,
                        struct osb_err *e)
{
    json_t *rows = db_rows(c->db, e,
                           "SELECT line_no, sku, qty, price_fen, amount_fen FROM invoice_lines"
                           " WHERE invoice = ? ORDER BY line_no",
                           "s", invoice);
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
    json_t *rows = db_rows(c->db, e,
                           "SELECT number, amount_fen - written_off_fen - coalesce((SELECT"
                           " sum(n.amount_fen) FROM credit_notes n WHERE n.invoice ="
                           " invoices.number), 0) AS left"
                           " FROM invoices WHERE order_no = ? AND state <> 'cancelled'"
                           " ORDER BY number",
                           "s", order_no);
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
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT o.customer, cu.prepay_only FROM orders o JOIN customers cu"
                    " ON cu.code = o.customer WHERE o.number = ?",
                    "s", order_no);
    if (rc <= 0)
        return rc;
    bool prepay = jint(o, "prepay_only") != 0;
    char customer[40];
    snprintf(customer, sizeof customer, "%s", jstr(o, "customer"));
    json_decref(o);
    if (prepay) {
        char *inv = NULL;
        if (db_text(c->db, e, &inv,
                    "SELECT number FROM invoices WHERE order_no = ? AND state <> 'cancelled'"
                    " AND shipment IS NULL ORDER BY number LIMIT 1",
                    "s", order_no) < 0)
            return -1;
        if (!inv)
            return 0;
        struct cn_line l = {0, "", NULL, 0, 0, amount_fen};
        char number[DOCNO_MAX];
        int64_t left = 0;
        rc = db_int(c->db, e, &left,
                    "SELECT amount_fen - written_off_fen - coalesce((SELECT sum(n.amount_fen)"
                    " FROM credit_notes n WHERE n.invoice = invoices.number), 0) FROM invoices"
                    " WHERE number = ?",
                    "s", inv);
        if (rc >= 0) {
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
    json_t *rows = db_rows(c->db, e,
                           "SELECT id, amount_fen FROM earmarks WHERE order_no = ?"
                           " AND released_at IS NULL AND consumed_by IS NULL ORDER BY id DESC",
                           "s", order_no);
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
        int64_t take = a < amount_fen ? a : amount_fen;
        rc = take == a ? db_exec(c->db, e, "UPDATE earmarks SET released_at = ? WHERE id = ?", "ii",
                                 c->now, jint(r, "id"))
                       : db_exec(c->db, e, "UPDATE earmarks SET amount_fen = ? WHERE id = ?", "ii",
                                 a - take, jint(r, "id"));
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
    json_t *rows = db_rows(c->db, e,
                           "SELECT id, source_kind, source, amount_fen FROM allocations"
                           " WHERE invoice = ? AND own = 0 AND reversed_by IS NULL ORDER BY id",
                           "s", invoice);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        bool pay = strcmp(jstr(r, "source_kind"), "payment") == 0;
        int64_t a = jint(r, "amount_fen");
        if (db_exec(c->db, e, "UPDATE allocations SET reversed_by = ? WHERE id = ?", "si", by,
                    jint(r, "id")) < 0 ||
            db_exec(c->db, e,
                    pay ? "UPDATE payments SET unapplied_fen = unapplied_fen + ? WHERE number = ?"
                        : "UPDATE credit_notes SET unapplied_fen = unapplied_fen + ?"
                          " WHERE number = ?",
                    "is", a, jstr(r, "source")) < 0 ||
            db_exec(c->db, e, "UPDATE invoices SET settled_fen = settled_fen - ? WHERE number = ?",
                    "is", a, invoice) < 0) {
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
    json_t *inv = NULL;
    int rc = db_row(c->db, e, &inv,
                    "SELECT customer, order_no, " OPEN_SQL " AS open FROM invoices"
                    " WHERE number = ?",
                    "s", invoice);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error: no invoice %s", invoice);
    char customer[40], order_no[DOCNO_MAX];
    snprintf(customer, sizeof customer, "%s", jstr(inv, "customer"));
    snprintf(order_no, sizeof order_no, "%s", jstr(inv, "order_no") ? jstr(inv, "order_no") : "");
    int64_t open = jint(inv, "open");
    json_decref(inv);
    int64_t amount = 0, tax = 0;
    int64_t *taxes = xcalloc(n ? n : 1, sizeof *taxes);
    rc = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t rate = 1300;
        if (lines[i].sku && *lines[i].sku &&
            db_int(c->db, e, &rate, "SELECT tax_rate_bp FROM products WHERE sku = ?", "s",
                   lines[i].sku) < 0)
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
    if (flow_docno(c, e, "HZ", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO credit_notes(number, customer, invoice, return_no, order_no, reason,"
                " amount_fen, tax_fen, unapplied_fen, date, created_at, created_by)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                "ssssssiiisis", number, customer, invoice, return_no, order_no[0] ? order_no : NULL,
                reason, amount, tax, amount, today, c->now,
                c->user.username[0] ? c->user.username : "system") < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (db_exec(c->db, e,
                    "INSERT INTO credit_note_lines(credit_note, line_no, invoice_line, sku,"
                    " batch, qty, price_fen, amount_fen, tax_fen) VALUES(?,?,?,?,?,?,?,?,?)",
                    "sddssiiii", number, (int)i + 1, lines[i].invoice_line,
                    lines[i].sku ? lines[i].sku : "", lines[i].batch, lines[i].qty,
                    lines[i].price_fen, lines[i].amount_fen, taxes[i]) < 0)
            goto out;
    }
    struct ledger_post lp = {customer, today,  "credit_note", number, order_no[0] ? order_no : NULL,
                             0,        amount, c->now};
    if (whole) {
        if (reverse_settlements(c, invoice, number, e) < 0 ||
            db_int(c->db, e, &open, "SELECT " OPEN_SQL " FROM invoices WHERE number = ?", "s",
                   invoice) < 0)
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

static int invoice_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, order_no AS \"order\", shipment, invoice_date,"
                    " due_date, amount_fen, tax_fen, settled_fen, credited_fen, written_off_fen,"
                    " " OPEN_SQL " AS open_fen, state, version, created_at, updated_at"
                    " FROM invoices WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no invoice '%s'", number);
    json_t *lines = db_rows(c->db, e,
                            "SELECT line_no, order_line, sku, qty, price_fen, amount_fen,"
                            " tax_rate_bp, tax_fen FROM invoice_lines WHERE invoice = ?"
                            " ORDER BY line_no",
                            "s", number);
    json_t *al = lines ? db_rows(c->db, e,
                                 "SELECT source_kind, source, amount_fen, settle_date,"
                                 " own AS \"own!b\", reversed_by FROM allocations"
                                 " WHERE invoice = ?"
                                 " ORDER BY id",
                                 "s", number)
                       : NULL;
    json_t *cn = al ? db_rows(c->db, e,
                              "SELECT number, reason, amount_fen, date FROM credit_notes"
                              " WHERE invoice = ? ORDER BY id",
                              "s", number)
                    : NULL;
    json_t *fp = NULL;
    if (!cn || invoice_request_fapiao(c, number, &fp, e) < 0) {
        json_decref(o), json_decref(lines), json_decref(al), json_decref(cn);
        return -1;
    }
    json_object_set_new(o, "fapiao", fp);
    flow_ts(c, o, "created_at");
    flow_ts(c, o, "updated_at");
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "allocations", al);
    json_object_set_new(o, "credit_notes", cn);
    *out = o;
    return 0;
}

int invoice_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    char *cust = NULL;
    if (db_text(c->db, e, &cust, "SELECT customer FROM invoices WHERE number = ?", "s", number) < 0)
        return -1;
    int rc = cust ? scope_money_sees(c, cust, e) : 0;
    free(cust);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no invoice '%s'", number);
    return invoice_json(c, number, out, e);
}

int credit_note_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, invoice, return_no AS \"return\", order_no AS"
                    " \"order\", reason, amount_fen, tax_fen, unapplied_fen, date, created_at,"
                    " created_by FROM credit_notes WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    int seen = rc == 1 ? scope_money_sees(c, jstr(o, "customer"), e) : 0;
    if (seen <= 0) {
        json_decref(o);
        return seen < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no credit note '%s'", number);
    }
    json_t *lines = db_rows(c->db, e,
                            "SELECT line_no, invoice_line, sku, batch, qty, price_fen,"
                            " amount_fen, tax_fen FROM credit_note_lines WHERE credit_note = ?"
                            " ORDER BY line_no",
                            "s", number);
    if (!lines) {
        json_decref(o);
        return -1;
    }
    flow_ts(c, o, "created_at");
    json_object_set_new(o, "lines", lines);
    *out = o;
    return 0;
}

int invoice_list(struct ctx *c, const struct invoice_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const states[] = {"open",      "partial",     "paid",
                                         "cancelled", "written_off", NULL};
    if (flow_state_filter(states, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see invoices",
                             role_str(c->user.role));
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT i.number FROM invoices i JOIN customers cu ON cu.code = i.customer"
                 " WHERE 1=1");
    scope_money_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "i.customer", q->customer);
    flow_filter_eq(&sql, p, "i.state", q->state);
    flow_filter_eq(&sql, p, "i.order_no", q->order);
    return flow_doc_page(c, &sql, p, "i.number", q->cursor, q->limit, invoice_json, out, e);
}
