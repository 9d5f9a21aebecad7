/*
 * common.c (cli) — option parsing, error lines, opening a database for a command.
 */
#include "cli/cli.h"

#include "core/clock.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/order.h"
#include "flow/session.h"
#include "store/schema.h"
#include "store/settings.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "osb: usage: %s (see 'osb %s --help')\n", msg, cmd);
    return EXIT_USAGE;
}

int cli_fail(const struct osb_err *e)
{
    fprintf(stderr, "osb: %s: %s\n", err_code_str(e->code), e->message);
    return e->code == ERR_BAD_REQUEST ? EXIT_USAGE : EXIT_RULE;
}

int cli_parse(const char *cmd, int argc, char **argv, const char *spec, struct cli_opts *o)
{
    memset(o, 0, sizeof *o);
    /* Split the spec into names. */
    static char buf[512];
    if (str_copy(buf, sizeof buf, spec) < 0) { /* the specs are literals of the commands */
        cli_usage(cmd, "internal error: the option list is too long");
        return -1;
    }
    for (char *tok = strtok(buf, ","); tok && o->n < 12; tok = strtok(NULL, ",")) {
        size_t l = strlen(tok);
        bool takes = l && tok[l - 1] == '=';
        if (takes)
            tok[l - 1] = '\0';
        o->names[o->n] = tok;
        o->flags[o->n] = !takes;
        o->n++;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            struct sb msg = SB_INIT;
            sb_addf(&msg, "unexpected argument '%s'", a);
            cli_usage(cmd, sb_str(&msg));
            sb_free(&msg);
            return -1;
        }
        a += 2;
        const char *eq = strchr(a, '=');
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        int k = -1;
        for (int j = 0; j < o->n; j++)
            if (strlen(o->names[j]) == nl && strncmp(o->names[j], a, nl) == 0)
                k = j;
        if (k < 0) {
            struct sb msg = SB_INIT;
            sb_addf(&msg, "unknown option '--%.*s'", (int)nl, a);
            cli_usage(cmd, sb_str(&msg));
            sb_free(&msg);
            return -1;
        }
        if (o->flags[k]) {
            if (eq) {
                cli_usage(cmd, "a flag takes no value");
                return -1;
            }
            o->values[k] = "";
        } else if (eq) {
            o->values[k] = eq + 1;
        } else if (i + 1 < argc) {
            o->values[k] = argv[++i];
        } else {
            struct sb msg = SB_INIT;
            sb_addf(&msg, "--%s needs a value", o->names[k]);
            cli_usage(cmd, sb_str(&msg));
            sb_free(&msg);
            return -1;
        }
    }
    return 0;
}

const char *cli_opt(const struct cli_opts *o, const char *name)
{
    for (int j = 0; j < o->n; j++)
        if (strcmp(o->names[j], name) == 0)
            return o->values[j];
    return NULL;
}

bool cli_flag(const struct cli_opts *o, const char *name)
{
    return cli_opt(o, name) != NULL;
}

int config_load(struct db *db, struct config *cfg, struct osb_err *e)
{
    memset(cfg, 0, sizeof *cfg);
    char *p = settings_get(db, "doc_prefix", "SC");
    int cut = str_copy(cfg->doc_prefix, sizeof cfg->doc_prefix, p);
    free(p);
    if (cut < 0)
        return err_set(e, ERR_INTERNAL, "the setting doc_prefix is longer than %zu characters",
                       sizeof cfg->doc_prefix - 1);
    /* Only fixed-offset zones are supported; Asia/Shanghai is +08:00 all year. */
    char *tz = settings_get(db, "time_zone", "Asia/Shanghai");
    cfg->tz_min = 480;
    if (tz[0] == '+' || tz[0] == '-') {
        int h = 0, m = 0;
        if (sscanf(tz + 1, "%d:%d", &h, &m) >= 1)
            cfg->tz_min = (tz[0] == '-' ? -1 : 1) * (h * 60 + m);
    }
    free(tz);
    /* A value that is not a positive whole number keeps the default. */
    cfg->session_idle_hours = settings_int(db, "session_idle_hours", 12, INT_MAX);
    if (cfg->session_idle_hours <= 0)
        cfg->session_idle_hours = 12;
    cfg->login_fail_limit = settings_int(db, "login_fail_limit", 10, INT_MAX);
    if (cfg->login_fail_limit <= 0)
        cfg->login_fail_limit = 10;
    cfg->login_fail_address_limit = settings_int(db, "login_fail_address_limit", 100, INT_MAX);
    if (cfg->login_fail_address_limit <= 0)
        cfg->login_fail_address_limit = 100;
    cfg->login_fail_user_limit = settings_int(db, "login_fail_user_limit", 50, INT_MAX);
    if (cfg->login_fail_user_limit <= 0)
        cfg->login_fail_user_limit = 50;
    return 0;
}

int cli_open(const char *path, struct db **db, struct config *cfg, struct osb_err *e)
{
    if (!path)
        return err_bad(e, "db", "--db PATH is required");
    if (!db_is_url(path) && access(path, F_OK) != 0)
        return err_set(e, ERR_NOT_FOUND, "no database at %s (create one with 'osb init --db %s')",
                       path, path);
    if (db_open(path, false, db, e) < 0)
        return -1;
    int64_t v = 0;
    if (schema_version(*db, e, &v) < 0 || v == 0) {
        if (err_ok(e))
            err_set(e, ERR_NOT_FOUND, "%s is not an OSB database (run 'osb init')", path);
        db_close(*db);
        *db = NULL;
        return -1;
    }
    if (schema_migrate(*db, e) < 0 || config_load(*db, cfg, e) < 0) {
        db_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

int cli_ctx(struct ctx *c, struct db *db, const struct config *cfg, const char *username,
            struct osb_err *e)
{
    memset(c, 0, sizeof *c);
    c->db = db;
    c->cfg = cfg;
    c->now = clock_now();
    c->ip = "local";
    c->request_id = "cli";
    c->money_changed = order_recheck_customer;
    if (strcmp(username, "system") == 0) {
        (void)str_copy(c->user.username, sizeof c->user.username, "system"); /* fits */
        c->user.role = ROLE_ADMIN;
        return 0;
    }
    int rc = session_load_user(db, e, username, &c->user, NULL, NULL);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no user '%s'", username);
    return 0;
}
