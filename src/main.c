/*
 * main.c — the `osb` binary: finds the subcommand in the one table (cli/help.c) and runs it.
 */
#include "cli/cli.h"
#include "core/json_pool.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    json_pool_install(); /* before any jansson value exists */
    if (sodium_init() < 0) {
        fprintf(stderr, "osb: internal: libsodium failed to initialise\n");
        return 1;
    }
    if (argc < 2) {
        /* A usage error like any other: the list of commands, then the one error line. */
        cmd_help(argc, argv);
        fprintf(stderr, "osb: usage: a command is required (see 'osb help')\n");
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h"))
        name = "help";
    for (int i = 0; i < cli_ncommands; i++) {
        if (strcmp(cli_commands[i].name, name) == 0) {
            for (int k = 2; k < argc; k++) {
                if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
                    fputs(cli_commands[i].usage, stdout);
                    return 0;
                }
            }
            return cli_commands[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "osb: usage: unknown command '%s' (see 'osb help')\n", name);
    return EXIT_USAGE;
}
