/*
 * fdoc.c (store) — the field-sales documents' SQL (store/fdoc.h).
 */
#include "store/fdoc.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "store/doc.h"

#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column");
}

static json_t *empty_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* The typed columns (schema: field documents' typed columns): a copy of the data fields that
   reports, lists and jobs select and filter on in SQL. `money` columns take an integer, the
   others a string; anything else (absent, null, another type) is NULL. */
static const struct {
    const char *key;
    bool money;
} typed[] = {
    {"level", false},           {"period_type", false},          {"period", false},
    {"base_month", false},      {"visited_at", false},           {"kind", false},
    {"target_sales_fen", true}, {"target_collection_fen", true}, {"total_fen", true},
    {"valid_until", false},
};
#define TYPED_N (sizeof typed / sizeof typed[0])
#define TYPED_COLS                                                                                 \
    "level, period_type, period, base_month, visited_at, kind, target_sales_fen,"                  \
    " target_collection_fen, total_fen, valid_until"
#define TYPED_SET                                                                                  \
    "level = ?, period_type = ?, period = ?, base_month = ?, visited_at = ?, kind = ?,"            \
    " target_sales_fen = ?, target_collection_fen = ?, total_fen = ?, valid_until = ?"

/* Appends the typed columns' values of data to p, in TYPED_COLS order. */
static void typed_args(json_t *p, json_t *data)
{
    for (size_t i = 0; i < TYPED_N; i++) {
        json_t *v = json_object_get(data, typed[i].key);
        bool ok = typed[i].money ? json_is_integer(v) : json_is_string(v);
        json_array_append_new(p, ok ? json_incref(v) : json_null());
    }
}

int store_fdoc_load(struct db *db, struct osb_err *e, const char *type, const char *number,
                    struct fdoc *d)
{
    memset(d, 0, sizeof *d);
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT number, type, customer, market, region, kam, rep, owner, state, ref,"
                    " data, version, created_at, updated_at FROM field_docs"
                    " WHERE number = ? AND type = ?",
                    "ss", number, type);
    if (rc <= 0)
        return rc;
    copy(d->number, sizeof d->number, jstr(r, "number"));
    copy(d->type, sizeof d->type, jstr(r, "type"));
    copy(d->customer, sizeof d->customer, jstr(r, "customer"));
    copy(d->market, sizeof d->market, jstr(r, "market"));
    copy(d->region, sizeof d->region, jstr(r, "region"));
    copy(d->kam, sizeof d->kam, jstr(r, "kam"));
    copy(d->rep, sizeof d->rep, jstr(r, "rep"));
    copy(d->owner, sizeof d->owner, jstr(r, "owner"));
    copy(d->state, sizeof d->state, jstr(r, "state"));
    copy(d->ref, sizeof d->ref, jstr(r, "ref"));
    d->version = jint(r, "version");
    d->created_at = jint(r, "created_at");
    d->updated_at = jint(r, "updated_at");
    const char *data = jstr(r, "data");
    d->data = data ? json_loads(data, 0, NULL) : NULL;
    if (!json_is_object(d->data)) {
        json_decref(d->data);
        d->data = json_object();
    }
    json_decref(r);
    return 1;
}

void store_fdoc_release(struct fdoc *d)
{
    json_decref(d->data);
    json_decref(d->items);
    d->data = d->items = NULL;
}

static int insert_items(struct db *db, struct osb_err *e, struct fdoc *d)
{
    size_t i;
    json_t *it;
    json_array_foreach(d->items, i, it)
    {
        if (db_exec(db, e, "INSERT INTO field_items(document, seq, customer, date) VALUES(?,?,?,?)",
                    "siss", d->number, jint(it, "seq"), jstr(it, "customer"), jstr(it, "date")) < 0)
            return -1;
    }
    json_decref(d->items);
    d->items = NULL;
    return 0;
}

int store_fdoc_insert(struct db *db, struct osb_err *e, struct fdoc *d)
{
    char *data = json_dumps(d->data, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *p =
        json_pack("[s s o o o o o s s o s I I]", d->number, d->type, empty_null(d->customer),
                  empty_null(d->market), empty_null(d->region), empty_null(d->kam),
                  empty_null(d->rep), d->owner, d->state, empty_null(d->ref), data ? data : "{}",
                  (json_int_t)d->created_at, (json_int_t)d->created_at);
    free(data);
    typed_args(p, d->data);
    int rc = db_exec_a(db, e,
                       "INSERT INTO field_docs(number, type, customer, market, region, kam, rep,"
                       " owner, state, ref, data, created_at, updated_at, " TYPED_COLS ")"
                       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       p);
    json_decref(p);
    if (rc < 0)
        return -1;
    d->version = 1;
    d->updated_at = d->created_at;
    return insert_items(db, e, d);
}

int store_fdoc_save(struct db *db, struct osb_err *e, struct fdoc *d, const char *state,
                    int64_t now)
{
    char *data = json_dumps(d->data, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *p = json_pack("[s I s]", state, (json_int_t)now, data ? data : "{}");
    free(data);
    typed_args(p, d->data);
    if (d->ref_changed)
        json_array_append_new(p, json_string(d->ref));
    json_array_append_new(p, json_string(d->number));
    int rc = db_exec_a(db, e,
                       d->ref_changed ? "UPDATE field_docs SET state = ?, version = version + 1,"
                                        " updated_at = ?, data = ?, " TYPED_SET ", ref = ?"
                                        " WHERE number = ?"
                                      : "UPDATE field_docs SET state = ?, version = version + 1,"
                                        " updated_at = ?, data = ?, " TYPED_SET " WHERE number = ?",
                       p);
    json_decref(p);
    if (rc < 0 || insert_items(db, e, d) < 0)
        return -1;
    copy(d->state, sizeof d->state, state);
    d->version++;
    d->updated_at = now;
    d->ref_changed = false;
    return 0;
}

int store_fdoc_backfill(struct db *db, struct osb_err *e)
{
    json_t *rows = db_rows(db, e, "SELECT id, data FROM field_docs ORDER BY id", NULL);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *d = json_loads(jstr(r, "data") ? jstr(r, "data") : "{}", 0, NULL);
        json_t *p = json_array();
        typed_args(p, d);
        json_array_append_new(p, json_integer(jint(r, "id")));
        rc = db_exec_a(db, e, "UPDATE field_docs SET " TYPED_SET " WHERE id = ?", p);
        json_decref(p);
        json_decref(d);
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc < 0 ? -1 : 0;
}

int store_fdoc_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                    const struct fdoc_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT k.number FROM field_docs k LEFT JOIN customers cu"
                 " ON cu.code = k.customer WHERE k.type = ?");
    json_array_append_new(p, json_string(f->type));
    /* The scope of the row's own market/region/kam/rep columns (the customer's, copied at
       create, or the owner's), or the owner's own document. */
    sb_add(&sql, " AND (k.owner = ?");
    json_array_append_new(p, json_string(u->username ? u->username : ""));
    sb_add(&sql, " OR (1=1");
    store_scope_sql(u, &sql, p, "k");
    sb_add(&sql, "))");
    if (f->customer) {
        /* a visit plan names its customers per item (field_items), not on the document */
        sb_add(&sql, " AND (k.customer = ? OR EXISTS (SELECT 1 FROM field_items i"
                     " WHERE i.document = k.number AND i.customer = ?))");
        json_array_append_new(p, json_string(f->customer));
        json_array_append_new(p, json_string(f->customer));
    }
    store_filter_in(&sql, p, "k.state", f->state);
    store_filter_eq(&sql, p, "k.owner", f->owner);
    store_filter_q(&sql, p, f->q, "k.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, p, "k.number", f->cursor, f->limit, numbers, next);
}

json_t *store_fdoc_by_ref(struct db *db, struct osb_err *e, const char *type, const char *ref)
{
    json_t *rows = db_rows(db, e,
                           "SELECT number FROM field_docs WHERE ref = ? AND type = ?"
                           " ORDER BY id",
                           "ss", ref, type);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(out, json_object_get(r, "number"));
    json_decref(rows);
    return out;
}

json_t *store_fdoc_quotations_past(struct db *db, struct osb_err *e, const char *today)
{
    json_t *rows = db_rows(db, e,
                           "SELECT number FROM field_docs WHERE type = 'quotations'"
                           " AND state = 'issued' AND valid_until < ? ORDER BY id",
                           "s", today);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(out, json_object_get(r, "number"));
    json_decref(rows);
    return out;
}

int store_fdoc_user(struct db *db, struct osb_err *e, const char *username, json_t **out)
{
    return db_row(db, e, out,
                  "SELECT username, role, market, region, manager FROM users"
                  " WHERE username = ? AND active = 1",
                  "s", username);
}

int store_fdoc_list_price(struct db *db, struct osb_err *e, const char *sku, int64_t *price)
{
    return db_int(db, e, price, "SELECT price_fen FROM products WHERE sku = ?", "s", sku);
}

int store_fdoc_actual_qty(struct db *db, struct osb_err *e, const char *customer,
                          const char *market, const char *sku, int64_t from, int64_t to,
                          int64_t *qty)
{
    *qty = 0;
    json_t *p = json_pack("[s I I]", sku, (json_int_t)from, (json_int_t)to);
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT coalesce(sum(coalesce(l.qty_shipped, 0)), 0) AS q FROM shipment_lines l"
                 " JOIN shipments s ON s.number = l.shipment JOIN orders o ON o.number = s.order_no"
                 " JOIN customers cu ON cu.code = o.customer WHERE l.sku = ?"
                 " AND s.dispatched_at >= ? AND s.dispatched_at < ?");
    store_filter_eq(&sql, p, "o.customer", customer);
    if (!customer)
        store_filter_eq(&sql, p, "cu.market", market);
    json_t *rows = db_rows_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    if (json_array_size(rows))
        *qty = jint(json_array_get(rows, 0), "q");
    json_decref(rows);
    return 0;
}

int store_fdoc_supervisor(struct db *db, struct osb_err *e, const char *market, char *out)
{
    out[0] = '\0';
    char *s = NULL;
    int rc = db_text(db, e, &s, "SELECT slt_supervisor FROM markets WHERE code = ?", "s", market);
    if (rc < 0)
        return -1;
    copy(out, 40, s);
    free(s);
    return 0;
}

json_t *store_fdoc_users(struct db *db, struct osb_err *e, const char *role, const char *market)
{
    json_t *rows = market ? db_rows(db, e,
                                    "SELECT username FROM users WHERE role = ? AND market = ?"
                                    " AND active = 1 ORDER BY username",
                                    "ss", role, market)
                          : db_rows(db, e,
                                    "SELECT username FROM users WHERE role = ? AND active = 1"
                                    " ORDER BY username",
                                    "s", role);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(out, json_object_get(r, "username"));
    json_decref(rows);
    return out;
}
