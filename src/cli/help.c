/*
 * help.c — the one table of subcommands and `osb help`.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

const struct cli_cmd cli_commands[] = {
    {"init", cmd_init, "create a new database with the schema and an admin user",
     "usage: osb init --db PATH [--admin-password P] [--prefix SC]\n"
     "  Creates PATH with the schema and an 'admin' user. The password comes from\n"
     "  --admin-password, else OSB_ADMIN_PASSWORD, else it is prompted for.\n"
     "  --prefix sets the document-number prefix (1-4 capital letters, default SC).\n"},
    {"serve", cmd_serve, "serve the API under /api/v1 and the web UI under /",
     "usage: osb serve --db PATH [--listen 127.0.0.1:8080] [--threads N] [--web DIR]\n"
     "                 [--test-clock] [--test-clock-start INSTANT]\n"
     "                 [--max-connections N] [--max-per-address N] [--request-deadline S]\n"
     "                 [--trusted-proxies ADDR,ADDR]\n"
     "                 [--heavy-workers N] [--heavy-per-user N] [--heavy-pending N]\n"
     "                 [--heavy-queue N]\n"
     "  Limits: N open connections in all (default 4000), N from one address (200), S\n"
     "  seconds to send a whole request (30); X-Forwarded-For is believed only from the\n"
     "  --trusted-proxies addresses (also OSB_MAX_CONNECTIONS, OSB_MAX_PER_ADDRESS,\n"
     "  OSB_REQUEST_DEADLINE, OSB_TRUSTED_PROXIES).\n"
     "  Heavy work (reports, exports, PDF/XLSX files, imports) runs on N pool threads\n"
     "  (default 4), at most N of one user at once (2); a user with N waiting or running\n"
     "  (16), or a server with N (256), gets 429 (also OSB_HEAVY_WORKERS,\n"
     "  OSB_HEAVY_PER_USER, OSB_HEAVY_PENDING, OSB_HEAVY_QUEUE).\n"
     "  --test-clock enables PUT /api/v1/test/clock (never on by default); the clock\n"
     "  starts at the wall clock, or at INSTANT (RFC 3339) given --test-clock-start.\n"
     "  Background jobs run at start and every minute; POST /api/v1/jobs/run runs them\n"
     "  at once. Under a test clock the timed jobs run only through POST /jobs/run.\n"},
    {"demo", cmd_demo, "fill a database with a demo company",
     "usage: osb demo --db PATH [--bare] [--as-of INSTANT]\n"
     "  Adds 8 markets, regions, one user per role (password 'demo123'), customers,\n"
     "  products, warehouses, stock, quotas, a holiday calendar and some history: orders\n"
     "  in several states, a delivered shipment, its invoice and a payment. --bare leaves\n"
     "  the history out (the test suites start from master data only). --as-of makes\n"
     "  the demo as of INSTANT (RFC 3339) instead of now.\n"},
    {"backup", cmd_backup, "consistent online backup while the server runs",
     "usage: osb backup --db PATH --to FILE\n"
     "  Copies the database with SQLite's online backup API; FILE must not exist.\n"},
    {"check", cmd_check, "verify every invariant (schema, keys, audit chain, stock, ledger)",
     "usage: osb check --db PATH\n"
     "  Exit 0 when every invariant holds; 1 with one line per problem otherwise.\n"},
    {"help", cmd_help, "show this list", "usage: osb help [COMMAND]\n"},
};
const int cli_ncommands = (int)(sizeof cli_commands / sizeof cli_commands[0]);

int cmd_help(int argc, char **argv)
{
    if (argc >= 2) {
        for (int i = 0; i < cli_ncommands; i++)
            if (strcmp(cli_commands[i].name, argv[1]) == 0) {
                fputs(cli_commands[i].usage, stdout);
                return 0;
            }
        fprintf(stderr, "osb: usage: unknown command '%s'\n", argv[1]);
        return EXIT_USAGE;
    }
    printf(
        "osb — order, shipment and billing (订货—发运—结算)\n\nusage: osb <command> [options]\n\n");
    for (int i = 0; i < cli_ncommands; i++)
        printf("  %-8s %s\n", cli_commands[i].name, cli_commands[i].summary);
    printf("\n'osb <command> --help' describes one command.\n");
    return 0;
}
