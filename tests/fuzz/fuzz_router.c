/*
 * fuzz_router.c — libFuzzer target for a logged-in request through the router: route match,
 * authentication of a real session, the query arguments (every handler's parse of them,
 * report filters included: GET /reports/{name}?from=&to=&dimension=&market=…&format=), the
 * transaction, the handler on a demo company's data, the money filter and the error envelope.
 * The database is made once per process (harness.h: osb init + osb demo in a temporary
 * directory); one session per role is opened there. Reads only (GET): a write would commit
 * and every input after it would start from other data.
 *
 * Input: byte 0 picks the role; the rest up to a NUL or the end is "PATH?QUERY" below /api/v1,
 * the query split at '&' and '=' and %-decoded as MHD does; when the input is short a report
 * path is made from it (byte 1 picks a report, the rest is its query).
 * Properties (abort() on violation): no crash, leak or undefined behaviour; the status is one
 * api.md §1 names and never 500; an error answer is the pinned envelope; a 200 is a JSON
 * object or a file (PDF, XLSX, CSV) with a length.
 */
#define FUZZ_NAME "fuzz_router"
#include "harness.h"

#include "core/clock.h"
#include "core/sb.h"
#include "flow/report.h"
#include "flow/session.h"

#include <jansson.h>
#include <stdint.h>
#include <string.h>

static struct server_conf conf;
static struct db *db;
static const char *const roles[] = {"admin",   "gm",        "finance", "warehouse", "kam_GZ",
                                    "service", "marketing", "mm_S",    "csr_a"};
#define NROLES (sizeof roles / sizeof roles[0])
static char *tokens[NROLES];

static char *reports[128]; /* the engine's report names (GET /reports as admin) */
static size_t nreports;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    db = fuzz_demo_db(&conf);
    struct osb_err e = OSB_ERR_INIT;
    for (size_t i = 0; i < NROLES; i++) {
        struct ctx c = {0};
        c.db = db;
        c.cfg = &conf.cfg;
        c.ip = "127.0.0.1";
        c.request_id = "fuzz";
        c.user.role = ROLE_NONE;
        json_t *body = json_pack("{ssss}", "username", roles[i], "password",
                                 i == 0 ? "fuzz-admin1" : "demo123");
        json_t *user = NULL;
        CHECK(session_login(&c, body, &tokens[i], &user, &e) == 0);
        json_decref(body);
        json_decref(user);
        if (i == 0) {
            CHECK(session_authenticate(&c, tokens[0], &e) == 0);
            json_t *list = NULL;
            CHECK(report_list(&c, &list, &e) == 0);
            json_t *items = json_object_get(list, "reports");
            if (!items)
                items = json_object_get(list, "items");
            size_t k;
            json_t *it;
            json_array_foreach(items, k, it)
            {
                const char *name = json_string_value(json_object_get(it, "name"));
                if (name && nreports < sizeof reports / sizeof reports[0])
                    reports[nreports++] = strdup(name);
            }
            json_decref(list);
        }
    }
    CHECK(nreports > 10);
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* %-decoding and '+' as MHD's argument parser does, in place. */
static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '+') {
            *o++ = ' ';
        } else if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            *o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

static void check_envelope(json_t *resp)
{
    json_t *err = json_object_get(resp, "error");
    CHECK(json_is_object(err));
    CHECK(json_is_string(json_object_get(err, "code")));
    CHECK(json_is_string(json_object_get(err, "message")));
    CHECK(json_is_object(json_object_get(err, "details")));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096)
        return 0;
    size_t role = data[0] % NROLES;
    /* "PATH?QUERY": the input's own path, or a report's with the input as its query */
    size_t n = strnlen((const char *)data + 1, size - 1);
    struct sb line = SB_INIT;
    if (data[1] == '/')
        sb_addn(&line, (const char *)data + 1, n);
    else
        sb_addf(&line, "/reports/%s?%.*s", reports[data[1] % nreports], (int)(n - 1),
                (const char *)data + 2);
    char *text = sb_detach(&line);
    char *q = strchr(text, '?');
    if (q)
        *q++ = '\0';
    /* the arguments, key, value, ..., NULL (at most 32 pairs) */
    const char *args[65] = {0};
    int na = 0;
    for (char *tok = q ? strtok(q, "&") : NULL; tok && na < 64; tok = strtok(NULL, "&")) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq++ = '\0';
        unescape(tok);
        if (eq)
            unescape(eq);
        args[na++] = tok;
        args[na++] = eq ? eq : "";
    }
    unescape(text);
    struct req r = {0};
    bool known;
    const struct route *rt = router_match("GET", text, &r, &known);
    if (rt && !(rt->flags & R_PUBLIC)) {
        r.method = "GET";
        r.path = text;
        r.args = args;
        r.token = tokens[role];
        r.ctx.db = db;
        r.ctx.cfg = &conf.cfg;
        r.ctx.user.role = ROLE_NONE;
        r.ctx.now = clock_now();
        r.ctx.ip = "127.0.0.1";
        r.ctx.request_id = "fuzz";
        router_run(rt, &r);
        CHECK(!db_in_tx(db));
        static const int ok[] = {200, 400, 403, 404, 409, 413, 422, 429};
        bool listed = false;
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
            listed = listed || r.status == ok[i];
        if (!listed) {
            char *dump = r.resp ? json_dumps(r.resp, JSON_COMPACT) : NULL;
            fprintf(stderr, "fuzz_router: GET %s as %s answered %d: %s\n", text, roles[role],
                    r.status, dump ? dump : "(no JSON)");
            free(dump);
            abort();
        }
        if (r.status >= 400)
            check_envelope(r.resp);
        else
            CHECK(r.raw         ? r.raw_len > 0
                  : r.resp_text ? r.resp_text_len > 0 && r.resp_text[0] == '{'
                                : json_is_object(r.resp) || json_is_array(r.resp));
    }
    for (int i = 0; i < r.nparams; i++)
        free(r.params[i]);
    json_decref(r.resp);
    free(r.resp_text);
    json_decref(r.json);
    free(r.raw);
    free(r.set_cookie);
    free(text);
    return 0;
}
