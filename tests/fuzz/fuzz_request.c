/*
 * fuzz_request.c — libFuzzer target for the JSON request path: the body parse of
 * http/server.c, record_check() (core/record.c) over every real master-data collection in
 * create and PATCH mode, the error envelope (err_envelope, http/router.c), and the route
 * matcher (router_match), which needs no connection.
 *
 * Properties (abort() on violation):
 *   - success: the clean object holds only known, client-settable fields that were in the
 *     body; no key or fixed field on PATCH; null only on PATCH and only for optional fields;
 *     every create has its required fields; FK_FEN and FK_INT values are integers in range.
 *   - failure: 400 or 422, no clean object; a 422 names the field or the rule; the envelope is
 *     {"error": {"code", "message", "details"}} with the code's pinned string.
 *   - routing: a match comes with the asked method, at most 4 non-empty captures without '/'.
 */
#include "core/err.h"
#include "core/money.h"
#include "core/record.h"
#include "http/http.h"
#include "store/masterdata.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_request: %s:%d: property failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                                    \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* router_match reads g_server->test_clock (server.c owns the pointer). */
static struct server_conf conf;

static const struct record_def *const defs[] = {&rd_market,   &rd_region,  &rd_user,
                                                &rd_customer, &rd_product, &rd_warehouse};

static void check_envelope(const struct osb_err *e)
{
    json_t *env = err_envelope(e);
    CHECK(env != NULL && json_is_object(env) && json_object_size(env) == 1);
    json_t *err = json_object_get(env, "error");
    CHECK(json_is_object(err));
    json_t *code = json_object_get(err, "code");
    CHECK(json_is_string(code) && strcmp(json_string_value(code), err_code_str(e->code)) == 0);
    json_t *msg = json_object_get(err, "message");
    CHECK(json_is_string(msg) && json_string_length(msg) > 0);
    json_t *details = json_object_get(err, "details");
    CHECK(json_is_object(details));
    json_t *field = json_object_get(details, "field");
    if (e->field[0])
        CHECK(json_is_string(field) && strcmp(json_string_value(field), e->field) == 0);
    else
        CHECK(field == NULL);
    json_t *rule = json_object_get(details, "rule");
    if (e->rule[0])
        CHECK(json_is_string(rule) && strcmp(json_string_value(rule), e->rule) == 0);
    /* The envelope must serialise: it is what the client receives. */
    char *text = json_dumps(env, JSON_COMPACT);
    CHECK(text != NULL);
    free(text);
    json_decref(env);
}

static void check_clean(const struct record_def *d, json_t *body, bool create, json_t *clean)
{
    CHECK(json_is_object(clean));
    const char *k;
    json_t *v;
    json_object_foreach(clean, k, v) {
        const struct field_def *f = record_field(d, k);
        CHECK(f != NULL && !(f->flags & F_INTERNAL));
        CHECK(json_object_get(body, k) != NULL);
        if (!create)
            CHECK(!(f->flags & (F_KEY | F_FIXED)));
        if (json_is_null(v)) {
            CHECK(!create && !(f->flags & F_REQUIRED));
            continue;
        }
        if (f->kind == FK_FEN || f->kind == FK_INT) {
            CHECK(json_is_integer(v));
            json_int_t x = json_integer_value(v);
            int64_t max = f->max ? f->max : (f->kind == FK_FEN ? MONEY_MAX_FEN : INT64_MAX);
            CHECK(x >= f->min && x <= max);
            if (f->kind == FK_FEN)
                CHECK(x <= MONEY_MAX_FEN);
        } else if (f->kind == FK_BOOL) {
            CHECK(json_is_boolean(v));
        } else if (f->kind == FK_JSON) {
            CHECK(json_is_array(v) || json_is_object(v));
        } else {
            CHECK(json_is_string(v));
        }
    }
    if (create) {
        for (size_t i = 0; i < d->nfields; i++) {
            const struct field_def *f = &d->fields[i];
            if ((f->flags & (F_REQUIRED | F_KEY)) && !(f->flags & F_INTERNAL)) {
                json_t *cv = json_object_get(clean, f->name);
                CHECK(cv != NULL && !json_is_null(cv));
            }
        }
    }
}

/* A number out of range names the rule of its side: a field's own rule (limit_negative,
   price_negative, term_out_of_range, ...) for the low side, and for money above 10^13 fen
   always amount_too_large (numbering-and-rules.md §8). */
static void check_range_rule(const struct record_def *d, json_t *body, const struct osb_err *e)
{
    const struct field_def *f = record_field(d, e->field);
    json_t *v = json_object_get(body, e->field);
    if (!f || !json_is_integer(v) || (f->kind != FK_FEN && f->kind != FK_INT))
        return;
    json_int_t x = json_integer_value(v);
    int64_t max = f->max ? f->max : (f->kind == FK_FEN ? MONEY_MAX_FEN : INT64_MAX);
    if (f->kind == FK_FEN && x > MONEY_MAX_FEN)
        CHECK(strcmp(e->rule, "amount_too_large") == 0);
    else if (x < f->min && f->range_rule)
        CHECK(strcmp(e->rule, f->range_rule) == 0);
    else if (x > max && f->range_rule)
        CHECK(strcmp(e->rule, f->range_rule) == 0);
}

static void check_records(json_t *body)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        for (int mode = 0; mode < 2; mode++) {
            bool create = mode == 0;
            struct osb_err e = OSB_ERR_INIT;
            json_t *clean = (json_t *)&e; /* must be reset to NULL on failure */
            int rc = record_check(defs[i], body, create, &clean, &e);
            if (rc == 0) {
                CHECK(err_ok(&e));
                check_clean(defs[i], body, create, clean);
                json_decref(clean);
            } else {
                CHECK(rc < 0 && clean == NULL);
                CHECK(e.code == ERR_BAD_REQUEST || e.code == ERR_VALIDATION_FAILED);
                if (e.code == ERR_VALIDATION_FAILED) {
                    CHECK(e.field[0] || e.rule[0]);
                    check_range_rule(defs[i], body, &e);
                }
                check_envelope(&e);
            }
            err_clear(&e);
        }
    }
}

/* The body exactly as server.c's finish_api() takes it. */
static void check_body(const uint8_t *data, size_t size)
{
    json_error_t je;
    /* An empty body reaches the handler as an empty object (req_body in router.c). */
    json_t *body = size == 0 ? json_object()
                             : json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    struct osb_err e = OSB_ERR_INIT;
    if (!body) {
        err_set(&e, ERR_BAD_REQUEST, "the body is not valid JSON: %s (line %d)", je.text,
                je.line);
        check_envelope(&e);
    } else if (!json_is_object(body)) {
        err_set(&e, ERR_BAD_REQUEST, "the body must be a JSON object");
        check_envelope(&e);
        /* record_check must refuse a non-object by itself as well. */
        json_t *clean = NULL;
        struct osb_err e2 = OSB_ERR_INIT;
        CHECK(record_check(&rd_customer, body, true, &clean, &e2) < 0 && clean == NULL &&
              e2.code == ERR_BAD_REQUEST);
        err_clear(&e2);
    } else {
        check_records(body);
    }
    err_clear(&e);
    json_decref(body);
}

static void check_route(const uint8_t *data, size_t size)
{
    /* The path is the first line of the input when it starts with '/' (MHD hands the router a
       decoded path without NULs; a query string is already split off). */
    if (size == 0 || data[0] != '/' || size > 2048)
        return;
    size_t n = 0;
    while (n < size && data[n] != '\n' && data[n] != '\0')
        n++;
    char *path = malloc(n + 1);
    if (!path)
        return;
    memcpy(path, data, n);
    path[n] = '\0';
    static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE"};
    for (int tc = 0; tc < 2; tc++) {
        conf.test_clock = tc == 1;
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
            struct req r;
            memset(&r, 0, sizeof r);
            bool known = false;
            const struct route *rt = router_match(methods[m], path, &r, &known);
            if (rt) {
                CHECK(known);
                CHECK(strcmp(rt->method, methods[m]) == 0 && rt->fn != NULL);
                CHECK(r.nparams >= 0 && r.nparams <= 4);
                if (rt->flags & R_TEST)
                    CHECK(conf.test_clock);
                for (int k = 0; k < r.nparams; k++) {
                    CHECK(r.params[k] != NULL && r.params[k][0] != '\0');
                    CHECK(strchr(r.params[k], '/') == NULL);
                    free(r.params[k]);
                }
            } else {
                CHECK(r.nparams == 0);
            }
        }
    }
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* The Makefile builds fuzz targets with recoverable UBSan; a report must stop the run. */
const char *__ubsan_default_options(void) { return "halt_on_error=1:print_stacktrace=1"; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    g_server = &conf;
    check_body(data, size);
    check_route(data, size);
    return 0;
}
