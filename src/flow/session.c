/*
 * session.c — login/logout/authenticate (session.h).
 */
#include "flow/session.h"

#include "core/clock.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "store/session.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* OSB_KDF=fast selects argon2id's minimum cost (for test servers that log in thousands of
   times); the default is libsodium's interactive cost. The hash string records its own
   parameters, so verification works across both. */
static void kdf_limits(unsigned long long *ops, size_t *mem)
{
    const char *k = getenv("OSB_KDF");
    if (k && strcmp(k, "fast") == 0) {
        *ops = crypto_pwhash_OPSLIMIT_MIN;
        *mem = crypto_pwhash_MEMLIMIT_MIN;
    } else {
        *ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        *mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    }
}

char *session_hash_password(const char *password)
{
    char out[crypto_pwhash_STRBYTES];
    unsigned long long ops;
    size_t mem;
    kdf_limits(&ops, &mem);
    if (crypto_pwhash_str_alg(out, password, strlen(password), ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        abort(); /* out of memory */
    return xstrdup(out);
}

/* A hash of a random password, made once per process with the same KDF cost as real hashes: a
   login for an unknown or inactive username is checked against it, so it takes as long as a
   wrong password for a real user and the timing does not tell which usernames exist. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    unsigned char raw[32];
    char hex[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    char *h = session_hash_password(hex);
    memcpy(dummy_hash, h, strlen(h) + 1); /* < crypto_pwhash_STRBYTES by construction */
    free(h);
}

static const char *session_dummy_hash(void)
{
    (void)pthread_once(&dummy_once, dummy_make);
    return dummy_hash;
}

static void token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void user_of(const struct store_user *su, struct user *u)
{
    memset(u, 0, sizeof *u);
    /* Same sizes on both sides (store/session.h mirrors struct user): nothing is cut. */
    (void)str_copy(u->username, sizeof u->username, su->username);
    (void)str_copy(u->name, sizeof u->name, su->name);
    u->role = role_parse(su->role);
    (void)str_copy(u->market, sizeof u->market, su->market);
    (void)str_copy(u->region, sizeof u->region, su->region);
    (void)str_copy(u->manager, sizeof u->manager, su->manager);
    (void)str_copy(u->proxy_for, sizeof u->proxy_for, su->proxy_for);
}

int session_load_user(struct db *db, struct osb_err *e, const char *username, struct user *u,
                      bool *active, char **password_hash)
{
    struct store_user su;
    int rc = store_user_load(db, e, username, password_hash != NULL, &su);
    if (rc == 1) {
        user_of(&su, u);
        if (active)
            *active = su.active;
        if (password_hash)
            *password_hash = su.password_hash;
    }
    return rc;
}

static const struct field_def login_fields[] = {
    {"username", FK_TEXT, 0, 64, F_REQUIRED, 0, 0, 0},
    {"password", FK_PASSWORD, 0, 256, F_REQUIRED, 0, 0, 0},
};
static const struct record_def login_def = {"", "username", "session", login_fields, 2};

static json_t *user_json(const struct user *u)
{
    return json_pack("{ss ss ss so so}", "username", u->username, "name", u->name, "role",
                     role_str(u->role), "market",
                     u->market[0] ? json_string(u->market) : json_null(), "region",
                     u->region[0] ? json_string(u->region) : json_null());
}

/* Login's own short write transactions are outside the router's retry (R_OWN_TX): on
   PostgreSQL one that met another writer (the audit chain's last row, a session) in a
   serialization failure runs again, a bounded number of times, as the router does. */
static bool retry_again(struct ctx *c, int attempt, struct osb_err *e)
{
    if (attempt >= 10 || !db_retry_wanted(c->db))
        return false;
    err_clear(e);
    return true;
}

/* Counted per (address, username) over 60 s: the 11th attempt for one username is refused even
   with the right password; other usernames from that address only after 100 failures from it
   (settings login_fail_limit, login_fail_address_limit); and per username over every address:
   the 51st attempt for one username within 60 s is refused from anywhere (login_fail_user_limit),
   so guesses spread over many addresses get no more tries than a few addresses would. The lock
   on the username follows the one on the address (always in that order: no deadlock). A wrong
   old password on
   POST /me/password counts here too. The attempt takes its slot before the slow password
   check, in one short write transaction that counts and records it (the lock on the address
   makes the two one step on PostgreSQL too; SQLite has one writer): parallel attempts cannot
   all pass a count none of them has added to yet. *slot is the recorded row: it stays as the
   failure when the password is wrong and is given back (login_slot_drop) when it is right. */
static int login_reserve(struct ctx *c, const char *username, ts_t wall, int64_t *slot,
                         struct osb_err *e)
{
    *slot = 0;
    for (int attempt = 1;; attempt++) {
        int64_t of_user = 0, of_ip = 0, of_name = 0;
        int rc = -1;
        if (db_begin(c->db, e) == 0 && db_lock_key(c->db, e, "login", c->ip ? c->ip : "") == 0 &&
            db_lock_key(c->db, e, "login_user", username) == 0 &&
            store_login_failures(c->db, e, c->ip, username, wall - 60 * TS_PER_SEC, &of_user,
                                 &of_ip) == 0 &&
            store_login_failures_of_name(c->db, e, username, wall - 60 * TS_PER_SEC, &of_name) ==
                0) {
            if (of_user >= c->cfg->login_fail_limit)
                err_set(e, ERR_RATE_LIMITED, "too many failed logins for this user; wait a minute");
            else if (of_ip >= c->cfg->login_fail_address_limit)
                err_set(e, ERR_RATE_LIMITED,
                        "too many failed logins from this address; wait a minute");
            else if (of_name >= c->cfg->login_fail_user_limit)
                err_set(e, ERR_RATE_LIMITED,
                        "too many failed logins for this user from all addresses; wait a minute");
            else if (store_login_failure_add(c->db, e, c->ip, wall, username, slot) == 0 &&
                     db_commit(c->db, e) == 0)
                rc = 0;
        }
        if (rc == 0)
            return 0;
        if (db_in_tx(c->db))
            db_rollback(c->db);
        if (e->code == ERR_RATE_LIMITED || !retry_again(c, attempt, e))
            return -1;
    }
}

/* Gives an attempt's slot back outside the transaction of its success (a right old password
   whose new one is refused): best effort — a slot left behind counts as one failure for a
   minute. */
static void login_slot_drop(struct ctx *c, int64_t slot)
{
    struct osb_err e = OSB_ERR_INIT;
    if (db_begin(c->db, &e) == 0 && store_login_failure_drop(c->db, &e, slot) == 0 &&
        db_commit(c->db, &e) == 0)
        return;
    if (db_in_tx(c->db))
        db_rollback(c->db);
}

/* The failure (its slot already recorded) audited in a short transaction of its own
   (login_failed; `via` names where it came from when not POST /login). The caller answers the
   error. */
static int login_failure_audit(struct ctx *c, const char *username, const char *via,
                               struct osb_err *e)
{
    json_t *after = via ? json_pack("{ss ss}", "username", username, "via", via)
                        : json_pack("{ss}", "username", username);
    int rc = 0;
    for (int attempt = 1;; attempt++) {
        if (db_begin(c->db, e) == 0 &&
            flow_audit(c, e, "login_failed", "session", username, NULL, after) == 0 &&
            db_commit(c->db, e) == 0)
            break;
        if (db_in_tx(c->db))
            db_rollback(c->db);
        if (!retry_again(c, attempt, e)) {
            rc = -1;
            break;
        }
    }
    json_decref(after);
    return rc;
}

/*
 * Login runs its own transactions: the user is read and the password checked (argon2id, the
 * slow part) without holding the write lock, then one short write transaction records the
 * session or the failure. A failure is recorded and audited although the answer is an error.
 */
int session_login(struct ctx *c, json_t *body, char **token, json_t **user, struct osb_err *e)
{
    *token = NULL;
    *user = NULL;
    json_t *clean;
    if (record_check(&login_def, body, true, &clean, e) < 0)
        return -1;
    const char *username = json_string_value(json_object_get(clean, "username"));
    const char *password = json_string_value(json_object_get(clean, "password"));
    ts_t wall = clock_wall();
    int rc = -1;
    int64_t slot = 0;
    if (login_reserve(c, username, wall, &slot, e) < 0)
        goto out;
    struct user u;
    bool active = false;
    char *hash = NULL;
    int found = session_load_user(c->db, e, username, &u, &active, &hash);
    if (found < 0)
        goto out;
    /* Unknown or inactive: the same slow check against the dummy hash, then the same answer. */
    bool known = found == 1 && active && hash;
    bool ok = crypto_pwhash_str_verify(known ? hash : session_dummy_hash(), password,
                                       strlen(password)) == 0 &&
              known;
    free(hash);
    if (!ok) {
        if (login_failure_audit(c, username, NULL, e) == 0)
            err_set(e, ERR_UNAUTHENTICATED, "wrong username or password");
        goto out;
    }
    unsigned char raw[32];
    char hex[65], th[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    struct sb t = SB_INIT;
    sb_addf(&t, "osb_%s", hex);
    token_hash(t.buf, th);
    c->user = u;
    for (int attempt = 1;; attempt++) {
        if (db_begin(c->db, e) == 0 && store_login_failure_drop(c->db, e, slot) == 0 &&
            store_session_add(c->db, e, th, u.username, wall, c->ip) == 0 &&
            flow_audit(c, e, "login", "session", u.username, NULL, NULL) == 0 &&
            db_commit(c->db, e) == 0)
            break;
        if (db_in_tx(c->db))
            db_rollback(c->db);
        if (!retry_again(c, attempt, e)) {
            sb_free(&t);
            goto out;
        }
    }
    *token = sb_detach(&t);
    *user = user_json(&u);
    rc = 0;
out:
    json_decref(clean);
    return rc;
}

int session_logout(struct ctx *c, const char *token, struct osb_err *e)
{
    char th[65];
    token_hash(token, th);
    if (store_session_delete(c->db, e, th) < 0)
        return -1;
    return flow_audit(c, e, "logout", "session", c->user.username, NULL, NULL);
}

int session_authenticate(struct ctx *c, const char *token, struct osb_err *e)
{
    if (!token || !*token)
        return err_set(e, ERR_UNAUTHENTICATED, "log in first (Authorization: Bearer <token>)");
    char th[65];
    token_hash(token, th);
    struct store_user su;
    int64_t last = 0;
    int rc = store_session_user(c->db, e, th, &su, &last); /* one read: session and user */
    if (rc < 0)
        return -1;
    ts_t wall = clock_wall();
    int64_t idle = (int64_t)c->cfg->session_idle_hours * TS_PER_HOUR;
    if (rc == 0 || wall - last > idle)
        return err_set(e, ERR_UNAUTHENTICATED, "the session has expired or is unknown; log in");
    if (!su.active)
        return err_set(e, ERR_UNAUTHENTICATED, "the user is no longer active");
    user_of(&su, &c->user);
    /* Touch at most once a minute, so reads stay reads. */
    if (wall - last > 60 * TS_PER_SEC) {
        struct osb_err ignore = OSB_ERR_INIT;
        (void)store_session_touch(c->db, &ignore, th, wall);
        err_clear(&ignore);
    }
    return 0;
}

/* ---- password change and the end of sessions (api.md §4 sessions) --------------------- */

const char *session_password_weak(const char *username, const char *password)
{
    size_t chars = 0;
    bool letter = false, digit = false;
    for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
        chars += (*p & 0xC0) != 0x80;
        letter = letter || isalpha(*p) || *p >= 0x80;
        digit = digit || isdigit(*p);
    }
    if (chars < 8)
        return "the new password needs at least 8 characters";
    if (!letter || !digit)
        return "the new password needs at least one letter and one digit";
    /* The username inside the password (any case) is the first thing anyone tries. */
    size_t ul = strlen(username), pl = strlen(password);
    for (size_t i = 0; ul && i + ul <= pl; i++)
        if (strncasecmp(password + i, username, ul) == 0)
            return "the new password must not contain the username";
    return NULL;
}

int session_end_all(struct ctx *c, const char *username, const char *why, int64_t *n,
                    struct osb_err *e)
{
    if (store_sessions_end(c->db, e, username, n) < 0)
        return -1;
    json_t *after = json_pack("{ss sI}", "reason", why, "sessions", (json_int_t)*n);
    int rc = flow_audit(c, e, "end_sessions", "session", username, NULL, after);
    json_decref(after);
    return rc;
}

static const struct field_def password_fields[] = {
    {"old", FK_PASSWORD, 0, 256, F_REQUIRED, 0, 0, 0},
    {"new", FK_PASSWORD, 0, 128, F_REQUIRED, 0, 0, 0},
};
static const struct record_def password_def = {"", "old", "password", password_fields, 2};

int session_change_password(struct ctx *c, json_t *body, char **token, struct osb_err *e)
{
    *token = NULL;
    json_t *clean;
    if (record_check(&password_def, body, true, &clean, e) < 0)
        return -1;
    const char *old = json_string_value(json_object_get(clean, "old"));
    const char *neu = json_string_value(json_object_get(clean, "new"));
    const char *username = c->user.username;
    char *hash = NULL, *fresh = NULL;
    struct sb t = SB_INIT;
    int rc = -1;
    struct user u;
    bool active = false;
    int found = session_load_user(c->db, e, username, &u, &active, &hash);
    if (found < 0)
        goto out;
    if (found == 0 || !active) {
        err_set(e, ERR_UNAUTHENTICATED, "the user is no longer active");
        goto out;
    }
    /* A wrong old password is a failed login of this user from this address: same table, same
       limits, so guessing through this endpoint is throttled (429) like POST /login. */
    int64_t slot = 0;
    if (login_reserve(c, username, clock_wall(), &slot, e) < 0)
        goto out;
    if (crypto_pwhash_str_verify(hash, old, strlen(old)) != 0) {
        if (login_failure_audit(c, username, "password_change", e) == 0)
            err_invalid(e, "old", "wrong_password", "the old password is wrong");
        goto out;
    }
    const char *weak = session_password_weak(username, neu);
    if (weak || strcmp(old, neu) == 0) {
        login_slot_drop(c, slot); /* the old password was right: no failure */
        if (weak)
            err_invalid(e, "new", "weak_password", "%s", weak);
        else
            err_invalid(e, "new", "password_reused", "the new password is the old one");
        goto out;
    }
    fresh = session_hash_password(neu);
    unsigned char raw[32];
    char hex[65], th[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    sb_addf(&t, "osb_%s", hex);
    token_hash(t.buf, th);
    ts_t wall = clock_wall();
    int64_t ended = 0;
    if (db_begin(c->db, e) < 0)
        goto out;
    int set = store_user_set_password(c->db, e, username, hash, fresh, c->now);
    if (set == 0)
        err_set(e, ERR_VERSION_CONFLICT, "the password was changed meanwhile; try again");
    if (set <= 0 || store_login_failure_drop(c->db, e, slot) < 0 ||
        session_end_all(c, username, "password_change", &ended, e) < 0 ||
        store_session_add(c->db, e, th, username, wall, c->ip) < 0 ||
        flow_audit(c, e, "change_password", "user", username, NULL, NULL) < 0 ||
        db_commit(c->db, e) < 0) {
        db_rollback(c->db);
        goto out;
    }
    *token = sb_detach(&t);
    rc = 0;
out:
    sb_free(&t);
    free(hash);
    free(fresh);
    json_decref(clean);
    return rc;
}

int session_end_user(struct ctx *c, const char *username, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (c->user.role != ROLE_ADMIN)
        return err_forbidden(e, "role", "only an administrator may end another user's sessions");
    struct user u;
    int found = session_load_user(c->db, e, username, &u, NULL, NULL);
    if (found <= 0)
        return found < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no user '%s'", username);
    int64_t n = 0;
    if (session_end_all(c, u.username, "ended_by_admin", &n, e) < 0)
        return -1;
    *out = json_pack("{ss sI}", "username", u.username, "ended", (json_int_t)n);
    return 0;
}
