/*
 * clock.c — wall clock and the frozen test clock of clock.h.
 */
#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

static atomic_bool test_on;
static _Atomic ts_t test_now;

ts_t clock_wall(void)
{
    struct timespec tv;
    clock_gettime(CLOCK_REALTIME, &tv);
    return (ts_t)tv.tv_sec * TS_PER_SEC + tv.tv_nsec / 1000;
}

ts_t clock_now(void)
{
    return atomic_load(&test_on) ? atomic_load(&test_now) : clock_wall();
}

void clock_set_test(ts_t t)
{
    atomic_store(&test_now, t);
    atomic_store(&test_on, true);
}

bool clock_is_test(void)
{
    return atomic_load(&test_on);
}
