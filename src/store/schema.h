/*
 * schema.h — the SQL schema as forward-only numbered migrations (schema_version).
 */
#ifndef OSB_SCHEMA_H
#define OSB_SCHEMA_H

#include "store/db.h"

/* The version this binary writes. */
int schema_latest(void);
/* Applies every migration above the database's version, each in its own transaction. */
int schema_migrate(struct db *db, struct osb_err *e);
/* The same up to version target only (tests build a database as an older osb left it). */
int schema_migrate_to(struct db *db, struct osb_err *e, int target);
/* The version of the first migration whose SQL contains phrase, 0 when none does. */
int schema_migration_with(const char *phrase);
/* The database's version (0 for an empty file). */
int schema_version(struct db *db, struct osb_err *e, int64_t *out);

#endif
