/*
 * err.h — the one error type of OSB and its stable codes (api.md §1).
 *
 * The deepest function that knows what went wrong fills a struct osb_err; callers pass it up
 * unchanged. ERR_MAP is the single list: it generates the enum, the pinned string and the HTTP
 * status. Never renumber or rename a code.
 */
#ifndef OSB_ERR_H
#define OSB_ERR_H

#include <stdarg.h>
#include <stdbool.h>

#define ERR_MAP(XX)                                                                                \
    XX(OK, 200, "ok")                                                                              \
    XX(BAD_REQUEST, 400, "bad_request")                                                            \
    XX(UNAUTHENTICATED, 401, "unauthenticated")                                                    \
    XX(FORBIDDEN, 403, "forbidden")                                                                \
    XX(NOT_FOUND, 404, "not_found")                                                                \
    XX(INVALID_STATE, 409, "invalid_state")                                                        \
    XX(VERSION_CONFLICT, 409, "version_conflict")                                                  \
    XX(IDEMPOTENCY_MISMATCH, 409, "idempotency_mismatch")                                          \
    XX(DUPLICATE, 409, "duplicate")                                                                \
    XX(PAYLOAD_TOO_LARGE, 413, "payload_too_large")                                                \
    XX(VALIDATION_FAILED, 422, "validation_failed")                                                \
    XX(RATE_LIMITED, 429, "rate_limited")                                                          \
    XX(METHOD_NOT_ALLOWED, 405, "method_not_allowed")                                              \
    XX(UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type")                                      \
    XX(INTERNAL, 500, "internal")                                                                  \
    XX(UNAVAILABLE, 503, "unavailable")

enum err_code {
#define XX(name, status, str) ERR_##name,
    ERR_MAP(XX)
#undef XX
        ERR__COUNT
};

struct json_t;

struct osb_err {
    enum err_code code;
    char message[256];
    char field[64];       /* details.field, "" when none */
    char rule[64];        /* details.rule, "" when none */
    char state[32];       /* details.state for invalid_state */
    struct json_t *extra; /* further details (owned; merged into details), may be NULL */
};

/* clang-format 14 splits a braced initialiser in a macro. */
/* clang-format off */
#define OSB_ERR_INIT {ERR_OK, "", "", "", "", 0}
/* clang-format on */

const char *err_code_str(enum err_code c);
int err_http_status(enum err_code c);

/* Sets code and message (printf-style); clears field/rule/state. Always returns -1 so that
   `return err_set(e, ...)` reads naturally. */
int err_set(struct osb_err *e, enum err_code c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 422 validation_failed with details.field and details.rule. */
int err_invalid(struct osb_err *e, const char *field, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 400 bad_request naming the field. */
int err_bad(struct osb_err *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 403 forbidden with details.rule. */
int err_forbidden(struct osb_err *e, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 409 invalid_state with details.state. */
int err_state(struct osb_err *e, const char *state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void err_clear(struct osb_err *e);
static inline bool err_ok(const struct osb_err *e)
{
    return e->code == ERR_OK;
}

#endif
