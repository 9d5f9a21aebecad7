/*
 * db_pg.c — the PostgreSQL driver behind db.h (reached through db_sqlite.c's public functions
 * when the database is a "postgresql://" URL; see db_pg.h). It is not a second store: flows
 * speak the same portable SQL with '?' placeholders to both drivers.
 *
 * What it does so that flows behave as on SQLite:
 *   - '?' and '?NNN' become $n (SQLite's numbering: a bare '?' is one more than the largest
 *     number so far); parameters are typed (text for 's' and 'j', int8 for 'i', 'd', 'b'), so
 *     "? IS NULL" needs no cast.
 *   - Result columns become JSON by PQftype: int2/4/8 → integer, bool → true/false, numeric →
 *     integer when it is one (sum() of int8 is numeric in PostgreSQL, an integer in SQLite),
 *     anything else → string, NULL → null; the "x!b" / "x!j" alias suffixes as in SQLite.
 *   - db_begin is BEGIN ISOLATION LEVEL READ COMMITTED, with no lock of its own: writers of
 *     different data (customers, documents) run side by side, in one process or many. The
 *     few invariants that need two writers of the same data to go one after the other are
 *     kept by locks that follow the data, taken before the figures are read (db_lock_key: a
 *     transaction advisory lock per document, customer, quota; FOR UPDATE on stock lots; the
 *     doc_seq upsert's row lock for numbers) — the table is in docs/operations.md "Which lock
 *     protects what". The second writer waits, and under READ COMMITTED its next statement
 *     sees what the first committed: no serialization failure, no retry. A deadlock between
 *     two (40P01) still ends one of them; db_retry_wanted() then says so and the caller runs
 *     the whole transaction again (http/router.c, bounded). SQLite's single writer (BEGIN
 *     IMMEDIATE) gives the same serial outcomes by waiting. db_begin_read is a REPEATABLE
 *     READ snapshot.
 *   - A failing statement in SQLite leaves its transaction usable; in PostgreSQL it aborts
 *     it. Each write inside a transaction therefore runs under a savepoint, so a flow that
 *     meets a duplicate and carries on sees the same thing on both. SAVEPOINT, the write and
 *     RELEASE go to the server as one pipeline: one round trip, not three (exec_stmt). The
 *     router's transactions (db_begin_retrying: it runs a transaction again when asked) skip
 *     even that: their writes run bare, two statements fewer each for the server; when one
 *     fails the transaction is aborted, retry_wanted is set, and the request's next try puts
 *     every write under a savepoint (sp_again), so the flow sees what it sees on SQLite.
 *   - unique_violation → 409 duplicate, foreign_key_violation → 422 unknown_reference, lock
 *     timeouts, serialization failures and a lost or unreachable server → 503 unavailable
 *     ("the database is unavailable, try again"); anything else is logged and is 500.
 *   - Schema scripts (migrations) are SQLite DDL, translated token by token: STRICT dropped,
 *     INTEGER → BIGINT, "id INTEGER PRIMARY KEY" → an identity column (db_last_id is
 *     lastval(), the value the last INSERT of this session drew).
 *   - Failover (docs/operations.md "PostgreSQL in production"): the URL goes to libpq as it is,
 *     so a multi-host URL with target_session_attrs=read-write finds the primary. A failed
 *     statement whose connection is gone (PQstatus bad, SQLSTATE class 08, 57P01-57P03 the
 *     server shutting down, 25006 a read-only transaction: we reached a standby) marks the
 *     connection lost; the next transaction resets it first, and a BEGIN that meets a lost
 *     connection (a server restarted while this one idled) resets and begins once more. A
 *     connection that breaks inside a transaction: the router runs the request again on a new
 *     one, waiting for the server with a bounded backoff; one that breaks while the COMMIT is
 *     on the way leaves the outcome unknown (pgdb_commit_unknown), and the router runs the
 *     request again only when that is a replay (http/router.c rerun_after_loss).
 *   - Timeouts are SET LOCAL at every BEGIN (a transaction-pooling pgbouncer hands the
 *     session to others between transactions): lock_timeout 10 s and statement_timeout from
 *     OSB_PG_STATEMENT_TIMEOUT (default 60s; "0" none).
 *   - Statements are prepared once per connection (PQprepare, keyed by the rewritten SQL and
 *     its parameter types; at most PREP_MAX, then DEALLOCATE ALL and start over), so planning
 *     stops dominating short statements. OSB_PG_PREPARE=0 turns it off (a pgbouncer older than
 *     1.21 in transaction mode cannot carry prepared statements).
 * Each struct pgdb is one connection, used by one thread at a time, as with SQLite.
 */
#include "store/db_pg.h"

#include "store/db.h"

#include "core/audit_canon.h"
#include "core/field.h"
#include "core/log.h"
#include "core/sb.h"
#include "core/str.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs from PostgreSQL's pg_type.dat (stable since forever). */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_NUMERIC 1700

/* Set when this thread's last statement failed as a serialization failure or a deadlock
   (SQLSTATE 40001, 40P01): the transaction may be run again whole (pgdb_retry_take). */
static _Thread_local bool retry_wanted;
/* Serialization failures in a row of this thread's current transaction (its tries so far). */
static _Thread_local int retries;
/* The table this thread's transaction lost a concurrent update on (SQLSTATE 40001 "due to
   concurrent update" at an UPDATE or INSERT ... ON CONFLICT of one row many writers change, as
   a day's document counter in doc_seq): its next try locks that table SHARE ROW EXCLUSIVE
   before its snapshot, so it waits for the table's other writers instead of failing on the
   same row again (see pgdb_begin). "" when none. */
static _Thread_local char hot_table[64];
/* Set when a write of a transaction without savepoints (pgdb_begin's retrying) failed: the
   caller runs the transaction again (retry_wanted), and that try, as every later try of the same
   request, puts each write under a savepoint; cleared once no retry is wanted. */
static _Thread_local bool sp_again;
/* The retry wanted is sp_again's (not a serialization failure: it does not count as a try). */
static _Thread_local bool retry_is_sp;
/* After this many failed tries a transaction runs alone: its BEGIN takes the write gate
   exclusively, after the writers in flight and before new ones (see pgdb_begin). */
#define ALONE_AFTER 2

/* The prepared-statement cache: open addressing over PREP_SLOTS, at most PREP_MAX used. */
#define PREP_SLOTS 1024
#define PREP_MAX 512

struct prep {
    char *key; /* parameter types, then the SQL; NULL: free slot */
    unsigned hash;
    unsigned id; /* the statement is named "osb_<id>" */
};

struct pgdb {
    PGconn *c;
    bool in_tx;
    bool in_write;       /* in_tx, and the transaction is db_begin's (locks are taken there) */
    bool in_short;       /* in_tx, and the transaction is db_begin_short's (the audit sealer) */
    bool no_sp;          /* in_tx, and its writes run without savepoints (pgdb_begin's retrying) */
    bool lost;           /* the connection is gone: reset before the next transaction */
    bool commit_unknown; /* the last COMMIT was sent and the connection broke before its answer */
    bool prepare;        /* use the prepared-statement cache */
    char begin_write[160], begin_read[192], begin_short[224];
    int nprep;
    unsigned next_id;
    struct prep *preps; /* PREP_SLOTS entries, allocated at the first prepare */
    bool gate;          /* the table write_gate exists (found once) */
    char stmt_name[24]; /* the prepared statement exec_stmt runs */
};

struct pgq {
    PGresult *r;
    int row; /* the current row; -1 before the first dbq_next */
    int rows;
    int changes;
};

bool pgdb_is_url(const char *path)
{
    return path &&
           (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

static void quiet_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg; /* NOTICEs (e.g. "savepoint ... does not exist") are not errors; say nothing */
}

/* True when a failure says the connection cannot go on (see the head of the file). */
static bool conn_gone(PGconn *c, const char *state)
{
    if (PQstatus(c) == CONNECTION_BAD)
        return true;
    return state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
                     strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0 ||
                     strcmp(state, "25006") == 0);
}

/* Notes the table of a statement that failed on a concurrent update (hot_table). */
static void note_hot_table(const char *msg, const char *sql)
{
    if (!sql || !msg || !strstr(msg, "concurrent update"))
        return;
    const char *t = strncmp(sql, "UPDATE ", 7) == 0         ? sql + 7
                    : strncmp(sql, "INSERT INTO ", 12) == 0 ? sql + 12
                                                            : NULL;
    size_t n = 0;
    while (t && n < sizeof hot_table - 1 && (isalnum((unsigned char)t[n]) || t[n] == '_'))
        n++;
    if (n == 0)
        return;
    memcpy(hot_table, t, n);
    hot_table[n] = '\0';
}

static int pg_err_lost(struct osb_err *e, const PGresult *r, PGconn *c, const char *sql, bool *lost)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(c);
    if (conn_gone(c, state)) {
        if (lost)
            *lost = true;
        log_error("postgresql connection lost (%s): %.200s", state ? state : "no SQLSTATE", msg);
        return err_set(e, ERR_UNAVAILABLE, "the database is unavailable, try again");
    }
    if (state && strcmp(state, "23505") == 0)
        return err_set(e, ERR_DUPLICATE, "already exists (%s)", msg);
    if (state && strcmp(state, "23503") == 0)
        return err_invalid(e, NULL, "unknown_reference", "a referenced object does not exist");
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
        retry_wanted = true;
    if (state && strcmp(state, "40001") == 0)
        note_hot_table(msg, sql);
    if (state && (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
                  strcmp(state, "40P01") == 0)) {
        /* The statement that met the other transaction (serialization failures name the
           row only through it): make bench-pg counts these lines per hot spot. */
        log_error("db busy (%s): %s in: %.200s", state, msg, sql ? sql : "");
        return err_set(e, ERR_UNAVAILABLE, "the database is unavailable, try again");
    }
    log_error("postgresql %s: %s in: %.200s", state ? state : "?", msg, sql ? sql : "");
    return err_set(e, ERR_INTERNAL, "internal error");
}

static int pg_err(struct osb_err *e, const PGresult *r, PGconn *c, const char *sql)
{
    return pg_err_lost(e, r, c, sql, NULL);
}

/* Runs a statement without parameters whose result is not needed. */
static int simple(struct pgdb *p, struct osb_err *e, const char *sql)
{
    PGresult *r = PQexec(p->c, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = pg_err_lost(e, r, p->c, sql, &p->lost);
    PQclear(r);
    return rc;
}

static void prep_clear(struct pgdb *p)
{
    if (p->preps)
        for (int i = 0; i < PREP_SLOTS; i++) {
            free(p->preps[i].key);
            p->preps[i].key = NULL;
        }
    p->nprep = 0;
}

/* A timeout from the environment: digits and an optional unit (ms, s, min), else def. */
static const char *timeout_env(const char *name, const char *def)
{
    const char *v = getenv(name);
    if (!v || !*v || strlen(v) > 12 || !isdigit((unsigned char)v[0]))
        return def;
    for (const char *s = v; *s; s++)
        if (!isalnum((unsigned char)*s))
            return def;
    return v;
}

/* What every new or reset connection needs. */
static int conn_setup(struct pgdb *p, struct osb_err *e)
{
    PQsetNoticeProcessor(p->c, quiet_notice, NULL);
    if (PQsetClientEncoding(p->c, "UTF8") != 0 ||
        simple(p, e, "SET client_min_messages = warning") < 0) {
        if (err_ok(e))
            err_set(e, ERR_INTERNAL, "cannot set up the PostgreSQL connection");
        return -1;
    }
    return 0;
}

bool pgdb_lost(const struct pgdb *p)
{
    return p->lost;
}

bool pgdb_commit_unknown(const struct pgdb *p)
{
    return p->commit_unknown;
}

int pgdb_reset(struct pgdb *p, struct osb_err *e)
{
    p->in_tx = p->in_write = p->in_short = false;
    prep_clear(p); /* a new server session has none of them */
    PQreset(p->c); /* the same URL: a multi-host one finds the primary again */
    if (PQstatus(p->c) != CONNECTION_OK) {
        char msg[256];
        str_field(msg, sizeof msg, PQerrorMessage(p->c), "msg");
        msg[strcspn(msg, "\n")] = '\0';
        log_error("postgresql reconnect failed: %s", msg);
        p->lost = true;
        return err_set(e, ERR_UNAVAILABLE, "the database is unavailable, try again");
    }
    p->lost = false;
    log_info("postgresql connection reset");
    return conn_setup(p, e);
}

/* BEGIN with the transaction's timeouts. A lost connection is reset first; a BEGIN that finds
   the connection gone (the server restarted while this one idled: nothing of the request has
   run yet) resets it and begins once more. */
static int tx_start(struct pgdb *p, const char *sql, struct osb_err *e)
{
    p->commit_unknown = false;
    if (p->lost && pgdb_reset(p, e) < 0)
        return -1;
    struct osb_err first = OSB_ERR_INIT;
    if (simple(p, &first, sql) == 0)
        return 0;
    if (!p->lost) {
        *e = first;
        return -1;
    }
    err_clear(&first);
    if (pgdb_reset(p, e) < 0)
        return -1;
    return simple(p, e, sql);
}

int pgdb_open(const char *url, struct pgdb **out, struct osb_err *e)
{
    *out = NULL;
    PGconn *c = PQconnectdb(url);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        /* The message names host and port, never the password. */
        char msg[256];
        str_field(msg, sizeof msg, c ? PQerrorMessage(c) : "out of memory", "msg");
        msg[strcspn(msg, "\n")] = '\0';
        PQfinish(c);
        return err_set(e, ERR_NOT_FOUND, "cannot connect to the PostgreSQL database: %s", msg);
    }
    struct pgdb *p = xcalloc(1, sizeof *p);
    p->c = c;
    const char *prep = getenv("OSB_PG_PREPARE");
    p->prepare = !prep || strcmp(prep, "0") != 0;
    const char *st = timeout_env("OSB_PG_STATEMENT_TIMEOUT", "60s");
    /* both fit: the timeout is at most 12 characters */
    (void)str_fmt(p->begin_write, sizeof p->begin_write,
                  "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '10s';"
                  " SET LOCAL statement_timeout = '%s'",
                  st);
    (void)str_fmt(p->begin_read, sizeof p->begin_read,
                  "BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL lock_timeout = '10s';"
                  " SET LOCAL statement_timeout = '%s'",
                  st);
    (void)str_fmt(p->begin_short, sizeof p->begin_short,
                  "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '10s';"
                  " SET LOCAL statement_timeout = '%s'; SET LOCAL synchronous_commit = off",
                  st);
    if (conn_setup(p, e) < 0) {
        pgdb_close(p);
        return -1;
    }
    *out = p;
    return 0;
}

void pgdb_close(struct pgdb *p)
{
    if (!p)
        return;
    PQfinish(p->c);
    prep_clear(p);
    free(p->preps);
    free(p);
}

/* The write gate: a table no row of which is ever read, locked by every write transaction as
   its first statement. LOCK TABLE takes no snapshot, so a transaction that waited for the
   gate sees what was committed meanwhile. Writers share it (ROW EXCLUSIVE); a transaction
   that failed to serialize ALONE_AFTER times takes it EXCLUSIVE and so runs alone, and
   cannot fail that way again: retries are bounded without a global lock in the common case. */
static bool gate_ready(struct pgdb *p)
{
    if (p->gate)
        return true;
    PGresult *r = PQexec(p->c, "SELECT to_regclass('write_gate') IS NOT NULL");
    p->gate =
        PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return p->gate; /* not before the migration that makes it */
}

int pgdb_begin(struct pgdb *p, bool write, bool retrying, struct osb_err *e)
{
    retry_wanted = false;
    retry_is_sp = false;
    /* The gate's shared mode goes with the BEGIN, in the same round trip. */
    bool gate = write && !p->lost && gate_ready(p);
    char sql[sizeof p->begin_write + 64];
    (void)str_fmt(sql, sizeof sql, "%s%s", write ? p->begin_write : p->begin_read,
                  !gate                    ? ""
                  : retries >= ALONE_AFTER ? "; LOCK TABLE write_gate IN EXCLUSIVE MODE"
                                           : "; LOCK TABLE write_gate IN ROW EXCLUSIVE MODE");
    if (tx_start(p, sql, e) < 0)
        return -1;
    p->in_tx = true;
    p->in_write = write;
    p->in_short = false;
    p->no_sp = write && retrying && !sp_again;
    if (gate && retries > 0 && retries < ALONE_AFTER && hot_table[0]) {
        char lk[128]; /* the name is letters, digits and '_' from our own SQL */
        (void)str_fmt(lk, sizeof lk, "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", hot_table);
        if (simple(p, e, lk) < 0) {
            pgdb_rollback(p);
            return -1;
        }
    }
    return 0;
}

bool pgdb_in_write(const struct pgdb *p)
{
    return p->in_tx && p->in_write;
}

/* The audit sealer's transaction (db_begin_short): it serializes itself with a table lock
   taken after BEGIN, and READ COMMITTED lets it see what committed while it waited. Its
   commit need not wait for the disk: it only moves committed rows (store/audit.c), and a
   move lost in a crash is made again at the next start. */
int pgdb_begin_short(struct pgdb *p, struct osb_err *e, const char *lock_table)
{
    char sql[sizeof p->begin_short + 96];
    size_t n = lock_table ? strlen(lock_table) : 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)lock_table[i]) && lock_table[i] != '_')
            n = 0; /* not a plain name: refused below */
    if (lock_table && (n == 0 || n > 48))
        return err_set(e, ERR_INTERNAL, "internal error: bad table name");
    (void)str_fmt(sql, sizeof sql, "%s%s%s%s", p->begin_short, lock_table ? "; LOCK TABLE " : "",
                  lock_table ? lock_table : "", lock_table ? " IN SHARE ROW EXCLUSIVE MODE" : "");
    if (tx_start(p, sql, e) < 0)
        return -1;
    p->in_tx = true;
    p->in_write = false; /* the sealer orders itself (store/audit.c) */
    p->in_short = true;
    p->no_sp = false; /* no savepoints either: any failure ends the transaction */
    return 0;
}

bool pgdb_retry_take(void)
{
    bool r = retry_wanted;
    retry_wanted = false;
    if (r && retry_is_sp) {
        retry_is_sp = false;
        return true; /* not a serialization failure: the tries so far stand */
    }
    retries = r ? retries + 1 : 0;
    if (!r) {
        hot_table[0] = '\0';
        sp_again = false;
    }
    return r;
}

int pgdb_commit(struct pgdb *p, struct osb_err *e)
{
    /* A connection found gone before the COMMIT went out: the server has ended the
       transaction (rolled back); the COMMIT below then fails without reaching anyone. */
    bool gone_before = p->lost || PQstatus(p->c) == CONNECTION_BAD;
    PGresult *r = PQexec(p->c, "COMMIT");
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        rc = pg_err_lost(e, r, p->c, "COMMIT", &p->lost);
        if (p->lost && !gone_before) {
            /* The COMMIT was sent and no answer came back: the server may have committed
               or not (a failover can keep either). Never run again by the router unless a
               second run is a replay (http/router.c). */
            p->commit_unknown = true;
            log_error("postgresql connection lost during COMMIT: the outcome is unknown");
        }
    } else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        /* an aborted transaction "commits" as ROLLBACK */
        rc = err_set(e, ERR_INTERNAL, "internal error (the transaction was aborted)");
    }
    if (rc == 0) {
        retries = 0;
        hot_table[0] = '\0';
        sp_again = false;
    }
    PQclear(r);
    p->in_tx = p->in_write = p->in_short = false;
    return rc;
}

void pgdb_rollback(struct pgdb *p)
{
    if (!p->in_tx)
        return;
    PQclear(PQexec(p->c, "ROLLBACK"));
    p->in_tx = p->in_write = p->in_short = false;
}

/* SQLite's placeholders as PostgreSQL's: '?' → $n, '?NNN' → $NNN; quoted text is copied as is.
   *nparams is the highest number used. When null_test is given, (*null_test)[n-1] says that
   $n is tested with "IS [NOT] NULL" (where PostgreSQL cannot infer a NULL's type; caller
   frees). Returns a malloc'ed string. */
static char *rewrite(const char *sql, int *nparams, bool **null_test)
{
    struct sb out = SB_INIT;
    int max = 0;
    if (null_test) /* a statement has fewer parameters than characters */
        *null_test = xcalloc(strlen(sql) + 1, sizeof **null_test);
    for (const char *s = sql; *s;) {
        if (*s == '\'' || *s == '"') {
            char q = *s;
            const char *end = strchr(s + 1, q);
            size_t n = end ? (size_t)(end - s) + 1 : strlen(s);
            sb_addn(&out, s, n);
            s += n;
        } else if (*s == '?') {
            s++;
            int n;
            if (isdigit((unsigned char)*s)) {
                n = 0;
                while (isdigit((unsigned char)*s))
                    n = n * 10 + (*s++ - '0');
            } else {
                n = max + 1;
            }
            if (n > max)
                max = n;
            sb_addf(&out, "$%d", n);
            const char *t = s;
            while (*t == ' ')
                t++;
            if (null_test && n > 0 && (size_t)n <= strlen(sql) && strncasecmp(t, "IS ", 3) == 0)
                (*null_test)[n - 1] = true;
        } else {
            sb_addc(&out, *s++);
        }
    }
    *nparams = max;
    return sb_detach(&out);
}

/* Bound values: text per parameter, or NULL. */
struct params {
    int n;
    Oid *types;
    char **values;
};

static void params_free(struct params *pa)
{
    for (int i = 0; i < pa->n; i++)
        free(pa->values[i]);
    free(pa->values);
    free(pa->types);
}

static char *int_text(int64_t v)
{
    char buf[24];
    (void)str_fmt(buf, sizeof buf, "%lld", (long long)v); /* at most 20 characters */
    return xstrdup(buf);
}

static bool is_write(const char *sql)
{
    while (isspace((unsigned char)*sql))
        sql++;
    return strncasecmp(sql, "INSERT", 6) == 0 || strncasecmp(sql, "UPDATE", 6) == 0 ||
           strncasecmp(sql, "DELETE", 6) == 0;
}

static unsigned prep_hash(const char *s)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The cache key: the parameter types (they are part of a prepared statement), then the SQL. */
static char *prep_key(const char *pg_sql, const struct params *pa)
{
    struct sb k = SB_INIT;
    for (int i = 0; i < pa->n; i++)
        sb_addf(&k, "%u,", (unsigned)pa->types[i]);
    sb_addc(&k, '|');
    sb_add(&k, pg_sql);
    return sb_detach(&k);
}

/* The name of pg_sql prepared on this connection (preparing it the first time) in name:
   0 when it is prepared, 1 when it cannot be (run it unprepared), -1 when preparing failed
   (*fail is the failed result, the caller reports it as the statement's error). */
static int prep_name(struct pgdb *p, const char *pg_sql, const struct params *pa, char name[24],
                     PGresult **fail)
{
    if (!p->preps)
        p->preps = xcalloc(PREP_SLOTS, sizeof *p->preps);
    char *key = prep_key(pg_sql, pa);
    unsigned h = prep_hash(key);
    unsigned i = h % PREP_SLOTS;
    while (p->preps[i].key && (p->preps[i].hash != h || strcmp(p->preps[i].key, key) != 0))
        i = (i + 1) % PREP_SLOTS;
    if (p->preps[i].key) {
        free(key);
        (void)str_fmt(name, 24, "osb_%u", p->preps[i].id);
        return 0;
    }
    if (p->nprep >= PREP_MAX) { /* full: start over (DEALLOCATE is not transactional) */
        PGresult *d = PQexec(p->c, "DEALLOCATE ALL");
        bool ok = PQresultStatus(d) == PGRES_COMMAND_OK;
        PQclear(d);
        if (!ok) {
            free(key);
            return 1;
        }
        prep_clear(p);
        i = h % PREP_SLOTS;
    }
    unsigned id = ++p->next_id;
    (void)str_fmt(name, 24, "osb_%u", id); /* at most 14 characters */
    PGresult *pr = PQprepare(p->c, name, pg_sql, pa->n, pa->types);
    if (PQresultStatus(pr) != PGRES_COMMAND_OK) {
        free(key);
        *fail = pr;
        return -1;
    }
    PQclear(pr);
    p->preps[i].key = key;
    p->preps[i].hash = h;
    p->preps[i].id = id;
    p->nprep++;
    return 0;
}

/* Sends pg_sql with its values (as the prepared statement name when given). */
static int send_stmt(struct pgdb *p, const char *name, const char *pg_sql, const struct params *pa)
{
    const char *const *v = (const char *const *)pa->values;
    return name ? PQsendQueryPrepared(p->c, name, pa->n, v, NULL, NULL, 0)
                : PQsendQueryParams(p->c, pg_sql, pa->n, pa->types, v, NULL, NULL, 0);
}

/* Runs pg_sql with the bound values, prepared on this connection unless OSB_PG_PREPARE=0.
   With sp, it runs under the savepoint osb_stmt: SAVEPOINT, the statement and RELEASE go to
   the server in one pipeline (one round trip, not three). The statement's own result is
   returned; when the savepoint or the statement failed, *sp_failed says that the transaction
   needs ROLLBACK TO SAVEPOINT (the caller does it, outside the pipeline). */
static PGresult *exec_stmt(struct pgdb *p, const char *pg_sql, const struct params *pa, bool sp,
                           bool *sp_failed)
{
    const char *name = NULL;
    if (p->prepare) {
        PGresult *fail = NULL;
        int rc = prep_name(p, pg_sql, pa, p->stmt_name, &fail);
        if (rc < 0)
            return fail;
        name = rc == 0 ? p->stmt_name : NULL;
    }
    *sp_failed = false;
    if (!sp)
        return name ? PQexecPrepared(p->c, name, pa->n, (const char *const *)pa->values, NULL, NULL,
                                     0)
                    : PQexecParams(p->c, pg_sql, pa->n, pa->types, (const char *const *)pa->values,
                                   NULL, NULL, 0);
    if (!PQenterPipelineMode(p->c))
        return NULL; /* the caller reports the connection's error */
    bool sent =
        PQsendQueryParams(p->c, "SAVEPOINT osb_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
        send_stmt(p, name, pg_sql, pa) &&
        PQsendQueryParams(p->c, "RELEASE SAVEPOINT osb_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
        PQpipelineSync(p->c);
    /* The three results (each followed by NULL), then the sync. A failed one aborts the rest
       (PGRES_PIPELINE_ABORTED); the first failure is the one reported. */
    PGresult *out = NULL, *first_bad = NULL;
    for (int k = 0; sent && k < 4; k++) {
        PGresult *r = PQgetResult(p->c);
        if (!r) {
            if (PQstatus(p->c) == CONNECTION_BAD)
                break;
            r = PQgetResult(p->c); /* the NULL after a query's result */
            if (!r)
                break;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        bool bad = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
        if (bad && st != PGRES_PIPELINE_ABORTED && !first_bad) {
            first_bad = r;
            continue;
        }
        if (k == 1 && !bad)
            out = r;
        else
            PQclear(r);
    }
    if (!sent || PQpipelineStatus(p->c) != PQ_PIPELINE_OFF) {
        /* Drain what is left, then leave pipeline mode (it refuses while results wait). */
        for (int k = 0; k < 8 && PQpipelineStatus(p->c) != PQ_PIPELINE_OFF; k++) {
            PGresult *r;
            while ((r = PQgetResult(p->c)) != NULL)
                PQclear(r);
            if (PQexitPipelineMode(p->c))
                break;
        }
    }
    if (first_bad) {
        PQclear(out);
        *sp_failed = true;
        return first_bad;
    }
    if (!sent || !out) {
        PQclear(out);
        *sp_failed = true;
        return NULL;
    }
    return out;
}

/* Runs pg_sql with the bound values; a write inside a transaction runs under a savepoint so
   that its failure leaves the transaction as SQLite would (only that statement undone). The
   audit sealer's short transaction (in_tx, not in_write) needs none: any failure there ends it. */
static struct pgq *run(struct pgdb *p, struct osb_err *e, const char *sql, const char *pg_sql,
                       const struct params *pa)
{
    bool sp = p->in_tx && !p->in_short && !p->no_sp && is_write(sql), sp_failed = false;
    PGresult *r = exec_stmt(p, pg_sql, pa, sp, &sp_failed);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !p->in_tx && !is_write(sql) &&
        conn_gone(p->c, PQresultErrorField(r, PG_DIAG_SQLSTATE))) {
        /* A read outside a transaction (the session lookup before the request's BEGIN) on a
           connection that idled across a restart: nothing was done, reconnect and read again. */
        struct osb_err re = OSB_ERR_INIT;
        if (pgdb_reset(p, &re) == 0) {
            PQclear(r);
            r = exec_stmt(p, pg_sql, pa, false, &sp_failed);
            st = PQresultStatus(r);
        }
        err_clear(&re);
    }
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        bool first = !retry_wanted;
        pg_err_lost(e, r, p->c, sql, &p->lost);
        if (p->in_tx && p->no_sp && is_write(sql) && first && !retry_wanted && !p->lost) {
            /* No savepoint to go back to, and the flow may carry on after this failure as on
               SQLite: the transaction runs again, its writes under savepoints (the head of the
               file). */
            retry_wanted = retry_is_sp = sp_again = true;
            log_info("postgresql: a write failed without a savepoint; the transaction runs again"
                     " with them");
        }
        PQclear(r);
        if (sp && sp_failed && !p->lost)
            PQclear(PQexec(p->c, "ROLLBACK TO SAVEPOINT osb_stmt; RELEASE SAVEPOINT osb_stmt"));
        return NULL;
    }
    struct pgq *q = xcalloc(1, sizeof *q);
    q->r = r;
    q->row = -1;
    q->rows = PQntuples(r);
    q->changes = (int)strtol(PQcmdTuples(r), NULL, 10); /* "" (not a DML statement) is 0 */
    return q;
}

struct pgq *pgdb_vquery(struct pgdb *p, struct osb_err *e, const char *sql, const char *types,
                        va_list ap)
{
    struct params pa = {0, NULL, NULL};
    char *pg_sql = rewrite(sql, &pa.n, NULL);
    int nt = types ? (int)strlen(types) : 0;
    if (nt != pa.n) {
        log_error("bind: %d types for %d parameters in %s", nt, pa.n, sql);
        free(pg_sql);
        err_set(e, ERR_INTERNAL, "internal error");
        return NULL;
    }
    pa.types = xcalloc((size_t)pa.n + 1, sizeof *pa.types);
    pa.values = xcalloc((size_t)pa.n + 1, sizeof *pa.values);
    for (int i = 0; i < pa.n; i++) {
        switch (types[i]) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            pa.types[i] = OID_TEXT;
            pa.values[i] = s ? xstrdup(s) : NULL;
            break;
        }
        case 'i':
            pa.types[i] = OID_INT8;
            pa.values[i] = int_text(va_arg(ap, int64_t));
            break;
        case 'd':
        case 'b':
            pa.types[i] = OID_INT8;
            pa.values[i] = int_text(va_arg(ap, int));
            break;
        case 'j': {
            json_t *j = va_arg(ap, json_t *);
            pa.types[i] = OID_TEXT;
            pa.values[i] =
                !j || json_is_null(j) ? NULL : json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
            break;
        }
        default:
            log_error("bind: bad type '%c'", types[i]);
            params_free(&pa);
            free(pg_sql);
            err_set(e, ERR_INTERNAL, "internal error");
            return NULL;
        }
    }
    struct pgq *q = run(p, e, sql, pg_sql, &pa);
    params_free(&pa);
    free(pg_sql);
    return q;
}

struct pgq *pgdb_query_a(struct pgdb *p, struct osb_err *e, const char *sql, json_t *params)
{
    struct params pa = {0, NULL, NULL};
    bool *null_test;
    char *pg_sql = rewrite(sql, &pa.n, &null_test);
    if ((size_t)pa.n != json_array_size(params)) {
        log_error("bind: %zu values for %d parameters in %s", json_array_size(params), pa.n, sql);
        free(null_test);
        free(pg_sql);
        err_set(e, ERR_INTERNAL, "internal error");
        return NULL;
    }
    pa.types = xcalloc((size_t)pa.n + 1, sizeof *pa.types);
    pa.values = xcalloc((size_t)pa.n + 1, sizeof *pa.values);
    for (int i = 0; i < pa.n; i++) {
        json_t *v = json_array_get(params, (size_t)i);
        if (json_is_string(v)) {
            pa.types[i] = OID_TEXT;
            pa.values[i] = xstrdup(json_string_value(v));
        } else if (json_is_integer(v)) {
            pa.types[i] = OID_INT8;
            pa.values[i] = int_text(json_integer_value(v));
        } else if (json_is_boolean(v)) {
            pa.types[i] = OID_INT8;
            pa.values[i] = int_text(json_is_true(v));
        } else if (!v || json_is_null(v)) {
            /* NULL: the column it meets decides its type; "? IS NULL" meets none */
            pa.types[i] = null_test && null_test[i] ? OID_TEXT : 0;
        } else {
            pa.types[i] = OID_TEXT;
            pa.values[i] = json_dumps(v, JSON_COMPACT);
        }
    }
    struct pgq *q = run(p, e, sql, pg_sql, &pa);
    params_free(&pa);
    free(null_test);
    free(pg_sql);
    return q;
}

int pgq_changes(const struct pgq *q)
{
    return q->changes;
}

int pgq_next(struct pgq *q)
{
    if (q->row + 1 >= q->rows) {
        q->row = q->rows;
        return 0;
    }
    q->row++;
    return 1;
}

bool pgq_null(struct pgq *q, int col)
{
    return q->row < 0 || q->row >= q->rows || col >= PQnfields(q->r) ||
           PQgetisnull(q->r, q->row, col);
}

int64_t pgq_int(struct pgq *q, int col)
{
    if (pgq_null(q, col))
        return 0;
    const char *v = PQgetvalue(q->r, q->row, col);
    if (PQftype(q->r, col) == OID_BOOL)
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

const char *pgq_text(struct pgq *q, int col)
{
    return pgq_null(q, col) ? NULL : PQgetvalue(q->r, q->row, col);
}

int pgq_cols(struct pgq *q)
{
    return PQnfields(q->r);
}
const char *pgq_name(struct pgq *q, int col)
{
    return PQfname(q->r, col);
}

/* A numeric that holds an integer (digits only, optional sign) as a JSON integer. */
static bool numeric_is_int(const char *v)
{
    const char *d = v + (*v == '-');
    bool digits = *d != '\0' && strlen(d) <= 18;
    for (const char *s = d; *s && digits; s++)
        digits = isdigit((unsigned char)*s);
    return digits;
}

static json_t *numeric_json(const char *v)
{
    return numeric_is_int(v) ? json_integer(strtoll(v, NULL, 10)) : json_string(v);
}

/* What pgq_object makes of the column (DBQ_* of store/db.h). */
int pgq_kind(struct pgq *q, int col)
{
    const char *val = pgq_text(q, col);
    if (!val)
        return DBQ_NULL;
    if (strchr(PQfname(q->r, col), '!'))
        return DBQ_OTHER;
    Oid t = PQftype(q->r, col);
    if (t == OID_INT8 || t == OID_INT4 || t == OID_INT2)
        return DBQ_INT;
    if (t == OID_BOOL)
        return DBQ_OTHER;
    if (t == OID_NUMERIC)
        return numeric_is_int(val) ? DBQ_INT : DBQ_OTHER;
    return strlen(val) == (size_t)PQgetlength(q->r, q->row, col) && utf8_valid(val) ? DBQ_TEXT
                                                                                    : DBQ_OTHER;
}

size_t pgq_len(struct pgq *q, int col)
{
    return pgq_null(q, col) ? 0 : (size_t)PQgetlength(q->r, q->row, col);
}

json_t *pgq_object(struct pgq *q)
{
    json_t *o = json_object();
    int n = PQnfields(q->r);
    for (int i = 0; i < n; i++) {
        const char *name = PQfname(q->r, i);
        const char *bang = strchr(name, '!');
        char key[64];
        size_t kl = bang ? (size_t)(bang - name) : strlen(name);
        if (kl >= sizeof key)
            kl = sizeof key - 1;
        memcpy(key, name, kl);
        key[kl] = '\0';
        Oid t = PQftype(q->r, i);
        const char *val = pgq_text(q, i);
        json_t *v;
        if (!val) {
            v = json_null();
        } else if (bang && bang[1] == 'b') {
            v = json_boolean(pgq_int(q, i) != 0);
        } else if (bang && bang[1] == 'j') {
            v = json_loads(val, JSON_DECODE_ANY, NULL);
        } else if (t == OID_INT8 || t == OID_INT4 || t == OID_INT2) {
            v = json_integer(strtoll(val, NULL, 10));
        } else if (t == OID_BOOL) {
            v = json_boolean(val[0] == 't');
        } else if (t == OID_NUMERIC) {
            v = numeric_json(val);
        } else {
            v = json_stringn(val, (size_t)PQgetlength(q->r, q->row, i));
        }
        json_object_set_new(o, key, v ? v : json_null());
    }
    return o;
}

void pgq_end(struct pgq *q)
{
    if (!q)
        return;
    PQclear(q->r);
    free(q);
}

/* ---- schema scripts ---------------------------------------------------------------------- */

static bool word_at(const char *s, const char *w)
{
    size_t n = strlen(w);
    return strncmp(s, w, n) == 0 && !isalnum((unsigned char)s[n]) && s[n] != '_';
}

/* SQLite DDL as PostgreSQL DDL. The migrations use a small, regular subset of SQLite: the
   only differences that matter are STRICT, INTEGER (64-bit in SQLite, 32-bit in PostgreSQL)
   and the rowid alias "id INTEGER PRIMARY KEY" that numbers rows by itself. */
static char *translate_ddl(const char *sql)
{
    struct sb out = SB_INIT;
    const char *prev_word = NULL; /* start of the identifier before the current one */
    size_t prev_len = 0;
    for (const char *s = sql; *s;) {
        if (*s == '\'' || *s == '"') {
            const char *end = strchr(s + 1, *s);
            size_t n = end ? (size_t)(end - s) + 1 : strlen(s);
            sb_addn(&out, s, n);
            s += n;
            continue;
        }
        if (!isalpha((unsigned char)*s) && *s != '_') {
            sb_addc(&out, *s++);
            continue;
        }
        const char *w = s;
        while (isalnum((unsigned char)*s) || *s == '_')
            s++;
        size_t wl = (size_t)(s - w);
        if (wl == 6 && strncmp(w, "STRICT", 6) == 0) {
            /* the table option after ')': dropped */
        } else if (wl == 7 && strncmp(w, "INTEGER", 7) == 0) {
            const char *rest = s;
            while (*rest == ' ')
                rest++;
            if (prev_word && prev_len == 2 && strncmp(prev_word, "id", 2) == 0 &&
                word_at(rest, "PRIMARY")) {
                sb_add(&out, "BIGINT GENERATED BY DEFAULT AS IDENTITY");
            } else {
                sb_add(&out, "BIGINT");
            }
        } else {
            sb_addn(&out, w, wl);
        }
        prev_word = w;
        prev_len = wl;
    }
    return sb_detach(&out);
}

int pgdb_script(struct pgdb *p, struct osb_err *e, const char *sql)
{
    char *ddl = translate_ddl(sql);
    PGresult *r = PQexec(p->c, ddl);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        log_error("script failed: %s", PQresultErrorMessage(r));
        rc = err_set(e, ERR_INTERNAL, "internal error");
    }
    PQclear(r);
    free(ddl);
    return rc;
}

int64_t pgdb_last_id(struct pgdb *p, struct osb_err *e)
{
    PGresult *r = PQexec(p->c, "SELECT lastval()");
    int64_t id = 0;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else
        pg_err(e, r, p->c, "SELECT lastval()");
    PQclear(r);
    return id;
}

int pgdb_table_exists(struct pgdb *p, struct osb_err *e, const char *name)
{
    const char *vals[1] = {name};
    Oid types[1] = {OID_TEXT};
    PGresult *r = PQexecParams(p->c,
                               "SELECT count(*) FROM information_schema.tables"
                               " WHERE table_schema = current_schema() AND table_name = $1",
                               1, types, vals, NULL, NULL, 0);
    int rc;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        rc = strtol(PQgetvalue(r, 0, 0), NULL, 10) > 0;
    else
        rc = pg_err(e, r, p->c, "table exists");
    PQclear(r);
    return rc;
}
