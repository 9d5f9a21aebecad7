/*
 * session.h — login, logout and token authentication (numbering-and-rules.md §7).
 *
 * Tokens are 32 random bytes (hex, prefixed "osb_"); only their BLAKE2b hash is stored.
 * Sessions expire after session_idle_hours without use (wall clock: the test clock moves
 * business time, not the security of a session). Failed logins are counted per address over
 * the last 60 s of wall time; the (limit+1)-th inside that window answers 429.
 */
#ifndef OSB_SESSION_H
#define OSB_SESSION_H

#include "flow/ctx.h"

#include <jansson.h>

/* On success *token is malloc'ed and *user is the user object of api.md §3.1. */
int session_login(struct ctx *c, json_t *body, char **token, json_t **user, struct osb_err *e);
int session_logout(struct ctx *c, const char *token, struct osb_err *e);
/* Fills c->user from a bearer token; 401 when missing, unknown, expired or user inactive. */
int session_authenticate(struct ctx *c, const char *token, struct osb_err *e);

/* argon2id hash of a password into a malloc'ed string (the encoded form with its salt). */
char *session_hash_password(const char *password);
/* Loads a user row into u: 1 found, 0 none, -1 error. */
int session_load_user(struct db *db, struct osb_err *e, const char *username, struct user *u,
                      bool *active, char **password_hash);

/* POST /me/password {"old","new"}: checks the old password (422 field old, rule
   wrong_password), the strength of the new one (422 field new, rule weak_password:
   session_password_weak), ends every session of the user and opens a new one (*token, like
   login). Runs its own transactions: the slow hashes hold no lock. */
int session_change_password(struct ctx *c, json_t *body, char **token, struct osb_err *e);
/* Why password is too weak for username (a sentence), or NULL when it is strong enough: at
   least 8 characters, a letter and a digit, not containing the username. */
const char *session_password_weak(const char *username, const char *password);
/* Ends every session of username, audited as end_sessions with why: 0 with *n, -1. Runs in
   the caller's transaction. */
int session_end_all(struct ctx *c, const char *username, const char *why, int64_t *n,
                    struct osb_err *e);

/* POST /users/{username}/end-sessions (admin): ends every session of that user; *out
   {"username","ended"}. 404 for no such user. */
int session_end_user(struct ctx *c, const char *username, json_t **out, struct osb_err *e);

#endif
