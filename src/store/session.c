/*
 * session.c (store) — SQL of users, sessions and login_failures for flow/session.c.
 */
#include "store/session.h"

#include "core/sb.h"
#include "core/str.h"

#include <string.h>

/* Fills u from columns first.. of q: username, name, role, market, region, manager,
   proxy_for, active, password_hash. */
static void user_from(struct dbq *q, int first, bool with_hash, struct store_user *u)
{
    /* The columns are bounded by the master-data field tables; a longer value is cut, as the
       fixed fields of struct user always did. */
    (void)str_copy(u->username, sizeof u->username, dbq_text(q, first + 0));
    (void)str_copy(u->name, sizeof u->name, dbq_text(q, first + 1));
    (void)str_copy(u->role, sizeof u->role, dbq_text(q, first + 2));
    (void)str_copy(u->market, sizeof u->market, dbq_text(q, first + 3));
    (void)str_copy(u->region, sizeof u->region, dbq_text(q, first + 4));
    (void)str_copy(u->manager, sizeof u->manager, dbq_text(q, first + 5));
    (void)str_copy(u->proxy_for, sizeof u->proxy_for, dbq_text(q, first + 6));
    u->active = dbq_int(q, first + 7) != 0;
    if (with_hash)
        u->password_hash = xstrdup(dbq_text(q, first + 8) ? dbq_text(q, first + 8) : "");
}

#define USER_COLS                                                                                  \
    "u.username, u.name, u.role, u.market, u.region, u.manager, u.proxy_for, u.active,"            \
    " u.password_hash"

int store_user_load(struct db *db, struct osb_err *e, const char *username, bool with_hash,
                    struct store_user *u)
{
    memset(u, 0, sizeof *u);
    struct dbq *q =
        db_query(db, e, "SELECT " USER_COLS " FROM users u WHERE u.username = ?", "s", username);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1)
        user_from(q, 0, with_hash, u);
    dbq_end(q);
    return rc;
}

int store_session_user(struct db *db, struct osb_err *e, const char *token_hash,
                       struct store_user *u, int64_t *last_seen)
{
    memset(u, 0, sizeof *u);
    *last_seen = 0;
    struct dbq *q = db_query(db, e,
                             "SELECT s.last_seen, " USER_COLS " FROM sessions s"
                             " JOIN users u ON u.username = s.username WHERE s.token_hash = ?",
                             "s", token_hash);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        *last_seen = dbq_int(q, 0);
        user_from(q, 1, false, u);
    }
    dbq_end(q);
    return rc;
}

int store_login_failures(struct db *db, struct osb_err *e, const char *ip, const char *username,
                         int64_t since, int64_t *of_user, int64_t *of_ip)
{
    *of_user = *of_ip = 0;
    json_t *row = NULL;
    int rc = db_row(
        db, e, &row,
        "SELECT count(*) AS n, coalesce(sum(CASE WHEN username = ? THEN 1 ELSE 0 END), 0) AS mine"
        " FROM login_failures WHERE ip = ? AND at > ?",
        "ssi", username ? username : "", ip ? ip : "", since);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        *of_ip = json_integer_value(json_object_get(row, "n"));
        *of_user = json_integer_value(json_object_get(row, "mine"));
    }
    json_decref(row);
    return 0;
}

int store_login_failures_of_name(struct db *db, struct osb_err *e, const char *username,
                                 int64_t since, int64_t *n)
{
    *n = 0;
    json_t *row = NULL;
    int rc = db_row(db, e, &row,
                    "SELECT count(*) AS n FROM login_failures WHERE username = ? AND at > ?", "si",
                    username ? username : "", since);
    if (rc < 0)
        return -1;
    if (rc > 0)
        *n = json_integer_value(json_object_get(row, "n"));
    json_decref(row);
    return 0;
}

int store_login_failure_add(struct db *db, struct osb_err *e, const char *ip, int64_t at,
                            const char *username, int64_t *id)
{
    if (db_exec(db, e, "INSERT INTO login_failures(ip, at, username) VALUES(?,?,?)", "sis",
                ip ? ip : "", at, username) < 0)
        return -1;
    if (id)
        *id = db_last_id(db);
    return 0;
}

int store_login_failure_drop(struct db *db, struct osb_err *e, int64_t id)
{
    return db_exec(db, e, "DELETE FROM login_failures WHERE id = ?", "i", id) < 0 ? -1 : 0;
}

int store_session_add(struct db *db, struct osb_err *e, const char *token_hash,
                      const char *username, int64_t at, const char *ip)
{
    return db_exec(db, e,
                   "INSERT INTO sessions(token_hash, username, created_at, last_seen, ip)"
                   " VALUES(?,?,?,?,?)",
                   "ssiis", token_hash, username, at, at, ip) < 0
               ? -1
               : 0;
}

int store_session_delete(struct db *db, struct osb_err *e, const char *token_hash)
{
    int rc = db_exec(db, e, "DELETE FROM sessions WHERE token_hash = ?", "s", token_hash);
    return rc < 0 ? -1 : 0;
}

int store_session_touch(struct db *db, struct osb_err *e, const char *token_hash, int64_t at)
{
    return db_exec(db, e, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", "is", at,
                   token_hash) < 0
               ? -1
               : 0;
}

int store_sessions_end(struct db *db, struct osb_err *e, const char *username, int64_t *n)
{
    int rc = db_exec(db, e, "DELETE FROM sessions WHERE username = ?", "s", username);
    *n = rc < 0 ? 0 : rc;
    return rc < 0 ? -1 : 0;
}

int store_user_set_password(struct db *db, struct osb_err *e, const char *username,
                            const char *expected, const char *hash, int64_t now)
{
    int rc = db_exec(db, e,
                     "UPDATE users SET password_hash = ?, version = version + 1, updated_at = ?"
                     " WHERE username = ? AND password_hash = ?",
                     "siss", hash, now, username, expected);
    return rc < 0 ? -1 : rc > 0;
}
