/*
 * op_load.c — load generator for the OP path of `osb serve` (issue "OP ... measured", item 8).
 *
 *   op_load setup --url URL [-c N]
 *       as admin: imports BENCH_PRODUCTS products and BENCH_CUSTOMERS customers as text/csv
 *       (POST /products/import, /customers/import) and receives stock for every product
 *       (POST /stock/receipts), see bench_data.h.
 *   op_load run --url URL [-c clients] [-n orders] [-t seconds] [-l lines] [--demo]
 *               [--log FILE] [--flushes FILE]
 *       N client threads, each with its own logins and one keep-alive connection, drive orders
 *       through create → verify → approve-market → accept → check → approve →
 *       print-delivery-note → release, and print orders/s and p50/p99 latency per call.
 *       --demo orders the demo company's own customers and SKUs (for a plain `osb demo` db);
 *       --log appends every order number whose create answered 201 (flushed at once), for the
 *       crash test. A client stops at its first transport error (server gone).
 *       --flushes reads the server's flush counters (bench/fsync_count.c) when the clock starts
 *       and when the last order is done, and prints the difference (bench/flushes.h).
 *   op_load verify --url URL --log FILE
 *       GET /orders/{n} (as gm) for every number in FILE; exit 0 when each answers 200.
 *
 * Exit status: 0 when every call answered as expected, 1 otherwise, 2 on usage errors.
 * It is a client, not part of osb: it needs only libcurl and pthreads.
 */
#include "bench_data.h"
#include "flushes.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum call { C_CREATE, C_VERIFY, C_APPROVE_MARKET, C_ACCEPT, C_CHECK, C_APPROVE, C_PRINT,
            C_RELEASE, C__COUNT };

static const char *const call_names[C__COUNT] = {
    "create", "verify", "approve-market", "accept", "check", "approve", "print-delivery-note",
    "release"};
/* Who acts at each step (an index into struct client's tokens) and what the step must answer. */
enum who { W_KAM, W_MM, W_CSR, W_SLT, W_FIN, W__COUNT };
static const enum who call_who[C__COUNT] = {W_KAM, W_KAM, W_MM, W_CSR, W_CSR, W_SLT, W_FIN,
                                            W_CSR};
static const char *const call_state[C__COUNT] = {
    "draft", "verified", "submitted", "accepted", "pending_approval", "approved", "billed",
    "released"};

/* ---- options ------------------------------------------------------------------------------ */

static const char *opt_url;
static int opt_clients = 4, opt_lines = 2;
static long opt_orders = 0;
static double opt_seconds = 0;
static bool opt_demo;
static const char *opt_log;
static const char *opt_flushes; /* bench/fsync_count.c's counters of the server */

/* The demo company's goods without quotas (osb demo), with their case sizes. */
static const struct {
    const char *sku;
    int case_size;
} demo_skus[] = {{"M-IF3-900", 12}, {"M-IF1-400", 24}, {"M-KID-800", 12}, {"M-MOM-800", 12},
                 {"M-ADL-800", 12}, {"M-RICE-225", 24}, {"M-BAG-400", 30}};
#define N_DEMO_SKUS (sizeof demo_skus / sizeof demo_skus[0])

/* ---- HTTP --------------------------------------------------------------------------------- */

struct buf {
    char *p;
    size_t len, cap;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct buf *b = ud;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np)
            return 0;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, ptr, n);
    b->len += n;
    b->p[b->len] = '\0';
    return n;
}

struct conn {
    CURL *h;
    struct buf resp;
    long stmts; /* X-OSB-Statements of the last answer, -1 when it had none */
    char url[512];
    size_t base_len;
};

/* Picks X-OSB-Statements (the server's OSB_COUNT_SQL=1, bench/README.md) out of the answer. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
    struct conn *c = arg;
    size_t n = size * nmemb;
    static const char name[] = "X-OSB-Statements:";
    if (n > sizeof name && strncasecmp(ptr, name, sizeof name - 1) == 0)
        c->stmts = strtol(ptr + sizeof name - 1, NULL, 10);
    return n;
}

static void conn_init(struct conn *c)
{
    memset(c, 0, sizeof *c);
    c->h = curl_easy_init();
    if (!c->h) {
        fprintf(stderr, "op_load: curl_easy_init failed\n");
        exit(1);
    }
    c->base_len = (size_t)snprintf(c->url, sizeof c->url, "%s/api/v1", opt_url);
    curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->resp);
    curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c->h, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 60L);
}

static void conn_free(struct conn *c)
{
    curl_easy_cleanup(c->h);
    free(c->resp.p);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* POSTs body to path; returns the HTTP status, or -1 on a transport error. */
static long post(struct conn *c, const char *path, struct curl_slist *hdr, const char *body,
                 size_t len)
{
    snprintf(c->url + c->base_len, sizeof c->url - c->base_len, "%s", path);
    c->resp.len = 0;
    if (c->resp.p)
        c->resp.p[0] = '\0';
    curl_easy_setopt(c->h, CURLOPT_URL, c->url);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    c->stmts = -1;
    if (curl_easy_perform(c->h) != CURLE_OK)
        return -1;
    long status = 0;
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* GETs path; returns the HTTP status, or -1 on a transport error. */
static long get(struct conn *c, const char *path, struct curl_slist *hdr)
{
    snprintf(c->url + c->base_len, sizeof c->url - c->base_len, "%s", path);
    c->resp.len = 0;
    curl_easy_setopt(c->h, CURLOPT_URL, c->url);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
    c->stmts = -1;
    if (curl_easy_perform(c->h) != CURLE_OK)
        return -1;
    long status = 0;
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* The string value of "key" at its first occurrence in a JSON text (no escapes expected:
   tokens, document numbers and state names are plain ASCII). */
static bool json_str(const char *txt, const char *key, char *out, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = txt ? strstr(txt, pat) : NULL;
    if (!p)
        return false;
    p += strlen(pat);
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= n)
        return false;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return true;
}

static struct curl_slist *headers(const char *token, const char *type)
{
    char h[200];
    struct curl_slist *l = NULL;
    snprintf(h, sizeof h, "Content-Type: %s", type);
    l = curl_slist_append(l, h);
    l = curl_slist_append(l, "Expect:");
    if (token) {
        snprintf(h, sizeof h, "Authorization: Bearer %s", token);
        l = curl_slist_append(l, h);
    }
    return l;
}

/* Logs in; returns the request headers with its token (Content-Type type), or NULL. */
static struct curl_slist *login_as(struct conn *c, const char *user, const char *password,
                                   const char *type)
{
    char body[200], token[128];
    struct curl_slist *plain = headers(NULL, "application/json");
    int n = snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user,
                     password);
    long st = post(c, "/login", plain, body, (size_t)n);
    curl_slist_free_all(plain);
    if (st != 200 || !json_str(c->resp.p, "token", token, sizeof token)) {
        fprintf(stderr, "op_load: login %s: HTTP %ld %.200s\n", user, st,
                c->resp.p ? c->resp.p : "");
        return NULL;
    }
    return headers(token, type);
}

static struct curl_slist *login(struct conn *c, const char *user, const char *password)
{
    return login_as(c, user, password, "application/json");
}

/* ---- statistics --------------------------------------------------------------------------- */

struct lat {
    double *v;
    size_t n, cap;
};

static void lat_add(struct lat *l, double ms)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    l->v[l->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const struct lat *l, double p)
{
    if (!l->n)
        return 0;
    size_t i = (size_t)(p * (double)(l->n - 1) + 0.5);
    return l->v[i];
}

/* ---- the run ------------------------------------------------------------------------------ */

static atomic_long started, completed, failed_orders, errors, transport_errors;
static atomic_int shown_errors;
/* Failed calls by HTTP status (index 0: transport errors), printed after the run. */
#define MAX_STATUS 600
static atomic_long errors_by_status[MAX_STATUS];
static double t_start, t_deadline;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_f;

/* Every user that acts on the path, logged in once per client: its own session each. */
#define MAX_USERS 40
struct session {
    char user[32];
    struct curl_slist *hdr;
};

struct client {
    int id;
    pthread_t th;
    struct conn c;
    struct session s[MAX_USERS];
    int ns;
    unsigned rnd;
    struct lat lat[C__COUNT];
    long sql_n[C__COUNT], sql_sum[C__COUNT], sql_max[C__COUNT]; /* X-OSB-Statements */
    double t_last;
};

static void sql_add(struct client *cl, int k)
{
    if (cl->c.stmts < 0)
        return;
    cl->sql_n[k]++;
    cl->sql_sum[k] += cl->c.stmts;
    if (cl->c.stmts > cl->sql_max[k])
        cl->sql_max[k] = cl->c.stmts;
}

static struct curl_slist *session_of(struct client *cl, const char *user)
{
    for (int i = 0; i < cl->ns; i++)
        if (strcmp(cl->s[i].user, user) == 0)
            return cl->s[i].hdr;
    return NULL;
}

static int login_all(struct client *cl)
{
    static const char *const fixed[] = {"csr_a", "finance", "director", "deputy"};
    char u[32];
    for (int k = 0; k < (int)(sizeof fixed / sizeof fixed[0]) + 2 * BENCH_NREGIONS; k++) {
        if (k < 4)
            snprintf(u, sizeof u, "%s", fixed[k]);
        else if (k < 4 + BENCH_NREGIONS)
            snprintf(u, sizeof u, "kam_%s", bench_regions[k - 4].code);
        else
            snprintf(u, sizeof u, "mm_%s", bench_regions[k - 4 - BENCH_NREGIONS].market);
        if (session_of(cl, u))
            continue;
        struct curl_slist *h = login(&cl->c, u, "demo123");
        if (!h || cl->ns == MAX_USERS)
            return -1;
        snprintf(cl->s[cl->ns].user, sizeof cl->s[cl->ns].user, "%s", u);
        cl->s[cl->ns++].hdr = h;
    }
    return 0;
}

static void show_error(const char *what, const char *order, long st, const char *body)
{
    atomic_fetch_add(&errors, 1);
    if (st < 0)
        atomic_fetch_add(&transport_errors, 1);
    atomic_fetch_add(&errors_by_status[st > 0 && st < MAX_STATUS ? st : 0], 1);
    if (atomic_fetch_add(&shown_errors, 1) < 5)
        fprintf(stderr, "op_load: %s %s: %s%ld %.300s\n", what, order ? order : "",
                st < 0 ? "transport error " : "HTTP ", st, st < 0 ? "" : body ? body : "");
}

/* A random customer (its region in *reg) and lines of distinct SKUs in whole cases. */
static int order_body(struct client *cl, char *buf, size_t n, const struct bench_region **reg)
{
    char cust[16];
    if (opt_demo) {
        /* The demo's customers <region>01 and <region>02. */
        unsigned r = bench_rand(&cl->rnd) % (2 * BENCH_NREGIONS);
        *reg = &bench_regions[r / 2];
        snprintf(cust, sizeof cust, "%s%02u", (*reg)->code, 1 + r % 2);
    } else {
        int i = 1 + (int)(bench_rand(&cl->rnd) % BENCH_CUSTOMERS);
        *reg = bench_customer_region(i);
        bench_customer_code(i, cust, sizeof cust);
    }
    size_t len = (size_t)snprintf(buf, n, "{\"customer\":\"%s\",\"lines\":[", cust);
    int picked[64];
    int lines = opt_lines;
    for (int i = 0; i < lines; i++) {
        int j;
        bool dup;
        do {
            j = opt_demo ? (int)(bench_rand(&cl->rnd) % N_DEMO_SKUS)
                         : 1 + (int)(bench_rand(&cl->rnd) % BENCH_PRODUCTS);
            dup = false;
            for (int q = 0; q < i; q++)
                dup = dup || picked[q] == j;
        } while (dup);
        picked[i] = j;
        char sku[32];
        int cs;
        if (opt_demo) {
            snprintf(sku, sizeof sku, "%s", demo_skus[j].sku);
            cs = demo_skus[j].case_size;
        } else {
            bench_sku(j, sku, sizeof sku);
            cs = bench_case_size(j);
        }
        int cases = opt_demo ? 1 : 1 + (int)(bench_rand(&cl->rnd) % 5);
        len += (size_t)snprintf(buf + len, n - len, "%s{\"sku\":\"%s\",\"qty\":%d}",
                                i ? "," : "", sku, cs * cases);
    }
    len += (size_t)snprintf(buf + len, n - len, "]}");
    return (int)len;
}

static bool more_orders(void)
{
    if (opt_seconds > 0 && now_ms() >= t_deadline)
        return false;
    if (opt_orders > 0 && atomic_fetch_add(&started, 1) >= opt_orders)
        return false;
    return true;
}

static void *client_main(void *arg)
{
    struct client *cl = arg;
    char body[4096], path[128], number[64], state[40], u[W__COUNT][32];
    struct curl_slist *who[W__COUNT];
    while (more_orders()) {
        const struct bench_region *reg;
        int len = order_body(cl, body, sizeof body, &reg);
        snprintf(u[W_KAM], 32, "kam_%s", reg->code);
        snprintf(u[W_MM], 32, "mm_%s", reg->market);
        snprintf(u[W_CSR], 32, "csr_a");
        snprintf(u[W_SLT], 32, "%s", reg->supervisor);
        snprintf(u[W_FIN], 32, "finance");
        for (int w = 0; w < W__COUNT; w++)
            who[w] = session_of(cl, u[w]);
        double t0 = now_ms();
        long st = post(&cl->c, "/orders", who[W_KAM], body, (size_t)len);
        double t1 = now_ms();
        if (st != 201 || !json_str(cl->c.resp.p, "number", number, sizeof number)) {
            show_error("create", NULL, st, cl->c.resp.p);
            atomic_fetch_add(&failed_orders, 1);
            if (st < 0)
                break;
            continue;
        }
        lat_add(&cl->lat[C_CREATE], t1 - t0);
        sql_add(cl, C_CREATE);
        if (log_f) {
            pthread_mutex_lock(&log_mu);
            fprintf(log_f, "%s\n", number);
            fflush(log_f);
            pthread_mutex_unlock(&log_mu);
        }
        bool done = true;
        for (int k = C_VERIFY; k < C__COUNT; k++) {
            snprintf(path, sizeof path, "/orders/%s/%s", number, call_names[k]);
            t0 = now_ms();
            st = post(&cl->c, path, who[call_who[k]], "{}", 2);
            t1 = now_ms();
            if (st != 200 || !json_str(cl->c.resp.p, "state", state, sizeof state) ||
                strcmp(state, call_state[k]) != 0) {
                char what[64];
                snprintf(what, sizeof what, "%s (state %s)", call_names[k],
                         st == 200 ? state : "-");
                show_error(what, number, st, cl->c.resp.p);
                done = false;
                break;
            }
            lat_add(&cl->lat[k], t1 - t0);
            sql_add(cl, k);
        }
        if (!done) {
            atomic_fetch_add(&failed_orders, 1);
            if (st < 0)
                break;
            continue;
        }
        cl->t_last = now_ms();
        atomic_fetch_add(&completed, 1);
    }
    return NULL;
}

static int run(void)
{
    if (opt_log) {
        log_f = fopen(opt_log, "a");
        if (!log_f) {
            perror(opt_log);
            return 2;
        }
    }
    struct client *cls = calloc((size_t)opt_clients, sizeof *cls);
    /* Logins first (not timed): every KAM, MM, SLT supervisor, csr_a and finance, each
       client with sessions of its own. */
    for (int i = 0; i < opt_clients; i++) {
        struct client *cl = &cls[i];
        cl->id = i;
        cl->rnd = 2463534242u ^ (unsigned)(i * 7919 + 1) ^ (unsigned)getpid();
        conn_init(&cl->c);
        if (login_all(cl) < 0)
            return 1;
    }
    uint64_t fl0[6];
    flushes_read(opt_flushes, fl0);
    t_start = now_ms();
    t_deadline = t_start + opt_seconds * 1e3;
    for (int i = 0; i < opt_clients; i++)
        pthread_create(&cls[i].th, NULL, client_main, &cls[i]);
    double t_end = t_start;
    for (int i = 0; i < opt_clients; i++) {
        pthread_join(cls[i].th, NULL);
        if (cls[i].t_last > t_end)
            t_end = cls[i].t_last;
    }
    flushes_print("op_load", opt_flushes, fl0);
    double secs = (t_end - t_start) / 1e3;
    long done = atomic_load(&completed);
    double ops = secs > 0 ? (double)done / secs : 0;
    printf("op_load: %d clients, %ld orders through the OP path in %.2f s, %ld failed, %ld "
           "errors\n",
           opt_clients, done, secs, atomic_load(&failed_orders), atomic_load(&errors));
    /* "SQL statements per call": the mean and the largest X-OSB-Statements of the call's
       answers ("-" when the server was not started with OSB_COUNT_SQL=1). */
    printf("%-20s %8s %9s %9s %9s   %s\n", "call", "count", "p50 ms", "p99 ms", "max ms",
           "SQL statements per call (mean / max)");
    struct lat all[C__COUNT];
    memset(all, 0, sizeof all);
    for (int k = 0; k < C__COUNT; k++) {
        for (int i = 0; i < opt_clients; i++)
            for (size_t j = 0; j < cls[i].lat[k].n; j++)
                lat_add(&all[k], cls[i].lat[k].v[j]);
        qsort(all[k].v, all[k].n, sizeof(double), cmp_double);
        long sn = 0, ss = 0, sm = 0;
        for (int i = 0; i < opt_clients; i++) {
            sn += cls[i].sql_n[k];
            ss += cls[i].sql_sum[k];
            if (cls[i].sql_max[k] > sm)
                sm = cls[i].sql_max[k];
        }
        char sq[48] = "-";
        if (sn)
            snprintf(sq, sizeof sq, "%.1f / %ld", (double)ss / (double)sn, sm);
        printf("%-20s %8zu %9.2f %9.2f %9.2f   %s\n", call_names[k], all[k].n,
               pct(&all[k], 0.50), pct(&all[k], 0.99), all[k].n ? all[k].v[all[k].n - 1] : 0.0,
               sq);
        free(all[k].v);
    }
    if (atomic_load(&errors)) {
        printf("errors by status:");
        for (int k = 0; k < MAX_STATUS; k++)
            if (atomic_load(&errors_by_status[k]))
                printf(" %s%d: %ld", k ? "HTTP " : "", k ? k : 0,
                       atomic_load(&errors_by_status[k]));
        printf("%s\n", atomic_load(&errors_by_status[0]) ? " (0: transport errors)" : "");
    }
    printf("OP orders/s: %.2f\n", ops);
    for (int i = 0; i < opt_clients; i++) {
        for (int w = 0; w < cls[i].ns; w++)
            curl_slist_free_all(cls[i].s[w].hdr);
        for (int k = 0; k < C__COUNT; k++)
            free(cls[i].lat[k].v);
        conn_free(&cls[i].c);
    }
    free(cls);
    if (log_f)
        fclose(log_f);
    return atomic_load(&errors) ? 1 : 0;
}

/* ---- setup -------------------------------------------------------------------------------- */

struct sbuf {
    char *p;
    size_t len, cap;
};

static void sbuf_addf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sbuf_addf(struct sbuf *s, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(s->p ? s->p + s->len : NULL, s->p ? s->cap - s->len : 0, fmt, ap);
        va_end(ap);
        if (n >= 0 && s->p && (size_t)n < s->cap - s->len) {
            s->len += (size_t)n;
            return;
        }
        s->cap = s->cap ? s->cap * 2 : 1 << 20;
        s->p = realloc(s->p, s->cap);
        if (!s->p)
            abort();
    }
}

static atomic_int next_sku;
static atomic_int setup_failed;

struct stocker {
    pthread_t th;
    struct conn c;
    struct curl_slist *tok;
};

static void *stock_main(void *arg)
{
    struct stocker *s = arg;
    char body[256], sku[32];
    int j;
    while ((j = atomic_fetch_add(&next_sku, 1)) <= BENCH_PRODUCTS) {
        bench_sku(j, sku, sizeof sku);
        int n = snprintf(body, sizeof body,
                         "{\"warehouse\":\"%s\",\"sku\":\"%s\",\"batch\":\"%s\",\"qty\":%d,"
                         "\"expires\":\"2099-12-31\"}",
                         BENCH_WAREHOUSE, sku, BENCH_BATCH, BENCH_STOCK_CASES * bench_case_size(j));
        long st = post(&s->c, "/stock/receipts", s->tok, body, (size_t)n);
        if (st != 201) {
            fprintf(stderr, "op_load: stock %s: HTTP %ld %.300s\n", sku, st,
                    s->c.resp.p ? s->c.resp.p : "");
            atomic_store(&setup_failed, 1);
            break;
        }
    }
    return NULL;
}

static int setup(void)
{
    struct conn c;
    conn_init(&c);
    struct curl_slist *tok = login(&c, "admin", "admin123");
    if (!tok)
        return 1;
    struct curl_slist *csv = login_as(&c, "admin", "admin123", "text/csv");
    if (!csv)
        return 1;
    curl_easy_setopt(c.h, CURLOPT_TIMEOUT, 600L);
    double t0 = now_ms();

    struct sbuf s = {0};
    sbuf_addf(&s, "sku,name,spec,unit,case_size,price_fen\n");
    for (int j = 1; j <= BENCH_PRODUCTS; j++) {
        char sku[32];
        bench_sku(j, sku, sizeof sku);
        sbuf_addf(&s, "%s,Bench product %d,%dx500g,case,%d,%lld\n", sku, j, bench_case_size(j),
                  bench_case_size(j), bench_price_fen(j));
    }
    long st = post(&c, "/products/import", csv, s.p, s.len);
    if (st != 200 && st != 201) {
        fprintf(stderr, "op_load: products import: HTTP %ld %.500s\n", st, c.resp.p);
        return 1;
    }
    printf("setup: %d products imported (%.1f s)\n", BENCH_PRODUCTS, (now_ms() - t0) / 1e3);

    s.len = 0;
    sbuf_addf(&s, "code,name,market,region,kam,credit_limit_fen,payment_term_days,consignee,"
                  "consignee_phone,consignment_station,address\n");
    for (int i = 1; i <= BENCH_CUSTOMERS; i++) {
        char code[16];
        const struct bench_region *r = bench_customer_region(i);
        bench_customer_code(i, code, sizeof code);
        sbuf_addf(&s, "%s,Bench customer %d,%s,%s,kam_%s,%lld,30,Receiving %d,020-%08d,"
                      "Station %s,Road %d\n",
                  code, i, r->market, r->code, r->code, BENCH_CREDIT_LIMIT_FEN, i, i, r->code,
                  i);
    }
    double t1 = now_ms();
    st = post(&c, "/customers/import", csv, s.p, s.len);
    if (st != 200 && st != 201) {
        fprintf(stderr, "op_load: customers import: HTTP %ld %.500s\n", st, c.resp.p);
        return 1;
    }
    printf("setup: %d customers imported (%.1f s)\n", BENCH_CUSTOMERS, (now_ms() - t1) / 1e3);
    free(s.p);
    curl_slist_free_all(csv);

    double t2 = now_ms();
    atomic_store(&next_sku, 1);
    struct stocker *sk = calloc((size_t)opt_clients, sizeof *sk);
    for (int i = 0; i < opt_clients; i++) {
        conn_init(&sk[i].c);
        sk[i].tok = tok;
        pthread_create(&sk[i].th, NULL, stock_main, &sk[i]);
    }
    for (int i = 0; i < opt_clients; i++) {
        pthread_join(sk[i].th, NULL);
        conn_free(&sk[i].c);
    }
    free(sk);
    curl_slist_free_all(tok);
    conn_free(&c);
    if (atomic_load(&setup_failed))
        return 1;
    printf("setup: stock received for %d products (%.1f s)\n", BENCH_PRODUCTS,
           (now_ms() - t2) / 1e3);
    return 0;
}

/* ---- verify (the crash test) ------------------------------------------------------------- */

/* Every order number in the --log file must answer GET /orders/{n} with 200 (as gm, who sees
   every order). */
static int verify(void)
{
    FILE *f = fopen(opt_log, "r");
    if (!f) {
        perror(opt_log);
        return 2;
    }
    struct conn c;
    conn_init(&c);
    struct curl_slist *h = login(&c, "gm", "demo123");
    if (!h) {
        fclose(f);
        return 1;
    }
    char line[128], path[160];
    long n = 0, missing = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line)
            continue;
        n++;
        snprintf(path, sizeof path, "/orders/%s", line);
        long st = get(&c, path, h);
        if (st != 200) {
            missing++;
            fprintf(stderr, "op_load: order %s answered %ld after the restart\n", line, st);
        }
    }
    fclose(f);
    curl_slist_free_all(h);
    conn_free(&c);
    printf("verify: %ld logged orders, %ld missing\n", n, missing);
    return missing || n == 0 ? 1 : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: op_load setup --url URL [-c N]\n"
                    "       op_load run --url URL [-c clients] [-n orders] [-t seconds]"
                    " [-l lines] [--demo] [--log FILE]\n"
                    "                   [--flushes FILE]\n"
                    "       op_load verify --url URL --log FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *mode = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--demo")) {
            opt_demo = true;
            continue;
        }
        if (!v)
            return usage();
        if (!strcmp(a, "--url"))
            opt_url = v;
        else if (!strcmp(a, "-c"))
            opt_clients = atoi(v);
        else if (!strcmp(a, "-n"))
            opt_orders = atol(v);
        else if (!strcmp(a, "-t"))
            opt_seconds = atof(v);
        else if (!strcmp(a, "-l"))
            opt_lines = atoi(v);
        else if (!strcmp(a, "--log"))
            opt_log = v;
        else if (!strcmp(a, "--flushes"))
            opt_flushes = v;
        else
            return usage();
        i++;
    }
    if (!opt_url || opt_clients < 1 || opt_clients > 256 || opt_lines < 1 ||
        opt_lines > (opt_demo ? (int)N_DEMO_SKUS : 20))
        return usage();
    if (strcmp(mode, "run") == 0 && opt_orders <= 0 && opt_seconds <= 0)
        opt_orders = 1000;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = strcmp(mode, "setup") == 0    ? setup()
             : strcmp(mode, "run") == 0    ? run()
             : strcmp(mode, "verify") == 0 ? (opt_log ? verify() : usage())
                                           : usage();
    curl_global_cleanup();
    return rc;
}
