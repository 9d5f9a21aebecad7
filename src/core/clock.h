/*
 * clock.h — the one source of "now" for every rule (numbering-and-rules.md §2.1).
 * With the test clock enabled (osb serve --test-clock) "now" is frozen at the set instant.
 * Rules never call this: flows read it once per request and pass it down.
 */
#ifndef OSB_CLOCK_H
#define OSB_CLOCK_H

#include "core/date.h"

ts_t clock_now(void);
/* Turns the test clock on and freezes it at t. */
void clock_set_test(ts_t t);
bool clock_is_test(void);
/* Wall time, never the test clock (for logs and rate limits of the real world). */
ts_t clock_wall(void);

#endif
