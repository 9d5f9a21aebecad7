/*
 * doc.c (store) — SQL shared by every document (store/doc.h).
 */
#include "store/doc.h"

#include <stdlib.h>
#include <string.h>

void store_scope_sql(const struct scope_user *u, struct sb *sql, json_t *p, const char *cust)
{
    switch (u->role) {
    case ROLE_DEPUTY_DIRECTOR:
        sb_addf(sql, " AND %s.market IN (SELECT code FROM markets WHERE slt_supervisor = ?)", cust);
        json_array_append_new(p, json_string(u->username));
        break;
    case ROLE_MM:
        sb_addf(sql, " AND %s.market = ?", cust);
        json_array_append_new(p, json_string(u->market));
        break;
    case ROLE_UM:
        sb_addf(sql, " AND %s.region = ?", cust);
        json_array_append_new(p, json_string(u->region));
        break;
    case ROLE_KAM:
        sb_addf(sql, " AND %s.kam = ?", cust);
        json_array_append_new(p, json_string(u->username));
        break;
    case ROLE_REP:
        /* Own customers, plus those without a rep whose KAM is the rep's manager. */
        sb_addf(sql, " AND (%s.rep = ? OR (coalesce(%s.rep, '') = '' AND %s.kam = ?))", cust, cust,
                cust);
        json_array_append_new(p, json_string(u->username));
        json_array_append_new(p, json_string(u->manager));
        break;
    case ROLE_CUSTOMER:
    case ROLE_NONE:
    case ROLE__COUNT:
        sb_add(sql, " AND 0 = 1");
        break;
    default:
        break; /* gm, sales_director, SSG, finance, warehouse, CS, marketing, auditor, admin */
    }
}

void store_filter_eq(struct sb *sql, json_t *params, const char *column, const char *value)
{
    if (!value)
        return;
    sb_addf(sql, " AND %s = ?", column);
    json_t *v = json_string(value);
    /* not UTF-8: a value no row holds, so the parameter count stays right */
    json_array_append_new(params, v ? v : json_string("\xEF\xBF\xBD"));
}

void store_filter_in(struct sb *sql, json_t *params, const char *column, const char *value)
{
    if (!value)
        return;
    sb_addf(sql, " AND %s IN (", column);
    const char *p = value;
    for (int i = 0;; i++) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        sb_add(sql, i ? ",?" : "?");
        json_t *v = json_stringn(p, n);
        /* not UTF-8: a value no row holds, so the parameter count stays right */
        json_array_append_new(params, v ? v : json_string("\xEF\xBF\xBD"));
        if (!comma)
            break;
        p = comma + 1;
    }
    sb_add(sql, ")");
}

/* q as a LIKE pattern: %q% with '%', '_' and the escape '\' escaped (a new string). */
static json_t *like_pattern(const char *q)
{
    struct sb pat = SB_INIT;
    sb_addc(&pat, '%');
    for (const char *s = q; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            sb_addc(&pat, '\\');
        sb_addc(&pat, *s);
    }
    sb_addc(&pat, '%');
    json_t *v = json_string(sb_str(&pat));
    if (!v) {
        /* not UTF-8 (jansson refuses it, and the parameter went missing: a 500, found by
           fuzz_router): every byte above ASCII becomes U+FFFD, which no stored text holds, so
           such a q matches nothing */
        struct sb ok = SB_INIT;
        for (const unsigned char *s = (const unsigned char *)sb_str(&pat); *s; s++)
            if (*s < 0x80)
                sb_addc(&ok, (char)*s);
            else
                sb_add(&ok, "\xEF\xBF\xBD");
        v = json_string(sb_str(&ok));
        sb_free(&ok);
    }
    sb_free(&pat);
    return v;
}

/* One "lower(col) LIKE lower(?) ESCAPE '\'" with its parameter. */
static void like_one(struct sb *sql, json_t *params, json_t *pat, const char *col)
{
    sb_addf(sql, "lower(%s) LIKE lower(?) ESCAPE '\\'", col);
    json_array_append(params, pat);
}

char *store_like_pat(const char *q)
{
    if (!q || !*q)
        return NULL;
    json_t *v = like_pattern(q);
    char *s = strdup(json_string_value(v));
    json_decref(v);
    return s;
}

void store_filter_like(struct sb *sql, json_t *params, const char *q, const char *const *cols)
{
    if (!q || !*q || !cols[0])
        return;
    json_t *pat = like_pattern(q);
    sb_add(sql, " AND (");
    for (int i = 0; cols[i]; i++) {
        if (i)
            sb_add(sql, " OR ");
        like_one(sql, params, pat, cols[i]);
    }
    sb_add(sql, ")");
    json_decref(pat);
}

void store_filter_q(struct sb *sql, json_t *params, const char *q, const char *number_col,
                    const char *cust, const char *sku_col, const char *sku_lines)
{
    if (!q || !*q)
        return;
    json_t *pat = like_pattern(q);
    sb_add(sql, " AND (");
    like_one(sql, params, pat, number_col);
    if (cust) {
        struct sb col = SB_INIT;
        sb_addf(&col, "%s.code", cust);
        sb_add(sql, " OR ");
        like_one(sql, params, pat, sb_str(&col));
        sb_free(&col);
        sb_addf(&col, "%s.name", cust);
        sb_add(sql, " OR ");
        like_one(sql, params, pat, sb_str(&col));
        sb_free(&col);
    }
    if (sku_col && sku_lines) {
        sb_addf(sql, " OR EXISTS (SELECT 1 FROM %s AND ", sku_lines);
        like_one(sql, params, pat, sku_col);
        sb_add(sql, ")");
    } else if (sku_col) {
        sb_add(sql, " OR ");
        like_one(sql, params, pat, sku_col);
    }
    sb_add(sql, ")");
    json_decref(pat);
}

int store_doc_page(struct db *db, struct osb_err *e, struct sb *sql, json_t *p, const char *col,
                   const char *cursor, int limit, json_t **numbers, char **next)
{
    *numbers = NULL;
    *next = NULL;
    if (cursor) {
        sb_addf(sql, " AND %s < ?", col);
        json_array_append_new(p, json_string(cursor));
    }
    sb_addf(sql, " ORDER BY %s DESC LIMIT ?", col);
    json_array_append_new(p, json_integer(limit + 1));
    json_t *rows = db_rows_a(db, e, sql->buf, p);
    sb_free(sql);
    json_decref(p);
    if (!rows)
        return -1;
    json_t *nums = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        /* The first column holds the number, whatever the query named it. */
        const char *n = json_string_value(json_object_iter_value(json_object_iter(it)));
        if (!n) {
            json_decref(rows), json_decref(nums);
            return err_set(e, ERR_INTERNAL, "internal error");
        }
        if ((int)i == limit) {
            *next = strdup(json_string_value(json_array_get(nums, i - 1)));
            break;
        }
        json_array_append_new(nums, json_string(n));
    }
    json_decref(rows);
    *numbers = nums;
    return 0;
}

int store_doc_event(struct db *db, struct osb_err *e, const char *table, const char *keycol,
                    const char *number, int64_t at, const char *action, const char *actor,
                    const char *from, const char *to, const char *comment)
{
    struct sb sql = SB_INIT;
    sb_addf(&sql,
            "INSERT INTO %s(%s, at, action, actor, from_state, to_state, comment)"
            " VALUES(?,?,?,?,?,?,?)",
            table, keycol);
    int rc = db_exec(db, e, sql.buf, "sisssss", number, at, action, actor, from, to, comment);
    sb_free(&sql);
    return rc < 0 ? -1 : 0;
}

json_t *store_doc_timeline(struct db *db, struct osb_err *e, const char *table, const char *keycol,
                           const char *number)
{
    struct sb sql = SB_INIT;
    sb_addf(&sql,
            "SELECT action, actor, at, from_state, to_state, comment FROM %s WHERE %s = ?"
            " ORDER BY id",
            table, keycol);
    json_t *rows = db_rows(db, e, sql.buf, "s", number);
    sb_free(&sql);
    return rows;
}
