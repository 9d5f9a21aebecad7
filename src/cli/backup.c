/*
 * backup.c — `osb backup`: SQLite's online backup, safe while the server writes.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <unistd.h>

int cmd_backup(int argc, char **argv)
{
    struct cli_opts o;
    if (cli_parse("backup", argc, argv, "db=,to=", &o) < 0)
        return EXIT_USAGE;
    const char *to = cli_opt(&o, "to");
    if (!cli_opt(&o, "db") || !to)
        return cli_usage("backup", "--db PATH and --to FILE are required");
    struct osb_err e = OSB_ERR_INIT;
    if (access(to, F_OK) == 0) {
        err_set(&e, ERR_DUPLICATE, "%s already exists; choose a new file", to);
        return cli_fail(&e);
    }
    struct db *db;
    struct config cfg;
    if (cli_open(cli_opt(&o, "db"), &db, &cfg, &e) < 0)
        return cli_fail(&e);
    int rc = db_backup(db, to, &e);
    db_close(db);
    if (rc < 0) {
        unlink(to);
        return cli_fail(&e);
    }
    printf("backed up %s to %s\n", cli_opt(&o, "db"), to);
    return 0;
}
