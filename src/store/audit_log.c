/*
 * audit_log.c (store) — the audit log reader's SQL (store/audit_log.h).
 */
#include "store/audit_log.h"

#include "core/sb.h"
#include "store/doc.h"

#include <stdlib.h>

json_t *store_audit_page(struct db *db, struct osb_err *e, const struct audit_filter *f)
{
    /* Oldest first by default; newest first with desc (the cursor then counts down). */
    static const char *const cols =
        "SELECT seq, at, actor, on_behalf_of, ip, request_id, action, object_type, object_key,"
        " before AS \"before!j\", after AS \"after!j\", prev_hash, hash FROM audit"
        " WHERE at >= ? AND at < ? AND (? IS NULL OR object_type = ?)"
        " AND (? IS NULL OR object_key = ?) AND (? IS NULL OR actor = ?)"
        " AND (? IS NULL OR action = ?)"
        " AND (? IS NULL OR lower(object_key) LIKE lower(?) ESCAPE '\\'"
        " OR lower(actor) LIKE lower(?) ESCAPE '\\' OR lower(object_type) LIKE lower(?)"
        " ESCAPE '\\' OR lower(action) LIKE lower(?) ESCAPE '\\')";
    char *pat = store_like_pat(f->q);
    struct sb sql = SB_INIT;
    if (f->desc)
        sb_addf(&sql, "%s AND (? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?", cols);
    else
        sb_addf(&sql, "%s AND (? = 0 OR seq > ?) ORDER BY seq LIMIT ?", cols);
    json_t *items =
        db_rows(db, e, sql.buf, "iisssssssssssssiid", f->from, f->to, f->object_type,
                f->object_type, f->object_key, f->object_key, f->actor, f->actor, f->action,
                f->action, pat, pat, pat, pat, pat, f->after_seq, f->after_seq, f->limit + 1);
    sb_free(&sql);
    free(pat);
    return items;
}
