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
 * The second case writes from two threads at once, as the server's two bench clients do: the
 * checkpoint after the gate then always finds the other thread's newer pages, so the WAL is
 * never wholly copied by it, and only the next writer's catch-up (before its BEGIN) lets the
 * WAL start over. Without the catch-up the WAL grows with every transaction (the test was run
 * that way and fails: it reached the whole 12,000 pages).
 *
 * This test links the store (build/san objects of src/), not only the pure layers.
 */
#include "expect.h"

#include "core/err.h"
#include "core/str.h"
#include "store/db.h"

#include <pthread.h>
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

/* A new database file named after tag, with the table t the tests fill. */
static struct db *fresh_db(const char *tag)
{
    struct osb_err e = {0};
    struct db *db = NULL;
    (void)str_fmt(path, sizeof path, "/tmp/osb-unit-%s-%ld.db", tag, (long)getpid());
    (void)str_fmt(wal, sizeof wal, "%s-wal", path);
    unlink(path);
    unlink(wal);
    assert_int_equal(db_open(path, true, &db, &e), 0);
    assert_int_equal(db_script(db, &e, "CREATE TABLE t(id INTEGER PRIMARY KEY, pad TEXT)"), 0);
    return db;
}

static void remove_db(void)
{
    unlink(path);
    unlink(wal);
    (void)str_fmt(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
}

static void wal_stays_bounded_and_rows_are_kept(void **state)
{
    (void)state;
    struct osb_err e = {0};
    struct db *db = fresh_db("ckpt");
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
    remove_db();
}

static long long most_seen;
static pthread_mutex_t most_mu = PTHREAD_MUTEX_INITIALIZER;

/* 150 write transactions of ~40 pages on a connection of the thread's own. */
static void *writer_thread(void *arg)
{
    (void)arg;
    struct osb_err e = {0};
    struct db *db = NULL;
    if (db_open(path, false, &db, &e) < 0)
        return (void *)1;
    for (int tx = 0; tx < 150; tx++) {
        if (db_begin(db, &e) < 0)
            return (void *)1;
        for (int i = 0; i < 40; i++)
            if (db_exec(db, &e, "INSERT INTO t(pad) VALUES(randomblob(1500))", NULL) != 1)
                return (void *)1;
        if (db_commit(db, &e) < 0)
            return (void *)1;
        long long p = wal_pages();
        pthread_mutex_lock(&most_mu);
        if (p > most_seen)
            most_seen = p;
        pthread_mutex_unlock(&most_mu);
    }
    db_close(db);
    return NULL;
}

static void wal_starts_over_with_two_writers(void **state)
{
    (void)state;
    struct osb_err e = {0};
    struct db *db = fresh_db("ckpt2");
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, writer_thread, NULL), 0);
    for (int i = 0; i < 2; i++) {
        void *rc = NULL;
        assert_int_equal(pthread_join(th[i], &rc), 0);
        assert_null(rc);
    }
    assert_true(most_seen > 1000); /* the WAL did reach the checkpoint's size */
    assert_true(most_seen < 3000); /* and started over: 12,000 pages were written */
    int64_t n = 0;
    assert_int_equal(db_int(db, &e, &n, "SELECT count(*) FROM t", NULL), 1);
    assert_int_equal(n, 2 * 150 * 40);
    db_close(db);
    remove_db();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wal_stays_bounded_and_rows_are_kept),
        cmocka_unit_test(wal_starts_over_with_two_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
