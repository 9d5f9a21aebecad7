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
/* The database's version (0 for an empty file). */
int schema_version(struct db *db, struct osb_err *e, int64_t *out);

#endif
