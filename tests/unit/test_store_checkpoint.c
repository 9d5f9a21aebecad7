/*
 * test_store_checkpoint.c — the WAL is checkpointed after the writer gate (store/db_sqlite.c).
 *
 * The writer connection does not checkpoint inside its COMMIT any more: a commit that finds the
 * WAL over 1,000 pages leaves the checkpoint to the committing thread once the gate is free.
 * Were that checkpoint lost, the WAL would grow with every write transaction; were it never
 * done in time, a reader would not see the rows in the database file after a checkpoint. The
 * test writes ~12,000 pages in 300 write transactions and holds the WAL file below 2,000 pages
 * (a checkpoint lets the next writer start the WAL over), then reads every row back on another
 * connection.
 *
 * This test links the store (build/san objects of src/), not only the pure layers.
 */
#include "expect.h"

#include "core/err.h"
#include "core/str.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[64], wal[80];

static long long wal_pages(void)
{
    struct stat st;
    return stat(wal, &st) == 0 ? (long long)st.st_size / 4096 : -1;
}

static void wal_stays_bounded_and_rows_are_kept(void **state)
{
    (void)state;
    struct osb_err e = {0};
    struct db *db = NULL;
    (void)str_fmt(path, sizeof path, "/tmp/osb-unit-ckpt-%ld.db", (long)getpid());
    (void)str_fmt(wal, sizeof wal, "%s-wal", path);
    unlink(path);
    unlink(wal);
    assert_int_equal(db_open(path, true, &db, &e), 0);
    assert_int_equal(db_script(db, &e, "CREATE TABLE t(id INTEGER PRIMARY KEY, pad TEXT)"), 0);
    long long most = 0;
    for (int tx = 0; tx < 300; tx++) {
        assert_int_equal(db_begin(db, &e), 0);
        /* ~40 pages a transaction: 40 rows of 3,000 bytes */
        for (int i = 0; i < 40; i++)
            assert_int_equal(db_exec(db, &e, "INSERT INTO t(pad) VALUES(randomblob(1500))", NULL),
                             1);
        assert_int_equal(db_commit(db, &e), 0);
        long long p = wal_pages();
        if (p > most)
            most = p;
    }
    assert_true(most > 1000); /* the WAL did reach the checkpoint's size */
    assert_true(most < 2000); /* and was checkpointed: it never grew past it */
    db_close(db);

    struct db *r = NULL;
    int64_t n = 0;
    assert_int_equal(db_open(path, false, &r, &e), 0);
    assert_int_equal(db_int(r, &e, &n, "SELECT count(*) FROM t", NULL), 1);
    assert_int_equal(n, 300 * 40);
    db_close(r);
    unlink(path);
    unlink(wal);
    (void)str_fmt(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wal_stays_bounded_and_rows_are_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
