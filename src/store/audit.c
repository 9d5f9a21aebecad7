/*
 * audit.c — append and verify the hash-chained audit log.
 *
 * The canonical form hashed is a compact JSON object with sorted keys holding seq, at, actor,
 * on_behalf_of, ip, request_id, action, object_type, object_key and the stored before/after
 * text (hashing the stored text, not a re-encoding, so verification never depends on how a
 * JSON library orders or escapes).
 */
#include "store/audit.h"

#include "core/sb.h"
#include "core/str.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void row_hash(const char *prev, int64_t seq, int64_t at, const char *actor, const char *obo,
                     const char *ip, const char *rid, const char *action, const char *otype,
                     const char *okey, const char *before, const char *after, char out[65])
{
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer(seq));
    json_object_set_new(o, "at", json_integer(at));
    json_object_set_new(o, "actor", str_or_null(actor));
    json_object_set_new(o, "on_behalf_of", str_or_null(obo));
    json_object_set_new(o, "ip", str_or_null(ip));
    json_object_set_new(o, "request_id", str_or_null(rid));
    json_object_set_new(o, "action", str_or_null(action));
    json_object_set_new(o, "object_type", str_or_null(otype));
    json_object_set_new(o, "object_key", str_or_null(okey));
    json_object_set_new(o, "before", str_or_null(before));
    json_object_set_new(o, "after", str_or_null(after));
    char *canon = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_update(&st, (const unsigned char *)canon, strlen(canon));
    crypto_hash_sha256_final(&st, h);
    free(canon);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int audit_append(struct db *db, struct osb_err *e, const struct audit_entry *a)
{
    char *prev = NULL;
    int64_t seq = 0;
    struct dbq *q = db_query(db, e, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        seq = dbq_int(q, 0);
        prev = xstrdup(dbq_text(q, 1));
    }
    dbq_end(q);
    if (rc < 0)
        return -1;
    char *before = a->before ? json_dumps(a->before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *after = a->after ? json_dumps(a->after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char hash[65];
    seq++;
    row_hash(prev ? prev : zero_hash, seq, a->at, a->actor, a->on_behalf_of, a->ip, a->request_id,
             a->action, a->object_type, a->object_key, before, after, hash);
    int r = db_exec(db, e,
                    "INSERT INTO audit(seq, at, actor, on_behalf_of, ip, request_id, action,"
                    " object_type, object_key, before, after, prev_hash, hash)"
                    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    "iisssssssssss", seq, a->at, a->actor, a->on_behalf_of, a->ip, a->request_id,
                    a->action, a->object_type, a->object_key, before, after,
                    prev ? prev : zero_hash, hash);
    free(prev);
    free(before);
    free(after);
    return r < 0 ? -1 : 0;
}

int audit_verify(struct db *db, struct osb_err *e,
                 void (*bad)(int64_t seq, const char *why, void *arg), void *arg)
{
    struct dbq *q = db_query(db, e,
                             "SELECT seq, at, actor, on_behalf_of, ip, request_id, action,"
                             " object_type, object_key, before, after, prev_hash, hash"
                             " FROM audit ORDER BY seq",
                             NULL);
    if (!q)
        return -1;
    char prev[65];
    memcpy(prev, zero_hash, sizeof prev);
    int64_t expect = 1;
    int nbad = 0, rc;
    while ((rc = dbq_next(q, e)) == 1) {
        int64_t seq = dbq_int(q, 0);
        char h[65];
        if (seq != expect) {
            bad(seq, "sequence gap (a row is missing before this one)", arg);
            nbad++;
        }
        const char *stored_prev = dbq_text(q, 11);
        const char *stored_hash = dbq_text(q, 12);
        if (!stored_prev || strcmp(stored_prev, prev) != 0) {
            bad(seq, "prev_hash does not match the previous row's hash", arg);
            nbad++;
        }
        row_hash(stored_prev ? stored_prev : "", seq, dbq_int(q, 1), dbq_text(q, 2), dbq_text(q, 3),
                 dbq_text(q, 4), dbq_text(q, 5), dbq_text(q, 6), dbq_text(q, 7), dbq_text(q, 8),
                 dbq_text(q, 9), dbq_text(q, 10), h);
        if (!stored_hash || strcmp(h, stored_hash) != 0) {
            bad(seq, "content does not match its hash (row altered)", arg);
            nbad++;
        }
        /* An overlong stored hash was reported just above; the next row is checked against
           what fits. */
        (void)str_copy(prev, sizeof prev, stored_hash);
        expect = seq + 1;
    }
    dbq_end(q);
    return rc < 0 ? -1 : nbad;
}

json_t *audit_history(struct db *db, struct osb_err *e, const char *object_type,
                      const char *object_key)
{
    return db_rows(db, e,
                   "SELECT seq, at, actor, on_behalf_of, action, before AS \"before!j\","
                   " after AS \"after!j\" FROM audit WHERE object_type = ? AND"
                   " object_key = ? ORDER BY seq",
                   "ss", object_type, object_key);
}
