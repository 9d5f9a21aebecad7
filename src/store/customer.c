/*
 * customer.c (store) — the customer lifecycle's SQL (store/customer.h).
 */
#include "store/customer.h"

#include "core/audit_canon.h"
#include "core/str.h"

#include <string.h>

int store_customer_open_items(struct db *db, struct osb_err *e, const char *code,
                              int64_t *balance_fen, json_t **open)
{
    *open = NULL;
    *balance_fen = 0;
    if (db_int(db, e, balance_fen,
               "SELECT coalesce(sum(debit_fen - credit_fen), 0) FROM ledger WHERE customer = ?",
               "s", code) < 0)
        return -1;
    *open =
        db_rows(db, e,
                "SELECT * FROM ("
                "SELECT 'orders' AS type, number, state FROM orders WHERE customer = ?1"
                " AND state NOT IN ('released', 'rejected', 'cancelled', 'closed')"
                " UNION ALL SELECT 'shipments', s.number, s.state FROM shipments s"
                " JOIN orders o ON o.number = s.order_no WHERE o.customer = ?1"
                " AND s.state NOT IN ('delivered', 'cancelled')"
                " UNION ALL SELECT 'returns', number, state FROM returns WHERE customer = ?1"
                " AND state NOT IN ('received', 'refused', 'cancelled')"
                " UNION ALL SELECT 'backorders', number, state FROM backorders WHERE customer = ?1"
                " AND state = 'open'"
                " UNION ALL SELECT 'invoices', number, state FROM invoices WHERE customer = ?1"
                " AND state IN ('open', 'partial')) AS open_items ORDER BY type, number LIMIT 20",
                "s", code);
    return *open ? 0 : -1;
}

int store_customer_kam_ok(struct db *db, struct osb_err *e, const char *username, bool *ok)
{
    int64_t n = 0;
    *ok = false;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM users WHERE username = ? AND role = 'kam' AND active = 1", "s",
               username ? username : "") < 0)
        return -1;
    *ok = n > 0;
    return 0;
}

json_t *store_customer_archive_list(struct db *db, struct osb_err *e)
{
    return db_rows(db, e,
                   "SELECT code, kam, archive_reviewed_on, created_at FROM customers"
                   " WHERE status = 'active' ORDER BY code",
                   NULL);
}

json_t *store_customer_net_sales(struct db *db, struct osb_err *e, const char *from, const char *to)
{
    return db_rows(db, e,
                   "SELECT c.code, c.tier, coalesce((SELECT sum(i.amount_fen) FROM invoices i"
                   " WHERE i.customer = c.code AND i.state <> 'cancelled'"
                   " AND i.invoice_date BETWEEN ?1 AND ?2), 0)"
                   " - coalesce((SELECT sum(n.amount_fen) FROM credit_notes n"
                   " WHERE n.customer = c.code AND n.date BETWEEN ?1 AND ?2), 0) AS net_fen"
                   " FROM customers c WHERE c.status = 'active' ORDER BY net_fen DESC, c.code",
                   "ss", from, to);
}

int store_customer_set_tier(struct db *db, struct osb_err *e, const char *code, const char *tier,
                            int64_t now)
{
    return db_exec(db, e,
                   "UPDATE customers SET tier = ?, version = version + 1, updated_at = ?"
                   " WHERE code = ?",
                   "sis", tier, now, code) < 0
               ? -1
               : 0;
}

int store_credit_incident_add(struct db *db, struct osb_err *e, const char *customer,
                              const char *date, const char *kind, int64_t amount_fen,
                              const char *note, const char *by, int64_t now, int64_t *id)
{
    if (db_exec(db, e,
                "INSERT INTO credit_incidents(customer, date, kind, amount_fen, note, recorded_by,"
                " created_at) VALUES(?,?,?,?,?,?,?)",
                "sssissi", customer, date, kind, amount_fen, note, by, now) < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

int store_credit_incident_get(struct db *db, struct osb_err *e, int64_t id, json_t **out)
{
    *out = NULL;
    return db_row(db, e, out,
                  "SELECT id, customer, date, kind, amount_fen, note, recorded_by, invoice,"
                  " created_at FROM credit_incidents WHERE id = ?",
                  "i", id);
}

/* Search grams (customer_grams). A piece of text is 1-3 characters of UTF-8; stored and looked
   up through the database's lower(), the function the list's LIKE compares with (ASCII only on
   SQLite, whose LIKE ignores ASCII case alone), so that a gram of lower(q) is a gram of
   lower(name) whenever lower(name) holds lower(q). */
enum { GRAM_PROBE = 1000, GRAM_CHUNK = 200, GRAM_QMAX = 24 };

/* The byte offsets where the characters of s (valid UTF-8) start, and strlen(s) after them;
   at has room for max + 1. The number of characters (at most max). */
static size_t char_starts(const char *s, size_t *at, size_t max)
{
    size_t n = 0, i = 0;
    for (; s[i] && n < max; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            at[n++] = i;
    while (s[i] && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    at[n] = i;
    return n;
}

static bool beyond_ascii(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] >= 0x80)
            return true;
    return false;
}

/* The grams of text into set (an object used as a set of pieces). */
static void text_grams(const char *text, json_t *set)
{
    if (!text || !utf8_valid(text))
        return;
    enum { MAXC = 512 };
    size_t at[MAXC + 1];
    size_t n = char_starts(text, at, MAXC);
    for (size_t len = 1; len <= 3; len++)
        for (size_t i = 0; i + len <= n; i++) {
            const char *p = text + at[i];
            size_t bytes = at[i + len] - at[i];
            if (len < 3 && !beyond_ascii(p, bytes))
                continue;
            char piece[32];
            if (bytes >= sizeof piece)
                continue; /* three characters are at most 12 bytes */
            memcpy(piece, p, bytes);
            piece[bytes] = '\0';
            json_object_set_new(set, piece, json_true());
        }
}

static int grams_write(struct db *db, struct osb_err *e, const char *code, bool fresh)
{
    if (!fresh && db_exec(db, e, "DELETE FROM customer_grams WHERE code = ?", "s", code) < 0)
        return -1;
    json_t *row = NULL;
    int rc = db_row(db, e, &row, "SELECT code, name FROM customers WHERE code = ?", "s", code);
    if (rc <= 0)
        return rc;
    json_t *set = json_object();
    text_grams(json_string_value(json_object_get(row, "code")), set);
    text_grams(json_string_value(json_object_get(row, "name")), set);
    json_decref(row);
    struct sb sql = SB_INIT;
    json_t *params = json_array();
    const char *piece;
    json_t *v;
    size_t k = 0, left = json_object_size(set);
    json_object_foreach(set, piece, v)
    {
        if (k == 0)
            sb_add(&sql, "INSERT INTO customer_grams(gram, code) VALUES");
        sb_add(&sql, k ? ", (lower(?), ?)" : " (lower(?), ?)");
        json_array_append_new(params, json_string(piece));
        json_array_append_new(params, json_string(code));
        k++, left--;
        if (k == GRAM_CHUNK || left == 0) {
            sb_add(&sql, " ON CONFLICT DO NOTHING");
            if (db_exec_a(db, e, sb_str(&sql), params) < 0) {
                rc = -1;
                break;
            }
            sb_reset(&sql);
            json_array_clear(params);
            k = 0;
        }
    }
    sb_free(&sql);
    json_decref(params);
    json_decref(set);
    return rc < 0 ? -1 : 0;
}

int store_customer_grams(struct db *db, struct osb_err *e, const char *code)
{
    return grams_write(db, e, code, false);
}

int store_customer_grams_all(struct db *db, struct osb_err *e)
{
    json_t *rows = db_rows(db, e,
                           "SELECT code FROM customers WHERE NOT EXISTS(SELECT 1 FROM"
                           " customer_grams g WHERE g.code = customers.code) ORDER BY code",
                           "");
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        const char *code = json_string_value(json_object_get(r, "code"));
        if (code && (rc = grams_write(db, e, code, true)) < 0)
            break;
    }
    json_decref(rows);
    return rc < 0 ? -1 : 0;
}

int store_customer_grams_missing(struct db *db, struct osb_err *e)
{
    int64_t n = 0;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM customers c WHERE NOT EXISTS(SELECT 1 FROM customer_grams g"
               " WHERE g.code = c.code)",
               NULL) < 0)
        return -1;
    if (n == 0)
        return 0;
    if (db_begin(db, e) < 0)
        return -1;
    if (store_customer_grams_all(db, e) < 0 || db_commit(db, e) < 0) {
        db_rollback(db);
        return -1;
    }
    return 0;
}

int store_customer_gram_codes(struct db *db, struct osb_err *e, const char *q, struct sb *sql,
                              json_t *params)
{
    if (!q || !*q || !utf8_valid(q))
        return 0;
    size_t at[GRAM_QMAX + 3];
    size_t n = char_starts(q, at, GRAM_QMAX + 2);
    json_t *grams = json_array();
    if (n < 3) {
        if (!beyond_ascii(q, at[n])) {
            json_decref(grams);
            return 0; /* one or two ASCII characters: no such grams are kept */
        }
        json_array_append_new(grams, json_stringn(q, at[n]));
    } else {
        for (size_t i = 0; i + 3 <= n; i++) {
            json_t *g = json_stringn(q + at[i], at[i + 3] - at[i]);
            bool seen = false;
            size_t j;
            json_t *v;
            json_array_foreach(grams, j, v) seen = seen || json_equal(v, g);
            if (seen)
                json_decref(g);
            else
                json_array_append_new(grams, g);
        }
    }
    /* the rarest grams first: each counted up to GRAM_PROBE in one query, index steps only */
    size_t ng = json_array_size(grams);
    int64_t cnt[GRAM_QMAX];
    size_t order[GRAM_QMAX];
    for (size_t i = 0; i < ng; i++)
        cnt[i] = 0, order[i] = i;
    if (ng > 1) {
        struct sb c = SB_INIT;
        sb_add(&c, "SELECT ");
        for (size_t i = 0; i < ng; i++)
            sb_addf(&c,
                    "%s(SELECT count(*) FROM (SELECT 1 FROM customer_grams WHERE gram = lower(?)"
                    " LIMIT %d) t%zu) AS n%zu",
                    i ? ", " : "", GRAM_PROBE, i, i);
        json_t *rows = db_rows_a(db, e, sb_str(&c), grams);
        sb_free(&c);
        if (!rows) {
            json_decref(grams);
            return -1;
        }
        json_t *r = json_array_get(rows, 0);
        for (size_t i = 0; i < ng; i++) {
            char key[16];
            (void)str_fmt(key, sizeof key, "n%zu", i);
            cnt[i] = json_integer_value(json_object_get(r, key));
        }
        json_decref(rows);
        for (size_t i = 1; i < ng; i++) /* insertion sort by count */
            for (size_t j = i; j > 0 && cnt[order[j]] < cnt[order[j - 1]]; j--) {
                size_t t = order[j];
                order[j] = order[j - 1], order[j - 1] = t;
            }
    }
    /* the rarest drives, the next two are checked by key; the caller's LIKE checks the rest */
    sb_add(sql, "SELECT g0.code FROM customer_grams g0 WHERE g0.gram = lower(?)");
    json_array_append(params, json_array_get(grams, order[0]));
    for (size_t i = 1; i < ng && i < 3; i++) {
        sb_addf(sql,
                " AND EXISTS(SELECT 1 FROM customer_grams g%zu WHERE g%zu.gram = lower(?)"
                " AND g%zu.code = g0.code)",
                i, i, i);
        json_array_append(params, json_array_get(grams, order[i]));
    }
    json_decref(grams);
    return 1;
}
