/*
 * init.c — `osb init`: a new database with the schema, the settings and the admin user.
 */
#include "cli/cli.h"

#include "core/clock.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/session.h"
#include "store/schema.h"
#include "store/settings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_password(void)
{
    static char buf[256];
    if (!isatty(0))
        return NULL;
    fprintf(stderr, "admin password: ");
    fflush(stderr);
    if (!fgets(buf, sizeof buf, stdin))
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

/* path as it may be shown and audited: a URL's password (scheme://user:password@host) is
   replaced by "***". */
static char *redact(const char *path)
{
    struct sb out = SB_INIT;
    const char *scheme = strstr(path, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (colon)
        sb_addf(&out, "%.*s:***%s", (int)(colon - path), path, at);
    else
        sb_add(&out, path);
    return sb_detach(&out);
}

int cmd_init(int argc, char **argv)
{
    struct cli_opts o;
    if (cli_parse("init", argc, argv, "db=,admin-password=,prefix=", &o) < 0)
        return EXIT_USAGE;
    const char *path = cli_opt(&o, "db");
    if (!path)
        return cli_usage("init", "--db PATH is required");
    const char *prefix = cli_opt(&o, "prefix") ? cli_opt(&o, "prefix") : "SC";
    size_t pl = strlen(prefix);
    bool ok = pl >= 1 && pl <= 4;
    for (size_t i = 0; i < pl; i++)
        ok = ok && prefix[i] >= 'A' && prefix[i] <= 'Z';
    if (!ok)
        return cli_usage("init", "--prefix must be 1-4 capital letters");
    const char *pw = cli_opt(&o, "admin-password");
    if (!pw)
        pw = getenv("OSB_ADMIN_PASSWORD");
    if (!pw)
        pw = read_password();
    if (!pw || strlen(pw) < 6)
        return cli_usage("init", "an admin password of at least 6 characters is required "
                                 "(--admin-password or OSB_ADMIN_PASSWORD)");
    struct osb_err e = OSB_ERR_INIT;
    bool url = db_is_url(path);
    if (!url && access(path, F_OK) == 0) {
        err_set(&e, ERR_DUPLICATE, "%s already exists; refusing to overwrite it", path);
        return cli_fail(&e);
    }
    struct db *db;
    if (db_open(path, true, &db, &e) < 0)
        return cli_fail(&e);
    /* the path, or the URL without its password (it goes into the audit) */
    char *shown = redact(path);
    int64_t have = 0;
    /* A PostgreSQL database is made by createdb; init refuses one that holds OSB already. */
    if (url && schema_version(db, &e, &have) == 0 && have > 0)
        err_set(&e, ERR_DUPLICATE, "%s holds an OSB database already; refusing to overwrite it",
                shown);
    if (!err_ok(&e) || schema_migrate(db, &e) < 0) {
        db_close(db);
        free(shown);
        return cli_fail(&e);
    }
    struct config cfg;
    config_load(db, &cfg, &e);
    (void)str_copy(cfg.doc_prefix, sizeof cfg.doc_prefix, prefix); /* 1-4 letters: fits */
    struct ctx c;
    cli_ctx(&c, db, &cfg, "system", &e);
    char *hash = session_hash_password(pw);
    int rc = -1;
    if (db_begin(db, &e) == 0 && settings_set(db, &e, "doc_prefix", prefix, "system", c.now) == 0 &&
        settings_set(db, &e, "time_zone", "Asia/Shanghai", "system", c.now) == 0 &&
        db_exec(db, &e,
                "INSERT INTO users(username, name, password_hash, role, department, created_at,"
                " created_by, updated_at) VALUES('admin', '系统管理员', ?, 'admin', 'admin', ?,"
                " 'system', ?)",
                "sii", hash, c.now, c.now) >= 0 &&
        flow_audit(&c, &e, "init", "database", shown, NULL, NULL) == 0 && db_commit(db, &e) == 0)
        rc = 0;
    free(hash);
    if (rc < 0) {
        db_rollback(db);
        db_close(db);
        if (!url)
            unlink(path);
        free(shown);
        return cli_fail(&e);
    }
    db_close(db);
    printf("created %s (schema %d, prefix %s, user 'admin')\n", shown, schema_latest(), prefix);
    free(shown);
    return 0;
}
