/*
 * test_store_flush.c — a write transaction's flush happens after the writer gate, and before
 * db_commit returns (store/db_sqlite.c, "The commit's flush after the writer gate").
 *
 * The writer connection runs with synchronous=NORMAL and db_commit fdatasyncs the WAL itself
 * once the next writer may begin. Were that flush dropped, an answered request would not
 * survive a power cut; were it back inside the gate, every writer would wait for the disk of
 * the one before it (the eighth pass of bench/README.md measured that). This test replaces
 * fdatasync()/fsync() in its own binary (SQLite's calls and the store's resolve to them first)
 * to count the flushes of the "-wal" file and, during one of them, to begin a write
 * transaction on another thread: it must get through the gate while the flush is still
 * running. With the flush inside COMMIT (the old synchronous=FULL writer) that begin waits for
 * the flush, which waits for it: the probe then reports a closed gate after 5 s.
 *
 * This test links the store (build/san objects of src/), not only the pure layers.
 */
#include "expect.h"

#include "core/err.h"
#include "core/str.h"
#include "store/db.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char path[64], wal[80], shm[80];
static atomic_int wal_flushes;
static atomic_bool probe_armed;
static atomic_int probe_result; /* 0 not run, 1 the gate was free, -1 it was not */

static bool is_wal(int fd)
{
    char link[64], name[512];
    (void)str_fmt(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof name - 1);
    return n >= 4 && memcmp(name + n - 4, "-wal", 4) == 0;
}

static sem_t probe_done;
static pthread_t probe_th;

/* Another thread's write transaction, begun (and rolled back) on its own connection. */
static void *probe_thread(void *arg)
{
    (void)arg;
    struct osb_err e = {0};
    struct db *db = NULL;
    if (db_open(path, false, &db, &e) == 0 && db_begin(db, &e) == 0) {
        sem_post(&probe_done); /* through the gate (its rollback waits for the flush) */
        db_rollback(db);
    }
    db_close(db);
    return NULL;
}

/* The reader probe: during a commit's flush another thread reads the committed row in a read
   transaction (or, with reader_writes, a write transaction that writes nothing) and ends it.
   Its end must wait for the flush: an answer never shows a row a power cut can take away. */
static atomic_bool reader_armed, reader_writes;
static atomic_int reader_saw;    /* rows it counted, -1 on an error */
static atomic_bool reader_ended; /* its commit returned before the flush did */
static pthread_t reader_th;
static sem_t reader_done;

static void *reader_thread(void *arg)
{
    (void)arg;
    struct osb_err e = {0};
    struct db *db = NULL;
    int64_t n = -1;
    bool w = atomic_load(&reader_writes);
    if (db_open(path, false, &db, &e) == 0 && (w ? db_begin(db, &e) : db_begin_read(db, &e)) == 0 &&
        db_int(db, &e, &n, "SELECT count(*) FROM t", NULL) == 1 && db_commit(db, &e) == 0)
        atomic_store(&reader_saw, (int)n);
    else
        atomic_store(&reader_saw, -1);
    db_close(db);
    sem_post(&reader_done);
    return NULL;
}

static void reader_during_flush(void)
{
    if (pthread_create(&reader_th, NULL, reader_thread, NULL) != 0) {
        atomic_store(&reader_saw, -2);
        return;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 400 * 1000 * 1000; /* ample for a read of one row; the flush waits */
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    int rc;
    while ((rc = sem_timedwait(&reader_done, &until)) != 0 && errno == EINTR)
        ;
    atomic_store(&reader_ended, rc == 0);
}

static void flushing(int fd)
{
    if (!is_wal(fd))
        return;
    atomic_fetch_add(&wal_flushes, 1);
    if (atomic_exchange(&reader_armed, false)) {
        reader_during_flush();
        return;
    }
    if (!atomic_exchange(&probe_armed, false))
        return;
    if (pthread_create(&probe_th, NULL, probe_thread, NULL) != 0) {
        atomic_store(&probe_result, -1);
        return;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    int rc;
    while ((rc = sem_timedwait(&probe_done, &until)) != 0 && errno == EINTR)
        ;
    atomic_store(&probe_result, rc == 0 ? 1 : -1);
}

/* The flush named, looked up once in libc, after flushing() has seen it. */
static int pass_on(const char *name, int (**real)(int), int fd)
{
    if (!*real)
        *real = (int (*)(int))dlsym(RTLD_NEXT, name);
    flushing(fd);
    return (*real)(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    return pass_on("fdatasync", &real, fd);
}

int fsync(int fd)
{
    static int (*real)(int);
    return pass_on("fsync", &real, fd);
}

static struct db *fresh_db(const char *tag)
{
    struct osb_err e = {0};
    struct db *db = NULL;
    (void)str_fmt(path, sizeof path, "/tmp/osb-unit-%s-%ld.db", tag, (long)getpid());
    (void)str_fmt(wal, sizeof wal, "%s-wal", path);
    (void)str_fmt(shm, sizeof shm, "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    assert_int_equal(db_open(path, true, &db, &e), 0);
    assert_int_equal(db_script(db, &e, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"), 0);
    return db;
}

static void remove_db(void)
{
    unlink(path);
    unlink(wal);
    unlink(shm);
}

static int insert_one(struct db *db, int i)
{
    struct osb_err e = {0};
    if (db_begin(db, &e) < 0)
        return -1;
    if (db_exec(db, &e, "INSERT INTO t(v) VALUES(?)", "i", (int64_t)i) != 1) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, &e);
}

/* Every write transaction flushes the WAL exactly once, and before db_commit returns. */
static void each_commit_flushes_the_wal_once(void **state)
{
    (void)state;
    struct db *db = fresh_db("flush");
    assert_int_equal(insert_one(db, 0), 0); /* the writer's first commit opens its WAL */
    for (int i = 1; i <= 20; i++) {
        int before = atomic_load(&wal_flushes);
        assert_int_equal(insert_one(db, i), 0);
        assert_int_equal(atomic_load(&wal_flushes) - before, 1);
    }
    /* a read, and a write transaction that wrote nothing, flush nothing */
    struct osb_err e = {0};
    int64_t n = 0;
    int before = atomic_load(&wal_flushes);
    assert_int_equal(db_int(db, &e, &n, "SELECT count(*) FROM t", NULL), 1);
    assert_int_equal(n, 21);
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(db_int(db, &e, &n, "SELECT count(*) FROM t", NULL), 1);
    assert_int_equal(db_commit(db, &e), 0);
    assert_int_equal(atomic_load(&wal_flushes), before);
    db_close(db);
    remove_db();
}

/* While a commit's flush runs, another thread can begin its write transaction. */
static void the_gate_is_free_during_the_flush(void **state)
{
    (void)state;
    sem_init(&probe_done, 0, 0);
    struct db *db = fresh_db("flushgate");
    assert_int_equal(insert_one(db, 0), 0);
    atomic_store(&probe_result, 0);
    atomic_store(&probe_armed, true);
    assert_int_equal(insert_one(db, 1), 0);
    assert_int_equal(pthread_join(probe_th, NULL), 0);
    assert_int_equal(atomic_load(&probe_result), 1);
    db_close(db);
    remove_db();
}

/* A transaction that wrote nothing, ending while a commit's flush runs, ends after the flush;
   it has seen the committed row meanwhile. */
static void reader_waits(bool writes)
{
    sem_init(&reader_done, 0, 0);
    struct db *db = fresh_db(writes ? "flushnoop" : "flushread");
    assert_int_equal(insert_one(db, 0), 0);
    atomic_store(&reader_saw, 0);
    atomic_store(&reader_ended, true);
    atomic_store(&reader_writes, writes);
    atomic_store(&reader_armed, true);
    assert_int_equal(insert_one(db, 1), 0);
    assert_int_equal(pthread_join(reader_th, NULL), 0);
    assert_int_equal(atomic_load(&reader_saw), 2);
    assert_false(atomic_load(&reader_ended)); /* it was still waiting when the flush began */
    sem_destroy(&reader_done);
    db_close(db);
    remove_db();
}

static void a_read_ends_after_the_flush_of_what_it_saw(void **state)
{
    (void)state;
    reader_waits(false);
}

static void a_write_of_nothing_ends_after_the_flush_of_what_it_saw(void **state)
{
    (void)state;
    reader_waits(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_commit_flushes_the_wal_once),
        cmocka_unit_test(the_gate_is_free_during_the_flush),
        cmocka_unit_test(a_write_of_nothing_ends_after_the_flush_of_what_it_saw),
        cmocka_unit_test(a_read_ends_after_the_flush_of_what_it_saw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
