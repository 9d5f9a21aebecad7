/*
 * serve.c — `osb serve`: the HTTP server plus the scheduler tick.
 */
#include "cli/cli.h"

#include "core/clock.h"
#include "core/date.h"
#include "core/log.h"
#include "core/str.h"
#include "flow/admin.h"
#include "http/server.h"
#include "store/audit.h"
#include "store/customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static struct server_conf conf;

/* Runs due jobs in one transaction as the system user. */
static void run_due_jobs(void)
{
    struct osb_err e = OSB_ERR_INIT;
    struct db *db = server_db(&e);
    struct ctx c;
    if (!db || cli_ctx(&c, db, &conf.cfg, "system", &e) < 0 || db_begin(db, &e) < 0) {
        log_error("scheduler: %s", e.message);
        err_clear(&e);
        return;
    }
    json_t *ran = json_array();
    /* Under a test clock time stands still: the timed jobs run only when a test asks
       (POST /jobs/run), so what a test sees never depends on when the server started. */
    if ((!conf.test_clock && jobs_run(&c, false, ran, &e) < 0) || db_commit(db, &e) < 0) {
        db_rollback(db);
        log_error("scheduler: %s", e.message);
    }
    jobs_run_outside(&c, ran); /* the e-mail outbox: after the commit, no lock held */
    json_decref(ran);
    err_clear(&e);
#ifdef __GLIBC__
    /* glibc keeps what a thread freed in that thread's arena, at the high-water mark of its
       largest burst (a report, a PDF, this minute's jobs): with a dozen arenas the server's RSS
       climbed a third over a 14,000-order soak with a quarter of it in use (bench/README.md
       "What the RSS is"). Once a minute, give the free pages of every arena back to the
       system; it takes each arena's lock briefly, after the jobs' transaction has ended. */
    malloc_trim(0);
#endif
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The scheduler's tick, in the server's own thread: every minute, and once at start so a job
   missed while the server was down runs now. The start-up run is logged when it ends: on a
   large database it may take minutes, the requests served meanwhile. */
static void tick(void)
{
    static bool first = true;
    double t0 = monotonic_s();
    run_due_jobs();
    if (first) {
        first = false;
        log_info("scheduler: the first run of the due jobs ended after %.1f s", monotonic_s() - t0);
    }
}

static const char *default_web_dir(const char *argv0)
{
    /* ./web when run from the checkout; else beside the binary: ../web from build/, or
       ../../web from build/san/ (the test build). */
    if (access("web/index.html", R_OK) == 0)
        return "web";
    const char *slash = strrchr(argv0, '/');
    if (slash) {
        static char buf[4096];
        static const char *const up[] = {"/../web", "/../../web"};
        for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
            int dir = (int)(slash - argv0);
            if (str_fmt(buf, sizeof buf, "%.*s%s/index.html", dir, argv0, up[i]) == 0 &&
                access(buf, R_OK) == 0) {
                buf[strlen(buf) - strlen("/index.html")] = '\0';
                return buf;
            }
        }
    }
    return "web";
}

int cmd_serve(int argc, char **argv)
{
    struct cli_opts o;
    if (cli_parse(
            "serve", argc, argv,
            "db=,listen=,threads=,web=,test-clock,test-clock-start=,max-connections=,"
            "max-per-address=,request-deadline=,trusted-proxies=,heavy-workers=,heavy-per-user=,"
            "heavy-pending=,heavy-queue=",
            &o) < 0)
        return EXIT_USAGE;
    const char *listen = cli_opt(&o, "listen") ? cli_opt(&o, "listen") : "127.0.0.1:8080";
    char host[64];
    int port = 0;
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host ||
        !str_to_int(colon + 1, 1, 65535, &port))
        return cli_usage("serve", "--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    int threads = 8;
    if (cli_opt(&o, "threads") && !str_to_int(cli_opt(&o, "threads"), 1, 256, &threads))
        return cli_usage("serve", "--threads takes 1 to 256");
    /* connection limits and the proxies whose X-Forwarded-For counts (docs/operations.md
       "Security"); each also from the environment, the option winning */
    static const struct {
        const char *opt, *env;
        int lo, hi;
        unsigned *to;
    } lim[] = {
        {"max-connections", "OSB_MAX_CONNECTIONS", 16, 100000, &conf.max_connections},
        {"max-per-address", "OSB_MAX_PER_ADDRESS", 1, 100000, &conf.max_per_address},
        {"request-deadline", "OSB_REQUEST_DEADLINE", 1, 3600, &conf.request_deadline},
        /* the heavy-work pool (docs/operations.md "Heavy work") */
        {"heavy-workers", "OSB_HEAVY_WORKERS", 1, 256, &conf.heavy_workers},
        {"heavy-per-user", "OSB_HEAVY_PER_USER", 1, 256, &conf.heavy_per_user},
        {"heavy-pending", "OSB_HEAVY_PENDING", 1, 10000, &conf.heavy_pending},
        {"heavy-queue", "OSB_HEAVY_QUEUE", 1, 100000, &conf.heavy_queue},
    };
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++) {
        const char *v = cli_opt(&o, lim[i].opt) ? cli_opt(&o, lim[i].opt) : getenv(lim[i].env);
        int n = 0;
        if (v && !str_to_int(v, lim[i].lo, lim[i].hi, &n))
            return cli_usage("serve", "--max-connections takes 16 to 100000, --max-per-address"
                                      " 1 to 100000, --request-deadline 1 to 3600 (seconds),"
                                      " --heavy-workers and --heavy-per-user 1 to 256,"
                                      " --heavy-pending 1 to 10000, --heavy-queue 1 to 100000");
        *lim[i].to = (unsigned)n;
    }
    conf.trusted_proxies = cli_opt(&o, "trusted-proxies") ? cli_opt(&o, "trusted-proxies")
                                                          : getenv("OSB_TRUSTED_PROXIES");
    struct osb_err e = OSB_ERR_INIT;
    struct db *db;
    if (cli_open(cli_opt(&o, "db"), &db, &conf.cfg, &e) < 0)
        return cli_fail(&e);
    /* Audit entries a stopped PostgreSQL server wrote but did not seal (store/audit.c). */
    if (audit_seal(db, &e) < 0) {
        db_close(db);
        return cli_fail(&e);
    }
    /* Search grams of customers written without them (a bulk load into the table). */
    if (store_customer_grams_missing(db, &e) < 0) {
        db_close(db);
        return cli_fail(&e);
    }
    db_close(db);
    conf.db_path = cli_opt(&o, "db");
    conf.web_dir = cli_opt(&o, "web") ? cli_opt(&o, "web") : default_web_dir(argv[-1]);
    const char *start = cli_opt(&o, "test-clock-start");
    ts_t start_ts = 0;
    if (start && !ts_parse_rfc3339(start, &start_ts))
        return cli_usage("serve", "--test-clock-start takes an RFC 3339 instant,"
                                  " e.g. 2026-12-01T09:00:00+08:00");
    conf.test_clock = cli_flag(&o, "test-clock") || start;
    conf.body_limit = 1 << 20;
    conf.import_limit = 32u << 20;
    if (conf.test_clock) {
        /* Tests start from a fixed instant so no test depends on today's date. */
        clock_set_test(start ? start_ts : clock_wall());
        log_info("test clock enabled (PUT /api/v1/test/clock)");
    }
    g_server = &conf;
#ifdef __GLIBC__
    /* Two malloc arenas, not glibc's default of one per thread up to 8 a core: with ~15
       threads (the MHD pool, the heavy-work pool, the scheduler, the sealer) each thread's
       arena kept its own freed pages around the few blocks still live in them, and the
       server's RSS after the minute's malloc_trim doubled over a 200,000-order soak while the
       bytes in use stayed ~10 MB (bench/README.md "Memory over a long run"). Shared arenas
       reuse each other's holes; on this 2-core machine two are as many as can run at once.
       MALLOC_ARENA_MAX in the environment still decides (docs/operations.md "Memory"). */
    if (!getenv("MALLOC_ARENA_MAX"))
        (void)mallopt(M_ARENA_MAX, 2);
#endif
    /* PostgreSQL: requests do not wait for their audit entries to be chained; one thread
       chains them (store/audit.c "Sealing"). */
    if (audit_sealer_start(conf.db_path, &e) < 0)
        return cli_fail(&e);
    /* tick() runs in the server's scheduler thread: at once (a job missed while the server
       was down runs now) and every minute, the port already open (docs/operations.md
       "Background jobs"). */
    int rc = server_run(&conf, host, port, threads, tick, &e);
    audit_sealer_stop();
    if (rc < 0)
        return cli_fail(&e);
    return 0;
}
