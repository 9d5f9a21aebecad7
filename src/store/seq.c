/*
 * seq.c — daily document sequences (numbering-and-rules.md §1).
 */
#include "store/seq.h"

int seq_next_docno(struct db *db, struct osb_err *e, const char *prefix, date_t day,
                   const char *type, char *out)
{
    char ds[11];
    date_format(day, ds);
    int64_t n = 0;
    int rc = db_int(db, e, &n,
                    "INSERT INTO doc_seq(prefix, day, type, last_seq) VALUES(?, ?, ?, 1)"
                    " ON CONFLICT(prefix, day, type) DO UPDATE SET last_seq = doc_seq.last_seq + 1"
                    " RETURNING last_seq",
                    "sss", prefix, ds, type);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, "internal error: no sequence row for a %s document", type);
    /* The number has at most five digits (numbering-and-rules.md §1, the pinned regex): the
       100,000th document of a type in one day cannot be numbered. It is a rule the request
       breaks, not a bug: the caller rolls back, so the sequence is not consumed. */
    if (!docno_format(out, prefix, day, type, n))
        return err_invalid(e, "number", "daily_sequence_exhausted",
                           "%s: the 99,999 numbers of %s documents for %s are all used; the "
                           "number has at most five digits, so no more can be made today",
                           type, type, ds);
    return 0;
}
