/*
 * settings.h — the settings table (numbering-and-rules.md §9) and the calendar rows.
 */
#ifndef OSB_SETTINGS_H
#define OSB_SETTINGS_H

#include "core/calendar.h"
#include "store/db.h"

/* The value of key, or dflt when unset; malloc'ed. */
char *settings_get(struct db *db, const char *key, const char *dflt);
int settings_set(struct db *db, struct osb_err *e, const char *key, const char *value,
                 const char *by, int64_t now);
/* Fills c (defaults, then every calendar row); c->days is malloc'ed, free with cal_release. */
int settings_calendar(struct db *db, struct osb_err *e, struct calendar *c, int tz_min);
void settings_calendar_release(struct calendar *c);

#endif
