/*
 * session.h (store) — the rows behind logging in: users as the session sees them, sessions
 * (by token hash; the token itself is never stored) and failed logins per address.
 */
#ifndef OSB_STORE_SESSION_H
#define OSB_STORE_SESSION_H

#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

/* A user row as authentication needs it; text fields "" when NULL. */
struct store_user {
    char username[40];
    char name[128];
    char role[32];
    char market[40];
    char region[40];
    char manager[40];
    char proxy_for[40];
    bool active;
    char *password_hash; /* malloc'ed ("" when NULL) when asked for, else NULL */
};

/* Loads a user: 1 found, 0 none, -1 error. with_hash: also fill password_hash (the caller
   frees it). */
int store_user_load(struct db *db, struct osb_err *e, const char *username, bool with_hash,
                    struct store_user *u);

/* The session of token_hash and its user in one read: 1 found (u, *last_seen), 0 none,
   -1 error. */
int store_session_user(struct db *db, struct osb_err *e, const char *token_hash,
                       struct store_user *u, int64_t *last_seen);

/* Failed logins from ip after since (µs): *of_ip all of them, *of_user those for username;
   0, or -1 on error. */
int store_login_failures(struct db *db, struct osb_err *e, const char *ip, const char *username,
                         int64_t since, int64_t *of_user, int64_t *of_ip);
/* Failed logins for username from every address after since (µs): *n; 0, or -1 on error. */
int store_login_failures_of_name(struct db *db, struct osb_err *e, const char *username,
                                 int64_t since, int64_t *n);
/* Records a failed login (or the slot of an attempt whose check is still running); *id its
   row (NULL: not wanted). 0, or -1 on error. */
int store_login_failure_add(struct db *db, struct osb_err *e, const char *ip, int64_t at,
                            const char *username, int64_t *id);
/* Gives back an attempt's slot (the password was right): 0, or -1 on error. */
int store_login_failure_drop(struct db *db, struct osb_err *e, int64_t id);

int store_session_add(struct db *db, struct osb_err *e, const char *token_hash,
                      const char *username, int64_t at, const char *ip);
int store_session_delete(struct db *db, struct osb_err *e, const char *token_hash);
int store_session_touch(struct db *db, struct osb_err *e, const char *token_hash, int64_t at);

/* Ends every session of username (api.md §4 sessions): 0 with *n the number ended, -1. */
int store_sessions_end(struct db *db, struct osb_err *e, const char *username, int64_t *n);
/* Sets the password hash of username when it is still expected (the hash the change was
   checked against): 1 set, 0 changed meanwhile, -1 error. */
int store_user_set_password(struct db *db, struct osb_err *e, const char *username,
                            const char *expected, const char *hash, int64_t now);

#endif
