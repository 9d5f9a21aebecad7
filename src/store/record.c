/*
 * record.c (store) — SQL for the generic rows of record.h.
 *
 * Column names come only from the compiled-in field tables, never from the client, so the
 * built SQL cannot be injected into; values always go through parameters.
 */
#include "store/record.h"

#include "core/sb.h"
#include "core/str.h"
#include "store/customer.h"

#include <string.h>

void rec_select_list(const struct record_def *d, struct sb *out)
{
    bool first = true;
    for (size_t i = 0; i < d->nfields; i++) {
        const struct field_def *f = &d->fields[i];
        if (f->flags & F_HIDDEN)
            continue;
        if (!first)
            sb_add(out, ", ");
        first = false;
        if (f->kind == FK_BOOL)
            sb_addf(out, "%s AS \"%s!b\"", f->name, f->name);
        else if (f->kind == FK_JSON)
            sb_addf(out, "%s AS \"%s!j\"", f->name, f->name);
        else
            sb_add(out, f->name);
    }
    sb_add(out, ", version, created_at, updated_at");
}

int rec_insert(struct db *db, struct osb_err *e, const struct record_def *d, json_t *clean,
               int64_t now, const char *actor)
{
    struct sb cols = SB_INIT, vals = SB_INIT, sql = SB_INIT;
    json_t *params = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(clean, k, v)
    {
        if (!record_field(d, k))
            continue;
        sb_addf(&cols, "%s, ", k);
        sb_add(&vals, "?, ");
        json_array_append(params, v);
    }
    sb_add(&cols, "created_at, created_by, updated_at");
    sb_add(&vals, "?, ?, ?");
    json_array_append_new(params, json_integer(now));
    json_array_append_new(params, actor ? json_string(actor) : json_null());
    json_array_append_new(params, json_integer(now));
    sb_addf(&sql, "INSERT INTO %s(%s) VALUES(%s)", d->table, sb_str(&cols), sb_str(&vals));
    int rc = db_exec_a(db, e, sql.buf, params);
    /* a customer's search grams, in the same transaction */
    if (rc >= 0 && strcmp(d->table, "customers") == 0)
        rc = store_customer_grams(db, e, json_string_value(json_object_get(clean, d->key)));
    if (rc < 0 && e->code == ERR_DUPLICATE) {
        err_set(e, ERR_DUPLICATE, "%s '%s' already exists", d->object,
                json_string_value(json_object_get(clean, d->key)));
        (void)str_copy(e->field, sizeof e->field, d->key); /* a field name: short */
    }
    json_decref(params);
    sb_free(&cols);
    sb_free(&vals);
    sb_free(&sql);
    return rc < 0 ? -1 : 0;
}

int rec_update(struct db *db, struct osb_err *e, const struct record_def *d, const char *key,
               json_t *changes, int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *params = json_array();
    sb_addf(&sql, "UPDATE %s SET ", d->table);
    const char *k;
    json_t *v;
    json_object_foreach(changes, k, v)
    {
        if (!record_field(d, k))
            continue;
        sb_addf(&sql, "%s = ?, ", k);
        json_array_append(params, v);
    }
    sb_addf(&sql, "version = version + 1, updated_at = ? WHERE %s = ?", d->key);
    json_array_append_new(params, json_integer(now));
    json_array_append_new(params, json_string(key));
    int rc = db_exec_a(db, e, sql.buf, params);
    json_decref(params);
    sb_free(&sql);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no %s '%s'", d->object, key);
    /* a renamed customer's search grams, in the same transaction */
    if (rc > 0 && strcmp(d->table, "customers") == 0 &&
        (json_object_get(changes, "name") || json_object_get(changes, d->key)))
        rc = store_customer_grams(db, e, key);
    return rc < 0 ? -1 : 0;
}

int rec_get(struct db *db, struct osb_err *e, const struct record_def *d, const char *key,
            json_t **out)
{
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT ");
    rec_select_list(d, &sql);
    sb_addf(&sql, " FROM %s WHERE %s = ?", d->table, d->key);
    int rc = db_row(db, e, out, sql.buf, "s", key);
    sb_free(&sql);
    return rc;
}

int rec_exists(struct db *db, struct osb_err *e, const struct record_def *d, const char *key)
{
    struct sb sql = SB_INIT;
    sb_addf(&sql, "SELECT count(*) FROM %s WHERE %s = ?", d->table, d->key);
    int64_t n = 0;
    int rc = db_int(db, e, &n, sql.buf, "s", key);
    sb_free(&sql);
    return rc < 0 ? -1 : n > 0;
}

json_t *rec_list(struct db *db, struct osb_err *e, const struct record_def *d,
                 const struct rec_filter *f, size_t nf, const char *extra_where,
                 json_t *extra_params, const char *cursor, int limit)
{
    struct sb sql = SB_INIT;
    json_t *params = json_array();
    sb_add(&sql, "SELECT ");
    rec_select_list(d, &sql);
    sb_addf(&sql, " FROM %s WHERE 1=1", d->table);
    for (size_t i = 0; i < nf; i++) {
        if (!f[i].value)
            continue;
        sb_addf(&sql, " AND %s = ?", f[i].column);
        json_array_append_new(params, json_string(f[i].value));
    }
    if (extra_where) {
        sb_addf(&sql, " AND (%s)", extra_where);
        json_array_extend(params, extra_params);
    }
    if (cursor) {
        sb_addf(&sql, " AND %s > ?", d->key);
        json_array_append_new(params, json_string(cursor));
    }
    sb_addf(&sql, " ORDER BY %s LIMIT ?", d->key);
    json_array_append_new(params, json_integer(limit + 1));
    json_t *rows = db_rows_a(db, e, sql.buf, params);
    json_decref(params);
    sb_free(&sql);
    return rows;
}

int rec_lock(struct db *db, struct osb_err *e, const struct record_def *d, const char *key)
{
    char space[72];
    if (strcmp(d->object, "customer") == 0)
        return db_lock_key(db, e, "customer", key);
    (void)str_fmt(space, sizeof space, "rec:%s", d->object); /* an object name: a short word */
    return db_lock_key(db, e, space, key);
}
