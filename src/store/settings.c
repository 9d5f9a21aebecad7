/*
 * settings.c — key/value settings and the working calendar rows.
 */
#include "store/settings.h"

#include "core/sb.h"
#include "core/str.h"

#include <stdlib.h>
#include <string.h>

char *settings_get(struct db *db, const char *key, const char *dflt)
{
    struct osb_err e = OSB_ERR_INIT;
    char *v = NULL;
    if (db_text(db, &e, &v, "SELECT value FROM settings WHERE key = ?", "s", key) != 1 || !v) {
        free(v);
        err_clear(&e);
        return dflt ? xstrdup(dflt) : NULL;
    }
    return v;
}

int settings_int(struct db *db, const char *key, int dflt, int max)
{
    if (!key)
        return dflt;
    char *v = settings_get(db, key, NULL);
    int n = dflt;
    if (v && !str_to_int(v, 0, max, &n))
        n = dflt;
    free(v);
    return n;
}

bool settings_bool(struct db *db, const char *key)
{
    char *v = settings_get(db, key, "false");
    bool b = v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
    free(v);
    return b;
}

int settings_row(struct db *db, struct osb_err *e, const char *key, json_t **row)
{
    *row = NULL;
    return db_row(db, e, row, "SELECT value, changed_by, changed_at FROM settings WHERE key = ?",
                  "s", key);
}

int settings_set(struct db *db, struct osb_err *e, const char *key, const char *value,
                 const char *by, int64_t now)
{
    return db_exec(db, e,
                   "INSERT INTO settings(key, value, changed_by, changed_at) VALUES(?,?,?,?)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                   " changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                   "sssi", key, value, by, now) < 0
               ? -1
               : 0;
}

int settings_calendar(struct db *db, struct osb_err *e, struct calendar *c, int tz_min)
{
    cal_default(c);
    c->tz_min = tz_min;
    struct dbq *q = db_query(db, e, "SELECT date, working FROM calendar_days ORDER BY date", NULL);
    if (!q)
        return -1;
    size_t cap = 0, n = 0;
    struct cal_day *days = NULL;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        date_t d;
        if (!date_parse(dbq_text(q, 0), &d))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            days = xrealloc(days, cap * sizeof *days);
        }
        days[n].date = d;
        days[n].working = dbq_int(q, 1) != 0;
        n++;
    }
    dbq_end(q);
    if (rc < 0) {
        free(days);
        return -1;
    }
    c->days = days;
    c->n = n;
    return 0;
}

void settings_calendar_release(struct calendar *c)
{
    free((void *)c->days);
    c->days = NULL;
    c->n = 0;
}
