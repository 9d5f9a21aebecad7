/*
 * db.h — the store's connection interface. Flows and store files speak only this interface
 * and portable SQL with '?' placeholders; db_sqlite.c implements it for SQLite. A PostgreSQL
 * driver implements the same functions (rewriting '?' to $n), so no flow changes.
 *
 * db_pg.c implements it for PostgreSQL: db_open with a "postgresql://" or "postgres://" URL
 * instead of a path (see docs/operations.md for what that backend does not do yet).
 *
 * Parameters are bound from a type string, one character per '?':
 *   's' const char *  (NULL binds NULL)     'i' int64_t
 *   'd' int                                 'b' bool (stored 0/1)
 *   'j' json_t * (stored as compact text; NULL binds NULL)
 *
 * Result columns become JSON by their name: "x!b" is a bool named x, "x!j" is JSON text parsed
 * into a value named x; otherwise INTEGER → integer, TEXT → string, NULL → null.
 *
 * One struct db per thread. Every mutating request runs between db_begin() (BEGIN IMMEDIATE:
 * writers queue up front instead of failing mid-way) and db_commit(); any error → db_rollback().
 */
#ifndef OSB_DB_H
#define OSB_DB_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct dbq;

/* Opens (and with create, creates) the database; sets WAL, synchronous=FULL, foreign keys
   (the process's one writer connection runs synchronous=NORMAL and db_commit flushes its WAL
   itself, after the writer gate and before it returns: db_sqlite.c).
   A PostgreSQL URL connects to a database that exists already (create changes nothing). */
int db_open(const char *path, bool create, struct db **out, struct osb_err *e);
/* True when path is a PostgreSQL URL rather than a file. */
bool db_is_url(const char *path);
/* True when db is a PostgreSQL database (for the few SQLite-only things: PRAGMAs, backup). */
bool db_postgres(const struct db *db);
/* 1 when a table of that name exists, 0 when not, -1 with e set. */
int db_table_exists(struct db *db, struct osb_err *e, const char *name);
void db_close(struct db *db);
/* PostgreSQL: true when a statement found the connection gone (server restart, failover);
   db_reconnect makes a new one on the same URL. Always false / 0 on SQLite. */
bool db_conn_lost(const struct db *db);
int db_reconnect(struct db *db, struct osb_err *e);
/* PostgreSQL: true when the last db_commit sent its COMMIT and the connection broke before the
   answer came: the transaction may or may not have committed. Always false on SQLite (a failed
   COMMIT there leaves nothing committed). */
bool db_commit_unknown(const struct db *db);
const char *db_path(const struct db *db);

int db_begin(struct db *db, struct osb_err *e);
/* db_begin for a caller that runs the whole transaction again when db_retry_wanted() says so
   (the router). On PostgreSQL its writes then run without the savepoint each write otherwise
   gets (two statements fewer per write, store/db_pg.c); should one fail, the transaction is
   aborted there, db_retry_wanted() is true, and the next try puts every write under a
   savepoint, so a flow that carries on after a failed write sees what it sees on SQLite. */
int db_begin_retrying(struct db *db, struct osb_err *e);
/* A read transaction: one consistent snapshot for a multi-query read. End with db_commit. */
int db_begin_read(struct db *db, struct osb_err *e);
int db_commit(struct db *db, struct osb_err *e);
void db_rollback(struct db *db);
/* A short write transaction for work that orders itself with a lock of its own (the audit
   sealer, store/audit.c): PostgreSQL READ COMMITTED (each statement sees what is committed
   by then, so waiting for a lock never ends in a serialization failure), no write gate,
   synchronous_commit off (what it writes is redone from committed rows after a crash);
   SQLite: db_begin. lock_table (NULL: none) is, on PostgreSQL, locked SHARE ROW EXCLUSIVE
   (one such transaction at a time) in the BEGIN's own round trip. */
int db_begin_short(struct db *db, struct osb_err *e, const char *lock_table);
/* Has fn(db) run once right after the current write transaction commits (nothing when it
   rolls back): the work then runs in a transaction of its own, outside the request's
   snapshot. One function per transaction (the last one set). */
void db_after_commit(struct db *db, void (*fn)(struct db *db));
bool db_in_tx(const struct db *db);
/* True (once) when the transaction just failed or rolled back because PostgreSQL found it in
   a deadlock (or, rarely under READ COMMITTED, a serialization failure) with another one, or
   a write of a db_begin_retrying transaction failed: the caller may run it again from
   db_begin, bounded. Always false on SQLite. */
bool db_retry_wanted(const struct db *db);

/* Locks that follow the data (PostgreSQL writes run READ COMMITTED, see store/db_pg.c and
   docs/operations.md "Which lock protects what"): db_lock_key takes a transaction-level
   advisory lock on the pair (space, key) — e.g. ("doc:order", number), ("customer", code) —
   held until COMMIT/ROLLBACK; every statement after it sees what the previous holder committed.
   Take it BEFORE reading the figures an invariant is checked on. SQLite (one writer) and read
   transactions: nothing, 0. Returns -1 with e set (lock timeout, deadlock → retried). */
int db_lock_key(struct db *db, struct osb_err *e, const char *space, const char *key);
/* " FOR UPDATE" inside a PostgreSQL write transaction (row locks on what a SELECT read, for
   a read-compute-write of those rows), "" otherwise (SQLite has no FOR UPDATE). */
const char *db_for_update(const struct db *db);

/* Runs one statement; returns the number of rows changed, or -1 with e set. */
int db_exec(struct db *db, struct osb_err *e, const char *sql, const char *types, ...);
/* Runs several ';'-separated statements without parameters (schema scripts). */
int db_script(struct db *db, struct osb_err *e, const char *sql);
int64_t db_last_id(struct db *db);

/* One integer / text of the first row: 1 found, 0 no row, -1 error. *out of db_text is
   malloc'ed (NULL when the value is NULL). */
int db_int(struct db *db, struct osb_err *e, int64_t *out, const char *sql, const char *types, ...);
int db_text(struct db *db, struct osb_err *e, char **out, const char *sql, const char *types, ...);

/* First row as a JSON object: 1 found (*out owned by caller), 0 none, -1 error. */
int db_row(struct db *db, struct osb_err *e, json_t **out, const char *sql, const char *types, ...);
/* All rows as a JSON array (owned by caller), NULL with e set on error. */
json_t *db_rows(struct db *db, struct osb_err *e, const char *sql, const char *types, ...);

/* The same with parameters from a JSON array, for SQL built at run time (filters, PATCH):
   string → text, integer → integer, true/false → 1/0, null → NULL, array/object → JSON text. */
int db_exec_a(struct db *db, struct osb_err *e, const char *sql, json_t *params);
json_t *db_rows_a(struct db *db, struct osb_err *e, const char *sql, json_t *params);

/* Row-by-row iteration for code that needs it. */
struct dbq *db_query(struct db *db, struct osb_err *e, const char *sql, const char *types, ...);
int dbq_next(struct dbq *q, struct osb_err *e); /* 1 row, 0 done, -1 error */
int64_t dbq_int(struct dbq *q, int col);
const char *dbq_text(struct dbq *q, int col); /* NULL for NULL; valid until the next dbq_next */
bool dbq_null(struct dbq *q, int col);
int dbq_cols(struct dbq *q);
const char *dbq_name(struct dbq *q, int col);
json_t *dbq_object(struct dbq *q); /* the current row as an object, same rules as db_row */
/* db_query with parameters from a JSON array (as db_rows_a): rows read one at a time. */
struct dbq *db_query_a(struct db *db, struct osb_err *e, const char *sql, json_t *params);
/* What dbq_object makes of column col of the current row: DBQ_NULL (null), DBQ_INT (an
   integer: dbq_int), DBQ_TEXT (a string: the dbq_len bytes of dbq_text, valid UTF-8 without a
   NUL), or DBQ_OTHER (anything else — a "!b" or "!j" column, a numeric that is no integer,
   text jansson would refuse: take it from dbq_object). For writers of JSON text that skip
   the object (flow/report.c) and must write what the object would hold. */
enum dbq_kind { DBQ_NULL, DBQ_INT, DBQ_TEXT, DBQ_OTHER };
enum dbq_kind dbq_kind(struct dbq *q, int col);
size_t dbq_len(struct dbq *q, int col);
void dbq_end(struct dbq *q);

/* How many statements db_exec/db_int/db_text/db_row/db_rows/db_query (and their _a forms) ran
   through this connection handle since it was opened; BEGIN and COMMIT count, schema scripts
   (db_script) do not. The statements of a write transaction count on the handle that asked for
   them, even though they run on the process's writer connection. For `make bench`
   (X-OSB-Statements, bench/README.md) and tests that hold a flow to a statement budget. */
uint64_t db_statements(const struct db *db);

/* Online backup of the open database into a new file (consistent while others write). */
int db_backup(struct db *db, const char *to, struct osb_err *e);

/* Fault injection for tests: the next n commits fail with an internal error and roll back. */
void db_fail_commits(int n);

#endif
