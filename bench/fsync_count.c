/*
 * fsync_count.c — an LD_PRELOAD shim for `make bench`: counts every fsync() and fdatasync()
 * of the process it is loaded into, and the time each took, so the bench can print how many
 * flushes an order costs on each side (the OP server and raw_sqlite) and how long the disk
 * took to flush them in that round.
 *
 *   FSYNC_COUNT_FILE=/path/to/counters LD_PRELOAD=build/bench/fsync_count.so program ...
 *
 * The counters live in the file named by FSYNC_COUNT_FILE (48 bytes, created by the bench
 * filled with zeros), mapped shared: the bench reads them between rounds while the server
 * keeps running (`od -An -t u8`). Six unsigned 64-bit counters, in this order:
 *   WAL flushes, their nanoseconds, database-file flushes (checkpoints), their nanoseconds,
 *   other flushes (directories), their nanoseconds.
 * A flush is classified by the path of its descriptor (/proc/self/fd): a name ending in
 * "-wal" is the WAL, one ending in ".db" the database file. The classification costs one
 * readlink() a flush (microseconds against the flush's milliseconds), the same on both sides.
 * Without FSYNC_COUNT_FILE the shim only passes the calls on.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { K_WAL, K_DB, K_OTHER };

static uint64_t *counters; /* [kind * 2] = count, [kind * 2 + 1] = nanoseconds */
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

__attribute__((constructor)) static void fsync_count_init(void)
{
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    const char *path = getenv("FSYNC_COUNT_FILE");
    if (!path || !*path)
        return;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    void *m = mmap(NULL, 6 * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (m != MAP_FAILED)
        counters = m;
}

static int kind_of(int fd)
{
    char link[64], name[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof name - 1);
    if (n <= 0)
        return K_OTHER;
    name[n] = 0;
    if (n >= 4 && !strcmp(name + n - 4, "-wal"))
        return K_WAL;
    if (n >= 3 && !strcmp(name + n - 3, ".db"))
        return K_DB;
    return K_OTHER;
}

static int counted(int (*fn)(int), int fd)
{
    if (!counters)
        return fn(fd);
    int kind = kind_of(fd);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = fn(fd);
    clock_gettime(CLOCK_MONOTONIC, &b);
    uint64_t ns = (uint64_t)((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
    __atomic_fetch_add(&counters[kind * 2], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&counters[kind * 2 + 1], ns, __ATOMIC_RELAXED);
    return rc;
}

int fsync(int fd)
{
    if (!real_fsync) /* called before the constructor ran */
        real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    return counted(real_fsync, fd);
}

int fdatasync(int fd)
{
    if (!real_fdatasync)
        real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    return counted(real_fdatasync, fd);
}
