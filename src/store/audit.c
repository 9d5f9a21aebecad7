/*
 * audit.c — append and verify the hash-chained audit log.
 *
 * The canonical form hashed is a compact JSON object with sorted keys holding seq, at, actor,
 * on_behalf_of, ip, request_id, action, object_type, object_key and the stored before/after
 * text (hashing the stored text, not a re-encoding, so verification never depends on how a
 * JSON library orders or escapes).
 *
 * Sealing. On SQLite (one writer) audit_append links its entry into the chain at once. On
 * PostgreSQL many writers run side by side (READ COMMITTED, locks that follow the data), and
 * if each read the chain's last row they would all wait there: a writer only INSERTs its
 * entry into audit_pending (no seq, no hash), in the request's own transaction — committed
 * with the request, so nothing acknowledged is lost to a crash — and does not wait for it to
 * be chained. audit_seal() chains: in a short READ COMMITTED transaction under a lock on audit
 * (one sealer at a time, readers not held up) it moves pending entries in id order into
 * audit, giving each the next seq, prev_hash and hash; whatever another sealer already moved
 * it does not see. Who calls it:
 * - in `osb serve`, one sealer thread (audit_sealer_start): woken after each commit that wrote
 *   entries, it seals whatever is pending then, in batches (many requests' entries in one
 *   short transaction), and every second looks for entries left by another instance; requests
 *   never wait for it nor for its lock;
 * - a reader of the chain (GET /audit, a record's history, the reports) first calls
 *   audit_settle(), outside its read transaction, so it sees every entry committed before it;
 * - other processes (`osb` commands) seal right after their commit; `osb serve` at its start
 *   and `osb check` first seal what a stopped process left.
 */
#include "store/audit.h"

#include "core/audit_canon.h"
#include "core/json_out.h"
#include "core/log.h"
#include "core/sb.h"
#include "core/str.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* The hash of one entry after prev: SHA-256 of prev and the entry's canonical form
   (core/audit_canon.c: the bytes jansson's json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes for
   the object of the eleven members, written without building the object). */
static void row_hash(const char *prev, int64_t seq, int64_t at, const char *actor, const char *obo,
                     const char *ip, const char *rid, const char *action, const char *otype,
                     const char *okey, const char *before, const char *after, char out[65])
{
    struct sb b = SB_INIT;
    audit_canonical(&b, seq, at, actor, obo, ip, rid, action, otype, okey, before, after);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_update(&st, (const unsigned char *)b.buf, b.len);
    crypto_hash_sha256_final(&st, h);
    sb_free(&b);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* The chain's end: the last sealed row's seq and hash (0 and 64 zeros when empty). */
static int chain_end(struct db *db, struct osb_err *e, int64_t *seq, char prev[65])
{
    *seq = 0;
    memcpy(prev, zero_hash, 65);
    struct dbq *q = db_query(db, e, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        *seq = dbq_int(q, 0);
        (void)str_copy(prev, 65, dbq_text(q, 1)); /* an overlong one: audit_verify says so */
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

/* One entry linked after (*seq, prev) into audit; both then name it. before/after are the
   stored JSON text. */
static int link_row(struct db *db, struct osb_err *e, int64_t *seq, char prev[65], int64_t at,
                    const char *actor, const char *obo, const char *ip, const char *rid,
                    const char *action, const char *otype, const char *okey, const char *before,
                    const char *after)
{
    char hash[65];
    int64_t s = *seq + 1;
    row_hash(prev, s, at, actor, obo, ip, rid, action, otype, okey, before, after, hash);
    if (db_exec(db, e,
                "INSERT INTO audit(seq, at, actor, on_behalf_of, ip, request_id, action,"
                " object_type, object_key, before, after, prev_hash, hash)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                "iisssssssssss", s, at, actor, obo, ip, rid, action, otype, okey, before, after,
                prev, hash) < 0)
        return -1;
    *seq = s;
    memcpy(prev, hash, 65);
    return 0;
}

static void seal_after_commit(struct db *db)
{
    struct osb_err e = OSB_ERR_INIT;
    if (audit_seal(db, &e) < 0)
        log_error("audit: sealing after commit failed, the entries wait for the next seal: %s",
                  e.message);
    err_clear(&e);
}

/* The server's sealer thread (PostgreSQL): asked counts the commits that wrote entries, the
   thread seals until it has seen them all. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool on;
    bool stop;
    unsigned long asked;
    pthread_t thread;
} sealer = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, 0, 0};

static void wake_sealer(struct db *db)
{
    (void)db;
    pthread_mutex_lock(&sealer.mu);
    sealer.asked++;
    pthread_cond_signal(&sealer.cv);
    pthread_mutex_unlock(&sealer.mu);
}

int audit_append(struct db *db, struct osb_err *e, const struct audit_entry *a)
{
    /* The bytes of json_dumps(JSON_COMPACT | JSON_SORT_KEYS), without its per-object loop
       check (core/json_out.c; ~30 k instructions a text on the OP path). */
    char *before = a->before ? json_compact_sorted(a->before, NULL) : NULL;
    char *after = a->after ? json_compact_sorted(a->after, NULL) : NULL;
    int r;
    if (db_postgres(db)) {
        /* Many writers at once: none reads the chain. The entry waits, unlinked, and is sealed
           into the chain once this transaction has committed (by the server's sealer thread,
           or right after the commit in another process). */
        r = db_exec(db, e,
                    "INSERT INTO audit_pending(at, actor, on_behalf_of, ip, request_id, action,"
                    " object_type, object_key, before, after) VALUES(?,?,?,?,?,?,?,?,?,?)",
                    "isssssssss", a->at, a->actor, a->on_behalf_of, a->ip, a->request_id, a->action,
                    a->object_type, a->object_key, before, after);
        if (r >= 0)
            db_after_commit(db, atomic_load(&sealer.on) ? wake_sealer : seal_after_commit);
    } else {
        /* SQLite has one writer: the entry is sealed at once, in its own transaction. */
        int64_t seq;
        char prev[65];
        r = chain_end(db, e, &seq, prev);
        if (r == 0)
            r = link_row(db, e, &seq, prev, a->at, a->actor, a->on_behalf_of, a->ip, a->request_id,
                         a->action, a->object_type, a->object_key, before, after);
    }
    free(before);
    free(after);
    return r < 0 ? -1 : 0;
}

#define SEAL_BATCH 200
/* Rows per INSERT into audit: a few statement shapes, each prepared once per connection. */
#define SEAL_INSERT_ROWS 16

/* One pending entry taken out of audit_pending, its texts copied (NULL stays NULL). */
struct pending {
    int64_t id, at;
    char *f[9]; /* actor, on_behalf_of, ip, request_id, action, object_type, object_key,
                   before, after */
};

static int pending_cmp(const void *a, const void *b)
{
    const struct pending *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Links rows[0..n) (in id order) after (*seq, prev) with multi-row INSERTs. */
static int link_rows(struct db *db, struct osb_err *e, int64_t *seq, char prev[65],
                     const struct pending *rows, int n)
{
    for (int done = 0; done < n;) {
        int k = n - done < SEAL_INSERT_ROWS ? n - done : SEAL_INSERT_ROWS;
        struct sb sql = SB_INIT;
        sb_add(&sql, "INSERT INTO audit(seq, at, actor, on_behalf_of, ip, request_id, action,"
                     " object_type, object_key, before, after, prev_hash, hash) VALUES");
        json_t *params = json_array();
        for (int i = 0; i < k; i++) {
            const struct pending *r = &rows[done + i];
            char hash[65];
            int64_t s = *seq + 1;
            row_hash(prev, s, r->at, r->f[0], r->f[1], r->f[2], r->f[3], r->f[4], r->f[5], r->f[6],
                     r->f[7], r->f[8], hash);
            sb_add(&sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?)");
            json_array_append_new(params, json_integer(s));
            json_array_append_new(params, json_integer(r->at));
            for (int f = 0; f < 9; f++)
                json_array_append_new(params, r->f[f] ? json_string_nocheck(r->f[f]) : json_null());
            json_array_append_new(params, json_string(prev));
            json_array_append_new(params, json_string(hash));
            *seq = s;
            memcpy(prev, hash, 65);
        }
        int rc = db_exec_a(db, e, sql.buf, params);
        json_decref(params);
        sb_free(&sql);
        if (rc < 0)
            return -1;
        done += k;
    }
    return 0;
}

/* One batch: returns the number of entries sealed, or -1. The pending entries are deleted and
   returned by one statement (on PostgreSQL with the chain's end, in the same round trip) and
   linked by multi-row INSERTs: a few round trips whatever the batch holds. */
static int seal_batch(struct db *db, struct osb_err *e)
{
    /* Sealers one at a time (readers of audit are not held up); SQLite's writer is alone. */
    if (db_begin_short(db, e, "audit") < 0)
        return -1;
    bool pg = db_postgres(db);
    struct dbq *q = db_query(
        db, e,
        pg ? "WITH d AS (DELETE FROM audit_pending WHERE id IN"
             " (SELECT id FROM audit_pending ORDER BY id LIMIT ?) RETURNING id, at, actor,"
             " on_behalf_of, ip, request_id, action, object_type, object_key, before, after)"
             " SELECT d.*, c.seq, c.hash FROM d LEFT JOIN"
             " (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) c ON true ORDER BY d.id"
           : "DELETE FROM audit_pending WHERE id IN"
             " (SELECT id FROM audit_pending ORDER BY id LIMIT ?) RETURNING id, at, actor,"
             " on_behalf_of, ip, request_id, action, object_type, object_key, before, after,"
             " NULL, NULL",
        "d", SEAL_BATCH);
    if (!q)
        goto fail;
    struct pending *rows = xcalloc(SEAL_BATCH, sizeof *rows);
    int n = 0, rc = 0;
    int64_t seq = 0;
    char prev[65];
    memcpy(prev, zero_hash, sizeof prev);
    bool have_end = false;
    while (n < SEAL_BATCH && (rc = dbq_next(q, e)) == 1) {
        struct pending *r = &rows[n++];
        r->id = dbq_int(q, 0);
        r->at = dbq_int(q, 1);
        for (int f = 0; f < 9; f++)
            r->f[f] = dup_or_null(dbq_text(q, 2 + f));
        if (!have_end && !dbq_null(q, 11)) {
            seq = dbq_int(q, 11);
            (void)str_copy(prev, 65, dbq_text(q, 12)); /* an overlong one: audit_verify says so */
            have_end = true;
        }
    }
    dbq_end(q);
    if (rc < 0 || (n > 0 && !pg && chain_end(db, e, &seq, prev) < 0))
        rc = -1;
    if (rc >= 0) {
        qsort(rows, (size_t)n, sizeof *rows, pending_cmp); /* RETURNING has no order of its own */
        rc = link_rows(db, e, &seq, prev, rows, n);
    }
    for (int i = 0; i < n; i++)
        for (int f = 0; f < 9; f++)
            free(rows[i].f[f]);
    free(rows);
    if (rc < 0)
        goto fail;
    if (db_commit(db, e) < 0)
        return -1;
    return n;
fail:
    db_rollback(db);
    return -1;
}

int audit_seal(struct db *db, struct osb_err *e)
{
    /* Nothing pending (always so on SQLite): no write transaction, so `osb serve` starts
       without waiting for a writer that holds the database. */
    int64_t any = 0;
    if (db_int(db, e, &any, "SELECT count(*) FROM (SELECT 1 FROM audit_pending LIMIT 1) p", NULL) <
        0)
        return -1;
    if (!any)
        return 0;
    int total = 0, n;
    do {
        n = seal_batch(db, e);
        if (n < 0)
            return -1;
        total += n;
    } while (n == SEAL_BATCH);
    return total;
}

int audit_settle(struct db *db, struct osb_err *e)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM (SELECT 1 FROM audit_pending LIMIT 1) p", NULL) < 0)
        return -1;
    return n ? audit_seal(db, e) : 0;
}

/* The sealer's connection is named (pg_stat_activity.application_name), so what it waits for
   is told apart from what requests wait for (scripts/bench-pg.sh). */
static void sealer_name(struct db *db)
{
    struct osb_err e = OSB_ERR_INIT;
    if (db_exec(db, &e, "SET application_name = 'osb audit sealer'", NULL) < 0)
        err_clear(&e);
}

/* Seals until nothing is pending, on a connection of its own; a failure is logged and tried
   again a second later (a lost connection made anew). */
static void sealer_pass(struct db *db)
{
    struct osb_err e = OSB_ERR_INIT;
    if (audit_settle(db, &e) < 0) {
        log_error("audit: the sealer failed, the entries wait for its next pass: %s", e.message);
        err_clear(&e);
        if (db_conn_lost(db)) {
            if (db_reconnect(db, &e) < 0)
                err_clear(&e);
            else
                sealer_name(db);
        }
    }
}

static void *sealer_main(void *arg)
{
    struct db *db = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&sealer.mu);
    for (;;) {
        if (sealer.asked == seen && !sealer.stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1; /* entries of another instance, or of a failed pass */
            pthread_cond_timedwait(&sealer.cv, &sealer.mu, &until);
        }
        bool stop = sealer.stop;
        seen = sealer.asked;
        pthread_mutex_unlock(&sealer.mu);
        sealer_pass(db); /* the entries of every commit counted in seen, and any since */
        if (stop)
            break;
        pthread_mutex_lock(&sealer.mu);
    }
    db_close(db);
    return NULL;
}

int audit_sealer_start(const char *db_path, struct osb_err *e)
{
    struct db *db;
    if (db_open(db_path, false, &db, e) < 0)
        return -1;
    if (!db_postgres(db)) {
        db_close(db);
        return 0;
    }
    sealer_name(db);
    sealer.stop = false;
    if (pthread_create(&sealer.thread, NULL, sealer_main, db) != 0) {
        db_close(db);
        return err_set(e, ERR_INTERNAL, "cannot start the audit sealer thread");
    }
    atomic_store(&sealer.on, true);
    return 0;
}

void audit_sealer_stop(void)
{
    if (!atomic_load(&sealer.on))
        return;
    pthread_mutex_lock(&sealer.mu);
    sealer.stop = true;
    pthread_cond_signal(&sealer.cv);
    pthread_mutex_unlock(&sealer.mu);
    pthread_join(sealer.thread, NULL);
    atomic_store(&sealer.on, false);
}

int audit_verify(struct db *db, struct osb_err *e,
                 void (*bad)(int64_t seq, const char *why, void *arg),
                 void (*unsealed)(int64_t id, void *arg), void *arg)
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
    if (rc < 0)
        return -1;
    /* Entries written but not (yet) linked into the chain: nothing vouches for them. */
    q = db_query(db, e, "SELECT id FROM audit_pending ORDER BY id", NULL);
    if (!q)
        return -1;
    while ((rc = dbq_next(q, e)) == 1) {
        if (unsealed)
            unsealed(dbq_int(q, 0), arg);
        nbad++;
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
