/*
 * record.h — field descriptors for master-data records, and the shape check of a JSON body
 * against them (types, lengths, codes, enums, unknown fields). No I/O: whether a reference
 * exists is asked by the flow through the store.
 *
 * One struct record_def per collection lists its fields once; the store builds its SQL from
 * the same list, and the HTTP answer is the row read back. A field's JSON name is its column.
 */
#ifndef OSB_RECORD_H
#define OSB_RECORD_H

#include "core/err.h"

#include <jansson.h>
#include <stdint.h>

enum field_kind {
    FK_CODE, /* [A-Za-z0-9._-]{1,32} */
    FK_TEXT, /* text(max) single line */
    FK_LONG, /* text(max) with newlines */
    FK_INT,  /* integer in [min, max] */
    FK_FEN,  /* money, integer fen in [min, MONEY_MAX_FEN] */
    FK_BOOL,
    FK_DATE,   /* YYYY-MM-DD */
    FK_PERIOD, /* YYYY-MM */
    FK_ENUM,   /* one of enums[] */
    FK_PHONE,
    FK_TAX_ID,
    FK_JSON,    /* a JSON array or object kept as text (contacts, sources) */
    FK_REF,     /* a code/username of another collection (ref names the table) */
    FK_PASSWORD /* write-only, never stored as given */
};

enum {
    F_REQUIRED = 1 << 0, /* required at create */
    F_KEY = 1 << 1,      /* the business key: create only, immutable */
    F_FIXED = 1 << 2,    /* set at create, not editable by PATCH */
    F_ADMIN = 1 << 3,    /* only admin may change it by PATCH */
    F_HIDDEN = 1 << 4,   /* never returned */
    F_INTERNAL = 1 << 5, /* not accepted from clients at all (computed) */
};

struct field_def {
    const char *name;
    enum field_kind kind;
    int64_t min, max; /* FK_INT / FK_FEN bounds; FK_TEXT max characters */
    unsigned flags;
    const char *ref;          /* FK_REF: collection table name */
    const char *const *enums; /* FK_ENUM: NULL-terminated */
    const char *range_rule;   /* 422 rule when out of range, e.g. "term_out_of_range" */
};

struct record_def {
    const char *table;  /* SQL table */
    const char *key;    /* key column / JSON name */
    const char *object; /* audit object type, e.g. "customer" */
    const struct field_def *fields;
    size_t nfields;
};

const struct field_def *record_field(const struct record_def *d, const char *name);

/*
 * Checks body against d. create = true for POST (required fields, key), false for PATCH (only
 * editable fields; null clears an optional field). On success *clean is a new object holding
 * the accepted fields with normalised values (bools as true/false, JSON fields as text).
 * Errors: 400 bad_request (not an object, unknown field, wrong type, fraction in money),
 * 422 validation_failed (required, too_long, invalid_code, invalid_date, ...).
 */
int record_check(const struct record_def *d, json_t *body, bool create, json_t **clean,
                 struct osb_err *e);

#endif
