/*
 * server.c — the HTTP server on libmicrohttpd: connection threads, body collection with size
 * limits, the JSON parse of request bodies, the error envelope for anything the router never
 * sees (404, 405, 413, bad JSON), and the static files of the web UI under "/".
 *
 * Exported: server_run(), server_db(), g_server.
 */
#include "http/server.h"

#include "core/clock.h"
#include "core/json_out.h"
#include "core/log.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/order.h"
#include "flow/session.h"
#include "http/gzip.h"
#include "http/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct server_conf *g_server;
static atomic_long req_counter;

/* One connection per thread, closed by the key's destructor when the thread ends (MHD's pool
   threads end in MHD_stop_daemon), so a stopped server leaves nothing open or leaked. */
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void close_thread_db(void *db)
{
    db_close(db);
}
static void make_db_key(void)
{
    pthread_key_create(&db_key, close_thread_db);
}

struct db *server_db(struct osb_err *e)
{
    pthread_once(&db_key_once, make_db_key);
    struct db *db = pthread_getspecific(db_key);
    if (!db) {
        if (db_open(g_server->db_path, false, &db, e) < 0)
            return NULL;
        pthread_setspecific(db_key, db);
    }
    return db;
}

/* OSB_REPLICA_URL (PostgreSQL): reads that may lag — GET /reports/... — run on a connection
   to that URL (a streaming replica, or HAProxy's replica port), one per thread like the
   primary's. An answer the replica cannot give (an error: say a session made a moment ago that
   has not arrived there yet) is asked of the primary again. */
static const char *replica_url;
static pthread_key_t replica_key;
static pthread_once_t replica_key_once = PTHREAD_ONCE_INIT;

static void make_replica_key(void)
{
    pthread_key_create(&replica_key, close_thread_db);
}

static struct db *replica_db(void)
{
    pthread_once(&replica_key_once, make_replica_key);
    struct db *db = pthread_getspecific(replica_key);
    if (!db) {
        struct osb_err e = OSB_ERR_INIT;
        if (db_open(replica_url, false, &db, &e) < 0) {
            log_error("cannot open the replica: %s", e.message);
            err_clear(&e);
            return NULL;
        }
        pthread_setspecific(replica_key, db);
    }
    return db;
}

static bool lag_ok(const struct req *r)
{
    return replica_url && strcmp(r->method, "GET") == 0 && strncmp(r->path, "/reports", 8) == 0;
}

/* Per-request state kept by MHD between callbacks. */
struct conn_state {
    struct sb body;
    size_t limit;
    bool too_large;
    bool answered;         /* its 413 went out while the body arrived (too_large_now) */
    long long answered_at; /* then: when (mono_now) */
    bool bad_if_match;     /* If-Match is neither a version nor "*" */
    const struct route *rt;
    struct req r;
    bool path_known;
    bool head;            /* a HEAD request, run as its GET */
    int heavy;            /* HEAVY_NO, or the request is in the heavy-work pool / has run there */
    long long statements; /* SQL statements the request ran (OSB_COUNT_SQL), -1 not counted */
    char ip[64], rid[48]; /* r.ctx.ip and r.ctx.request_id point here */
    char heavy_user[40];  /* whose heavy request it is (the per-user count) */
};

enum { HEAVY_NO, HEAVY_QUEUED, HEAVY_DONE };

/* OSB_COUNT_SQL=1 in the server's environment: every API answer says in X-OSB-Statements how
   many SQL statements its request ran (db_statements; bench/README.md). The count is taken in
   the MHD thread that builds the answer, so a thread-local is enough. */
static bool count_sql;
static _Thread_local long long req_statements = -1;

/* What every answer says about how a browser may use it (docs/operations.md "Security"): no
   MIME sniffing, no framing by another site, no referrer sent on, no device features. The web
   UI's own pages get a content security policy that allows scripts, styles and connections
   from this server only (web/index.html has no inline script or style); API answers allow
   nothing at all. */
static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                           "interest-cohort=()"},
};
#define API_CSP "default-src 'none'; frame-ancestors 'none'"

static void add_security_headers(struct MHD_Response *resp, bool page)
{
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
    MHD_add_response_header(resp, "Content-Security-Policy",
                            page ? "default-src 'self'; script-src 'self'; style-src 'self'; "
                                   "img-src 'self' data: blob:; font-src 'self'; "
                                   "connect-src 'self'; object-src 'none'; base-uri 'none'; "
                                   "form-action 'self'; frame-ancestors 'none'"
                                 : API_CSP);
}

static void add_common_headers(struct MHD_Response *resp)
{
    add_security_headers(resp, false);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (req_statements >= 0) {
        char n[24];
        (void)str_fmt(n, sizeof n, "%lld", req_statements); /* at most 20 characters */
        MHD_add_response_header(resp, "X-OSB-Statements", n);
    }
}

/* A JSON answer; allow (not NULL) is the Allow header of a 405. A 401 names the scheme it
   wants (RFC 9110 §11.6.1). */
/* A client that accepts gzip gets answers of HTTP_GZIP_MIN bytes or more compressed; a GET's
   200 answer carries a weak ETag of its text (the same for both encodings), and a request whose
   If-None-Match names it gets 304 without a body. */
static enum MHD_Result send_json_text(struct MHD_Connection *conn, int status, char *txt,
                                      size_t len, const char *allow, bool etag);

static enum MHD_Result send_json_full(struct MHD_Connection *conn, int status, json_t *body,
                                      const char *allow, bool etag)
{
    size_t len;
    char *txt = json_compact(body, &len);
    if (!txt) { /* not an object or array, or a NaN: never built by a handler */
        status = 500;
        etag = false;
        txt = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":\"unencodable answer\","
                      "\"details\":{}}}");
        len = strlen(txt);
    }
    return send_json_text(conn, status, txt, len, allow, etag);
}

/* send_json_full of an answer already written (txt, len bytes: taken over and freed). */
static enum MHD_Result send_json_text(struct MHD_Connection *conn, int status, char *txt,
                                      size_t len, const char *allow, bool etag)
{
    char tag[24] = "";
    if (etag) {
        tag[0] = 'W', tag[1] = '/';
        http_etag_of(txt, len, tag + 2);
        const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
        if (http_etag_matches(inm, tag + 2)) {
            free(txt);
            struct MHD_Response *nm =
                MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
            MHD_add_response_header(nm, "ETag", tag);
            MHD_add_response_header(nm, "Vary", "Accept-Encoding");
            add_common_headers(nm);
            enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, nm);
            MHD_destroy_response(nm);
            return ret;
        }
    }
    unsigned char *gz = NULL;
    size_t gz_len = 0;
    if (len >= HTTP_GZIP_MIN &&
        http_accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding")) &&
        http_gzip(txt, len, &gz, &gz_len)) {
        free(txt);
        txt = (char *)gz;
        len = gz_len;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, txt, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    if (gz)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (etag)
        MHD_add_response_header(resp, "ETag", tag);
    add_common_headers(resp);
    if (status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"osb\"");
    if (status == 503) /* unavailable: the database is gone for now (http/router.c) */
        MHD_add_response_header(resp, "Retry-After", "5");
    if (allow)
        MHD_add_response_header(resp, "Allow", allow);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_json_allow(struct MHD_Connection *conn, int status, json_t *body,
                                       const char *allow)
{
    return send_json_full(conn, status, body, allow, false);
}

static enum MHD_Result send_json(struct MHD_Connection *conn, int status, json_t *body)
{
    return send_json_allow(conn, status, body, NULL);
}

static enum MHD_Result send_error_allow(struct MHD_Connection *conn, enum err_code code,
                                        const char *allow, const char *fmt, const char *arg)
{
    struct osb_err e = OSB_ERR_INIT;
    err_set(&e, code, fmt, arg);
    json_t *env = err_envelope(&e);
    enum MHD_Result r = send_json_allow(conn, err_http_status(code), env, allow);
    json_decref(env);
    return r;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, enum err_code code, const char *fmt,
                                  const char *arg)
{
    return send_error_allow(conn, code, NULL, fmt, arg);
}

/* ---- static files ----------------------------------------------------------------------- */

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return "application/octet-stream";
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".map", "application/json"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static enum MHD_Result serve_static(struct MHD_Connection *conn, const char *url)
{
    if (strstr(url, "..") || strchr(url, '\\'))
        return send_error(conn, ERR_NOT_FOUND, "no such page", NULL);
    struct sb p = SB_INIT;
    const char *rel = strcmp(url, "/") == 0 ? "/index.html" : url;
    sb_addf(&p, "%s%s", g_server->web_dir, rel);
    int fd = open(p.buf, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    /* A client-side route of the single-page UI may contain dots (codes allow them): any
       missing path that does not name a static asset type gets the page itself. */
    if (fd < 0 && strcmp(mime_of(rel), "application/octet-stream") == 0) {
        sb_reset(&p);
        sb_addf(&p, "%s/index.html", g_server->web_dir);
        fd = open(p.buf, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) < 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        sb_free(&p);
        return send_error(conn, ERR_NOT_FOUND, "no such page", NULL);
    }
    /* Validators and compression (src/http/gzip.c): the ETag names the file's size, mtime and
       inode; a matching If-None-Match gets 304; text files go out gzip-compressed to a client
       that accepts it, compressed once and kept in memory while the file stays the same. */
    const char *type = mime_of(p.buf);
    char etag[80];
    http_file_etag(&st, etag, sizeof etag);
    unsigned status = MHD_HTTP_OK;
    struct MHD_Response *resp;
    bool text = strncmp(type, "text/", 5) == 0 || strncmp(type, "application/json", 16) == 0 ||
                strcmp(type, "image/svg+xml") == 0;
    unsigned char *gz = NULL;
    size_t gz_len = 0;
    if (http_etag_matches(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match"),
                          etag)) {
        close(fd);
        status = MHD_HTTP_NOT_MODIFIED;
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else if (text &&
               http_accepts_gzip(
                   MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding")) &&
               http_file_gzip(p.buf, fd, &st, &gz, &gz_len)) {
        close(fd);
        resp = MHD_create_response_from_buffer(gz_len, gz, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
        size_t el = strlen(etag);
        if (el > 1 && el + 3 < sizeof etag) { /* "…" → "…-gz": the gzip form's own tag */
            memcpy(etag + el - 1, "-gz\"", 5);
        }
    } else {
        resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    }
    if (status == MHD_HTTP_OK)
        MHD_add_response_header(resp, "Content-Type", type);
    if (etag[0])
        MHD_add_response_header(resp, "ETag", etag);
    if (text)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    add_security_headers(resp, true);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    sb_free(&p);
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

/* ---- connection limits ----------------------------------------------------------------- */

/* Every open connection is watched from its start: a client must send a whole request, head
   and body, within request_deadline seconds of connecting (or of its previous answer on a
   kept-alive connection), however slowly it trickles the bytes. MHD's own timeout restarts at
   every byte, so it cannot end a slow-header client; the sweep on the main thread (once a
   second) shuts such a socket down, and MHD then closes the connection as any other. While a
   request runs and its answer is sent, the connection is busy and never swept. */
struct conn_watch {
    struct conn_watch *prev, *next;
    int fd;
    long long started; /* CLOCK_MONOTONIC milliseconds */
    bool busy, shut;
};

static pthread_mutex_t watch_mu = PTHREAD_MUTEX_INITIALIZER;
static struct conn_watch watch_list = {&watch_list, &watch_list, -1, 0, false, false};
static atomic_long watch_swept; /* connections ended by the deadline, for the log */

static long long mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct conn_watch *w = xcalloc(1, sizeof *w);
        w->fd = ci ? ci->connect_fd : -1;
        w->started = mono_now();
        pthread_mutex_lock(&watch_mu);
        w->next = watch_list.next;
        w->prev = &watch_list;
        watch_list.next->prev = w;
        watch_list.next = w;
        pthread_mutex_unlock(&watch_mu);
        *socket_context = w;
        return;
    }
    struct conn_watch *w = *socket_context;
    if (!w)
        return;
    /* MHD closes the socket after this notification: the sweep, holding watch_mu, never
       touches a closed (or reused) descriptor */
    pthread_mutex_lock(&watch_mu);
    w->prev->next = w->next;
    w->next->prev = w->prev;
    pthread_mutex_unlock(&watch_mu);
    free(w);
    *socket_context = NULL;
}

/* busy: the request is read whole and runs (true), or its answer is done (false: the
   deadline starts again for the next request of a kept-alive connection). */
static void watch_busy(struct MHD_Connection *conn, bool busy)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn_watch *w = ci ? ci->socket_context : NULL;
    if (!w)
        return;
    pthread_mutex_lock(&watch_mu);
    w->busy = busy;
    if (!busy)
        w->started = mono_now();
    pthread_mutex_unlock(&watch_mu);
}

static void watch_sweep(unsigned deadline)
{
    long long now = mono_now();
    long n = 0;
    pthread_mutex_lock(&watch_mu);
    for (struct conn_watch *w = watch_list.next; w != &watch_list; w = w->next)
        if (!w->busy && !w->shut && w->fd >= 0 && now - w->started >= (long long)deadline * 1000) {
            shutdown(w->fd, SHUT_RDWR);
            w->shut = true;
            n++;
        }
    pthread_mutex_unlock(&watch_mu);
    if (n && atomic_fetch_add(&watch_swept, n) < 100)
        log_info("closed %ld connection(s) that sent no whole request within %u s", n, deadline);
}

/* The file descriptors the connection limit needs (and the database's, the files served):
   raise the soft limit towards the hard one when it is lower. */
static void raise_fd_limit(unsigned conns)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)conns + 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
            log_info("open files limited to %lu: fewer connections than %u may be served",
                     (unsigned long)rl.rlim_cur, conns);
    }
}

/* ---- the caller's address ----------------------------------------------------------------- */

/* Is addr one of the comma-separated addresses of list? */
static bool in_list(const char *list, const char *addr)
{
    size_t al = strlen(addr);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t l = strcspn(p, ", ");
        if (l == al && al && strncmp(p, addr, l) == 0)
            return true;
        p += l;
    }
    return false;
}

/* The address a request comes from, for login throttling and the audit log: the peer's, or
   — only when the peer is a configured proxy (--trusted-proxies) — the right-most address of
   X-Forwarded-For that is not itself a trusted proxy. A header from anyone else is ignored,
   so a client cannot choose the address it is throttled and audited under. */
static void caller_address(struct MHD_Connection *conn, const char *peer, char *buf, size_t n)
{
    (void)str_fmt(buf, n, "%s", peer);
    const char *tp = g_server->trusted_proxies;
    if (!tp || !*tp || !in_list(tp, peer))
        return;
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff)
        return;
    char list[512];
    if (str_fmt(list, sizeof list, "%s", xff) != 0)
        return; /* longer than any honest chain of proxies */
    for (;;) {
        char *comma = strrchr(list, ',');
        char *a = comma ? comma + 1 : list;
        a += strspn(a, " \t");
        a[strcspn(a, " \t")] = '\0';
        unsigned char bin[16];
        if (inet_pton(AF_INET, a, bin) != 1 && inet_pton(AF_INET6, a, bin) != 1)
            return; /* not an address: keep the last trusted one */
        (void)str_fmt(buf, n, "%s", a);
        if (!in_list(tp, a) || !comma)
            return;
        *comma = '\0';
    }
}

/* ---- the API ---------------------------------------------------------------------------- */

static void client_ip(struct MHD_Connection *conn, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)n);
}

/* A file answer's name: the document (or customer) code of the path, the path's last word
   when that is not the code (GZ01-statement), and the extension of its type. Codes are
   [A-Za-z0-9._-], so the name needs no quoting beyond the quotes. */
static bool download_name(const struct req *r, char *out, size_t n)
{
    const char *ext = strstr(r->raw_type, "pdf")        ? ".pdf"
                      : strstr(r->raw_type, "sheet")    ? ".xlsx"
                      : strstr(r->raw_type, "text/csv") ? ".csv"
                                                        : NULL;
    if (!ext || r->nparams < 1)
        return false;
    const char *code = r->params[0];
    const char *last = strrchr(r->path, '/');
    last = last ? last + 1 : r->path;
    size_t cl = strlen(code), el = strlen(ext);
    bool has_ext = cl > el && strcmp(code + cl - el, ext) == 0;
    bool word = strcmp(last, code) != 0 && !strchr(last, '.');
    /* A PDF opens in the browser's viewer; workbooks and CSV are saved. */
    return str_fmt(out, n, "%s; filename=\"%s%s%s%s\"",
                   strcmp(ext, ".pdf") == 0 ? "inline" : "attachment", code, word ? "-" : "",
                   word ? last : "", has_ext ? "" : ext) == 0;
}

/* application/json, with parameters ("; charset=utf-8") or not, in any case. */
static bool is_json_type(const char *ct)
{
    static const char json[] = "application/json";
    if (!ct || strncasecmp(ct, json, sizeof json - 1) != 0)
        return false;
    char next = ct[sizeof json - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

/* ---- the heavy-work pool ----------------------------------------------------------------- */

/* Heavy requests (imports, reports, exports, rendered files: the routes flagged R_HEAVY, and
   R_FILE when they render a file) do not run on the MHD thread that read them: that thread
   serves many connections, and a PDF rendering there made everyone's GET /me wait behind it
   (issue #15 item 9). The connection is suspended and its request queued; heavy_workers
   threads take requests from the queue, run them, and resume the connection, whose MHD thread
   then sends the answer. A queued request is taken only while its user has fewer than
   heavy_per_user requests running, so one user's thirty PDFs take at most that many threads
   and others' heavy work passes them. A user with heavy_pending requests waiting or running,
   or a server with heavy_queue of them, is answered 429 rate_limited with Retry-After at once
   (docs/operations.md "Heavy work").

   Two kinds of pool thread. heavy_workers readers run SERVER_HEAVY_NICE nice steps below the
   server's priority and take only heavy work that cannot hold the write transaction (rendered
   statements and delivery notes, aging, reports as JSON): the connection threads' light
   requests pass them on a busy CPU (bench/README.md "p99"). SERVER_HEAVY_WRITERS writers run
   at the server's priority and take only the rest (imports, report files and POST
   /exports/xlsx, which write their export log and audit row in the transaction that renders):
   a starved thread holding the write gate made every other writer wait past the gate's 10 s.
   A thread cannot take its nice back without CAP_SYS_NICE, so the kinds are threads, not a
   per-request setting. */
struct heavy_job {
    struct heavy_job *next;
    struct MHD_Connection *conn;
    struct conn_state *cs;
    bool writes; /* may hold the write transaction: a writer thread runs it */
};

struct heavy_user {
    char username[40];
    unsigned running, pending; /* pending counts the running ones too */
};

static pthread_mutex_t heavy_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t heavy_cv = PTHREAD_COND_INITIALIZER;
static struct heavy_job *heavy_head;
static unsigned heavy_total;           /* waiting or running */
static struct heavy_user *heavy_users; /* heavy_queue entries; username "" is free */
static unsigned heavy_nusers;
static bool heavy_stop;
static pthread_t *heavy_threads;
static unsigned heavy_nthreads; /* readers, then SERVER_HEAVY_WRITERS writers */
static unsigned heavy_nreaders;
static unsigned heavy_per_user_max, heavy_pending_max, heavy_queue_max;
static atomic_long heavy_refused;

static void run_api(struct conn_state *cs);
static enum MHD_Result send_answer(struct MHD_Connection *conn, struct conn_state *cs);

/* Does the request ask for a file (?format=pdf|xlsx|csv, a .pdf/.csv/.xlsx path)? */
static bool wants_file(const struct conn_state *cs)
{
    const char *fmt = MHD_lookup_connection_value(cs->r.conn, MHD_GET_ARGUMENT_KIND, "format");
    if (fmt && *fmt && strcmp(fmt, "json") != 0)
        return true;
    size_t n = strlen(cs->r.path);
    return n > 4 &&
           (strcmp(cs->r.path + n - 4, ".pdf") == 0 || strcmp(cs->r.path + n - 4, ".csv") == 0 ||
            (n > 5 && strcmp(cs->r.path + n - 5, ".xlsx") == 0));
}

/* Does this request go to the pool? */
static bool heavy_wanted(const struct conn_state *cs)
{
    if (!heavy_threads || !cs->rt)
        return false;
    return (cs->rt->flags & R_HEAVY) || ((cs->rt->flags & R_FILE) && wants_file(cs));
}

/* May the request hold the write transaction? A write route, or a file of a route that opens
   its own transactions (GET /reports/{name}?format=csv|xlsx writes its export log and audit
   row; its JSON answer only reads). */
static bool heavy_writes(const struct conn_state *cs)
{
    return (cs->rt->flags & R_WRITE) || ((cs->rt->flags & R_OWN_TX) && wants_file(cs));
}

/* heavy_mu held. The user's entry, made when make and there is room. */
static struct heavy_user *heavy_user_of(const char *username, bool make)
{
    struct heavy_user *free_slot = NULL;
    for (unsigned i = 0; i < heavy_nusers; i++) {
        if (strcmp(heavy_users[i].username, username) == 0)
            return &heavy_users[i];
        if (!free_slot && !heavy_users[i].username[0])
            free_slot = &heavy_users[i];
    }
    if (!make || !free_slot)
        return NULL;
    (void)str_fmt(free_slot->username, sizeof free_slot->username, "%s", username);
    free_slot->running = free_slot->pending = 0;
    return free_slot;
}

/* 0: queued and the connection suspended; -1: run it here (no valid session: the router
   answers 401 at once); 1: the user has too many waiting; 2: the server has. */
static int heavy_admit(struct MHD_Connection *conn, struct conn_state *cs)
{
    struct req *r = &cs->r;
    struct osb_err e = OSB_ERR_INIT;
    r->ctx.db = server_db(&e);
    /* whose request: one read of the session (the router reads it again when it runs) */
    if (!r->ctx.db || session_authenticate(&r->ctx, r->token, &e) < 0) {
        err_clear(&e);
        memset(&r->ctx.user, 0, sizeof r->ctx.user);
        r->ctx.user.role = ROLE_NONE;
        return -1;
    }
    (void)str_fmt(cs->heavy_user, sizeof cs->heavy_user, "%s", r->ctx.user.username);
    memset(&r->ctx.user, 0, sizeof r->ctx.user);
    r->ctx.user.role = ROLE_NONE;
    struct heavy_job *j = xcalloc(1, sizeof *j);
    j->conn = conn;
    j->cs = cs;
    j->writes = heavy_writes(cs);
    pthread_mutex_lock(&heavy_mu);
    int refuse = 0;
    struct heavy_user *u = NULL;
    if (heavy_total >= heavy_queue_max || heavy_stop)
        refuse = 2;
    else if (!(u = heavy_user_of(cs->heavy_user, true)) || u->pending >= heavy_pending_max)
        refuse = 1;
    if (refuse) {
        pthread_mutex_unlock(&heavy_mu);
        free(j);
        if (atomic_fetch_add(&heavy_refused, 1) < 100)
            log_info("heavy request of %s refused (%s)", cs->heavy_user,
                     refuse == 1 ? "the user's limit" : "the server's queue");
        return refuse;
    }
    u->pending++;
    heavy_total++;
    cs->heavy = HEAVY_QUEUED;
    /* suspended before any pool thread can see it, so its resume never comes first */
    MHD_suspend_connection(conn);
    struct heavy_job **tail = &heavy_head;
    while (*tail)
        tail = &(*tail)->next;
    *tail = j;
    pthread_cond_broadcast(&heavy_cv);
    pthread_mutex_unlock(&heavy_mu);
    return 0;
}

/* heavy_mu held: the first queued job of the thread's kind (writes or not) whose user may run
   one more, unlinked. */
static struct heavy_job *heavy_take(bool writer)
{
    for (struct heavy_job **p = &heavy_head; *p; p = &(*p)->next) {
        if ((*p)->writes != writer)
            continue;
        struct heavy_user *u = heavy_user_of((*p)->cs->heavy_user, false);
        if (u && u->running < heavy_per_user_max) {
            struct heavy_job *j = *p;
            *p = j->next;
            u->running++;
            return j;
        }
    }
    return NULL;
}

/* heavy_mu held: is a job of this kind still queued? */
static bool heavy_left(bool writer)
{
    for (const struct heavy_job *j = heavy_head; j; j = j->next)
        if (j->writes == writer)
            return true;
    return false;
}

static void heavy_loop(bool writer)
{
    /* Linux keeps a nice value per thread: PRIO_PROCESS with the thread's id sets this one's,
       SERVER_HEAVY_NICE above the server's own (19 at most). */
    if (!writer) {
        id_t tid = (id_t)syscall(SYS_gettid);
        errno = 0;
        int nice = getpriority(PRIO_PROCESS, tid);
        nice = errno ? SERVER_HEAVY_NICE : nice + SERVER_HEAVY_NICE;
        if (setpriority(PRIO_PROCESS, tid, nice > 19 ? 19 : nice) != 0)
            log_error("a heavy-work reader runs at the server's priority: setpriority: %s",
                      strerror(errno));
    }
    pthread_mutex_lock(&heavy_mu);
    for (;;) {
        struct heavy_job *j = heavy_take(writer);
        if (!j) {
            if (heavy_stop && !heavy_left(writer))
                break;
            pthread_cond_wait(&heavy_cv, &heavy_mu);
            continue;
        }
        pthread_mutex_unlock(&heavy_mu);
        run_api(j->cs);
        /* the connection is this thread's: on_completed (on the MHD thread) must not roll
           back whatever this thread runs next on it */
        if (j->cs->r.ctx.db && db_in_tx(j->cs->r.ctx.db))
            db_rollback(j->cs->r.ctx.db);
        j->cs->r.ctx.db = NULL;
        pthread_mutex_lock(&heavy_mu);
        struct heavy_user *u = heavy_user_of(j->cs->heavy_user, false);
        if (u) {
            u->running--;
            if (--u->pending == 0)
                u->username[0] = '\0';
        }
        heavy_total--;
        j->cs->heavy = HEAVY_DONE;
        /* its user may run another one now */
        pthread_cond_broadcast(&heavy_cv);
        pthread_mutex_unlock(&heavy_mu);
        MHD_resume_connection(j->conn);
        free(j);
        pthread_mutex_lock(&heavy_mu);
    }
    pthread_mutex_unlock(&heavy_mu);
}

static void *heavy_reader(void *arg)
{
    (void)arg;
    heavy_loop(false);
    return NULL;
}

static void *heavy_writer(void *arg)
{
    (void)arg;
    heavy_loop(true);
    return NULL;
}

static void heavy_start(const struct server_conf *conf)
{
    metrics_heavy_source(server_heavy_figures);
    heavy_nthreads = conf->heavy_workers ? conf->heavy_workers : SERVER_HEAVY_WORKERS;
    heavy_per_user_max = conf->heavy_per_user ? conf->heavy_per_user : SERVER_HEAVY_PER_USER;
    heavy_pending_max = conf->heavy_pending ? conf->heavy_pending : SERVER_HEAVY_PENDING;
    heavy_queue_max = conf->heavy_queue ? conf->heavy_queue : SERVER_HEAVY_QUEUE;
    if (heavy_pending_max < heavy_per_user_max)
        heavy_pending_max = heavy_per_user_max;
    heavy_nusers = heavy_queue_max;
    heavy_users = xcalloc(heavy_nusers, sizeof *heavy_users);
    heavy_nreaders = heavy_nthreads;
    heavy_nthreads += SERVER_HEAVY_WRITERS;
    heavy_threads = xcalloc(heavy_nthreads, sizeof *heavy_threads);
    for (unsigned i = 0; i < heavy_nthreads; i++)
        if (pthread_create(&heavy_threads[i], NULL,
                           i < heavy_nreaders ? heavy_reader : heavy_writer, NULL) != 0) {
            log_error("cannot start a heavy-work thread");
            abort();
        }
}

/* Every queued request runs and is answered, then the threads end (before MHD stops: a
   suspended connection must be resumed first). */
static void heavy_end(void)
{
    pthread_mutex_lock(&heavy_mu);
    heavy_stop = true;
    pthread_cond_broadcast(&heavy_cv);
    pthread_mutex_unlock(&heavy_mu);
    for (unsigned i = 0; i < heavy_nthreads; i++)
        pthread_join(heavy_threads[i], NULL);
    free(heavy_threads);
    heavy_threads = NULL;
    free(heavy_users);
    heavy_users = NULL;
}

/* The pool's figures for GET /metrics. */
void server_heavy_figures(long *running, long *waiting, long *refused)
{
    pthread_mutex_lock(&heavy_mu);
    long run = 0;
    for (unsigned i = 0; i < heavy_nusers; i++)
        run += heavy_users ? heavy_users[i].running : 0;
    *running = run;
    *waiting = (long)heavy_total - run;
    pthread_mutex_unlock(&heavy_mu);
    *refused = atomic_load(&heavy_refused);
}

/* 429 rate_limited: the heavy-work limits. */
static enum MHD_Result send_busy(struct MHD_Connection *conn, const char *msg)
{
    struct osb_err e = OSB_ERR_INIT;
    err_set(&e, ERR_RATE_LIMITED, "%s", msg);
    (void)str_fmt(e.rule, sizeof e.rule, "%s", "heavy_requests");
    json_t *env = err_envelope(&e);
    char *txt = json_dumps(env, JSON_COMPACT);
    json_decref(env);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(txt), txt, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    add_common_headers(resp);
    MHD_add_response_header(resp, "Retry-After", "2");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_TOO_MANY_REQUESTS, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* 413 payload_too_large, naming the limit the body passed: the error envelope. */
static json_t *too_large_envelope(const struct conn_state *cs)
{
    struct osb_err e = OSB_ERR_INIT;
    if (cs->rt && cs->rt->limit) {
        char mib[24];
        (void)str_fmt(mib, sizeof mib, "%zu MiB", cs->rt->limit >> 20);
        err_set(&e, ERR_PAYLOAD_TOO_LARGE, "the body is larger than this upload allows (%s)", mib);
    } else {
        err_set(&e, ERR_PAYLOAD_TOO_LARGE, "the body is larger than %s allows",
                (cs->rt && (cs->rt->flags & R_BIG)) ? "an import" : "a request");
    }
    return err_envelope(&e);
}

static enum MHD_Result send_too_large(struct MHD_Connection *conn, const struct conn_state *cs)
{
    json_t *env = too_large_envelope(cs);
    enum MHD_Result r = send_json_allow(conn, err_http_status(ERR_PAYLOAD_TOO_LARGE), env, NULL);
    json_decref(env);
    return r;
}

/* How long a connection answered by too_large_now may go on sending what is left of its body
   (drained, never kept) before it is closed; nginx's lingering_timeout is the same 5 s. */
#define TOO_LARGE_LINGER_MS 5000

/* Writes all of buf to the connection's (non-blocking) socket, waiting up to 2 s for room. */
static void write_fd_all(int fd, const char *buf, size_t len)
{
    long long until = mono_now() + 2000;
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        long long left = until - mono_now();
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || left <= 0)
            return;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        (void)poll(&p, 1, (int)left);
    }
}

/* A body found over its limit while it arrives (a streamed body passing it, or a
   Content-Length over it sent without Expect: 100-continue) is answered 413 at once, not at
   its end. libmicrohttpd 0.9.75 takes no answer between a request's head and the end of its
   body (MHD_queue_response refuses one), and ending the request (MHD_NO) closes the connection
   without any, so the answer — send_too_large's envelope and the API's headers, with
   "Connection: close" — is written to the socket here, and the socket's sending side is shut
   so the client sees the answer end. Nothing of the body is kept (what was gathered is freed);
   the rest is drained unread by on_request's upload branch for at most TOO_LARGE_LINGER_MS, so
   a client that sends its whole body before reading (Python's http.client) still reads the
   413 instead of a reset, while one that reads as it sends (curl, browsers) stops at once.
   The connection is then closed, with no second answer. */
static void too_large_now(struct MHD_Connection *conn, struct conn_state *cs)
{
    cs->too_large = true;
    sb_free(&cs->body);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return; /* not expected: then the 413 comes at the body's end (finish_api) */
    cs->answered = true;
    cs->answered_at = mono_now();
    json_t *env = too_large_envelope(cs);
    size_t blen = 0;
    char *body = json_compact(env, &blen);
    json_decref(env);
    char date[40];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (!strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm))
        date[0] = '\0';
    struct sb a = SB_INIT;
    sb_addf(&a,
            "HTTP/1.1 413 Content Too Large\r\nDate: %s\r\nConnection: close\r\n"
            "Content-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n",
            date, body ? blen : 0);
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        sb_addf(&a, "%s: %s\r\n", security_headers[i][0], security_headers[i][1]);
    sb_add(&a, "Content-Security-Policy: " API_CSP "\r\nCache-Control: no-store\r\n\r\n");
    if (body && !cs->head)
        sb_addn(&a, body, blen);
    free(body);
    write_fd_all(ci->connect_fd, a.buf, a.len);
    sb_free(&a);
    shutdown(ci->connect_fd, SHUT_WR);
}

static enum MHD_Result finish_api(struct MHD_Connection *conn, struct conn_state *cs)
{
    struct req *r = &cs->r;
    if (cs->too_large)
        return send_too_large(conn, cs);
    if (!cs->rt) {
        if (cs->path_known) {
            struct sb allow = SB_INIT;
            router_allowed_methods(r->path, &allow);
            enum MHD_Result sent =
                send_error_allow(conn, ERR_METHOD_NOT_ALLOWED, sb_str(&allow),
                                 "%s is not allowed on this path", cs->head ? "HEAD" : r->method);
            sb_free(&allow);
            return sent;
        }
        return send_error(conn, ERR_NOT_FOUND, "no such API path: %s", r->path);
    }
    if (cs->bad_if_match) {
        struct osb_err ie = OSB_ERR_INIT;
        err_bad(&ie, "If-Match", "If-Match takes the object's version, e.g. 3 or \"3\"");
        json_t *env = err_envelope(&ie);
        enum MHD_Result ret = send_json(conn, 400, env);
        json_decref(env);
        return ret;
    }
    r->body = cs->body.buf;
    r->body_len = cs->body.len;
    if (r->body_len && !(cs->rt->flags & R_RAW)) {
        json_error_t je;
        r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
        if (!r->json) {
            struct sb msg = SB_INIT;
            sb_addf(&msg, "the body is not valid JSON: %s (line %d)", je.text, je.line);
            enum MHD_Result sent = send_error(conn, ERR_BAD_REQUEST, "%s", sb_str(&msg));
            sb_free(&msg);
            return sent;
        }
        if (!json_is_object(r->json))
            return send_error(conn, ERR_BAD_REQUEST, "the body must be a JSON object", NULL);
    }
    /* A JSON endpoint takes JSON only: a form or text/plain body (what another site's page can
       send without asking) is refused before anything reads it. */
    if (r->body_len && !(cs->rt->flags & R_RAW) && !is_json_type(r->content_type))
        return send_error(conn, ERR_UNSUPPORTED_MEDIA_TYPE,
                          "send the body as application/json (Content-Type)", NULL);
    if ((cs->rt->flags & R_RAW) && !(cs->rt->flags & R_ANYTYPE) && r->content_type &&
        strncmp(r->content_type, "text/csv", 8) != 0)
        return send_error(conn, ERR_BAD_REQUEST, "send the file as text/csv", NULL);
    if (heavy_wanted(cs)) {
        int rc = heavy_admit(conn, cs);
        if (rc == 0)
            return MHD_YES; /* suspended: a pool thread runs it and resumes the connection */
        if (rc > 0)
            return send_busy(conn, rc == 1 ? "you have too many heavy requests (reports, files,"
                                             " imports) waiting; try again shortly"
                                           : "the server has too many heavy requests waiting;"
                                             " try again shortly");
    }
    run_api(cs);
    return send_answer(conn, cs);
}

/* Runs a request that passed the checks above: the database, the router, the figures. On
   the connection's MHD thread, or on a heavy-work pool thread. */
static void run_api(struct conn_state *cs)
{
    struct req *r = &cs->r;
    struct osb_err e = OSB_ERR_INIT;
    cs->statements = -1;
    r->ctx.db = server_db(&e);
    /* A PostgreSQL server this thread cannot reach yet (its first request during a failover):
       tried again with the router's pauses, for as long as a request waits for a connection
       that broke (http/router.c rerun_after_loss; a public route, the health check, does not
       wait). */
    if (!r->ctx.db && db_is_url(g_server->db_path) && !(cs->rt->flags & R_PUBLIC)) {
        long long until = mono_now() + router_db_wait_ms();
        for (long pause = router_db_pause_ms(0); !r->ctx.db && mono_now() < until;
             pause = router_db_pause_ms(pause)) {
            long long left = until - mono_now();
            long ms = pause < left ? pause : (long)left;
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            err_clear(&e);
            r->ctx.db = server_db(&e);
        }
    }
    if (!r->ctx.db) {
        log_error("cannot open database: %s", e.message);
        err_clear(&e);
        /* a PostgreSQL server that cannot be reached now (a failover) is no bug: 503 */
        if (db_is_url(g_server->db_path))
            err_set(&e, ERR_UNAVAILABLE, "the database is unavailable, try again");
        else
            err_set(&e, ERR_INTERNAL, "internal error");
        r->status = err_http_status(e.code);
        r->resp = err_envelope(&e);
        return;
    }
    metrics_begin();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct db *rep = lag_ok(r) ? replica_db() : NULL;
    if (rep) {
        struct db *primary = r->ctx.db;
        r->ctx.db = rep;
        router_run(cs->rt, r);
        r->ctx.db = primary;
        if (r->status < 400)
            goto answer;
        req_answer_reset(r);
    }
    uint64_t stmts0 = count_sql ? db_statements(r->ctx.db) : 0;
    router_run(cs->rt, r);
    cs->statements = count_sql ? (long long)(db_statements(r->ctx.db) - stmts0) : -1;
answer:
    clock_gettime(CLOCK_MONOTONIC, &t1);
    metrics_end(cs->rt, r->status,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

/* Queues the answer run_api() made. */
static enum MHD_Result send_answer(struct MHD_Connection *conn, struct conn_state *cs)
{
    struct req *r = &cs->r;
    req_statements = cs->statements;
    if (r->raw) {
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(r->raw_len, r->raw, MHD_RESPMEM_MUST_FREE);
        r->raw = NULL;
        MHD_add_response_header(resp, "Content-Type", r->raw_type);
        char disp[160];
        if (download_name(r, disp, sizeof disp))
            MHD_add_response_header(resp, "Content-Disposition", disp);
        add_common_headers(resp);
        enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    if (r->resp_text) {
        char *txt = r->resp_text;
        r->resp_text = NULL;
        int status = r->status ? r->status : 200;
        return send_json_text(conn, status, txt, r->resp_text_len, NULL,
                              status == 200 && !strcmp(r->method, "GET"));
    }
    if (r->status == 204 || !r->resp) {
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        add_common_headers(resp);
        enum MHD_Result ret =
            MHD_queue_response(conn, (unsigned)(r->status ? r->status : 204), resp);
        MHD_destroy_response(resp);
        return ret;
    }
    int status = r->status ? r->status : 200;
    return send_json_full(conn, status, r->resp, NULL, status == 200 && !strcmp(r->method, "GET"));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    static const char api[] = "/api/v1";
    /* HTTP/1.1 requires Host (RFC 9112 §3.2): a request without it is refused before anything
       else, its body unread. */
    if (*con_cls == NULL && strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
        !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
        return send_error(conn, ERR_BAD_REQUEST, "an HTTP/1.1 request needs a Host header", NULL);
    bool is_api = strncmp(url, api, sizeof api - 1) == 0 &&
                  (url[sizeof api - 1] == '/' || url[sizeof api - 1] == '\0');
    /* The OpenAPI 3 description of the route table is a file of the web UI's folder
       (web/openapi.json), public like the UI; tests/scenario/test_openapi.py holds it against
       the route table. */
    bool is_openapi = strcmp(url, "/api/v1/openapi.json") == 0;
    if (!is_api || is_openapi) {
        if (*con_cls == NULL) {
            *con_cls = (void *)1;
            return MHD_YES;
        }
        if (*upload_size) {
            *upload_size = 0;
            return MHD_YES;
        }
        watch_busy(conn, true);
        if (strcmp(method, "GET") && strcmp(method, "HEAD"))
            return send_error_allow(conn, ERR_METHOD_NOT_ALLOWED, "GET, HEAD",
                                    "%s is not allowed on the web UI's files", method);
        return serve_static(conn, is_openapi ? "/openapi.json" : url);
    }
    req_statements = -1; /* set again by a request that reaches the router */
    struct conn_state *cs = *con_cls;
    if (!cs) {
        cs = xcalloc(1, sizeof *cs);
        *con_cls = cs;
        struct req *r = &cs->r;
        r->conn = conn;
        /* HEAD runs the GET route; the server sends its headers without the body. */
        cs->head = strcmp(method, "HEAD") == 0;
        r->method = cs->head ? "GET" : method;
        r->path = url + sizeof api - 1;
        if (!*r->path)
            r->path = "/";
        cs->rt = router_match(r->method, r->path, r, &cs->path_known);
        cs->limit = (cs->rt && cs->rt->limit)             ? cs->rt->limit
                    : (cs->rt && (cs->rt->flags & R_BIG)) ? g_server->import_limit
                                                          : g_server->body_limit;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > cs->limit) {
            cs->too_large = true;
            /* A client that waits for 100 Continue gets the 413 instead, before it sends a byte
               of the body. One that sends the body at once gets it at once too, written
               straight to the socket (too_large_now), and what it goes on sending is drained,
               never kept. */
            const char *ex = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
            if (ex && strcasecmp(ex, "100-continue") == 0)
                return send_too_large(conn, cs);
            too_large_now(conn, cs);
        }
        r->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
            r->token = auth + 7;
        const char *im = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-Match");
        if (im) {
            char tmp[32];
            size_t l = strlen(im);
            if (l >= 2 && im[0] == '"' && im[l - 1] == '"' && l - 2 < sizeof tmp) {
                memcpy(tmp, im + 1, l - 2);
                tmp[l - 2] = '\0';
                im = tmp;
            }
            char *end;
            errno = 0;
            long long v = strtoll(im, &end, 10);
            if (strcmp(im, "*") != 0) { /* "*": any current version, i.e. no check */
                r->ctx.has_if_match = true;
                r->ctx.if_match = v;
                cs->bad_if_match = *end || end == im || errno || v < 0;
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        /* A streamed body (no Content-Length) is counted as it comes: the piece that takes it
           past the limit is answered 413 at once (too_large_now) and nothing of it is kept;
           the rest is drained for at most TOO_LARGE_LINGER_MS, then the connection closes. */
        if (cs->answered && mono_now() - cs->answered_at > TOO_LARGE_LINGER_MS)
            return MHD_NO;
        /* (too_large without answered, not expected: drained, and the 413 at the end) */
        if (!cs->too_large && cs->body.len + *upload_size > cs->limit)
            too_large_now(conn, cs);
        else if (!cs->too_large)
            sb_addn(&cs->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (cs->answered)
        return MHD_NO; /* the body ended after its 413: close, with no second answer */
    struct req *r = &cs->r;
    if (cs->heavy == HEAVY_DONE) /* back from the heavy-work pool */
        return send_answer(conn, cs);
    if (cs->heavy == HEAVY_QUEUED)
        return MHD_YES; /* not expected: a suspended connection is not called */
    char peer[64];
    client_ip(conn, peer, sizeof peer);
    caller_address(conn, peer, cs->ip, sizeof cs->ip);
    watch_busy(conn, true);
    /* "r", at most 16 hex digits, "-", at most 20 characters of a long, the NUL */
    STR_FMT_FITS(cs->rid, 1 + 16 + 1 + 20 + 1, "r%lx-%ld",
                 (unsigned long)(clock_wall() / TS_PER_SEC), atomic_fetch_add(&req_counter, 1));
    r->ctx.cfg = &g_server->cfg;
    r->ctx.user.role = ROLE_NONE;
    r->ctx.now = clock_now();
    r->ctx.ip = cs->ip;
    r->ctx.request_id = cs->rid;
    r->ctx.money_changed = order_recheck_customer;
    return finish_api(conn, cs);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)toe;
    watch_busy(conn, false);
    struct conn_state *cs = *con_cls;
    if (!cs || cs == (void *)1)
        return;
    struct req *r = &cs->r;
    if (r->ctx.db && db_in_tx(r->ctx.db))
        db_rollback(r->ctx.db);
    for (int i = 0; i < r->nparams; i++)
        free(r->params[i]);
    json_decref(r->json);
    json_decref(r->resp);
    free(r->resp_text);
    free(r->raw);
    free(r->set_cookie);
    sb_free(&cs->body);
    free(cs);
    *con_cls = NULL;
}

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* The scheduler thread: tick() at once, then a minute after each run ends, until the server
   stops. */
struct sched_arg {
    void (*tick)(void);
};

static atomic_bool sched_in_run; /* a tick() under way */

static void *scheduler_main(void *arg)
{
    const struct sched_arg *a = arg;
    for (int secs = 60; !stop_flag; secs++) {
        if (secs >= 60) {
            secs = 0;
            atomic_store(&sched_in_run, true);
            if (!stop_flag)
                a->tick();
            atomic_store(&sched_in_run, false);
        }
        sleep(1);
    }
    return NULL;
}

int server_run(struct server_conf *conf, const char *host, int port, int threads,
               void (*tick)(void), struct osb_err *e)
{
    g_server = conf;
    const char *cnt = getenv("OSB_COUNT_SQL");
    count_sql = cnt && *cnt && strcmp(cnt, "0") != 0;
    replica_url = getenv("OSB_REPLICA_URL");
    if (replica_url && !db_is_url(replica_url))
        replica_url = NULL; /* a replica is a PostgreSQL thing */
    if (replica_url)
        log_info("reports read from the replica (OSB_REPLICA_URL)");
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        return err_set(e, ERR_BAD_REQUEST, "cannot listen on '%s': not an IPv4 address", host);
    /* No MHD_OPTION_LISTENING_ADDRESS_REUSE: it sets SO_REUSEPORT, which lets a second
       `osb serve` bind the same port and silently split the requests between two databases.
       MHD's default SO_REUSEADDR still allows an immediate restart. */
    unsigned max_conns = conf->max_connections ? conf->max_connections : SERVER_MAX_CONNECTIONS;
    unsigned per_addr = conf->max_per_address ? conf->max_per_address : SERVER_MAX_PER_ADDRESS;
    unsigned deadline = conf->request_deadline ? conf->request_deadline : SERVER_REQUEST_DEADLINE;
    raise_fd_limit(max_conns);
    heavy_start(conf);
    /* A connection's memory pool holds its request line, headers and read buffer (bodies
       stream through it in pieces); MHD zeroes the used pool at every request of a keep-alive
       connection, and the read buffer grows into all of it, so its size is paid per request
       (256 KiB was a quarter of the bench's instructions, bench/README.md). 64 KiB is twice
       MHD's default: headers up to ~32 KiB are still accepted. */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_CONNECTION_LIMIT,
        max_conns, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_addr, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
    if (!d) {
        heavy_end();
        return err_set(e, ERR_BAD_REQUEST, "cannot listen on %s:%d (address in use?)", host, port);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    log_info("serving http://%s:%d/ (API under /api/v1, %d threads)", host, port, threads);
    log_info("limits: %u connections, %u per address, %u s for a whole request", max_conns,
             per_addr, deadline);
    log_info("heavy work: %u threads at nice %d (reads) and %d at normal priority (writes), %u "
             "running and %u waiting per user, %u in all",
             heavy_nreaders, SERVER_HEAVY_NICE, SERVER_HEAVY_WRITERS, heavy_per_user_max,
             heavy_pending_max, heavy_queue_max);
    /* The scheduler runs in its own thread, begun once the port is open: its first run (the
       jobs missed while the server was down) may take minutes on a large database — on a
       100,000-invoice PostgreSQL copy the server did not listen within 4 minutes while it ran
       before (bench/README.md) — and requests are served meanwhile. */
    static struct sched_arg sa;
    sa.tick = tick;
    pthread_t sched;
    bool have_sched = tick && pthread_create(&sched, NULL, scheduler_main, &sa) == 0;
    if (tick && !have_sched)
        log_error("scheduler: cannot start its thread; the timed jobs will not run");
    while (!stop_flag) {
        sleep(1);
        watch_sweep(deadline);
    }
    log_info("stopping");
    /* A run under way (a long first run on a large database) is not waited for: the process
       ends and the run's transaction with it, rolled back; the next start runs the jobs
       again. Between runs the thread ends within a second. */
    if (have_sched && atomic_load(&sched_in_run)) {
        log_info("stopping: the scheduler's run under way is left unfinished (rolled back)");
        pthread_detach(sched);
    } else if (have_sched) {
        pthread_join(sched, NULL);
    }
    heavy_end();
    MHD_stop_daemon(d);
    return 0;
}
