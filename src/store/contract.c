/*
 * contract.c (store) — the contract aggregate's SQL (store/contract.h).
 */
#include "store/contract.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

int store_contract_load(struct db *db, struct osb_err *e, const char *number, struct contract *k)
{
    memset(k, 0, sizeof *k);
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT number, customer, kind, value_fen, payment_term_days, valid_from,"
                    " valid_to, deviations, major, needs_slt, signing_mode, signed_at,"
                    " signed_by, archived_at, state, version, created_at, created_by,"
                    " updated_at, quotation, submitted_at, original_received,"
                    " deviations_confirmed, archive_binder, bound_at, closed_at"
                    " FROM contracts WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(k->number, sizeof k->number, jstr(r, "number"));
    copy(k->customer, sizeof k->customer, jstr(r, "customer"));
    copy(k->kind, sizeof k->kind, jstr(r, "kind"));
    copy(k->state, sizeof k->state, jstr(r, "state"));
    k->value_fen = jint(r, "value_fen");
    json_t *term = json_object_get(r, "payment_term_days");
    k->has_term = json_is_integer(term);
    k->payment_term_days = (int)json_integer_value(term);
    copy(k->valid_from, sizeof k->valid_from, jstr(r, "valid_from"));
    copy(k->valid_to, sizeof k->valid_to, jstr(r, "valid_to"));
    k->deviations = jstr(r, "deviations") ? strdup(jstr(r, "deviations")) : NULL;
    k->major = jint(r, "major") != 0;
    k->needs_slt = jint(r, "needs_slt") != 0;
    copy(k->signing_mode, sizeof k->signing_mode, jstr(r, "signing_mode"));
    k->signed_at = jint(r, "signed_at");
    copy(k->signed_by, sizeof k->signed_by, jstr(r, "signed_by"));
    k->archived_at = jint(r, "archived_at");
    k->version = jint(r, "version");
    k->created_at = jint(r, "created_at");
    copy(k->created_by, sizeof k->created_by, jstr(r, "created_by"));
    k->updated_at = jint(r, "updated_at");
    copy(k->quotation, sizeof k->quotation, jstr(r, "quotation"));
    k->submitted_at = jint(r, "submitted_at");
    k->original_received = jint(r, "original_received") != 0;
    k->deviations_confirmed = jint(r, "deviations_confirmed") != 0;
    copy(k->archive_binder, sizeof k->archive_binder, jstr(r, "archive_binder"));
    k->bound_at = jint(r, "bound_at");
    k->closed_at = jint(r, "closed_at");
    json_decref(r);

    struct dbq *q = db_query(db, e,
                             "SELECT level, approver, at FROM contract_approvals"
                             " WHERE contract = ? ORDER BY at, level",
                             "s", number);
    if (!q)
        return -1;
    int st;
    while ((st = dbq_next(q, e)) == 1 && k->napprovals < CONTRACT_MAX_APPROVALS) {
        struct contract_approval *a = &k->approvals[k->napprovals++];
        copy(a->level, sizeof a->level, dbq_text(q, 0));
        copy(a->approver, sizeof a->approver, dbq_text(q, 1));
        a->at = dbq_int(q, 2);
    }
    dbq_end(q);
    k->approvals_saved = k->napprovals;
    return st < 0 ? -1 : 1;
}

void store_contract_release(struct contract *k)
{
    free(k->deviations);
    k->deviations = NULL;
}

int store_contract_insert(struct db *db, struct osb_err *e, const struct contract *k)
{
    return db_exec(db, e,
                   "INSERT INTO contracts(number, customer, kind, value_fen, payment_term_days,"
                   " valid_from, valid_to, deviations, major, needs_slt, created_at, created_by,"
                   " updated_at, quotation) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   "sssiisssbbisis", k->number, k->customer, k->kind, k->value_fen,
                   (int64_t)k->payment_term_days, k->valid_from[0] ? k->valid_from : NULL,
                   k->valid_to[0] ? k->valid_to : NULL, k->deviations, k->major, k->needs_slt,
                   k->created_at, k->created_by, k->created_at,
                   k->quotation[0] ? k->quotation : NULL) < 0
               ? -1
               : 0;
}

int store_contract_save(struct db *db, struct osb_err *e, struct contract *k, const char *state,
                        int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE contracts SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    if (k->signed_changed) {
        sb_add(&sql, ", signing_mode = ?, signed_at = ?, signed_by = ?,"
                     " deviations_confirmed = ?");
        json_array_append_new(p, json_string(k->signing_mode));
        json_array_append_new(p, json_integer(k->signed_at));
        json_array_append_new(p, json_string(k->signed_by));
        json_array_append_new(p, json_boolean(k->deviations_confirmed));
    }
    if (k->archived_changed) {
        sb_add(&sql, ", archived_at = ?, original_received = ?");
        json_array_append_new(p, json_integer(k->archived_at));
        json_array_append_new(p, json_boolean(k->original_received));
    }
    if (k->submitted_changed) {
        sb_add(&sql, ", submitted_at = ?");
        json_array_append_new(p, json_integer(k->submitted_at));
    }
    if (k->bound_changed) {
        sb_add(&sql, ", archive_binder = ?, bound_at = ?");
        json_array_append_new(p, json_string(k->archive_binder));
        json_array_append_new(p, json_integer(k->bound_at));
    }
    if (k->closed_changed) {
        sb_add(&sql, ", closed_at = ?");
        json_array_append_new(p, json_integer(k->closed_at));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(k->number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (rc >= 0 && k->approvals_cleared)
        rc = db_exec(db, e, "DELETE FROM contract_approvals WHERE contract = ?", "s", k->number);
    k->approvals_cleared = false;
    for (; rc >= 0 && k->approvals_saved < k->napprovals; k->approvals_saved++) {
        const struct contract_approval *a = &k->approvals[k->approvals_saved];
        rc = db_exec(db, e,
                     "INSERT INTO contract_approvals(contract, level, approver, at)"
                     " VALUES(?,?,?,?)",
                     "sssi", k->number, a->level, a->approver, a->at);
    }
    if (rc < 0)
        return -1;
    str_field(k->state, sizeof k->state, state, "state");
    k->version++;
    k->updated_at = now;
    k->signed_changed = k->archived_changed = k->submitted_changed = false;
    k->bound_changed = k->closed_changed = false;
    return 0;
}

int store_contract_next_binder(struct db *db, struct osb_err *e, const char *month, char *out)
{
    char pat[16];
    (void)str_fmt(pat, sizeof pat, "%.7s-%%", month);
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM contracts WHERE archive_binder LIKE ?", "s", pat) <
        0)
        return -1;
    return str_fmt(out, 24, "%.7s-%03lld", month, (long long)(n + 1)) < 0
               ? err_set(e, ERR_INTERNAL, "binder number too long")
               : 0;
}

json_t *store_contract_orders(struct db *db, struct osb_err *e, const char *number)
{
    json_t *rows =
        db_rows(db, e, "SELECT number FROM orders WHERE contract = ? ORDER BY id", "s", number);
    if (!rows)
        return NULL;
    json_t *nums = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) json_array_append(nums, json_object_get(it, "number"));
    json_decref(rows);
    return nums;
}

int store_contract_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                        const struct contract_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT k.number FROM contracts k JOIN customers cu ON cu.code = k.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, p, "cu");
    store_filter_eq(&sql, p, "k.customer", f->customer);
    store_filter_in(&sql, p, "k.state", f->state);
    store_filter_eq(&sql, p, "k.kind", f->kind);
    if (f->expiring_by) {
        sb_add(&sql, " AND k.valid_to >= ? AND k.valid_to <= ? AND k.state IN ('signed',"
                     " 'archived')");
        json_array_append_new(p, json_string(f->today));
        json_array_append_new(p, json_string(f->expiring_by));
    }
    store_filter_q(&sql, p, f->q, "k.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, p, "k.number", f->cursor, f->limit, numbers, next);
}
