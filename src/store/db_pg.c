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
 *   - db_begin is BEGIN ISOLATION LEVEL SERIALIZABLE, with no lock of its own: writers of
 *     different data (customers, documents) run side by side, in one process or many, and
 *     PostgreSQL guarantees the outcome of some serial order. Two that touch the same data
 *     (a customer's credit, a day's document sequence) end one of them in a serialization
 *     failure or deadlock; db_retry_wanted() then says so and the caller runs the whole
 *     transaction again (http/router.c, bounded). SQLite's single writer (BEGIN IMMEDIATE)
 *     gives the same serial outcomes by waiting. db_begin_read is a REPEATABLE READ snapshot.
 *   - A failing statement in SQLite leaves its transaction usable; in PostgreSQL it aborts
 *     it. Each write inside a transaction therefore runs under a savepoint, so a flow that
 *     meets a duplicate and carries on sees the same thing on both.
 *   - unique_violation → 409 duplicate, foreign_key_violation → 422 unknown_reference, lock
 *     timeouts and serialization failures → "busy"; anything else is logged and is 500.
 *   - Schema scripts (migrations) are SQLite DDL, translated token by token: STRICT dropped,
 *     INTEGER → BIGINT, "id INTEGER PRIMARY KEY" → an identity column (db_last_id is
 *     lastval(), the value the last INSERT of this session drew).
 * Each struct pgdb is one connection, used by one thread at a time, as with SQLite.
 */
#include "store/db_pg.h"

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
/* After this many failed tries a transaction runs alone: its BEGIN takes the write gate
   exclusively, after the writers in flight and before new ones (see pgdb_begin). */
#define ALONE_AFTER 2

struct pgdb {
    PGconn *c;
    bool in_tx;
    bool gate; /* the table write_gate exists (found once) */
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

static int pg_err(struct osb_err *e, const PGresult *r, PGconn *c, const char *sql)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(c);
    if (state && strcmp(state, "23505") == 0)
        return err_set(e, ERR_DUPLICATE, "already exists (%s)", msg);
    if (state && strcmp(state, "23503") == 0)
        return err_invalid(e, NULL, "unknown_reference", "a referenced object does not exist");
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
        retry_wanted = true;
    if (state && (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
                  strcmp(state, "40P01") == 0)) {
        log_error("db busy: %s", msg);
        return err_set(e, ERR_INTERNAL, "the database is busy, try again");
    }
    log_error("postgresql %s: %s in: %.200s", state ? state : "?", msg, sql ? sql : "");
    return err_set(e, ERR_INTERNAL, "internal error");
}

/* Runs a statement without parameters whose result is not needed. */
static int simple(struct pgdb *p, struct osb_err *e, const char *sql)
{
    PGresult *r = PQexec(p->c, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = pg_err(e, r, p->c, sql);
    PQclear(r);
    return rc;
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
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    struct pgdb *p = xcalloc(1, sizeof *p);
    p->c = c;
    if (PQsetClientEncoding(c, "UTF8") != 0 ||
        simple(p, e, "SET lock_timeout = '10s'; SET client_min_messages = warning") < 0) {
        if (err_ok(e))
            err_set(e, ERR_INTERNAL, "cannot set up the PostgreSQL connection");
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

int pgdb_begin(struct pgdb *p, bool write, struct osb_err *e)
{
    retry_wanted = false;
    bool gate = write && gate_ready(p);
    if (simple(p, e,
               write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                     : "BEGIN ISOLATION LEVEL REPEATABLE READ") < 0)
        return -1;
    p->in_tx = true;
    if (gate &&
        simple(p, e,
               retries >= ALONE_AFTER ? "LOCK TABLE write_gate IN EXCLUSIVE MODE"
                                      : "LOCK TABLE write_gate IN ROW EXCLUSIVE MODE") < 0) {
        pgdb_rollback(p);
        return -1;
    }
    return 0;
}

bool pgdb_retry_take(void)
{
    bool r = retry_wanted;
    retry_wanted = false;
    retries = r ? retries + 1 : 0;
    return r;
}

int pgdb_commit(struct pgdb *p, struct osb_err *e)
{
    PGresult *r = PQexec(p->c, "COMMIT");
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = pg_err(e, r, p->c, "COMMIT");
    else if (strcmp(PQcmdStatus(r), "COMMIT") !=
             0) /* an aborted transaction "commits" as ROLLBACK */
        rc = err_set(e, ERR_INTERNAL, "internal error (the transaction was aborted)");
    if (rc == 0)
        retries = 0;
    PQclear(r);
    p->in_tx = false;
    return rc;
}

void pgdb_rollback(struct pgdb *p)
{
    if (!p->in_tx)
        return;
    PQclear(PQexec(p->c, "ROLLBACK"));
    p->in_tx = false;
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

/* Runs pg_sql with the bound values; a write inside a transaction runs under a savepoint so
   that its failure leaves the transaction as SQLite would (only that statement undone). */
static struct pgq *run(struct pgdb *p, struct osb_err *e, const char *sql, const char *pg_sql,
                       const struct params *pa)
{
    bool sp = p->in_tx && is_write(sql);
    if (sp && simple(p, e, "SAVEPOINT osb_stmt") < 0)
        return NULL;
    PGresult *r = PQexecParams(p->c, pg_sql, pa->n, pa->types, (const char *const *)pa->values,
                               NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        pg_err(e, r, p->c, sql);
        PQclear(r);
        if (sp)
            PQclear(PQexec(p->c, "ROLLBACK TO SAVEPOINT osb_stmt; RELEASE SAVEPOINT osb_stmt"));
        return NULL;
    }
    if (sp && simple(p, e, "RELEASE SAVEPOINT osb_stmt") < 0) {
        PQclear(r);
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
static json_t *numeric_json(const char *v)
{
    const char *d = v + (*v == '-');
    bool digits = *d != '\0' && strlen(d) <= 18;
    for (const char *s = d; *s && digits; s++)
        digits = isdigit((unsigned char)*s);
    return digits ? json_integer(strtoll(v, NULL, 10)) : json_string(v);
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
