/*
 * delivery_note.c — reading delivery notes as JSON or PDF (flow/delivery_note.h). The note is
 * written by the order flow (print-delivery-note, release) and its remarks by the shipment and
 * backorder flows; this file only reads (store/delivery_note.c), checks the reader's scope and
 * leaves out what the reader may not see.
 *
 * The delivery note is not a document with actions of its own (its printing is the order's
 * print-delivery-note, its voiding the order's): it has no table on the kernel and its answer
 * carries no allowed_actions.
 */
#include "flow/delivery_note.h"

#include "core/json.h"
#include "core/sb.h"
#include "flow/scope.h"
#include "report/delivery_note.h"
#include "store/delivery_note.h"
#include "store/order.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

/* The note with its customer's name and the order's shipments; 404 when missing or outside
   the reader's scope (the note's existence must not leak). */
static int load(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *dn = NULL;
    int rc = store_delivery_note_view(c->db, e, number, &dn);
    if (rc < 0)
        return -1;
    struct order_customer cu;
    if (rc == 1) {
        rc = store_order_customer(c->db, e, jstr(dn, "customer"), &cu);
        if (rc < 0) {
            json_decref(dn);
            return -1;
        }
    }
    if (rc == 0 || !scope_sees(c, &cu)) {
        json_decref(dn);
        return err_set(e, ERR_NOT_FOUND, "no delivery note '%s'", number);
    }
    if (!json_is_array(json_object_get(dn, "lines")))
        json_object_set_new(dn, "lines", json_array());
    int64_t total = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(dn, "lines"), i, it) total += jint(it, "amount_fen");
    json_object_set_new(dn, "total_fen", json_integer(total));
    *out = dn;
    return 0;
}

static bool priced(const struct ctx *c)
{
    return c->user.role != ROLE_WAREHOUSE;
}

int delivery_note_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *dn;
    if (load(c, number, &dn, e) < 0)
        return -1;
    static const char *const times[] = {"printed_at", "released_at"};
    for (size_t k = 0; k < 2; k++) {
        json_t *v = json_object_get(dn, times[k]);
        if (json_is_integer(v)) {
            char b[32];
            ts_format_rfc3339(json_integer_value(v), c->cfg->tz_min, b);
            json_object_set_new(dn, times[k], json_string(b));
        }
    }
    if (!priced(c)) {
        /* §4: the warehouse sees delivery notes without prices or amounts. */
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(dn, "lines"), i, it)
        {
            json_object_del(it, "price_fen");
            json_object_del(it, "amount_fen");
        }
        json_object_del(dn, "total_fen");
    }
    /* Every document answer names what the caller may do with it (api.md §5.1): a delivery
       note has no actions of its own (printing and voiding it are the order's). */
    json_object_set_new(dn, "allowed_actions", json_array());
    *out = dn;
    return 0;
}

int delivery_note_pdf(struct ctx *c, const char *number, char **pdf, size_t *len, struct osb_err *e)
{
    *pdf = NULL;
    *len = 0;
    json_t *dn;
    if (load(c, number, &dn, e) < 0)
        return -1;
    json_t *lines = json_object_get(dn, "lines");
    size_t n = json_array_size(lines);
    struct dn_line *dl = xcalloc(n + 1, sizeof *dl);
    size_t i;
    json_t *it;
    json_array_foreach(lines, i, it)
    {
        dl[i] = (struct dn_line){
            jstr(it, "sku"),         jstr(it, "name"),      jstr(it, "spec"),
            jstr(it, "unit"),        jint(it, "qty"),       jint(it, "cases"),
            jint(it, "loose_units"), jint(it, "price_fen"), jint(it, "amount_fen")};
    }
    struct sb ships = SB_INIT;
    json_array_foreach(json_object_get(dn, "shipments"), i, it)
        sb_addf(&ships, "%s%s", i ? "、" : "", json_string_value(it));
    char date[11] = "";
    date_format(ts_to_date(jint(dn, "printed_at"), c->cfg->tz_min), date);
    char *company = settings_get(c->db, "company_name", "");
    const char *printer =
        jstr(dn, "printed_by_name") ? jstr(dn, "printed_by_name") : jstr(dn, "printed_by");
    struct dn_doc doc = {
        company,
        jstr(dn, "number"),
        date,
        jstr(dn, "order"),
        sb_str(&ships),
        jstr(dn, "customer"),
        jstr(dn, "customer_name"),
        jstr(dn, "consignee"),
        jstr(dn, "consignee_phone"),
        jstr(dn, "consignment_station"),
        jstr(dn, "address"),
        jstr(dn, "remarks"),
        printer,
        priced(c),
        json_is_true(json_object_get(dn, "voided")),
        jint(dn, "print_count") > 1,
        dl,
        n,
        jint(dn, "total_fen"),
    };
    int rc = report_delivery_note_pdf(&doc, pdf, len, e);
    free(company);
    sb_free(&ships);
    free(dl);
    json_decref(dn);
    return rc;
}
