/*
 * test_store_fdoc_backfill.c — the field documents' typed columns (#13) of rows an older osb
 * wrote. A SQLite database is built as the osb before that migration left it (schema_migrate_to
 * the version before the migration adding the columns), field documents are written the old way
 * (the JSON data only), and the migration of a newer osb then fills the columns from the data in
 * C (store_fdoc_backfill, schema_after_migration): the test reads the columns and the reports and
 * the job that select on them (salesperson counts by visit date and kind, the monthly plan's
 * targets by period, the quotations past their validity). Without the backfill the columns stay
 * NULL and every check below fails.
 *
 * This test links the store (build/san objects of src/), not only the pure layers.
 */
#include "expect.h"

#include "core/err.h"
#include "core/json.h"
#include "core/str.h"
#include "rules/perm.h"
#include "store/db.h"
#include "store/fdoc.h"
#include "store/report.h"
#include "store/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];
static struct db *db;

/* The rows an older osb wrote: the document in data, no typed columns yet. */
static const struct {
    const char *number, *type, *state, *data;
} old_rows[] = {
    {"BF-OLD-1", "visits", "submitted", "{\"visited_at\":\"2031-03-09\",\"kind\":\"new\"}"},
    {"BF-OLD-2", "visits", "submitted", "{\"visited_at\":\"2031-03-20\",\"kind\":\"revisit\"}"},
    {"BF-OLD-3", "visits", "submitted", "{\"visited_at\":\"2031-02-27\",\"kind\":\"new\"}"},
    {"JH-OLD-1", "plans", "submitted",
     "{\"level\":\"kam\",\"period_type\":\"month\",\"period\":\"2031-04\","
     "\"target_sales_fen\":100000000,\"target_collection_fen\":90000000}"},
    {"YC-OLD-1", "forecasts", "submitted",
     "{\"level\":\"customer\",\"base_month\":\"2031-03\",\"total_fen\":25000}"},
    {"BJ-OLD-1", "quotations", "issued", "{\"total_fen\":10000,\"valid_until\":\"2031-03-31\"}"},
    {"BJ-OLD-2", "quotations", "issued", "{\"total_fen\":\"x\",\"valid_until\":\"2031-12-31\"}"},
};

static int setup(void **state)
{
    (void)state;
    struct osb_err e = {0};
    (void)str_fmt(path, sizeof path, "/tmp/osb-unit-backfill-%ld.db", (long)getpid());
    unlink(path);
    int before = schema_migration_with("ALTER TABLE field_docs ADD COLUMN visited_at TEXT;");
    if (before < 2 || db_open(path, true, &db, &e) < 0 || schema_migrate_to(db, &e, before - 1) < 0)
        return fprintf(stderr, "setup: %s\n", e.message), -1;
    if (db_begin(db, &e) < 0 ||
        db_exec(db, &e,
                "INSERT INTO users(username, name, password_hash, role, department, market,"
                " region, created_at, updated_at) VALUES('kam_old', 'KAM', 'x', 'kam', 'sales',"
                " 'S', 'GZ', 0, 0)",
                NULL) < 0)
        return fprintf(stderr, "setup: %s\n", e.message), -1;
    for (size_t i = 0; i < ROWS(old_rows); i++)
        if (db_exec(db, &e,
                    "INSERT INTO field_docs(number, type, market, region, kam, owner, state, data,"
                    " created_at, updated_at) VALUES(?, ?, 'S', 'GZ', 'kam_old', 'kam_old', ?, ?,"
                    " 0, 0)",
                    "ssss", old_rows[i].number, old_rows[i].type, old_rows[i].state,
                    old_rows[i].data) < 0)
            return fprintf(stderr, "setup: %s\n", e.message), -1;
    if (db_commit(db, &e) < 0 || schema_migrate(db, &e) < 0)
        return fprintf(stderr, "setup: %s\n", e.message), -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    char side[80];
    unlink(path);
    (void)str_fmt(side, sizeof side, "%s-wal", path);
    unlink(side);
    (void)str_fmt(side, sizeof side, "%s-shm", path);
    unlink(side);
    return 0;
}

/* Every old row's columns as its data says, joined by '|' in the order level, period_type,
   period, base_month, visited_at, kind, target_sales_fen, target_collection_fen, total_fen,
   valid_until ("" for NULL; a total that is not an integer stays NULL). */
static void test_columns_filled(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *number, *cols;
    } want[] = {
        {"BF-OLD-1", "||||2031-03-09|new||||"},
        {"BF-OLD-2", "||||2031-03-20|revisit||||"},
        {"JH-OLD-1", "kam|month|2031-04||||100000000|90000000||"},
        {"YC-OLD-1", "customer|||2031-03|||||25000|"},
        {"BJ-OLD-1", "||||||||10000|2031-03-31"},
        {"BJ-OLD-2", "|||||||||2031-12-31"},
    };
    struct osb_err e = {0};
    for (size_t i = 0; i < ROWS(want); i++) {
        char *got = NULL;
        int rc = db_text(db, &e, &got,
                         "SELECT coalesce(level, '') || '|' || coalesce(period_type, '') || '|' ||"
                         " coalesce(period, '') || '|' || coalesce(base_month, '') || '|' ||"
                         " coalesce(visited_at, '') || '|' || coalesce(kind, '') || '|' ||"
                         " coalesce(CAST(target_sales_fen AS TEXT), '') || '|' ||"
                         " coalesce(CAST(target_collection_fen AS TEXT), '') || '|' ||"
                         " coalesce(CAST(total_fen AS TEXT), '') || '|' ||"
                         " coalesce(valid_until, '') FROM field_docs WHERE number = ?",
                         "s", want[i].number);
        expect(&bad, rc == 1 && got && strcmp(got, want[i].cols) == 0, "%s: columns %s, want %s",
               want[i].number, got ? got : e.message, want[i].cols);
        free(got);
    }
    assert_int_equal(bad, 0);
}

static json_t *row_of(json_t *rows, const char *who)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *s = jstr(r, "salesperson");
        if (s && strcmp(s, who) == 0)
            return r;
    }
    return NULL;
}

/* The reports and the job select the old rows by their columns. */
static void test_reports_read_them(void **state)
{
    (void)state;
    struct osb_err e = {0};
    const struct scope_user admin = {ROLE_ADMIN, "admin", NULL, NULL, NULL, NULL};
    struct report_params p = {.u = &admin, .tz_min = 480};
    (void)str_copy(p.from, sizeof p.from, "2031-03-01");
    (void)str_copy(p.to, sizeof p.to, "2031-03-31");
    (void)str_copy(p.as_of, sizeof p.as_of, "2031-03-31");
    p.from_ts = 0;
    p.to_ts = INT64_MAX;
    int bad = 0;
    /* salesperson counts: visits by visited_at in March (2 of 3), new ones by kind (1) */
    json_t *rows = store_report_salesperson(db, &e, &p);
    json_t *r = rows ? row_of(rows, "kam_old") : NULL;
    expect(&bad, r != NULL, "salesperson report has kam_old (%s)", e.message);
    if (r) {
        expect(&bad, jint(r, "visits_done") == 2, "visits_done %lld, want 2",
               (long long)jint(r, "visits_done"));
        expect(&bad, jint(r, "new_customer_visits") == 1, "new_customer_visits %lld, want 1",
               (long long)jint(r, "new_customer_visits"));
    }
    json_decref(rows);
    /* the monthly work plan of April: the kam plan's targets, by level, period_type, period */
    (void)str_copy(p.from, sizeof p.from, "2031-04-01");
    (void)str_copy(p.to, sizeof p.to, "2031-04-30");
    rows = store_report_monthly_plan(db, &e, &p);
    r = rows ? row_of(rows, "kam_old") : NULL;
    expect(&bad, r != NULL, "monthly plan has kam_old (%s)", e.message);
    if (r)
        expect(&bad, jint(r, "target_sales_fen") == 100000000, "target_sales_fen %lld",
               (long long)jint(r, "target_sales_fen"));
    json_decref(rows);
    /* the expiry job: issued quotations whose valid_until passed */
    rows = store_fdoc_quotations_past(db, &e, "2031-04-01");
    expect(&bad,
           rows && json_array_size(rows) == 1 &&
               !strcmp(json_string_value(json_array_get(rows, 0)), "BJ-OLD-1"),
           "quotations past validity: %zu (want BJ-OLD-1 only)", rows ? json_array_size(rows) : 0);
    json_decref(rows);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_filled),
        cmocka_unit_test(test_reports_read_them),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
