/*
 * price_list.c (store) — the price list aggregate's SQL (store/price_list.h).
 */
#include "store/price_list.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

int store_price_list_load(struct db *db, struct osb_err *e, const char *number,
                          struct price_list *p)
{
    memset(p, 0, sizeof *p);
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT number, code, name, valid_from, valid_to, state, approved_by,"
                    " approved_at, published_by, published_at, retired_by, retired_at,"
                    " superseded_by, version, created_at, created_by, updated_at"
                    " FROM price_lists WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(p->number, sizeof p->number, jstr(r, "number"));
    copy(p->code, sizeof p->code, jstr(r, "code"));
    copy(p->name, sizeof p->name, jstr(r, "name"));
    copy(p->valid_from, sizeof p->valid_from, jstr(r, "valid_from"));
    copy(p->valid_to, sizeof p->valid_to, jstr(r, "valid_to"));
    copy(p->state, sizeof p->state, jstr(r, "state"));
    copy(p->approved_by, sizeof p->approved_by, jstr(r, "approved_by"));
    p->approved_at = jint(r, "approved_at");
    copy(p->published_by, sizeof p->published_by, jstr(r, "published_by"));
    p->published_at = jint(r, "published_at");
    copy(p->retired_by, sizeof p->retired_by, jstr(r, "retired_by"));
    p->retired_at = jint(r, "retired_at");
    copy(p->superseded_by, sizeof p->superseded_by, jstr(r, "superseded_by"));
    p->version = jint(r, "version");
    p->created_at = jint(r, "created_at");
    copy(p->created_by, sizeof p->created_by, jstr(r, "created_by"));
    p->updated_at = jint(r, "updated_at");
    json_decref(r);
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM price_list_items WHERE list = ?", "s", number) < 0)
        return -1;
    p->items = n ? calloc((size_t)n, sizeof *p->items) : NULL;
    struct dbq *q = db_query(db, e,
                             "SELECT line_no, sku, price_fen FROM price_list_items WHERE list = ?"
                             " ORDER BY line_no",
                             "s", number);
    if (!q)
        return -1;
    int st;
    while ((st = dbq_next(q, e)) == 1 && p->nitems < (size_t)n) {
        struct price_item *it = &p->items[p->nitems++];
        it->line_no = (int)dbq_int(q, 0);
        copy(it->sku, sizeof it->sku, dbq_text(q, 1));
        it->price_fen = dbq_int(q, 2);
    }
    dbq_end(q);
    return st < 0 ? -1 : 1;
}

void store_price_list_release(struct price_list *p)
{
    free(p->items);
    p->items = NULL;
    p->nitems = 0;
}

int store_price_list_insert(struct db *db, struct osb_err *e, const struct price_list *p)
{
    if (db_exec(db, e,
                "INSERT INTO price_lists(number, code, name, valid_from, valid_to, created_at,"
                " created_by, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                "sssssisi", p->number, p->code, p->name, p->valid_from,
                p->valid_to[0] ? p->valid_to : NULL, p->created_at, p->created_by,
                p->created_at) < 0)
        return -1;
    for (size_t i = 0; i < p->nitems; i++)
        if (db_exec(db, e,
                    "INSERT INTO price_list_items(list, line_no, sku, price_fen) VALUES(?,?,?,?)",
                    "sdsi", p->number, p->items[i].line_no, p->items[i].sku,
                    p->items[i].price_fen) < 0)
            return -1;
    return 0;
}

int store_price_list_save(struct db *db, struct osb_err *e, struct price_list *p, const char *state,
                          int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "UPDATE price_lists SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(a, json_string(state));
    json_array_append_new(a, json_integer(now));
    if (p->approved_changed) {
        sb_add(&sql, ", approved_by = ?, approved_at = ?");
        json_array_append_new(a, json_string(p->approved_by));
        json_array_append_new(a, json_integer(p->approved_at));
    }
    if (p->published_changed) {
        sb_add(&sql, ", published_by = ?, published_at = ?");
        json_array_append_new(a, json_string(p->published_by));
        json_array_append_new(a, json_integer(p->published_at));
    }
    if (p->retired_changed) {
        sb_add(&sql, ", retired_by = ?, retired_at = ?, superseded_by = ?");
        json_array_append_new(a, json_string(p->retired_by));
        json_array_append_new(a, json_integer(p->retired_at));
        json_array_append_new(a, p->superseded_by[0] ? json_string(p->superseded_by) : json_null());
    }
    if (p->valid_to_changed) {
        sb_add(&sql, ", valid_to = ?, superseded_by = ?");
        json_array_append_new(a, json_string(p->valid_to));
        json_array_append_new(a, json_string(p->superseded_by));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(a, json_string(p->number));
    int rc = db_exec_a(db, e, sql.buf, a);
    sb_free(&sql);
    json_decref(a);
    if (rc < 0)
        return -1;
    copy(p->state, sizeof p->state, state);
    p->version++;
    p->updated_at = now;
    p->approved_changed = p->published_changed = p->retired_changed = p->valid_to_changed = false;
    return 0;
}

json_t *store_price_list_published(struct db *db, struct osb_err *e, const char *code,
                                   const char *number)
{
    return db_rows(db, e,
                   "SELECT number FROM price_lists WHERE code = ? AND state = 'published'"
                   " AND number <> ? ORDER BY valid_from, number",
                   "ss", code, number);
}

int store_price_list_list(struct db *db, struct osb_err *e, const struct price_list_filter *f,
                          json_t **numbers, char **next)
{
    json_t *a = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT p.number FROM price_lists p WHERE 1=1");
    store_filter_eq(&sql, a, "p.code", f->code);
    store_filter_in(&sql, a, "p.state", f->state);
    if (f->customer) {
        sb_add(&sql, " AND p.code = (SELECT coalesce(c.price_list, 'STD') FROM customers c"
                     " WHERE c.code = ?)");
        json_array_append_new(a, json_string(f->customer));
    }
    /* q: the number, or any of code, name and the items' SKUs (one "word" table). */
    store_filter_q(&sql, a, f->q, "p.number", NULL, "w.word",
                   "(SELECT list, sku AS word FROM price_list_items"
                   " UNION ALL SELECT number, code FROM price_lists"
                   " UNION ALL SELECT number, name FROM price_lists) w WHERE w.list = p.number");
    return store_doc_page(db, e, &sql, a, "p.number", f->cursor, f->limit, numbers, next);
}

int store_price_list_prices(struct db *db, struct osb_err *e, const char *customer, const char *day,
                            const char *const *skus, size_t n, int64_t *price, bool *found,
                            char list_no[DOCNO_MAX])
{
    memset(found, 0, n * sizeof *found);
    list_no[0] = 0;
    char *num = NULL;
    int rc = db_text(db, e, &num,
                     "SELECT p.number FROM customers c"
                     " JOIN price_lists p ON p.code = coalesce(c.price_list, 'STD')"
                     " WHERE c.code = ? AND p.state = 'published' AND p.valid_from <= ?"
                     " AND (p.valid_to IS NULL OR p.valid_to >= ?)"
                     " ORDER BY p.valid_from DESC LIMIT 1",
                     "sss", customer, day, day);
    if (rc < 0)
        return -1;
    if (rc == 0 || !num || n == 0) {
        free(num);
        return 0;
    }
    copy(list_no, DOCNO_MAX, num);
    free(num);
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    json_array_append_new(a, json_string(list_no));
    sb_add(&sql, "SELECT sku, price_fen FROM price_list_items WHERE list = ? AND sku IN (");
    for (size_t i = 0; i < n; i++) {
        sb_add(&sql, i ? ",?" : "?");
        json_array_append_new(a, json_string(skus[i]));
    }
    sb_add(&sql, ")");
    json_t *rows = db_rows_a(db, e, sql.buf, a);
    sb_free(&sql);
    json_decref(a);
    if (!rows)
        return -1;
    size_t k;
    json_t *r;
    json_array_foreach(rows, k, r)
    {
        const char *sku = jstr(r, "sku");
        for (size_t i = 0; i < n; i++)
            if (sku && strcmp(skus[i], sku) == 0) {
                found[i] = true;
                price[i] = jint(r, "price_fen");
            }
    }
    json_decref(rows);
    return 0;
}
