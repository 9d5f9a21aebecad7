/*
 * log.c — timestamped lines on stderr, one write per line so threads do not interleave.
 */
#include "core/log.h"

#include "core/clock.h"
#include "core/sb.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int level = 1;

void log_set_level(int l)
{
    level = l;
}

static void vlog(const char *tag, const char *fmt, va_list ap)
{
    struct sb s = SB_INIT;
    char ts[32];
    ts_format_rfc3339(clock_wall(), 480, ts);
    sb_addf(&s, "%s %s ", ts, tag);
    sb_vaddf(&s, fmt, ap);
    sb_addc(&s, '\n');
    ssize_t w = write(2, s.buf, s.len);
    (void)w;
    sb_free(&s);
}

void log_info(const char *fmt, ...)
{
    if (level < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}
