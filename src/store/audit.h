/*
 * audit.h — the append-only, hash-chained audit log (numbering-and-rules.md §6).
 *
 * Each row's hash = SHA-256(prev_hash ‖ canonical JSON of the row's other fields), hex; the
 * first row's prev_hash is 64 zeros. audit_append() and audit_seal() are the only writers
 * (audit.c says how PostgreSQL's writers avoid reading the chain); audit_verify()
 * recomputes the chain for `osb check`.
 */
#ifndef OSB_AUDIT_H
#define OSB_AUDIT_H

#include "store/db.h"

#include <jansson.h>

struct audit_entry {
    int64_t at;
    const char *actor;
    const char *on_behalf_of;
    const char *ip;
    const char *request_id;
    const char *action;
    const char *object_type;
    const char *object_key;
    json_t *before; /* borrowed; may be NULL */
    json_t *after;  /* borrowed; may be NULL */
};

/* Writes one entry in the current transaction. SQLite: linked into the chain at once.
   PostgreSQL: written to audit_pending and sealed by audit_seal() after the commit: by the
   sealer thread when audit_sealer_start() started one in this process (the caller does not
   wait for it), else right after the commit. */
int audit_append(struct db *db, struct osb_err *e, const struct audit_entry *a);

/* Links every pending entry into the chain, in short transactions of its own (call it outside
   a transaction): after PostgreSQL commits that wrote entries (see audit_append), at `osb serve`
   start and first in `osb check`. Returns the number of entries sealed, or -1. */
int audit_seal(struct db *db, struct osb_err *e);

/* Seals what is pending, if anything (one cheap look when nothing is), so that a reader that
   begins its transaction afterwards sees every entry committed before the call chained.
   Outside a transaction. (On SQLite only entries another process left can be pending.) 0, or
   -1 with e set. */
int audit_settle(struct db *db, struct osb_err *e);

/* `osb serve` on PostgreSQL: a thread with its own connection to db_path seals after every
   commit that wrote entries (in batches) and looks every second for entries another process
   left. On SQLite nothing is started. audit_sealer_stop() seals what is left and ends it. */
int audit_sealer_start(const char *db_path, struct osb_err *e);
void audit_sealer_stop(void);

/* Calls bad(seq, why, arg) for every row whose hash or link is wrong, and unsealed(id, arg)
   (when not NULL) for every entry still waiting in audit_pending; returns the number of both,
   or -1 on a database error. */
int audit_verify(struct db *db, struct osb_err *e,
                 void (*bad)(int64_t seq, const char *why, void *arg),
                 void (*unsealed)(int64_t id, void *arg), void *arg);

/* The entries of one object, oldest first: [{seq, at (µs), actor, on_behalf_of, action,
   before, after}] with before/after parsed; NULL with e set. */
json_t *audit_history(struct db *db, struct osb_err *e, const char *object_type,
                      const char *object_key);

#endif
