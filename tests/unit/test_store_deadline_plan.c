/*
 * test_store_deadline_plan.c — the deadline job's candidate queries read through indexes, not
 * through a temporary b-tree whose size follows the documents (issue #15). The every-minute
 * job's order-stay rules used to read every stay of the 21-day lookback, done or not, into a
 * UNION's temporary b-tree each run: in a soak of 80,000 orders that b-tree was the server's
 * largest allocation (bench/README.md "Memory over a long run"). Each order-stay rule's plan
 * (SQLite EXPLAIN QUERY PLAN, on a migrated database: without ANALYZE the plan does not depend
 * on the rows) must read its done stays from the exit events' index by their instant and
 * build no temporary b-tree; every rule's query must plan at all.
 *
 * This test links the store (build/san objects of src/), not only the pure layers.
 */
#include "expect.h"

#include "core/err.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/db.h"
#include "store/deadline.h"
#include "store/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];
static struct db *db;

static int setup(void **state)
{
    (void)state;
    struct osb_err e = {0};
    (void)str_fmt(path, sizeof path, "/tmp/osb-unit-dlplan-%ld.db", (long)getpid());
    unlink(path);
    if (db_open(path, true, &db, &e) < 0 || schema_migrate(db, &e) < 0)
        return fprintf(stderr, "setup: %s\n", e.message), -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    unlink(path);
    return 0;
}

/* The order-stay rules (store/deadline.c ORDER_STAYS). */
static const char *const order_rules[] = {"oa_30min", "check_same_day", "ma_same_day",
                                          "bg_print_same_day", "bg_release_same_day"};

static bool is_order_rule(const char *rule)
{
    for (size_t i = 0; i < ROWS(order_rules); i++)
        if (strcmp(order_rules[i], rule) == 0)
            return true;
    return false;
}

/* The plan's detail lines joined by " | " (a new string). */
static char *plan_text(json_t *rows)
{
    struct sb out = SB_INIT;
    size_t k;
    json_t *r;
    json_array_foreach(rows, k, r)
    {
        sb_addf(&out, "%s%s", k ? " | " : "", jstr(r, "detail") ? jstr(r, "detail") : "");
    }
    char *text = strdup(sb_str(&out));
    sb_free(&out);
    return text;
}

static void test_order_stays_use_indexes_and_no_temp_btree(void **state)
{
    (void)state;
    struct osb_err e = {0};
    /* 2031-03-10 12:00 +08:00; a previous run a minute before, a settled mark an hour before */
    int64_t now = 1962590400LL * 1000000;
    struct deadline_when w = {now, now - 21LL * 86400 * 1000000, now - 3600LL * 1000000,
                              now - 60LL * 1000000, now - 1800LL * 1000000};
    struct deadline_rule minutes = {DL_WORKING_MINUTES, 30, 0}, day = {DL_SAME_WORKING_DAY, 0, 0};
    int bad = 0, order_seen = 0;
    const char *rule;
    for (size_t i = 0; (rule = store_deadline_rule_code(i)) != NULL; i++) {
        json_t *rows = store_deadline_candidates_plan(
            db, &e, rule, strcmp(rule, "oa_30min") == 0 ? &minutes : &day, &w, 480);
        expect(&bad, rows && json_array_size(rows) > 0, "%s: no plan (%s)", rule, e.message);
        if (!rows)
            continue;
        char *text = plan_text(rows);
        if (getenv("PLAN_PRINT"))
            printf("%s: %s\n", rule, text);
        if (is_order_rule(rule)) {
            order_seen++;
            expect(&bad, strstr(text, "TEMP B-TREE") == NULL, "%s builds a temporary b-tree: %s",
                   rule, text);
            expect(&bad,
                   strstr(text, "USING INDEX order_events_from_state (from_state=? AND at>?)") !=
                       NULL,
                   "%s: the done stays are not read from their exits' index range: %s", rule, text);
            expect(&bad, strstr(text, "SCAN") == NULL || strstr(text, "SCAN CONSTANT") != NULL,
                   "%s scans a table: %s", rule, text);
        }
        free(text);
        json_decref(rows);
    }
    expect(&bad, order_seen == (int)ROWS(order_rules), "order-stay rules planned: %d of %zu",
           order_seen, ROWS(order_rules));
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_stays_use_indexes_and_no_temp_btree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
