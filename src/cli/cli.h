/*
 * cli.h — the `osb` subcommands (one file each) and what they share: option parsing, the one
 * error line of api.md §2 (`osb: <code>: <message>` on stderr), exit codes 0/1/2.
 */
#ifndef OSB_CLI_H
#define OSB_CLI_H

#include "flow/ctx.h"

#define EXIT_RULE 1  /* a check or rule failed */
#define EXIT_USAGE 2 /* usage error */

struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *usage; /* full help text */
};

extern const struct cli_cmd cli_commands[];
extern const int cli_ncommands;

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* Option parsing: --name value or --name=value; flags without a value. Returns the value of
   --name or NULL; *present tells whether it appeared. Unknown options are a usage error. */
struct cli_opts {
    const char *names[12];
    const char *values[12];
    bool flags[12]; /* takes no value */
    int n;
};
/* Parses argv[1..] against spec "db=,listen=,test-clock" (a trailing '=' takes a value).
   Prints the usage error and returns -1 on anything unknown. */
int cli_parse(const char *cmd, int argc, char **argv, const char *spec, struct cli_opts *o);
const char *cli_opt(const struct cli_opts *o, const char *name);
bool cli_flag(const struct cli_opts *o, const char *name);

/* Prints `osb: <code>: <message>` and returns the exit code for it. */
int cli_fail(const struct osb_err *e);
int cli_usage(const char *cmd, const char *msg);

/* Opens an existing database, migrating it forward, and loads its configuration. */
int cli_open(const char *path, struct db **db, struct config *cfg, struct osb_err *e);
/* Configuration from the settings table. */
int config_load(struct db *db, struct config *cfg, struct osb_err *e);
/* A context acting as `username` (the admin for init/demo, "system" for jobs). */
int cli_ctx(struct ctx *c, struct db *db, const struct config *cfg, const char *username,
            struct osb_err *e);

#endif
