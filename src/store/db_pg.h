/*
 * db_pg.h — the PostgreSQL driver behind db.h; internal to src/store.
 *
 * Nothing outside the store includes this file. db_sqlite.c owns the public db.h functions;
 * a struct db opened on a "postgresql://" or "postgres://" URL holds a struct pgdb and each
 * public function hands its work to the pgdb_* function of the same name (the tag is
 * db->pg). A struct pgq is the result of one statement, read row by row through dbq_*.
 */
#ifndef OSB_DB_PG_H
#define OSB_DB_PG_H

#include "core/err.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

struct pgdb;
struct pgq;

/* True when path names a PostgreSQL database (a libpq connection URL). */
bool pgdb_is_url(const char *path);

int pgdb_open(const char *url, struct pgdb **out, struct osb_err *e);
void pgdb_close(struct pgdb *p);
/* True when a statement found the connection gone; pgdb_reset reconnects (same URL). */
bool pgdb_lost(const struct pgdb *p);
/* True when the last COMMIT was sent and the connection broke before its answer came (the
   outcome is unknown); false again at the next BEGIN. */
bool pgdb_commit_unknown(const struct pgdb *p);
int pgdb_reset(struct pgdb *p, struct osb_err *e);

/* BEGIN ISOLATION LEVEL READ COMMITTED for a write (db_begin; invariants are kept by the
   locks of db_lock_key / FOR UPDATE), or a REPEATABLE READ snapshot (db_begin_read). With
   retrying (db_begin_retrying) the writes run without savepoints until one fails; then
   pgdb_retry_take says to run the transaction again, and that try uses them. */
int pgdb_begin(struct pgdb *p, bool write, bool retrying, struct osb_err *e);
/* True inside a write transaction of db_begin (locks are taken only there). */
bool pgdb_in_write(const struct pgdb *p);
/* True once after this thread's statement failed as a serialization failure or deadlock, or
   a write of a retrying transaction failed (see pgdb_begin). */
bool pgdb_retry_take(void);
/* db_begin_short: READ COMMITTED, no write gate, synchronous_commit off; lock_table (letters,
   digits, '_'; NULL none) locked SHARE ROW EXCLUSIVE in the same round trip. */
int pgdb_begin_short(struct pgdb *p, struct osb_err *e, const char *lock_table);
int pgdb_commit(struct pgdb *p, struct osb_err *e);
void pgdb_rollback(struct pgdb *p);

/* Runs one statement; the whole result is kept in the returned pgq. NULL with e set. */
struct pgq *pgdb_vquery(struct pgdb *p, struct osb_err *e, const char *sql, const char *types,
                        va_list ap);
struct pgq *pgdb_query_a(struct pgdb *p, struct osb_err *e, const char *sql, json_t *params);
/* Rows changed by the statement q ran. */
int pgq_changes(const struct pgq *q);
int pgq_next(struct pgq *q);
int64_t pgq_int(struct pgq *q, int col);
const char *pgq_text(struct pgq *q, int col);
bool pgq_null(struct pgq *q, int col);
int pgq_cols(struct pgq *q);
const char *pgq_name(struct pgq *q, int col);
json_t *pgq_object(struct pgq *q);
/* dbq_kind (an enum dbq_kind of store/db.h) and dbq_len of the current row's column col. */
int pgq_kind(struct pgq *q, int col);
size_t pgq_len(struct pgq *q, int col);
void pgq_end(struct pgq *q);

/* A schema script written for SQLite, translated (see db_pg.c) and run. */
int pgdb_script(struct pgdb *p, struct osb_err *e, const char *sql);
int64_t pgdb_last_id(struct pgdb *p, struct osb_err *e);
/* 1 when a table of that name exists in the current schema, 0 when not, -1 on error. */
int pgdb_table_exists(struct pgdb *p, struct osb_err *e, const char *name);

#endif
