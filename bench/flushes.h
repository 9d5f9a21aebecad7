/*
 * flushes.h — the flush counters of bench/fsync_count.c, read by op_load and raw_sqlite at
 * the start and the end of their timed part (`--flushes FILE`), so the flushes a side paid
 * per order leave out its logins, set-up and close. Prints one line
 *   "<who> flushes: WAL n ns, db n ns, other n ns"
 * of the differences (n flushes, ns their total time), which scripts/bench.sh reads.
 */
#ifndef BENCH_FLUSHES_H
#define BENCH_FLUSHES_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void flushes_read(const char *path, uint64_t v[6])
{
    memset(v, 0, 6 * sizeof v[0]);
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return;
    if (fread(v, sizeof v[0], 6, f) != 6)
        memset(v, 0, 6 * sizeof v[0]);
    fclose(f);
}

static void flushes_print(const char *who, const char *path, const uint64_t a[6])
{
    if (!path)
        return;
    uint64_t b[6];
    flushes_read(path, b);
    printf("%s flushes: WAL %llu %llu, db %llu %llu, other %llu %llu\n", who,
           (unsigned long long)(b[0] - a[0]), (unsigned long long)(b[1] - a[1]),
           (unsigned long long)(b[2] - a[2]), (unsigned long long)(b[3] - a[3]),
           (unsigned long long)(b[4] - a[4]), (unsigned long long)(b[5] - a[5]));
}

#endif
