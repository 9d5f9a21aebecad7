/*
 * doc.c (store) — SQL shared by every document (store/doc.h).
 */
#include "store/doc.h"

#include "core/str.h"
#include "store/customer.h"

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

int store_doc_page_q(struct db *db, struct osb_err *e, const struct store_q_doc *d,
                     const char *from, struct sb *conds, json_t *params, bool by_line,
                     const char *cursor, int limit, json_t **numbers, char **next)
{
    struct sb sql = SB_INIT, col = SB_INIT;
    sb_addf(&sql, "SELECT %s FROM ", d->number);
    if (by_line)
        sb_addf(&sql, "%s qd, ", d->lines);
    sb_addf(&sql, "%s WHERE 1=1%s", from, sb_str(conds));
    sb_free(conds);
    if (by_line)
        sb_addf(&col, "qd.%s", d->line_doc);
    else
        sb_add(&col, d->number);
    int rc = store_doc_page(db, e, &sql, params, sb_str(&col), cursor, limit, numbers, next);
    sb_free(&col);
    return rc;
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

int store_doc_lock(struct db *db, struct osb_err *e, const char *object, const char *number)
{
    char space[72];
    (void)str_fmt(space, sizeof space, "doc:%s", object); /* a kind's name: a short word */
    return db_lock_key(db, e, space, number);
}

/* ---- q= through indexes (issue #17: searched lists as fast as plain ones) ---------------- */

/* Beyond these the text matches many rows; the plain scan then finds a page quickly. */
enum { QIX_CUSTOMERS = 400, QIX_SKUS = 200, QIX_RANGES = 120, QIX_NUMBERS = 1500, QIX_ROWS = 3000 };

/* QIX_ROWS, or OSB_QIX_ROWS when set (tests: the per-row check of a plan without thousands of
   rows). */
static int qix_rows(void)
{
    const char *v = getenv("OSB_QIX_ROWS");
    int n = 0;
    return v && str_to_int(v, 1, QIX_ROWS, &n) ? n : QIX_ROWS;
}

struct qix {
    json_t *cust, *skus, *lo, *numbers; /* arrays of strings; lo pairs with a "lo:" bound */
};

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* A number range "starts with lo" ([lo, lo || ':'): lo followed by digits only). */
static void qix_range(struct qix *x, const char *head, size_t hn, const char *tail)
{
    struct sb s = SB_INIT;
    sb_addf(&s, "%.*s%s", (int)hn, head, tail);
    json_array_append_new(x->lo, json_string(sb_str(&s)));
    sb_free(&s);
}

/* The numbers of one head (the number without its digits at the end) that contain q: whole
   head when q is inside it, a tail prefix when q straddles head and tail, and each tail
   place of an all-digit q. first / last: the head's smallest and largest number. 0, or 1
   when the head cannot be planned exactly (a tail past its width). */
static int qix_head(struct qix *x, const char *ql, const char *first, const char *last)
{
    size_t fn = strlen(first), hn = fn;
    while (hn > 0 && first[hn - 1] >= '0' && first[hn - 1] <= '9')
        hn--;
    size_t w = fn - hn, qn = strlen(ql);
    if (w == 0 || strlen(last) != fn || strncmp(first, last, hn) != 0 || !all_digits(last + hn, w))
        return 1;
    bool full = true; /* the tail 99…9 may have gone on with one more digit */
    for (size_t i = 0; i < w; i++)
        full = full && last[hn + i] == '9';
    if (full)
        return 1;
    char *hl = strndup(first, hn);
    if (!hl)
        return 1;
    lower_ascii(hl);
    if (strstr(hl, ql)) {
        qix_range(x, first, hn, "");
        free(hl);
        return 0;
    }
    /* q = x y: x a suffix of the head, y the start of the tail */
    for (size_t k = 1; k < qn && k <= hn; k++) {
        const char *y = ql + k;
        size_t yn = qn - k;
        if (yn <= w && all_digits(y, yn) && strncmp(hl + hn - k, ql, k) == 0)
            qix_range(x, first, hn, y);
    }
    free(hl);
    /* q inside the tail: tails "p q …" for each p below the largest tail */
    if (!all_digits(ql, qn) || qn > w)
        return 0;
    long smax = strtol(last + hn, NULL, 10);
    for (size_t p = 0; p + qn <= w; p++) {
        size_t r = w - qn - p;
        long scale = 1;
        for (size_t i = 0; i < r; i++)
            scale *= 10;
        long qv = strtol(ql, NULL, 10);
        long unit = scale;
        for (size_t i = 0; i < qn; i++)
            unit *= 10; /* 10^(qn + r) */
        for (long v = 0; v * unit + qv * scale <= smax; v++) {
            struct sb tail = SB_INIT;
            if (p)
                sb_addf(&tail, "%0*ld", (int)p, v);
            sb_add(&tail, ql);
            if (strlen(sb_str(&tail)) != p + qn) {
                sb_free(&tail);
                break; /* v has outgrown p digits */
            }
            if (r == 0) {
                struct sb s = SB_INIT;
                sb_addf(&s, "%.*s%s", (int)hn, first, sb_str(&tail));
                json_array_append_new(x->numbers, json_string(sb_str(&s)));
                sb_free(&s);
            } else {
                qix_range(x, first, hn, sb_str(&tail));
            }
            sb_free(&tail);
            if (json_array_size(x->numbers) > QIX_NUMBERS || json_array_size(x->lo) > QIX_RANGES)
                return 1;
            if (p == 0)
                break;
        }
    }
    return 0;
}

/* Appends "?,?,…" for the values of vals and binds them. */
static void qix_in(struct sb *sql, json_t *params, json_t *vals)
{
    size_t i;
    json_t *v;
    json_array_foreach(vals, i, v)
    {
        sb_add(sql, i ? ",?" : "?");
        json_array_append(params, v);
    }
}

/* Binds a range's bounds: lo and lo || ':' (after every digit in byte order). */
static void qix_range_params(json_t *params, json_t *lo)
{
    json_array_append(params, lo);
    struct sb hi = SB_INIT;
    sb_addf(&hi, "%s:", json_string_value(lo));
    json_array_append_new(params, json_string(sb_str(&hi)));
    sb_free(&hi);
}

/* Appends x's condition ("(c IN (…) OR n IN (SELECT …) OR (n >= ? AND n < ?) …)"). coll: what
   follows the number column in a range comparison, COLLATE "C" on PostgreSQL (a range
   "lo… up to lo:" holds in byte order, whatever the database's collation; the migration of
   doc_seq_type gives PostgreSQL the index on number COLLATE "C" that serves it), "" on SQLite
   (its BINARY collation is byte order). */
static void qix_sql(struct sb *sql, json_t *params, const struct qix *x,
                    const struct store_q_doc *d, const char *coll, bool per_row)
{
    const char * or = "";
    sb_add(sql, "(");
    size_t i;
    json_t *v;
    if (json_array_size(x->cust)) {
        sb_addf(sql, "%s IN (", d->customer);
        qix_in(sql, params, x->cust);
        sb_add(sql, ")");
        or = " OR ";
    }
    if (json_array_size(x->skus) && per_row) {
        sb_addf(sql, "%sEXISTS(SELECT 1 FROM %s ql WHERE ql.%s = %s AND ql.%s IN (", or, d->lines,
                d->line_doc, d->number, d->line_sku);
        qix_in(sql, params, x->skus);
        sb_add(sql, "))");
        or = " OR ";
    } else if (json_array_size(x->skus)) {
        sb_addf(sql, "%s%s IN (SELECT ql.%s FROM %s ql WHERE ql.%s IN (", or, d->number,
                d->line_doc, d->lines, d->line_sku);
        qix_in(sql, params, x->skus);
        sb_add(sql, "))");
        or = " OR ";
    }
    if (json_array_size(x->numbers)) {
        sb_addf(sql, "%s%s IN (", or, d->number);
        qix_in(sql, params, x->numbers);
        sb_add(sql, ")");
        or = " OR ";
    }
    json_array_foreach(x->lo, i, v)
    {
        sb_addf(sql, "%s(%s%s >= ? AND %s%s < ?)", or, d->number, coll, d->number, coll);
        qix_range_params(params, v);
        or = " OR ";
    }
    if (!* or)
        sb_add(sql, "1 = 0");
    sb_add(sql, ")");
}

/* The day patterns ("YYYY-MM-DD", '_' where any digit will do) of the heads prefix ‖ day ‖ type
   (prefix and type upper-case letters) whose lower-case text holds q (lower-case letters and
   digits) or ends with a start of q that the digits of a tail would finish: q laid at each
   place of the head, each of its characters checked against the prefix, the day's digits or
   the type, those past the head's end against the tail (digits). Appended to pats (strings);
   an all-'_' pattern: every day. A superset of the heads qix_head plans (it checks again). */
static void qix_day_patterns(const char *ql, const char *prefix, const char *type, json_t *pats)
{
    size_t pn = strlen(prefix), tn = strlen(type), hn = pn + 8 + tn, qn = strlen(ql);
    for (size_t o = 0; o < hn; o++) {
        char day[11] = "____-__-__";
        bool ok = true;
        for (size_t i = 0; ok && i < qn; i++) {
            size_t at = o + i;
            char c = ql[i];
            if (at < pn) {
                char pc = prefix[at];
                ok = (pc >= 'A' && pc <= 'Z' ? (char)(pc - 'A' + 'a') : pc) == c;
            } else if (at < pn + 8) {
                size_t k = at - pn; /* the k-th digit of yyyymmdd */
                ok = c >= '0' && c <= '9';
                day[k + (k >= 4) + (k >= 6)] = c;
            } else if (at < hn) {
                char tc = type[at - pn - 8];
                ok = (tc >= 'A' && tc <= 'Z' ? (char)(tc - 'A' + 'a') : tc) == c;
            } else {
                ok = c >= '0' && c <= '9';
            }
        }
        if (!ok)
            continue;
        bool seen = false;
        size_t j;
        json_t *v;
        json_array_foreach(pats, j, v) seen = seen || strcmp(json_string_value(v), day) == 0;
        if (!seen)
            json_array_append_new(pats, json_string(day));
    }
}

/* The plan of q over d: 0 planned (x filled), 2 planned but more than QIX_ROWS rows (checked
   row by row), 3 planned as one SKU and nothing else (read from its lines, not counted), 1 no
   plan (too many customers, SKUs or ranges), -1 error. One
   query resolves the text against the customers (code or name), the products' SKUs (every
   line's SKU is a product's: an order line is refused for an unknown SKU, and products are
   never deleted or renamed) and, when q could be part of a number (letters and digits only),
   reads the prefixes the document type was numbered under (doc_seq: one row per head ever
   numbered, prefix, day and type, with its last sequence; a loose scan of doc_seq_type, one
   index step a prefix). From q's shape laid over prefix ‖ yyyymmdd ‖ type, C then knows the
   days a head containing q can have ("2026-12-01" for q = 20261201, none for a customer code
   or a SKU), and a second query reads only those heads. Then a bounded count of the rows the
   plan would give. */
static int qix_plan(struct db *db, struct osb_err *e, const char *q, const struct store_q_doc *d,
                    const char *coll, struct qix *x)
{
    char *ql = strdup(q);
    if (!ql)
        return err_set(e, ERR_INTERNAL, "out of memory");
    lower_ascii(ql);
    /* numbers: letters and digits only, so a q with anything else is in none */
    bool alnum = true;
    for (const char *c = ql; *c; c++)
        alnum = alnum && ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'));
    json_t *pat = like_pattern(q);
    json_t *p = json_array();
    /* SQLite's LIKE ignores ASCII case as its lower() does (and no more), so "c LIKE ?" is
       "lower(c) LIKE lower(?)" there without two calls a row; PostgreSQL's LIKE heeds case */
    const char *like =
        db_postgres(db) ? "lower(%s) LIKE lower(?) ESCAPE '\\'" : "%s LIKE ? ESCAPE '\\'";
    struct sb sql = SB_INIT;
    if (alnum) {
        sb_add(&sql, "WITH RECURSIVE pf(p) AS (SELECT min(prefix) FROM doc_seq WHERE type = ?"
                     " UNION ALL SELECT (SELECT min(prefix) FROM doc_seq WHERE type = ?"
                     " AND prefix > pf.p) FROM pf WHERE pf.p IS NOT NULL) ");
        json_array_append_new(p, json_string(d->type));
        json_array_append_new(p, json_string(d->type));
    }
    /* the customers: those q's grams name (store_customer_gram_codes), checked by the LIKE;
       a q of one or two ASCII characters reads every customer */
    sb_add(&sql, "SELECT 'c' AS k, code AS v FROM customers WHERE ");
    struct sb gc = SB_INIT;
    int g = store_customer_gram_codes(db, e, q, &gc, p);
    if (g < 0) {
        sb_free(&gc), sb_free(&sql);
        json_decref(p), json_decref(pat);
        free(ql);
        return -1;
    }
    if (g)
        sb_addf(&sql, "code IN (%s) AND (", sb_str(&gc));
    sb_free(&gc);
    sb_addf(&sql, like, "code");
    sb_add(&sql, " OR ");
    sb_addf(&sql, like, "name");
    if (g)
        sb_add(&sql, ")");
    sb_add(&sql, " UNION ALL SELECT 's', sku FROM products WHERE ");
    sb_addf(&sql, like, "sku");
    json_array_append(p, pat);
    json_array_append(p, pat);
    json_array_append(p, pat);
    json_decref(pat);
    if (alnum)
        sb_add(&sql, " UNION ALL SELECT 'p', p FROM pf WHERE p IS NOT NULL");
    json_t *rows = db_rows_a(db, e, sb_str(&sql), p);
    json_decref(p);
    sb_reset(&sql);
    if (!rows) {
        sb_free(&sql);
        free(ql);
        return -1;
    }
    int rc = 0;
    size_t i;
    json_t *r;
    /* the heads' query: only all-digit q of at most 5 characters (the widest tail) can lie
       inside a tail and so in every head's numbers; any other, in the heads of the days
       qix_day_patterns finds */
    size_t qn = strlen(ql);
    bool every = all_digits(ql, qn) && qn <= 5;
    json_t *hp = json_array();
    json_array_append_new(hp, json_string(d->type));
    sb_add(&sql, "SELECT prefix, day, last_seq FROM doc_seq WHERE type = ? AND (1 = 0");
    bool heads = false;
    json_array_foreach(rows, i, r)
    {
        const char *k = json_string_value(json_object_get(r, "k"));
        json_t *v = json_object_get(r, "v");
        if (k && *k == 'c')
            json_array_append(x->cust, v);
        else if (k && *k == 's')
            json_array_append(x->skus, v);
        else if (k && *k == 'p' && json_is_string(v)) {
            json_t *days = json_array();
            if (every)
                json_array_append_new(days, json_string("____-__-__"));
            else
                qix_day_patterns(ql, json_string_value(v), d->type, days);
            size_t j;
            json_t *dp;
            json_array_foreach(days, j, dp)
            {
                const char *day = json_string_value(dp);
                sb_add(&sql, " OR (prefix = ?");
                json_array_append(hp, v);
                if (strchr(day, '_') == NULL)
                    sb_add(&sql, " AND day = ?");
                else if (strcmp(day, "____-__-__") != 0)
                    sb_add(&sql, " AND day LIKE ?");
                if (strcmp(day, "____-__-__") != 0)
                    json_array_append(hp, dp);
                sb_add(&sql, ")");
                heads = true;
            }
            json_decref(days);
        }
    }
    json_decref(rows);
    sb_add(&sql, ")");
    if (json_array_size(x->cust) > QIX_CUSTOMERS || json_array_size(x->skus) > QIX_SKUS)
        rc = 1;
    rows = NULL;
    if (!rc && heads) {
        rows = db_rows_a(db, e, sb_str(&sql), hp);
        if (!rows) {
            json_decref(hp);
            sb_free(&sql);
            free(ql);
            return -1;
        }
    }
    json_decref(hp);
    sb_reset(&sql);
    /* the heads: numbers are head + the day's sequence, 4 digits (5 from 10000 on: that head
       then has tails of two widths, which qix_head leaves to the plain scan) */
    json_array_foreach(rows, i, r)
    {
        if (rc)
            break;
        const char *pre = json_string_value(json_object_get(r, "prefix"));
        const char *day = json_string_value(json_object_get(r, "day"));
        json_int_t last = json_integer_value(json_object_get(r, "last_seq"));
        if (!pre || !day || strlen(day) != 10 || last < 1) {
            rc = 1;
            break;
        }
        struct sb first = SB_INIT, lastno = SB_INIT;
        sb_addf(&first, "%s%.4s%.2s%.2s%s0001", pre, day, day + 5, day + 8, d->type);
        sb_addf(&lastno, "%s%.4s%.2s%.2s%s%04lld", pre, day, day + 5, day + 8, d->type,
                (long long)last);
        if (qix_head(x, ql, sb_str(&first), sb_str(&lastno)) != 0)
            rc = 1;
        sb_free(&first), sb_free(&lastno);
    }
    json_decref(rows);
    free(ql);
    if (rc || json_array_size(x->lo) > QIX_RANGES) {
        sb_free(&sql);
        return 1;
    }
    /* one SKU and nothing else: read from its lines, newest first, whatever their count */
    if (json_array_size(x->skus) == 1 && !json_array_size(x->cust) && !json_array_size(x->lo) &&
        !json_array_size(x->numbers)) {
        sb_free(&sql);
        return 3;
    }
    /* how many rows the indexes would give at most, counted up to the bound: each part
       through its own index (the documents of the customers, the lines of the SKUs, each
       range), the numbers by themselves; a document found twice counts twice */
    int64_t n = (int64_t)json_array_size(x->numbers);
    json_t *cp = json_array();
    const char *un = "";
    sb_add(&sql, "SELECT count(*) FROM (");
    size_t j;
    json_t *v;
    if (json_array_size(x->cust)) {
        sb_addf(&sql, "SELECT 1 FROM %s %s WHERE %s IN (", d->table, d->alias, d->customer);
        qix_in(&sql, cp, x->cust);
        sb_add(&sql, ")");
        un = " UNION ALL ";
    }
    if (json_array_size(x->skus)) {
        sb_addf(&sql, "%sSELECT 1 FROM %s ql WHERE ql.%s IN (", un, d->lines, d->line_sku);
        qix_in(&sql, cp, x->skus);
        sb_add(&sql, ")");
        un = " UNION ALL ";
    }
    json_array_foreach(x->lo, j, v)
    {
        sb_addf(&sql, "%sSELECT 1 FROM %s %s WHERE %s%s >= ? AND %s%s < ?", un, d->table, d->alias,
                d->number, coll, d->number, coll);
        qix_range_params(cp, v);
        un = " UNION ALL ";
    }
    sb_addf(&sql, " LIMIT %d) c", qix_rows() + 1);
    if (*un && n <= qix_rows()) {
        rows = db_rows_a(db, e, sb_str(&sql), cp);
        if (!rows) {
            json_decref(cp);
            sb_free(&sql);
            return -1;
        }
        n += json_integer_value(json_object_iter_value(json_object_iter(json_array_get(rows, 0))));
        json_decref(rows);
    }
    json_decref(cp);
    sb_free(&sql);
    return n > qix_rows() ? 2 : 0;
}

int store_filter_q_doc(struct db *db, struct osb_err *e, struct sb *sql, json_t *params,
                       const char *q, const struct store_q_doc *d, bool *by_line)
{
    *by_line = false;
    if (!q || !*q)
        return 0;
    struct qix x = {json_array(), json_array(), json_array(), json_array()};
    const char *coll = db_postgres(db) ? " COLLATE \"C\"" : "";
    int rc = qix_plan(db, e, q, d, coll, &x);
    if (rc == 3) {
        /* one SKU: its lines newest document first through the (sku, document) index, each
           document once (its first line of the SKU), the list's other filters checked on the
           way; a page reads about 50 lines and their documents, not the ~2,500 documents
           (1 % SKU, 1M orders) the row-by-row check read, nor all its 10,000 lines */
        *by_line = true;
        sb_addf(sql,
                " AND qd.%s = %s AND qd.%s = ? AND NOT EXISTS(SELECT 1 FROM %s q2"
                " WHERE q2.%s = qd.%s AND q2.%s = qd.%s AND q2.%s < qd.%s)",
                d->line_doc, d->number, d->line_sku, d->lines, d->line_doc, d->line_doc,
                d->line_sku, d->line_sku, d->line_no, d->line_no);
        json_array_append(params, json_array_get(x.skus, 0));
    } else if (rc == 0 || rc == 2) {
        /* 2: more rows than QIX_ROWS, so not read through the indexes first: the list walks
           its own order and checks each document against the plan (its customers, a line of
           its SKUs by the line's key, its numbers), a few index steps a row and no LIKE;
           a SKU on 1 % of the orders costs the same at 100,000 orders as at 1,000,000 */
        sb_add(sql, " AND ");
        qix_sql(sql, params, &x, d, coll, rc == 2);
    } else if (rc == 1) {
        struct sb lines = SB_INIT, sku = SB_INIT;
        sb_addf(&lines, "%s ql WHERE ql.%s = %s", d->lines, d->line_doc, d->number);
        sb_addf(&sku, "ql.%s", d->line_sku);
        store_filter_q(sql, params, q, d->number, d->cust, sb_str(&sku), sb_str(&lines));
        sb_free(&lines), sb_free(&sku);
    }
    json_decref(x.cust), json_decref(x.skus), json_decref(x.lo), json_decref(x.numbers);
    return rc < 0 ? -1 : 0;
}

void store_sql_in(struct sb *sql, json_t *p, json_t *nums)
{
    sb_add(sql, " IN (");
    size_t i;
    json_t *it;
    json_array_foreach(nums, i, it)
    {
        sb_add(sql, i ? ", ?" : "?");
        json_array_append(p, it);
    }
    sb_add(sql, ")");
}

struct dbq *store_query_in(struct db *db, struct osb_err *e, const char *head, json_t *p,
                           json_t *nums, const char *tail)
{
    struct sb sql = SB_INIT;
    sb_add(&sql, head);
    store_sql_in(&sql, p, nums);
    sb_add(&sql, tail);
    struct dbq *q = db_query_a(db, e, sb_str(&sql), p);
    json_decref(p);
    sb_free(&sql);
    return q;
}

long store_index_of(json_t *nums, const char *s)
{
    size_t i;
    json_t *it;
    json_array_foreach(nums, i, it)
    {
        const char *v = json_string_value(it);
        if (v && s && strcmp(v, s) == 0)
            return (long)i;
    }
    return -1;
}

json_t *store_rows_by_doc(struct db *db, struct osb_err *e, const char *head, json_t *nums,
                          const char *tail, bool whole)
{
    json_t *out = json_object();
    if (json_array_size(nums) == 0)
        return out;
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, head);
    store_sql_in(&sql, p, nums);
    sb_add(&sql, tail);
    json_t *rows = db_rows_a(db, e, sb_str(&sql), p);
    json_decref(p);
    sb_free(&sql);
    if (!rows) {
        json_decref(out);
        return NULL;
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *no = json_string_value(json_object_get(r, "page_doc"));
        if (!no)
            continue;
        json_t *a = json_object_get(out, no);
        if (!a) {
            a = json_array();
            json_object_set_new(out, no, a);
        }
        if (whole) {
            /* the other columns keep their order (jansson keeps the order keys came in) */
            json_object_del(r, "page_doc");
            json_array_append(a, r);
        } else {
            json_array_append(
                a, json_object_iter_value(json_object_iter_next(r, json_object_iter(r))));
        }
    }
    json_decref(rows);
    return out;
}
