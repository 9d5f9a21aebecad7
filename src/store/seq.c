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
    if (rc == 0 || !docno_format(out, prefix, day, type, n))
        return err_set(e, ERR_INTERNAL, "internal error: cannot number a %s document", type);
    return 0;
}
