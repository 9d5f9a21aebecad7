/*
 * report.c — the small pure helpers of report definitions (rules/report.h).
 */
#include "rules/report.h"

#include <string.h>

const struct report_column *report_column(const struct report_def *def, const char *key)
{
    for (size_t i = 0; i < def->ncols; i++)
        if (strcmp(def->cols[i].key, key) == 0)
            return &def->cols[i];
    return NULL;
}

int64_t report_bp(int64_t n, int64_t d)
{
    if (d == 0)
        return 0;
    __int128 x = (__int128)n * 10000;
    __int128 q = x / d, r = x % d;
    /* half away from zero */
    __int128 r2 = r < 0 ? -r : r, d2 = d < 0 ? -(__int128)d : d;
    if (2 * r2 >= d2)
        q += ((x < 0) != (d < 0)) ? -1 : 1;
    return (int64_t)q;
}
