/*
 * db_sqlite.c — the SQLite driver behind db.h.
 *
 * Prepared statements are cached per connection by SQL text (most SQL is a string literal and
 * runs on every request). Write transactions (db_begin) pass a process-wide gate, one at a
 * time, and run on one shared writer connection; reads run on the caller's own connection.
 * Constraint failures become the pinned error codes: UNIQUE → 409
 * duplicate, FOREIGN KEY → 422 unknown_reference; anything else is logged and becomes 500
 * internal with a message that says nothing internal.
 *
 * It also holds the one dispatch to the PostgreSQL driver: a db opened on a postgresql:// URL
 * carries db->pg, and each public function hands such a db to db_pg.c (db_pg.h) on its first
 * line; nothing below that line changes for SQLite.
 */
#include "store/db.h"
#include "store/db_pg.h"

#include "core/audit_canon.h"
#include "core/log.h"
#include "core/sb.h"
#include "core/str.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The statement cache is set-associative: a statement may sit in any of the CACHE_WAYS slots
   of the set its text hashes to, and a new one replaces the least recently used of them.
   (Direct-mapped, two of the ~150 statements of the order flow that hash to the same slot
   evict each other on every request; bench/op_load measured 2 re-prepares a request, 7 % of
   the server's instructions.) */
#define CACHE_SETS 256
#define CACHE_WAYS 4
#define CACHE_SLOTS (CACHE_SETS * CACHE_WAYS)

struct cached {
    char *sql;
    sqlite3_stmt *st;
    bool busy;
    unsigned hash;
    uint64_t used; /* db->uses at the last use, for the LRU choice */
};

struct db {
    struct pgdb *pg; /* set: a PostgreSQL database, h is NULL and db_pg.c does the work */
    sqlite3 *h;
    char *path;
    bool in_tx;
    void (*after_commit)(struct db *db); /* db_after_commit, for this transaction */
    bool holds_gate;                     /* this connection passed the writer gate (db_begin) */
    struct db *via;   /* the process's writer connection while in db_begin .. commit/rollback */
    bool flush_after; /* the writer: COMMIT does not sync the WAL, db_commit does (below) */
    int wal_fd;       /* the writer: its WAL file, opened at the first commit; -1 before */
    bool wal_written; /* the writer: its last COMMIT appended to the WAL (wal_hook) */
    uint64_t uses;
    uint64_t statements; /* statements run for this connection's user (db_statements) */
    struct cached cache[CACHE_SLOTS];
    /* PostgreSQL: the keys db_lock_key took in this write transaction (hashes; a key held
       already is not asked for again). */
    uint64_t held[16];
    int nheld;
};

/* The connection that db's statements run on now: the writer during a write transaction. */
static struct db *conn(struct db *db)
{
    return db->via ? db->via : db;
}

struct dbq {
    struct pgq *pq; /* set: a PostgreSQL result, st is NULL */
    struct db *db;
    sqlite3_stmt *st;
    struct cached *slot; /* NULL when the statement is not cached */
};

static atomic_int fail_commits;

/* The writer gate: one write transaction at a time among this process's connections.
   SQLite admits one writer anyway; without the gate a connection that finds the write lock
   taken sleeps in SQLite's busy handler (1, 2, 5, 10 ... 100 ms) and is often overtaken
   again when it wakes. bench/op_load with 4 clients measured p99 of 20-55 ms and a max over
   1 s per call that way (bench/README.md). Waiting at the gate wakes the next writer as
   soon as the previous one commits. The wait is bounded like the busy timeout (10 s) and
   ends in the same error. A semaphore, not a mutex: nothing requires the thread that
   commits or rolls back to be the one that began. Other processes still meet SQLite's own
   lock and busy handler. */
static sem_t write_gate;
static pthread_once_t write_gate_once = PTHREAD_ONCE_INIT;
static void write_gate_init(void)
{
    sem_init(&write_gate, 0, 1);
}

static int gate_enter(struct db *db, struct osb_err *e)
{
    pthread_once(&write_gate_once, write_gate_init);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    int rc;
    while ((rc = sem_timedwait(&write_gate, &until)) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        log_error("db busy: no write transaction free for 10 s");
        return err_set(e, ERR_UNAVAILABLE, "the database is unavailable, try again");
    }
    db->holds_gate = true;
    return 0;
}

/* The writer connection: every write transaction of the process runs on one connection,
   taken with the gate. Each SQLite connection keeps its own page cache and drops all of it
   when it finds that another connection has written; with a connection per server thread,
   nearly every write transaction began by re-reading its pages: bench/op_load with 4
   clients measured 0.60 ms held in the gate per transaction that way and 0.50 ms with the
   one writer (16 % more orders/s). Reads outside write transactions stay on the thread's own
   connection and run beside the writer as before. A db whose writes go to the writer has
   it in db->via from db_begin to its commit or rollback; the gate makes that exclusive.
   Opened at the first write (on the path of the db that begins it; a db of another path
   writes on its own connection) and closed with the last db. */
static pthread_mutex_t writer_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db *writer;
static int open_dbs;

static int open_conn(const char *path, bool create, struct db **out, struct osb_err *e);
static void close_conn(struct db *db);

/* WAL checkpoints outside the writer gate. SQLite checkpoints by itself in the COMMIT that
   finds the WAL over 1,000 pages (wal_autocheckpoint): the committing connection copies the
   pages into the database file and fsyncs it while it still holds the write lock, so every
   ~60th write transaction of the OP path held the gate for that too, and every writer queued
   behind it. The writer connection reports the WAL's size after each commit instead
   (wal_hook, which replaces the automatic checkpoint on that connection), and the thread whose
   commit found 1,000 pages more than the last such checkpoint covered runs the checkpoint
   after it has left the gate, on its own connection: PASSIVE, so it never waits for nor
   blocks the next writer. Other writers commit meanwhile, so that checkpoint cannot leave the
   WAL wholly copied, and only a wholly copied WAL lets the next writer start it over: the
   next writer therefore first copies the few pages committed during it (catch_up_due, inside
   the gate, before its BEGIN), and its transaction starts the WAL over. Per 1,000 pages that
   is the flushes of SQLite's own checkpoint plus those of the small catch-up (`make bench`
   prints the flushes per order of both sides). Until 2026-12-02 the checkpoint ran after
   every commit while the WAL was over 1,000 pages, which with two writers it nearly always
   was: 3–4 flushes an order more than SQLite's own checkpoint (bench/README.md, seventh
   pass). Should the checkpoints fall behind, a commit that finds the WAL at
   CHECKPOINT_INLINE pages checkpoints in place as SQLite would. */
#define CHECKPOINT_PAGES 1000
#define CHECKPOINT_INLINE (8 * CHECKPOINT_PAGES)
static atomic_bool checkpoint_due;
static atomic_bool catch_up_due;
static atomic_int checkpoint_mark; /* the WAL's pages when the last checkpoint after the gate
                                      began; 0 once the WAL started over */

static int wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
    ((struct db *)arg)->wal_written = true; /* this commit appended to the WAL */
    int mark = atomic_load(&checkpoint_mark);
    if (pages < mark) { /* the WAL started over since */
        mark = 0;
        atomic_store(&checkpoint_mark, 0);
    }
    if (pages >= CHECKPOINT_INLINE)
        (void)sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    else if (pages - mark >= CHECKPOINT_PAGES)
        atomic_store(&checkpoint_due, true);
    return SQLITE_OK;
}

/* After a write transaction, outside the gate: the checkpoint a commit asked for. */
static void checkpoint_if_due(struct db *db)
{
    if (!atomic_exchange(&checkpoint_due, false))
        return;
    int pages = 0;
    int rc = sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &pages, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        log_error("WAL checkpoint failed: %s", sqlite3_errmsg(db->h));
    if (rc == SQLITE_OK && pages > 0) {
        atomic_store(&checkpoint_mark, pages);
        atomic_store(&catch_up_due, true);
    }
}

/* Inside the gate, before BEGIN: copy what was committed during the last checkpoint, so this
   transaction starts the WAL over (a PASSIVE checkpoint with nothing to copy flushes nothing). */
static void checkpoint_catch_up(struct db *db)
{
    if (!atomic_load(&catch_up_due) || !atomic_exchange(&catch_up_due, false))
        return;
    struct db *c = conn(db);
    int rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        log_error("WAL checkpoint failed: %s", sqlite3_errmsg(c->h));
}

/* The writer for db's database, or NULL when db must write on its own connection. */
static struct db *writer_for(struct db *db)
{
    pthread_mutex_lock(&writer_mu);
    if (!writer) {
        struct osb_err we = OSB_ERR_INIT;
        if (open_conn(db->path, false, &writer, &we) < 0) {
            log_error("cannot open the writer connection: %s", we.message);
            err_clear(&we);
        } else {
            sqlite3_wal_hook(writer->h, wal_hook, writer);
            writer->flush_after = db_script(writer, &we, "PRAGMA synchronous=NORMAL") == 0;
            if (!writer->flush_after) {
                log_error("writer connection keeps synchronous=FULL: %s", we.message);
                err_clear(&we);
            }
        }
    }
    struct db *w = writer && strcmp(writer->path, db->path) == 0 ? writer : NULL;
    pthread_mutex_unlock(&writer_mu);
    return w;
}

static void gate_leave(struct db *db)
{
    db->via = NULL;
    if (db->holds_gate) {
        db->holds_gate = false;
        sem_post(&write_gate);
    }
}

void db_fail_commits(int n)
{
    atomic_store(&fail_commits, n);
}

static int sql_err(struct db *db, struct osb_err *e, int rc, const char *sql)
{
    int ext = sqlite3_extended_errcode(db->h);
    const char *msg = sqlite3_errmsg(db->h);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return err_set(e, ERR_DUPLICATE, "already exists (%s)", msg);
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
        return err_invalid(e, NULL, "unknown_reference", "a referenced object does not exist");
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        log_error("db busy: %s", msg);
        return err_set(e, ERR_UNAVAILABLE, "the database is unavailable, try again");
    }
    log_error("sqlite %d (%d): %s in: %.200s", rc, ext, msg, sql ? sql : "");
    return err_set(e, ERR_INTERNAL, "internal error");
}

/* The cache key of a statement's text, eight bytes a step (a byte at a time it was ~2 k
   instructions a statement: the texts are 200-600 bytes). */
static unsigned hash_str(const char *s)
{
    size_t n = strlen(s);
    uint64_t h = 0xcbf29ce484222325u ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x100000001b3u;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    h ^= h >> 32;
    return (unsigned)h;
}

/* Returns a prepared statement for sql, from the cache when possible. */
static sqlite3_stmt *prepare(struct db *db, struct osb_err *e, const char *sql,
                             struct cached **slot_out)
{
    unsigned h = hash_str(sql);
    struct cached *set = &db->cache[(h % CACHE_SETS) * CACHE_WAYS];
    *slot_out = NULL;
    bool in_use = false; /* the same statement is running now (a nested use) */
    for (int i = 0; i < CACHE_WAYS; i++) {
        struct cached *c = &set[i];
        if (c->sql && c->hash == h && strcmp(c->sql, sql) == 0) {
            if (c->busy) {
                in_use = true;
                break;
            }
            c->busy = true;
            c->used = ++db->uses;
            *slot_out = c;
            return c->st;
        }
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        sql_err(db, e, rc, sql);
        return NULL;
    }
    if (in_use)
        return st; /* not cached: finalized when released */
    struct cached *c = NULL;
    for (int i = 0; i < CACHE_WAYS; i++)
        if (!set[i].busy && (!c || set[i].used < c->used))
            c = &set[i]; /* an empty slot has used == 0 */
    if (c) {
        if (c->st)
            sqlite3_finalize(c->st);
        free(c->sql);
        c->sql = xstrdup(sql);
        c->st = st;
        c->hash = h;
        c->busy = true;
        c->used = ++db->uses;
        *slot_out = c;
    }
    return st;
}

static void release(struct cached *slot, sqlite3_stmt *st)
{
    if (slot) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        slot->busy = false;
    } else {
        sqlite3_finalize(st);
    }
}

static int bind(struct db *db, struct osb_err *e, sqlite3_stmt *st, const char *types, va_list ap)
{
    int n = types ? (int)strlen(types) : 0;
    if (n != sqlite3_bind_parameter_count(st)) {
        log_error("bind: %d types for %d parameters in %s", n, sqlite3_bind_parameter_count(st),
                  sqlite3_sql(st));
        return err_set(e, ERR_INTERNAL, "internal error");
    }
    for (int i = 0; i < n; i++) {
        int rc = SQLITE_OK;
        switch (types[i]) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            rc = s ? sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, i + 1);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
            break;
        case 'd':
        case 'b':
            rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int));
            break;
        case 'j': {
            json_t *j = va_arg(ap, json_t *);
            if (!j || json_is_null(j)) {
                rc = sqlite3_bind_null(st, i + 1);
            } else {
                char *txt = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
                rc = sqlite3_bind_text(st, i + 1, txt, -1, free);
            }
            break;
        }
        default:
            log_error("bind: bad type '%c'", types[i]);
            return err_set(e, ERR_INTERNAL, "internal error");
        }
        if (rc != SQLITE_OK)
            return sql_err(db, e, rc, sqlite3_sql(st));
    }
    return 0;
}

static int bind_array(struct db *db, struct osb_err *e, sqlite3_stmt *st, json_t *params)
{
    size_t n = json_array_size(params);
    if ((int)n != sqlite3_bind_parameter_count(st)) {
        log_error("bind: %zu values for %d parameters in %s", n, sqlite3_bind_parameter_count(st),
                  sqlite3_sql(st));
        return err_set(e, ERR_INTERNAL, "internal error");
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(params, i);
        int k = (int)i + 1, rc;
        if (json_is_string(v))
            rc = sqlite3_bind_text(st, k, json_string_value(v), (int)json_string_length(v),
                                   SQLITE_TRANSIENT);
        else if (json_is_integer(v))
            rc = sqlite3_bind_int64(st, k, json_integer_value(v));
        else if (json_is_boolean(v))
            rc = sqlite3_bind_int64(st, k, json_is_true(v));
        else if (json_is_null(v) || !v)
            rc = sqlite3_bind_null(st, k);
        else
            rc = sqlite3_bind_text(st, k, json_dumps(v, JSON_COMPACT), -1, free);
        if (rc != SQLITE_OK)
            return sql_err(db, e, rc, sqlite3_sql(st));
    }
    return 0;
}

static struct dbq *pg_wrap(struct db *db, struct pgq *pq)
{
    if (!pq)
        return NULL;
    struct dbq *q = xcalloc(1, sizeof *q);
    q->pq = pq;
    q->db = db;
    return q;
}

/* Rows changed by the statement q ran (read before dbq_end). */
static int changes(struct dbq *q)
{
    return q->pq ? pgq_changes(q->pq) : sqlite3_changes(q->db->h);
}

static struct dbq *query_a(struct db *db, struct osb_err *e, const char *sql, json_t *params)
{
    db->statements++;
    if (db->pg)
        return pg_wrap(db, pgdb_query_a(db->pg, e, sql, params));
    db = conn(db);
    struct cached *slot;
    sqlite3_stmt *st = prepare(db, e, sql, &slot);
    if (!st)
        return NULL;
    if (bind_array(db, e, st, params) < 0) {
        release(slot, st);
        return NULL;
    }
    struct dbq *q = xcalloc(1, sizeof *q);
    q->db = db;
    q->st = st;
    q->slot = slot;
    return q;
}

struct dbq *db_query_a(struct db *db, struct osb_err *e, const char *sql, json_t *params)
{
    return query_a(db, e, sql, params);
}

uint64_t db_statements(const struct db *db)
{
    return db->statements;
}

int db_exec_a(struct db *db, struct osb_err *e, const char *sql, json_t *params)
{
    struct dbq *q = query_a(db, e, sql, params);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1)
        ;
    int n = changes(q);
    dbq_end(q);
    return rc < 0 ? -1 : n;
}

json_t *db_rows_a(struct db *db, struct osb_err *e, const char *sql, json_t *params)
{
    struct dbq *q = query_a(db, e, sql, params);
    if (!q)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = dbq_next(q, e)) == 1)
        json_array_append_new(arr, dbq_object(q));
    dbq_end(q);
    if (rc < 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static struct dbq *vquery(struct db *db, struct osb_err *e, const char *sql, const char *types,
                          va_list ap)
{
    db->statements++;
    if (db->pg)
        return pg_wrap(db, pgdb_vquery(db->pg, e, sql, types, ap));
    db = conn(db);
    struct cached *slot;
    sqlite3_stmt *st = prepare(db, e, sql, &slot);
    if (!st)
        return NULL;
    if (bind(db, e, st, types, ap) < 0) {
        release(slot, st);
        return NULL;
    }
    struct dbq *q = xcalloc(1, sizeof *q);
    q->db = db;
    q->st = st;
    q->slot = slot;
    return q;
}

struct dbq *db_query(struct db *db, struct osb_err *e, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct dbq *q = vquery(db, e, sql, types, ap);
    va_end(ap);
    return q;
}

int dbq_next(struct dbq *q, struct osb_err *e)
{
    if (q->pq)
        return pgq_next(q->pq);
    int rc = sqlite3_step(q->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return sql_err(q->db, e, rc, sqlite3_sql(q->st));
}

int64_t dbq_int(struct dbq *q, int col)
{
    return q->pq ? pgq_int(q->pq, col) : sqlite3_column_int64(q->st, col);
}
const char *dbq_text(struct dbq *q, int col)
{
    return q->pq ? pgq_text(q->pq, col) : (const char *)sqlite3_column_text(q->st, col);
}
bool dbq_null(struct dbq *q, int col)
{
    return q->pq ? pgq_null(q->pq, col) : sqlite3_column_type(q->st, col) == SQLITE_NULL;
}
int dbq_cols(struct dbq *q)
{
    return q->pq ? pgq_cols(q->pq) : sqlite3_column_count(q->st);
}
const char *dbq_name(struct dbq *q, int col)
{
    return q->pq ? pgq_name(q->pq, col) : sqlite3_column_name(q->st, col);
}

enum dbq_kind dbq_kind(struct dbq *q, int col)
{
    if (q->pq)
        return (enum dbq_kind)pgq_kind(q->pq, col);
    int t = sqlite3_column_type(q->st, col);
    if (t == SQLITE_NULL)
        return DBQ_NULL;
    if (strchr(sqlite3_column_name(q->st, col), '!'))
        return DBQ_OTHER;
    if (t == SQLITE_INTEGER)
        return DBQ_INT;
    /* dbq_object: json_stringn of the text, null when jansson refuses it */
    const char *v = (const char *)sqlite3_column_text(q->st, col);
    size_t n = (size_t)sqlite3_column_bytes(q->st, col);
    return v && utf8_valid_n(v, n) ? DBQ_TEXT : DBQ_OTHER;
}

size_t dbq_len(struct dbq *q, int col)
{
    if (q->pq)
        return pgq_len(q->pq, col);
    return (size_t)sqlite3_column_bytes(q->st, col);
}

json_t *dbq_object(struct dbq *q)
{
    if (q->pq)
        return pgq_object(q->pq);
    json_t *o = json_object();
    int n = sqlite3_column_count(q->st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(q->st, i);
        const char *bang = strchr(name, '!');
        char key[64];
        size_t kl = bang ? (size_t)(bang - name) : strlen(name);
        if (kl >= sizeof key)
            kl = sizeof key - 1;
        memcpy(key, name, kl);
        key[kl] = '\0';
        int t = sqlite3_column_type(q->st, i);
        json_t *v;
        if (t == SQLITE_NULL) {
            v = json_null();
        } else if (bang && bang[1] == 'b') {
            v = json_boolean(sqlite3_column_int64(q->st, i) != 0);
        } else if (bang && bang[1] == 'j') {
            v = json_loads((const char *)sqlite3_column_text(q->st, i), JSON_DECODE_ANY, NULL);
            if (!v)
                v = json_null();
        } else if (t == SQLITE_INTEGER) {
            v = json_integer(sqlite3_column_int64(q->st, i));
        } else {
            v = json_stringn((const char *)sqlite3_column_text(q->st, i),
                             (size_t)sqlite3_column_bytes(q->st, i));
            if (!v)
                v = json_null();
        }
        json_object_set_new(o, key, v);
    }
    return o;
}

void dbq_end(struct dbq *q)
{
    if (!q)
        return;
    if (q->pq)
        pgq_end(q->pq);
    else
        release(q->slot, q->st);
    free(q);
}

int db_exec(struct db *db, struct osb_err *e, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct dbq *q = vquery(db, e, sql, types, ap);
    va_end(ap);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    while (rc == 1)
        rc = dbq_next(q, e);
    int n = changes(q);
    dbq_end(q);
    return rc < 0 ? -1 : n;
}

int db_int(struct db *db, struct osb_err *e, int64_t *out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct dbq *q = vquery(db, e, sql, types, ap);
    va_end(ap);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1)
        *out = dbq_int(q, 0);
    dbq_end(q);
    return rc;
}

int db_text(struct db *db, struct osb_err *e, char **out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct dbq *q = vquery(db, e, sql, types, ap);
    va_end(ap);
    *out = NULL;
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1 && !dbq_null(q, 0))
        *out = xstrdup(dbq_text(q, 0));
    dbq_end(q);
    return rc;
}

int db_row(struct db *db, struct osb_err *e, json_t **out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct dbq *q = vquery(db, e, sql, types, ap);
    va_end(ap);
    *out = NULL;
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1)
        *out = dbq_object(q);
    dbq_end(q);
    return rc;
}

json_t *db_rows(struct db *db, struct osb_err *e, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct dbq *q = vquery(db, e, sql, types, ap);
    va_end(ap);
    if (!q)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = dbq_next(q, e)) == 1)
        json_array_append_new(arr, dbq_object(q));
    dbq_end(q);
    if (rc < 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

int db_script(struct db *db, struct osb_err *e, const char *sql)
{
    if (db->pg)
        return pgdb_script(db->pg, e, sql);
    char *msg = NULL;
    int rc = sqlite3_exec(conn(db)->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_error("script failed: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return err_set(e, ERR_INTERNAL, "internal error");
    }
    return 0;
}

int64_t db_last_id(struct db *db)
{
    if (db->pg) {
        struct osb_err e = OSB_ERR_INIT; /* logged by the driver; 0 is never a row's id */
        int64_t id = pgdb_last_id(db->pg, &e);
        err_clear(&e);
        return id;
    }
    return sqlite3_last_insert_rowid(conn(db)->h);
}

int db_table_exists(struct db *db, struct osb_err *e, const char *name)
{
    if (db->pg)
        return pgdb_table_exists(db->pg, e, name);
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", "s",
               name) < 0)
        return -1;
    return n > 0;
}

bool db_postgres(const struct db *db)
{
    return db->pg != NULL;
}
bool db_is_url(const char *path)
{
    return pgdb_is_url(path);
}

/* No memory statistics (nothing reads them): with them every sqlite3_malloc and sqlite3_free
   takes a global mutex, ~4 % of the server's instructions on the bench's path. Must come
   before SQLite initializes, i.e. before the first open of the process. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_conn(const char *path, bool create, struct db **out, struct osb_err *e)
{
    *out = NULL;
    pthread_once(&sqlite_once, sqlite_setup);
    sqlite3 *h = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_NOT_FOUND, "cannot open database %s: %s", path,
                h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return -1;
    }
    sqlite3_busy_timeout(h, 10000);
    struct db *db = xcalloc(1, sizeof *db);
    db->h = h;
    db->path = xstrdup(path);
    db->wal_fd = -1;
    /* No mmap_size: reading through a mapping of the file made a searched list's scattered
       page reads cheaper (issue #17), but the OP path's writes grow the file at every
       checkpoint and each connection then maps it again and faults its pages back in:
       `make bench` OP orders/s fell from ~75 to ~65 (bench/README.md "Sixth pass, lead").
       The write path comes first; searches read with pread. */
    if (db_script(db, e,
                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                  "PRAGMA temp_store=MEMORY;") < 0) {
        close_conn(db);
        return -1;
    }
    *out = db;
    return 0;
}

/* OSB_READ_MMAP=<bytes> (default 0, off): the connections that serve reads (every connection
   but the writer) read the file through a mapping of up to that many bytes. At 1M orders a
   list of one customer's documents reads ~750 pages scattered over the file a request, each
   a pread and a page copy with SQLite's 2 MB cache; mapped, ~1-2 ms less CPU a request
   (bench/README.md "Tenth pass"). Off by default until `make bench` shows the OP path does
   not pay for it: mapping every connection, the writer's included, cost the OP path ~14 %
   (bench/README.md "Sixth pass, lead"); the writer never maps here. */
static void read_mmap(struct db *db)
{
    const char *v = getenv("OSB_READ_MMAP");
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : 0;
    if (!v || !*v || *end || n <= 0)
        return;
    char sql[64];
    struct osb_err ignore = OSB_ERR_INIT;
    if (str_fmt(sql, sizeof sql, "PRAGMA mmap_size=%lld", n) == 0 &&
        db_script(db, &ignore, sql) < 0)
        log_error("OSB_READ_MMAP: %s", ignore.message);
    err_clear(&ignore);
}

int db_open(const char *path, bool create, struct db **out, struct osb_err *e)
{
    if (pgdb_is_url(path)) {
        /* create: the PostgreSQL database exists already (createdb); init adds the schema. */
        struct pgdb *pg;
        *out = NULL;
        if (pgdb_open(path, &pg, e) < 0)
            return -1;
        *out = xcalloc(1, sizeof **out);
        (*out)->pg = pg;
        (*out)->path = xstrdup(path);
        return 0;
    }
    if (open_conn(path, create, out, e) < 0)
        return -1;
    read_mmap(*out);
    pthread_mutex_lock(&writer_mu);
    open_dbs++;
    pthread_mutex_unlock(&writer_mu);
    return 0;
}

static void close_conn(struct db *db)
{
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (db->cache[i].st)
            sqlite3_finalize(db->cache[i].st);
        free(db->cache[i].sql);
    }
    sqlite3_close(db->h);
    if (db->wal_fd >= 0)
        close(db->wal_fd);
    free(db->path);
    free(db);
}

void db_close(struct db *db)
{
    if (!db)
        return;
    db_rollback(db);
    if (db->pg) {
        pgdb_close(db->pg);
        free(db->path);
        free(db);
        return;
    }
    close_conn(db);
    struct db *w = NULL;
    pthread_mutex_lock(&writer_mu);
    if (--open_dbs == 0) {
        w = writer;
        writer = NULL;
    }
    pthread_mutex_unlock(&writer_mu);
    if (w)
        close_conn(w);
}

bool db_conn_lost(const struct db *db)
{
    return db->pg && pgdb_lost(db->pg);
}

bool db_commit_unknown(const struct db *db)
{
    return db->pg && pgdb_commit_unknown(db->pg);
}

int db_reconnect(struct db *db, struct osb_err *e)
{
    if (!db->pg)
        return 0;
    db->in_tx = false;
    return pgdb_reset(db->pg, e);
}

const char *db_path(const struct db *db)
{
    return db->path;
}

/* The commit's flush after the writer gate. SQLite's COMMIT with synchronous=FULL appends the
   transaction's pages to the WAL and fdatasyncs it while it still holds the write lock, so the
   next writer waited for the disk too: on the 2-core VM the flush was most of the time a write
   transaction held the gate (bench/README.md, eighth pass). The writer connection runs with
   synchronous=NORMAL instead — COMMIT appends the pages, unsynced — and db_commit fdatasyncs
   the WAL itself once it has let the next writer in, before it returns: the request is
   answered only after its transaction is on disk, as before, and a commit still costs one
   flush of the WAL. The WAL only grows at its end between checkpoints, and every checkpoint
   syncs the WAL before it copies from it, so a later writer's flush (or a checkpoint) never
   leaves an earlier commit unsynced. The WAL is fsynced through a descriptor of its own
   (another thread writes the next transaction through SQLite's meanwhile), opened at the
   writer's first commit, when the file exists; its directory is synced then too, as SQLite
   does at a new WAL's first sync. */
static int writer_wal_fd(struct db *w)
{
    if (w->wal_fd >= 0)
        return w->wal_fd;
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(w->h, "main"));
    int fd = wal ? open(wal, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return -1;
    char *dir = xstrdup(wal); /* SQLite's names are absolute */
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir] = '\0';
    int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (dfd < 0 || fsync(dfd) != 0) {
        if (dfd >= 0)
            close(dfd);
        close(fd);
        return -1;
    }
    close(dfd);
    w->wal_fd = fd;
    return fd;
}

/* Inside the gate, when the WAL could not be opened: the flush through SQLite's own handle. */
static int wal_sync_in_gate(struct db *w)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(w->h, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || !f ||
        !f->pMethods || f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) != SQLITE_OK) {
        log_error("cannot flush the WAL of %s", w->path);
        return -1;
    }
    return 0;
}

static int wal_flush(struct db *w, int fd)
{
    int rc;
    while ((rc = fdatasync(fd)) != 0 && errno == EINTR)
        ;
    if (rc != 0)
        log_error("cannot flush the WAL of %s: %s", w->path, strerror(errno));
    return rc;
}

/* No answer shows a row a power cut can take away. The writer's COMMIT makes its rows visible
   before db_commit has flushed them (above), so a reader could answer with rows that are not on
   disk yet. Each commit on the writer draws a number inside the gate, before its COMMIT (so the
   numbers follow the WAL's order, and any commit a reader can see has a number drawn before the
   reader ends); when its flush is done, every number up to its own is durable (the flush covers
   every earlier frame of the WAL; a commit that wrote nothing waits for the one before it). A
   transaction that did not write (a read, a rolled-back write) waits, as it ends, until every
   number drawn by then is durable: at most one flush, and only while a flush is running. */
static atomic_uint_fast64_t commit_drawn;
static uint64_t commit_durable; /* under durable_mu */
static pthread_mutex_t durable_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t durable_cv = PTHREAD_COND_INITIALIZER;

static void wait_durable(uint64_t upto)
{
    pthread_mutex_lock(&durable_mu);
    while (commit_durable < upto)
        pthread_cond_wait(&durable_cv, &durable_mu);
    pthread_mutex_unlock(&durable_mu);
}

static void mark_durable(uint64_t upto)
{
    pthread_mutex_lock(&durable_mu);
    if (commit_durable < upto) {
        commit_durable = upto;
        pthread_cond_broadcast(&durable_cv);
    }
    pthread_mutex_unlock(&durable_mu);
}

/* The end of a transaction that wrote nothing of its own: what it read is on disk. */
static void wait_seen_durable(void)
{
    wait_durable(atomic_load(&commit_drawn));
}

static int begin_write(struct db *db, bool retrying, struct osb_err *e)
{
    if (db->in_tx)
        return err_set(e, ERR_INTERNAL, "internal error: nested transaction");
    db->after_commit = NULL;
    if (db->pg) {
        db->nheld = 0;
        if (pgdb_begin(db->pg, true, retrying, e) < 0)
            return -1;
        db->in_tx = true;
        return 0;
    }
    if (gate_enter(db, e) < 0)
        return -1;
    db->via = writer_for(db);
    checkpoint_catch_up(db);
    if (db_exec(db, e, "BEGIN IMMEDIATE", NULL) < 0) {
        gate_leave(db);
        return -1;
    }
    db->in_tx = true;
    return 0;
}

int db_begin(struct db *db, struct osb_err *e)
{
    return begin_write(db, false, e);
}

int db_begin_retrying(struct db *db, struct osb_err *e)
{
    return begin_write(db, true, e);
}

int db_lock_key(struct db *db, struct osb_err *e, const char *space, const char *key)
{
    if (!db->pg || !db->in_tx || !pgdb_in_write(db->pg))
        return 0; /* SQLite: the one writer holds everything already */
    if (!key)
        key = "";
    uint64_t h = 14695981039346656037u; /* FNV-1a of space, NUL, key */
    for (const char *s = space; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    h *= 1099511628211u;
    for (const char *s = key; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    for (int i = 0; i < db->nheld; i++)
        if (db->held[i] == h)
            return 0; /* held since earlier in this transaction */
    /* Two 32-bit halves: the space and the key, each hashed by the server (a collision only
       makes two unrelated writers wait for each other). */
    if (db_exec(db, e, "SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))", "ss", space, key) <
        0)
        return -1;
    if (db->nheld < (int)(sizeof db->held / sizeof db->held[0]))
        db->held[db->nheld++] = h;
    return 0;
}

const char *db_for_update(const struct db *db)
{
    return db->pg && db->in_tx && pgdb_in_write(db->pg) ? " FOR UPDATE" : "";
}

bool db_retry_wanted(const struct db *db)
{
    return db->pg && pgdb_retry_take(); /* SQLite: one writer, never a serialization failure */
}

int db_begin_read(struct db *db, struct osb_err *e)
{
    if (db->in_tx)
        return err_set(e, ERR_INTERNAL, "internal error: nested transaction");
    if (db->pg) {
        if (pgdb_begin(db->pg, false, false, e) < 0)
            return -1;
        db->in_tx = true;
        return 0;
    }
    if (db_exec(db, e, "BEGIN DEFERRED", NULL) < 0)
        return -1;
    db->in_tx = true;
    return 0;
}

int db_begin_short(struct db *db, struct osb_err *e, const char *lock_table)
{
    if (!db->pg)
        return db_begin(db, e);
    if (db->in_tx)
        return err_set(e, ERR_INTERNAL, "internal error: nested transaction");
    db->after_commit = NULL;
    if (pgdb_begin_short(db->pg, e, lock_table) < 0)
        return -1;
    db->in_tx = true;
    return 0;
}

void db_after_commit(struct db *db, void (*fn)(struct db *db))
{
    if (db->in_tx)
        db->after_commit = fn;
    else
        fn(db);
}

/* The work db_after_commit asked for, once the transaction is committed. */
static void run_after_commit(struct db *db, void (*fn)(struct db *db))
{
    if (!fn)
        return;
    fn(db);
    if (db->pg)
        (void)pgdb_retry_take(); /* its own failures are not the committed request's */
}

int db_commit(struct db *db, struct osb_err *e)
{
    void (*after)(struct db * db) = db->after_commit;
    db->after_commit = NULL;
    if (atomic_load(&fail_commits) > 0) {
        atomic_fetch_sub(&fail_commits, 1);
        db_rollback(db);
        return err_set(e, ERR_INTERNAL, "internal error (injected commit failure)");
    }
    if (db->pg) {
        db->in_tx = false;
        if (pgdb_commit(db->pg, e) < 0)
            return -1;
        run_after_commit(db, after);
        return 0;
    }
    struct db *w = db->via && db->via->flush_after ? db->via : NULL;
    uint64_t seq = 0;
    if (w) {
        w->wal_written = false;
        seq = atomic_fetch_add(&commit_drawn, 1) + 1; /* in the gate, before the COMMIT */
    }
    if (db_exec(db, e, "COMMIT", NULL) < 0) {
        if (seq) { /* it wrote nothing: durable once the commit before it is */
            wait_durable(seq - 1);
            mark_durable(seq);
        }
        db_rollback(db);
        return -1;
    }
    db->in_tx = false;
    if (!w) { /* a read: what it saw is on disk before it is answered */
        gate_leave(db);
        wait_seen_durable();
        checkpoint_if_due(db);
        run_after_commit(db, after);
        return 0;
    }
    if (!w->wal_written) { /* it wrote nothing: nothing to flush, as under synchronous=FULL */
        gate_leave(db);
        wait_durable(seq - 1);
        mark_durable(seq);
        checkpoint_if_due(db);
        run_after_commit(db, after);
        return 0;
    }
    int fd = writer_wal_fd(w);
    int flushed = fd < 0 ? wal_sync_in_gate(w) : 0;
    gate_leave(db);
    if (flushed == 0 && fd >= 0)
        flushed = wal_flush(w, fd);
    mark_durable(seq); /* even after a failed flush: the error is this request's answer */
    if (flushed != 0)
        return err_set(e, ERR_INTERNAL,
                       "internal error: the database could not be written to disk");
    checkpoint_if_due(db);
    run_after_commit(db, after);
    return 0;
}

void db_rollback(struct db *db)
{
    db->after_commit = NULL;
    if (!db->in_tx)
        return;
    if (db->pg) {
        pgdb_rollback(db->pg);
        db->in_tx = false;
        return;
    }
    char *msg = NULL;
    sqlite3_exec(conn(db)->h, "ROLLBACK", NULL, NULL, &msg);
    sqlite3_free(msg);
    db->in_tx = false;
    gate_leave(db);
    wait_seen_durable(); /* an error answer may rest on what it read */
}

bool db_in_tx(const struct db *db)
{
    return db->in_tx;
}

int db_backup(struct db *db, const char *to, struct osb_err *e)
{
    if (db->pg)
        return err_set(e, ERR_BAD_REQUEST,
                       "osb backup copies SQLite databases; back up PostgreSQL with pg_dump");
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        err_set(e, ERR_BAD_REQUEST, "cannot create %s: %s", to,
                dst ? sqlite3_errmsg(dst) : "out of memory");
        sqlite3_close(dst);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", db->h, "main");
    if (!b) {
        err_set(e, ERR_INTERNAL, "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return -1;
    }
    int rc;
    /* Copy in steps so writers are not blocked for long; a write by another connection
       restarts the copy, so the result is always one consistent snapshot. */
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    int final = sqlite3_errcode(dst);
    sqlite3_close(dst);
    if (rc != SQLITE_DONE || final != SQLITE_OK)
        return err_set(e, ERR_INTERNAL, "backup failed (sqlite %d)", rc);
    return 0;
}
