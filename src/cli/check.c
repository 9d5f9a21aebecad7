/*
 * check.c — `osb check`: every invariant the store promises, one line per problem.
 *   schema   the database is at this binary's schema version
 *   keys     SQLite's integrity and foreign-key checks
 *   audit    the hash chain is unbroken and no row was altered
 *   stock    each lot's on_hand and reserved equal the sums of its moves
 */
#include "cli/cli.h"

#include "store/audit.h"
#include "store/schema.h"

#include <stdio.h>
#include <string.h>

static int problems;

static void report(const char *area, const char *fmt, const char *a, long long n)
{
    fprintf(stdout, "FAIL %s: ", area);
    fprintf(stdout, fmt, a, n);
    fputc('\n', stdout);
    problems++;
}

static void audit_bad(int64_t seq, const char *why, void *arg)
{
    (void)arg;
    printf("FAIL audit: row seq=%lld: %s\n", (long long)seq, why);
    problems++;
}

static int check_stock(struct db *db, struct osb_err *e)
{
    struct dbq *q = db_query(
        db, e,
        "SELECT l.warehouse || '/' || l.sku || '/' || l.batch, l.on_hand, l.reserved,"
        " coalesce(sum(CASE WHEN m.kind IN ('receipt','return_in','adjust_in','transfer_in')"
        "   THEN m.qty WHEN m.kind IN ('ship','adjust_out','transfer_out') THEN -m.qty"
        "   ELSE 0 END), 0),"
        " coalesce(sum(CASE WHEN m.kind = 'reserve' THEN m.qty WHEN m.kind IN ('unreserve',"
        "   'ship') THEN -m.qty ELSE 0 END), 0)"
        " FROM stock_lots l LEFT JOIN stock_moves m ON m.warehouse = l.warehouse"
        "   AND m.sku = l.sku AND m.batch = l.batch GROUP BY l.id",
        NULL);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        if (dbq_int(q, 1) != dbq_int(q, 3)) {
            printf("FAIL stock: lot %s: on_hand %lld but its moves sum to %lld\n",
                   dbq_text(q, 0), (long long)dbq_int(q, 1), (long long)dbq_int(q, 3));
            problems++;
        }
        if (dbq_int(q, 2) != dbq_int(q, 4)) {
            printf("FAIL stock: lot %s: reserved %lld but its moves sum to %lld\n",
                   dbq_text(q, 0), (long long)dbq_int(q, 2), (long long)dbq_int(q, 4));
            problems++;
        }
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

int cmd_check(int argc, char **argv)
{
    struct cli_opts o;
    if (cli_parse("check", argc, argv, "db=", &o) < 0)
        return EXIT_USAGE;
    struct osb_err e = OSB_ERR_INIT;
    struct db *db;
    struct config cfg;
    if (cli_open(cli_opt(&o, "db"), &db, &cfg, &e) < 0)
        return cli_fail(&e);
    problems = 0;
    int64_t v = 0;
    if (schema_version(db, &e, &v) < 0)
        goto fail;
    if (v != schema_latest())
        report("schema", "version %s%lld is not this binary's", "", (long long)v);
    json_t *ic = db_rows(db, &e, "PRAGMA quick_check", NULL);
    if (!ic)
        goto fail;
    size_t i;
    json_t *row;
    json_array_foreach(ic, i, row) {
        const char *msg = json_string_value(json_object_get(row, "quick_check"));
        if (msg && strcmp(msg, "ok") != 0)
            report("keys", "integrity: %s%lld", msg, 0);
    }
    json_decref(ic);
    json_t *fk = db_rows(db, &e, "PRAGMA foreign_key_check", NULL);
    if (!fk)
        goto fail;
    json_array_foreach(fk, i, row) {
        printf("FAIL keys: %s row %lld refers to a missing %s\n",
               json_string_value(json_object_get(row, "table")),
               (long long)json_integer_value(json_object_get(row, "rowid")),
               json_string_value(json_object_get(row, "parent")));
        problems++;
    }
    json_decref(fk);
    if (audit_verify(db, &e, audit_bad, NULL) < 0 || check_stock(db, &e) < 0)
        goto fail;
    db_close(db);
    if (problems) {
        printf("%d problem(s) found\n", problems);
        return EXIT_RULE;
    }
    printf("ok: schema %lld, keys, audit chain, stock\n", (long long)v);
    return 0;
fail:
    db_close(db);
    return cli_fail(&e);
}
