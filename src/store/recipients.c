/*
 * recipients.c (store) — the users notices go to (store/recipients.h).
 */
#include "store/recipients.h"

#include "core/json.h"

static json_t *names(json_t *rows, const char *col)
{
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) json_array_append(out, json_object_get(it, col));
    json_decref(rows);
    return out;
}

json_t *store_role_users(struct db *db, struct osb_err *e, const char *role)
{
    return names(db_rows(db, e,
                         "SELECT username FROM users WHERE role = ? AND active = 1"
                         " ORDER BY username",
                         "s", role),
                 "username");
}

json_t *store_mm_and_finance(struct db *db, struct osb_err *e, const char *market)
{
    return names(db_rows(db, e,
                         "SELECT mm AS u FROM markets WHERE code = ? AND mm IS NOT NULL"
                         " UNION SELECT username AS u FROM users WHERE role = 'finance'"
                         " AND active = 1 ORDER BY 1",
                         "s", market),
                 "u");
}

int store_market_default_csr(struct db *db, struct osb_err *e, const char *market, char **out)
{
    *out = NULL;
    return db_text(db, e, out, "SELECT default_csr FROM markets WHERE code = ?", "s", market) < 0
               ? -1
               : 0;
}

json_t *store_finance_and_bcrs(struct db *db, struct osb_err *e)
{
    return names(db_rows(db, e,
                         "SELECT m.bcr AS u FROM markets m JOIN users u ON u.username = m.bcr"
                         " WHERE u.active = 1 UNION SELECT username AS u FROM users"
                         " WHERE role = 'finance' AND active = 1 ORDER BY 1",
                         ""),
                 "u");
}

json_t *store_customer_users(struct db *db, struct osb_err *e, const char *customer)
{
    return names(db_rows(db, e,
                         "SELECT username FROM users WHERE customer = ? AND active = 1"
                         " ORDER BY username",
                         "s", customer),
                 "username");
}
