/*
 * free_goods.c (flow) — free-goods lines and below-list prices (flow/free_goods.h). SQL in
 * store/free_goods.c, rules in rules/free_goods.c.
 */
#include "flow/free_goods.h"

#include "core/json.h"
#include "core/money.h"
#include "core/str.h"
#include "rules/free_goods.h"
#include "store/free_goods.h"
#include "store/market.h"

#include <string.h>

static void fail(json_t *failed, const struct order_line *l, const char *msg, const char *app)
{
    json_array_append_new(failed, json_pack("{ss ss si ss ss}", "rule", "expense_unavailable",
                                            "message", msg, "line", l->line_no, "sku", l->sku,
                                            "expense_application", app));
}

int free_goods_qc(struct ctx *c, const struct order *o, json_t *failed, struct osb_err *e)
{
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        if (!l->expense)
            continue;
        bool first = true; /* each application once, at its first line */
        for (size_t j = 0; j < i && first; j++)
            first = !(o->lines[j].expense &&
                      strcmp(o->lines[j].expense_application, l->expense_application) == 0);
        if (!first)
            continue;
        int64_t need = 0;
        bool over = false;
        for (size_t j = i; j < o->nlines; j++) {
            const struct order_line *m = &o->lines[j];
            int64_t v;
            if (m->expense && strcmp(m->expense_application, l->expense_application) == 0 &&
                (!money_mul(m->qty, m->expense_price_fen, &v) || !money_add(need, v, &need)))
                over = true;
        }
        json_t *row = NULL;
        int f = store_mkt_row(c->db, e, "expense_applications", l->expense_application, &row);
        if (f < 0)
            return -1;
        int64_t amount = -1;
        if (f == 1 && is(jstr(row, "customer"), o->customer))
            amount = free_goods_amount(jstr(row, "state"), jstr(row, "settlement_form"),
                                       jint(row, "approved_fen"), jint(row, "actual_fen"));
        json_decref(row);
        if (amount < 0) {
            fail(failed, l,
                 "the line names no approved free-goods expense application of this customer",
                 l->expense_application);
            continue;
        }
        int64_t drawn = 0, shipped = 0;
        if (store_free_goods_drawn(c->db, e, l->expense_application, o->number, &drawn, &shipped) <
            0)
            return -1;
        if (over || !free_goods_draw_ok(amount, drawn, need))
            fail(failed, l, "the expense application has not enough free-goods amount left",
                 l->expense_application);
    }
    return 0;
}

int free_goods_drawn(struct ctx *c, const char *app, int64_t *drawn, struct osb_err *e)
{
    int64_t shipped;
    return store_free_goods_drawn(c->db, e, app, "", drawn, &shipped);
}

int free_goods_answer(struct ctx *c, json_t *app, struct osb_err *e)
{
    int64_t amount = free_goods_amount(jstr(app, "state"), jstr(app, "settlement_form"),
                                       jint(app, "approved_fen"), jint(app, "actual_fen"));
    int64_t drawn = 0, shipped = 0;
    if (store_free_goods_drawn(c->db, e, jstr(app, "number"), "", &drawn, &shipped) < 0)
        return -1;
    json_object_set_new(app, "free_goods_fen", amount < 0 ? json_null() : json_integer(amount));
    json_object_set_new(app, "free_goods_drawn_fen", json_integer(drawn));
    json_object_set_new(app, "free_goods_shipped_fen", json_integer(shipped));
    json_object_set_new(app, "free_goods_remaining_fen",
                        json_integer(amount < 0 || drawn > amount ? 0 : amount - drawn));
    return 0;
}

int free_goods_price_cover(struct ctx *c, const char *customer, const char *sku, int64_t asked,
                           date_t day, char source[DOCNO_MAX], struct osb_err *e)
{
    source[0] = '\0';
    char ds[11];
    date_format(day, ds);
    json_t *rows = store_price_covers(c->db, e, customer, ds);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *data = json_loads(jstr(r, "data") ? jstr(r, "data") : "{}", 0, NULL);
        const char *vu = jstr(data, "valid_until");
        bool valid = !is(jstr(r, "kind"), "quotation") || !vu || strcmp(vu, ds) >= 0;
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(data, "lines"), k, l)
        {
            json_t *p = json_object_get(l, "price_fen");
            if (valid && !source[0] && is(jstr(l, "sku"), sku) && json_is_integer(p) &&
                price_covered(asked, json_integer_value(p)))
                str_copy(source, DOCNO_MAX, jstr(r, "number"));
        }
        json_decref(data);
        if (source[0])
            break;
    }
    json_decref(rows);
    return source[0] ? 1 : 0;
}
