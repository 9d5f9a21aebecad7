/*
 * http.h — the request as handlers see it, the route table's types, and response helpers.
 *
 * Handlers parse what the request carries (path parameters, query, body), call one flow, and
 * put the flow's answer into the response. They hold no business rules. The router (router.c)
 * has already authenticated the caller and opened the transaction; it commits when the handler
 * returns 0 and rolls back otherwise.
 */
#ifndef OSB_HTTP_H
#define OSB_HTTP_H

#include "flow/ctx.h"

#include <jansson.h>
#include <stddef.h>

struct MHD_Connection;
struct doc_kind;

struct req {
    struct ctx ctx;
    const char *method;
    const char *path; /* below /api/v1, e.g. "/customers/C001" */
    char *params[4];  /* path captures in order */
    int nparams;
    struct MHD_Connection *conn;
    const char *body;
    size_t body_len;
    const char *content_type;
    json_t *json; /* parsed JSON body (NULL when the body was empty) */
    const char *token;
    /* A request without a connection (conn NULL: tests/fuzz) has its query arguments here,
       key, value, key, value ..., NULL-terminated, as MHD would have decoded them. */
    const char *const *args;
    /* the answer */
    int status;
    json_t *resp;    /* JSON answer (owned) */
    char *resp_text; /* or a JSON answer already written (owned: a report's rows as they were
                        read, flow/report.h), resp_text_len bytes; no money view applies */
    size_t resp_text_len;
    char *raw; /* or a raw answer (owned): CSV, PDF, ... */
    size_t raw_len;
    const char *raw_type;
    char *set_cookie;            /* owned */
    const struct doc_kind *kind; /* the route's document kind (h_doc_*), else NULL */
    /* A file the user takes away (a statement, a delivery note as PDF/XLSX): the handler names
       what it is (object type and key, both living as long as the request); the router then
       writes its `export` audit row before the file is answered. NULL: not an export. */
    const char *export_type;
    const char *export_key;
};

typedef int (*handler_fn)(struct req *r, struct osb_err *e);

enum {
    R_PUBLIC = 1 << 0,  /* no authentication */
    R_WRITE = 1 << 1,   /* mutating: one write transaction */
    R_IDEM = 1 << 2,    /* creates a document: Idempotency-Key honoured */
    R_RAW = 1 << 3,     /* body is not JSON (CSV import) */
    R_BIG = 1 << 4,     /* import body limit instead of the default */
    R_TEST = 1 << 5,    /* exists only with --test-clock */
    R_OWN_TX = 1 << 6,  /* the flow opens its own transaction (login: the password hash must
                           not hold the write lock) */
    R_HEAVY = 1 << 7,   /* heavy work (imports, reports, exports): runs in the heavy-work pool */
    R_FILE = 1 << 8,    /* heavy when it renders a file (?format=pdf|xlsx|csv, a .pdf path) */
    R_ANYTYPE = 1 << 9, /* with R_RAW: a file of any type (XLSX, a photo); the handler checks it */
    R_NO_TX = 1 << 10,  /* the handler reads nothing from the database: no transaction (GET /me) */
    R_AUDIT = 1 << 11,  /* reads the audit chain: what is pending is sealed first */
};

struct route {
    const char *method;
    const char *pattern; /* "/customers/:" — ':' matches one path segment */
    handler_fn fn;
    unsigned flags;
    /* The document kind of a kernel route (h_doc_get, h_doc_action, h_fdoc_list in doc.c):
       the address of the flow's exported `x_doc_kind` pointer. */
    const struct doc_kind *const *kind;
    /* The route's own body limit in bytes (0: the default, or the import limit with R_BIG).
       A route with its own limit refuses a larger Content-Length at once (413 before a byte
       of the body is read; the connection then closes), not at the body's end: a 40 MiB photo
       sent to a 5 MiB route is not read first. */
    size_t limit;
};

/* The one route table (router.c). */
const struct route *router_match(const char *method, const char *path, struct req *r,
                                 bool *path_known);

/* The methods of the routes matching path, for a 405's Allow ("GET, PATCH, HEAD"); HEAD
   wherever GET is. */
struct sb;
void router_allowed_methods(const char *path, struct sb *out);

/* Drops what a run of the request answered (JSON, written text, raw file, cookie, status,
   export), before the request runs again or answers an error instead. */
void req_answer_reset(struct req *r);
/* Runs the matched route: auth, transaction, idempotency, handler, commit/rollback. */
void router_run(const struct route *rt, struct req *r);
/* How long a request waits for a PostgreSQL database that went away (OSB_DB_RETRY_SECONDS,
   default 15 s), in milliseconds; the next pause of a wait that began with pause 0. */
long long router_db_wait_ms(void);
long router_db_pause_ms(long pause_ms);

/* Query parameter (NULL when absent). */
const char *req_query(struct req *r, const char *name);
/* Every query argument in the order sent; fn answers nonzero to stop. */
typedef int (*req_arg_fn)(void *cls, const char *key, const char *value);
void req_args_each(struct req *r, req_arg_fn fn, void *cls);
/* 400 when the query has a parameter not in allowed (NULL-terminated). */
int req_query_only(struct req *r, const char *const *allowed, struct osb_err *e);
/* limit (default 50, 1..1000) and cursor of list calls; 400 on a bad limit. */
int req_limit(struct req *r, int *limit, struct osb_err *e);
/* The JSON body, or an empty object when the body was empty. Borrowed. */
json_t *req_body(struct req *r);

void resp_json(struct req *r, int status, json_t *body); /* takes ownership */

/* The error envelope of api.md §1 (new reference). */
json_t *err_envelope(const struct osb_err *e);

/* Server configuration shared by the connection threads. */
struct server_conf {
    const char *db_path;
    const char *web_dir;
    bool test_clock;
    size_t body_limit;
    size_t import_limit;
    struct config cfg;
    /* connection limits (docs/operations.md "Security"; 0: the default) */
    unsigned max_connections;    /* open connections in all */
    unsigned max_per_address;    /* open connections from one address */
    unsigned request_deadline;   /* seconds to send a whole request, head and body, from the
                                    connection's start or the previous answer */
    const char *trusted_proxies; /* addresses whose X-Forwarded-For is believed, comma-separated */
    /* the heavy-work pool (docs/operations.md "Heavy work"; 0: the default) */
    unsigned heavy_workers;  /* threads that run heavy reads (and one more runs heavy writes) */
    unsigned heavy_per_user; /* heavy requests of one user running at once */
    unsigned heavy_pending;  /* heavy requests of one user waiting or running: more get 429 */
    unsigned heavy_queue;    /* heavy requests waiting or running in all: more get 429 */
};
extern struct server_conf *g_server;

/* Per-thread connection to the database (opened on first use). */
struct db *server_db(struct osb_err *e);

#endif
