/*
 * harness.h — what the fuzz targets that run on a real database share (fuzz_import,
 * fuzz_router): the property check and the demo company made once per process. Include it
 * after defining FUZZ_NAME ("fuzz_import"), which the failure message names.
 */
#ifndef OSB_FUZZ_HARNESS_H
#define OSB_FUZZ_HARNESS_H

#include "cli/cli.h"
#include "core/err.h"
#include "core/str.h"
#include "http/http.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* abort() on a property violation: libFuzzer keeps the input and reports it */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, FUZZ_NAME ": %s:%d: property failed: %s\n", __FILE__, __LINE__,        \
                    #cond);                                                                        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char fuzz_dir[] = "/tmp/osb-" FUZZ_NAME "-XXXXXX";
static char fuzz_path[128];

/* at exit: the database and its directory go (libFuzzer ends by exit()) */
static void fuzz_demo_remove(void)
{
    static const char *const ext[] = {"", "-wal", "-shm"};
    char f[160];
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (str_fmt(f, sizeof f, "%s%s", fuzz_path, ext[i]) == 0)
            unlink(f);
    rmdir(fuzz_dir);
}

/* The demo company (osb init with admin's password "fuzz-admin1", osb demo: every demo user's
   password is "demo123") in a new temporary directory, opened; conf holds its path and
   settings and is the server's configuration (g_server) from here on, as router_match and
   the handlers read it. Called once, from LLVMFuzzerInitialize. */
static struct db *fuzz_demo_db(struct server_conf *conf)
{
    setenv("OSB_KDF", "fast", 1); /* logins in microseconds, not the real hash's 100 ms */
    CHECK(mkdtemp(fuzz_dir) != NULL);
    CHECK(str_fmt(fuzz_path, sizeof fuzz_path, "%s/fuzz.db", fuzz_dir) == 0);
    atexit(fuzz_demo_remove);
    char *init[] = {"init", "--db", fuzz_path, "--admin-password", "fuzz-admin1", NULL};
    CHECK(cmd_init(5, init) == 0);
    char *demo[] = {"demo", "--db", fuzz_path, NULL};
    CHECK(cmd_demo(3, demo) == 0);
    struct osb_err e = OSB_ERR_INIT;
    struct db *db = NULL;
    CHECK(db_open(fuzz_path, false, &db, &e) == 0);
    CHECK(config_load(db, &conf->cfg, &e) == 0);
    err_clear(&e);
    conf->db_path = fuzz_path;
    g_server = conf;
    return db;
}

#endif
