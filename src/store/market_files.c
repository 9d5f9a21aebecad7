/*
 * market_files.c (store) — files of market documents and consumer records (store/market_files.h).
 */
#include "store/market_files.h"

#include "core/sb.h"

#include <string.h>

int store_mkt_file_insert(struct db *db, struct osb_err *e, json_t *row, int64_t *id)
{
    struct sb sql = SB_INIT, vals = SB_INIT;
    json_t *p = json_array();
    const char *k;
    json_t *v;
    int n = 0;
    sb_add(&sql, "INSERT INTO mkt_files(");
    json_object_foreach(row, k, v)
    {
        sb_addf(&sql, "%s%s", n ? ", " : "", k);
        sb_add(&vals, n ? ", ?" : "?");
        json_array_append(p, v);
        n++;
    }
    sb_addf(&sql, ") VALUES(%s)", vals.buf);
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    sb_free(&vals);
    json_decref(p);
    if (rc < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

#define FILE_COLS                                                                                  \
    "id, document, doc_type, kind, title, name, mime, size, sha256, visibility, uploaded_by,"      \
    " uploaded_at, sent_by, sent_at"

int store_mkt_file_get(struct db *db, struct osb_err *e, int64_t id, bool with_content,
                       json_t **row)
{
    return db_row(db, e, row,
                  with_content ? "SELECT " FILE_COLS ", content FROM mkt_files WHERE id = ?"
                               : "SELECT " FILE_COLS " FROM mkt_files WHERE id = ?",
                  "i", id);
}

json_t *store_mkt_file_list(struct db *db, struct osb_err *e, const char *document,
                            const char *visibility)
{
    if (visibility)
        return db_rows(db, e,
                       "SELECT " FILE_COLS " FROM mkt_files WHERE document = ? AND visibility = ?"
                       " ORDER BY id",
                       "ss", document, visibility);
    return db_rows(db, e, "SELECT " FILE_COLS " FROM mkt_files WHERE document = ? ORDER BY id", "s",
                   document);
}

int store_mkt_file_sent(struct db *db, struct osb_err *e, int64_t id, const char *by, int64_t at)
{
    return db_exec(db, e, "UPDATE mkt_files SET sent_by = ?, sent_at = ? WHERE id = ?", "sii", by,
                   at, id) < 0
               ? -1
               : 0;
}

int store_consumer_insert(struct db *db, struct osb_err *e, json_t *row, int64_t *id)
{
    int rc = db_exec(db, e,
                     "INSERT INTO consumer_records(customer, consumer_name, phone, store, product,"
                     " collected_by, created_at) VALUES(?, ?, ?, ?, ?, ?, ?)",
                     "ssssssi", json_string_value(json_object_get(row, "customer")),
                     json_string_value(json_object_get(row, "consumer_name")),
                     json_string_value(json_object_get(row, "phone")),
                     json_string_value(json_object_get(row, "store")),
                     json_string_value(json_object_get(row, "product")),
                     json_string_value(json_object_get(row, "collected_by")),
                     (int64_t)json_integer_value(json_object_get(row, "created_at")));
    if (rc < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

/* A record waits for customer service's call until one is recorded (GET /consumer-records
   ?state=pending|followed_up). */
#define CONS_STATE                                                                                 \
    "(CASE WHEN EXISTS (SELECT 1 FROM consumer_follow_ups f WHERE f.record = r.id)"                \
    " THEN 'followed_up' ELSE 'pending' END)"
#define CONS_SELECT                                                                                \
    "SELECT r.id, r.customer, cu.name AS customer_name, r.consumer_name, r.phone, r.store,"        \
    " r.product, r.collected_by, r.created_at, cu.kam, cu.region, cu.market,"                      \
    " (SELECT g.um FROM regions g WHERE g.code = cu.region) AS um, " CONS_STATE " AS state"        \
    " FROM consumer_records r JOIN customers cu ON cu.code = r.customer"

int store_consumer_get(struct db *db, struct osb_err *e, int64_t id, json_t **row)
{
    return db_row(db, e, row, CONS_SELECT " WHERE r.id = ?", "i", id);
}

json_t *store_consumer_list(struct db *db, struct osb_err *e, enum consumer_scope s,
                            const char *who, const char *customer, const char *state, const char *q,
                            int64_t cursor, int limit)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, CONS_SELECT " WHERE 1 = 1");
    static const char *const scope_col[] = {NULL, "r.collected_by", "cu.kam", "cu.region"};
    if (s != CONS_ALL) {
        sb_addf(&sql, " AND %s = ?", scope_col[s]);
        json_array_append_new(p, json_string(who ? who : ""));
    }
    if (customer) {
        sb_add(&sql, " AND r.customer = ?");
        json_array_append_new(p, json_string(customer));
    }
    if (state && *state) {
        /* states the flow checked, separated by commas */
        sb_add(&sql, " AND " CONS_STATE " IN (");
        const char *a = state;
        for (int n = 0;; n++) {
            const char *comma = strchr(a, ',');
            size_t len = comma ? (size_t)(comma - a) : strlen(a);
            sb_add(&sql, n ? ", ?" : "?");
            json_array_append_new(p, json_stringn(a, len));
            if (!comma)
                break;
            a = comma + 1;
        }
        sb_add(&sql, ")");
    }
    if (q && *q) {
        /* a substring of the customer's code or name, the consumer, the store or the product */
        struct sb like = SB_INIT;
        sb_add(&like, "%");
        for (const char *c = q; *c; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                sb_addc(&like, '\\');
            sb_addc(&like, *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c);
        }
        sb_add(&like, "%");
        sb_add(&sql, " AND (lower(r.customer) LIKE ? ESCAPE '\\' OR lower(cu.name) LIKE ? ESCAPE"
                     " '\\' OR lower(r.consumer_name) LIKE ? ESCAPE '\\' OR"
                     " lower(coalesce(r.store, '')) LIKE ? ESCAPE '\\' OR"
                     " lower(coalesce(r.product, '')) LIKE ? ESCAPE '\\')");
        for (int i = 0; i < 5; i++)
            json_array_append_new(p, json_string(like.buf));
        sb_free(&like);
    }
    if (cursor > 0) {
        sb_add(&sql, " AND r.id < ?");
        json_array_append_new(p, json_integer(cursor));
    }
    sb_addf(&sql, " ORDER BY r.id DESC LIMIT %d", limit + 1);
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    return rows;
}

json_t *store_consumer_follow_ups(struct db *db, struct osb_err *e, int64_t record)
{
    return db_rows(db, e,
                   "SELECT by_user AS \"by\", at, result, reached, call_log FROM"
                   " consumer_follow_ups WHERE record = ? ORDER BY id",
                   "i", record);
}

int store_consumer_follow_up_insert(struct db *db, struct osb_err *e, int64_t record,
                                    const char *by, int64_t at, const char *result, bool reached,
                                    int64_t call_log)
{
    return db_exec(db, e,
                   "INSERT INTO consumer_follow_ups(record, by_user, at, result, reached, call_log)"
                   " VALUES(?, ?, ?, ?, ?, ?)",
                   "isisii", record, by, at, result, (int64_t)reached, call_log) < 0
               ? -1
               : 0;
}
