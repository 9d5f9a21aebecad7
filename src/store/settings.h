/*
 * settings.h — the settings table (numbering-and-rules.md §9) and the calendar rows.
 */
#ifndef OSB_SETTINGS_H
#define OSB_SETTINGS_H

#include "core/calendar.h"
#include "store/db.h"

#include <stdbool.h>

/* The value of key, or dflt when unset; malloc'ed. */
char *settings_get(struct db *db, const char *key, const char *dflt);
/* The largest integer PUT /settings accepts (flow/settings.c); readers cap at most at this. */
#define SETTINGS_INT_MAX 100000

/* An integer setting: the value of key when it is a whole number in [0, max], else dflt (unset,
   empty, junk or out of range all mean "the default"). Each caller names its own cap: the
   one parser of numeric settings (issue #9 had three copies with caps of 100000 and 1000000). */
int settings_int(struct db *db, const char *key, int dflt, int max);
/* A boolean setting: true for "true" or "1", false otherwise or when unset. */
bool settings_bool(struct db *db, const char *key);
/* The stored row of key as {value, changed_by, changed_at (µs)}: 1 found (*row owned by the
   caller), 0 unset, -1 error. */
int settings_row(struct db *db, struct osb_err *e, const char *key, json_t **row);
int settings_set(struct db *db, struct osb_err *e, const char *key, const char *value,
                 const char *by, int64_t now);
/* Fills c (defaults, then every calendar row); c->days is malloc'ed, free with cal_release. */
int settings_calendar(struct db *db, struct osb_err *e, struct calendar *c, int tz_min);
void settings_calendar_release(struct calendar *c);

#endif
